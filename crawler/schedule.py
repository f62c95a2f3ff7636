"""Nightly crawls: a systemd user timer (Persistent, so a missed night runs at boot) or a
crontab line, for the current user, pointing at the configured archive and registry."""

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

UNIT = "nianbao-crawl"
CRON_MARK = "# nianbao-crawl"


class ScheduleError(Exception):
    pass


def crawl_command(registry: Path, db: Path) -> list[str]:
    """The absolute command the scheduler runs: this installation's nianbao, these files."""
    exe = shutil.which("nianbao") or str(Path(sys.executable).with_name("nianbao"))
    return [exe, "crawl", "--agencies", str(registry.resolve()), "--db", str(db.resolve())]


def parse_time(at: str) -> tuple[int, int]:
    try:
        hour, minute = (int(part) for part in at.split(":"))
    except ValueError:
        raise ScheduleError(f"--at wants HH:MM, not {at!r}") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ScheduleError(f"--at wants a time of day, not {at!r}")
    return hour, minute


# --- systemd -----------------------------------------------------------------------------


def systemd_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def systemd_units(command: list[str], at: str, workdir: Path) -> dict[str, str]:
    hour, minute = parse_time(at)
    service = f"""[Unit]
Description=nianbao nightly crawl of government information-disclosure annual reports
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory={workdir}
ExecStart={shlex.join(command)}
Nice=10
"""
    timer = f"""[Unit]
Description=Run the nianbao crawl every night

[Timer]
OnCalendar=*-*-* {hour:02d}:{minute:02d}:00
Persistent=true
RandomizedDelaySec=15min

[Install]
WantedBy=timers.target
"""
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def install_systemd(command: list[str], at: str, workdir: Path, activate: bool = True) -> list[Path]:
    folder = systemd_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in systemd_units(command, at, workdir).items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    if activate and shutil.which("systemctl"):
        for args in (["daemon-reload"], ["enable", "--now", f"{UNIT}.timer"]):
            subprocess.run(["systemctl", "--user", *args], capture_output=True, check=False)
    return written


def uninstall_systemd() -> list[Path]:
    folder = systemd_dir()
    removed = [folder / f"{UNIT}.{kind}" for kind in ("timer", "service") if (folder / f"{UNIT}.{kind}").exists()]
    if removed and shutil.which("systemctl"):
        subprocess.run(["systemctl", "--user", "disable", "--now", f"{UNIT}.timer"], capture_output=True, check=False)
    for path in removed:
        path.unlink()
    return removed


# --- cron --------------------------------------------------------------------------------


def cron_line(command: list[str], at: str, workdir: Path, log: Path) -> str:
    hour, minute = parse_time(at)
    return (f"{minute} {hour} * * * cd {shlex.quote(str(workdir))} && {shlex.join(command)} "
            f">> {shlex.quote(str(log))} 2>&1 {CRON_MARK}")


def read_crontab() -> list[str]:
    if not shutil.which("crontab"):
        raise ScheduleError("no crontab command on this machine (install cron, or use --systemd)")
    done = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    return done.stdout.splitlines() if done.returncode == 0 else []


def write_crontab(lines: list[str]) -> None:
    subprocess.run(["crontab", "-"], input="\n".join(lines) + "\n", text=True, check=True)


def install_cron(line: str) -> None:
    write_crontab([entry for entry in read_crontab() if CRON_MARK not in entry] + [line])


def uninstall_cron() -> bool:
    lines = read_crontab()
    kept = [entry for entry in lines if CRON_MARK not in entry]
    if kept != lines:
        write_crontab(kept)
    return kept != lines


def installed() -> dict[str, str]:
    """What is installed now: unit files and/or the crontab line."""
    found = {str(p): p.read_text(encoding="utf-8") for p in sorted(systemd_dir().glob(f"{UNIT}.*"))}
    if shutil.which("crontab") and (lines := [line for line in read_crontab() if CRON_MARK in line]):
        found["crontab"] = "\n".join(lines)
    return found
