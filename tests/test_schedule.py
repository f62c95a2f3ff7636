"""Nightly scheduling: generated systemd units pass systemd-analyze; the crontab line round-trips."""

import os
import shutil
import stat
import subprocess

import pytest
from conftest import NIANBAO, ROOT

from crawler import schedule


def run_cli(*args, env):
    return subprocess.run([*NIANBAO, *args], capture_output=True, text=True, cwd=env["WORKDIR"], env=env)


@pytest.fixture
def env(tmp_path):
    (tmp_path / "agencies.yaml").write_text("- name: 某某市公安局\n  site: https://www.a.gov.cn/\n", encoding="utf-8")
    fake = tmp_path / "bin"
    fake.mkdir()
    crontab = fake / "crontab"  # a stand-in crontab that keeps the table in a file
    crontab.write_text(f"#!/bin/sh\nif [ \"$1\" = -l ]; then cat {tmp_path}/crontab.txt 2>/dev/null || exit 1; "
                       f"else cat > {tmp_path}/crontab.txt; fi\n")
    crontab.chmod(crontab.stat().st_mode | stat.S_IEXEC)
    for tool in ("systemctl",):  # never touch the real user manager in tests
        (fake / tool).write_text("#!/bin/sh\nexit 0\n")
        (fake / tool).chmod(0o755)
    return os.environ | {"XDG_CONFIG_HOME": str(tmp_path / "config"), "PATH": f"{fake}:{os.environ['PATH']}",
                         "WORKDIR": str(tmp_path), "PYTHONPATH": str(ROOT)}


def test_systemd_units_are_written_persistent_and_randomised_and_verify(env, tmp_path):
    done = run_cli("schedule", "install", "--systemd", "--at", "03:15", "--db", "n.db", env=env)
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "config" / "systemd" / "user"
    timer = (folder / "nianbao-crawl.timer").read_text()
    service = (folder / "nianbao-crawl.service").read_text()
    assert "OnCalendar=*-*-* 03:15:00" in timer and "Persistent=true" in timer and "RandomizedDelaySec=" in timer
    assert f"--agencies {tmp_path / 'agencies.yaml'}" in service and f"--db {tmp_path / 'n.db'}" in service
    if shutil.which("systemd-analyze"):
        exe = service.split("ExecStart=")[1].split()[0]
        if not os.path.exists(exe):  # verify needs the program to exist
            pytest.fail(f"ExecStart points at a missing program: {exe}")
        check = subprocess.run(["systemd-analyze", "verify", str(folder / "nianbao-crawl.service"),
                                str(folder / "nianbao-crawl.timer")], capture_output=True, text=True)
        problems = [line for line in check.stderr.splitlines() if "nianbao-crawl" in line]
        assert check.returncode == 0 and not problems, check.stderr
    shown = run_cli("schedule", "show", env=env)
    assert "Persistent=true" in shown.stdout
    assert "removed" in run_cli("schedule", "uninstall", env=env).stdout
    assert not (folder / "nianbao-crawl.timer").exists()


def test_cron_line_is_installed_once_and_removed(env, tmp_path):
    (tmp_path / "crontab.txt").write_text("0 1 * * * backup\n")
    for _ in range(2):
        assert run_cli("schedule", "install", "--cron", "--at", "2:05", "--db", "n.db", env=env).returncode == 0
    lines = (tmp_path / "crontab.txt").read_text().splitlines()
    ours = [line for line in lines if schedule.CRON_MARK in line]
    assert len(ours) == 1 and ours[0].startswith("5 2 * * * ") and "crawl --agencies" in ours[0]
    assert "0 1 * * * backup" in lines
    run_cli("schedule", "uninstall", env=env)
    assert (tmp_path / "crontab.txt").read_text().splitlines() == ["0 1 * * * backup"]


@pytest.mark.parametrize("at", ["25:00", "2pm", "12:60"])
def test_bad_times_are_refused(at):
    with pytest.raises(schedule.ScheduleError):
        schedule.parse_time(at)
