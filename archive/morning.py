"""The morning summary: what the night's crawls found, and what needs a person's look.

Alerts: a site that yielded reports before and yields none now; a host blocked several
nights running; a report whose checks fail; a run that errored.
"""

import json
import re
import subprocess
import urllib.request
from datetime import UTC, datetime, timedelta

BLOCKED_NIGHTS = 2


def parse_since(since: str) -> datetime:
    m = re.fullmatch(r"(\d+)\s*([hdw])", since.strip())
    if not m:
        raise ValueError(f"--since wants a span like 12h, 1d or 2w, not {since!r}")
    hours = int(m[1]) * {"h": 1, "d": 24, "w": 168}[m[2]]
    return datetime.now(UTC) - timedelta(hours=hours)


def morning_report(db, since: datetime) -> dict:
    cutoff = since.isoformat(timespec="seconds")
    runs = list(db.query("select * from runs where started_at >= ? order by id", [cutoff]))
    return {
        "since": cutoff,
        "runs": [{k: r.get(k) for k in ("id", "kind", "status", "started_at", "ended_at", "documents", "reports_new",
                                         "reports_changed", "reports_unchanged", "vanished", "errors")} for r in runs],
        "alerts": {
            "runs_with_errors": [r["id"] for r in runs if r["status"] != "done" or (r.get("errors") or 0) > 0],
            "agencies_gone_quiet": agencies_gone_quiet(db, runs),
            "hosts_blocked_for_nights": hosts_blocked(db),
            "reports_failing_checks": failing_reports(db, cutoff),
        },
    }


def agencies_gone_quiet(db, runs: list[dict]) -> list[str]:
    """Agencies whose documents came in earlier crawls but in none of these."""
    crawl_ids = [r["id"] for r in runs if r["kind"] == "crawl"]
    if not crawl_ids:
        return []
    marks = ",".join("?" * len(crawl_ids))
    by_run = ("select distinct reports.agency from fetches join reports on reports.document_sha256 = fetches.sha256 "
              "where reports.agency is not null and fetches.run_id {} ({})")
    now = {r["agency"] for r in db.query(by_run.format("in", marks), crawl_ids)}
    before = {r["agency"] for r in db.query(by_run.format("not in", marks) + " and fetches.run_id in "
                                            "(select id from runs where kind = 'crawl')", crawl_ids)}
    return sorted(before - now)


def hosts_blocked(db, nights: int = BLOCKED_NIGHTS) -> dict[str, int]:
    """Hosts blocked in each of the last `nights` crawls or more: how many crawls in a row."""
    streak: dict[str, int] = {}
    for n, run in enumerate(db.query("select blocked_hosts from runs where kind = 'crawl' order by id desc")):
        blocked = set(json.loads(run["blocked_hosts"] or "{}"))
        if n == 0:
            streak = dict.fromkeys(blocked, 1)
            continue
        still = {h for h in streak if h in blocked and streak[h] == n}
        if not still:
            break
        for host in still:
            streak[host] += 1
    return {h: c for h, c in streak.items() if c >= nights}


def failing_reports(db, cutoff: str) -> list[dict]:
    return list(db.query(
        "select id, agency, year, failed_checks, source_url from reports where status = 'current' "
        "and failed_checks != '' and first_seen >= ? order by agency, year", [cutoff]))


def as_text(report: dict) -> str:
    alerts = report["alerts"]
    lines = [f"nianbao since {report['since']}: {len(report['runs'])} run(s)"]
    for run in report["runs"]:
        lines.append(f"  run {run['id']} {run['kind']} {run['status']}: {run['documents'] or 0} documents, "
                     f"{run['reports_new'] or 0} new, {run['reports_changed'] or 0} changed, "
                     f"{run['vanished'] or 0} vanished, {run['errors'] or 0} errors")
    lines.append(f"alerts: {sum(len(v) for v in alerts.values())}")
    for run_id in alerts["runs_with_errors"]:
        lines.append(f"  run {run_id} errored")
    for agency in alerts["agencies_gone_quiet"]:
        lines.append(f"  {agency}: reports before, none in this crawl")
    for host, nights in alerts["hosts_blocked_for_nights"].items():
        lines.append(f"  {host}: blocked {nights} crawls in a row")
    for r in alerts["reports_failing_checks"]:
        lines.append(f"  {r['agency']} {r['year']}: checks {r['failed_checks']} fail ({r['source_url']})")
    return "\n".join(lines)


def send_webhook(url: str, report: dict, timeout: float = 20) -> int:
    body = json.dumps(report, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the user's own URL
        return response.status


def send_mail(command: str, text: str) -> None:
    """Pipe the text into the user's mail command (e.g. `mail -s "nianbao" me@example.org`)."""
    subprocess.run(command, shell=True, input=text, text=True, check=True, timeout=60)  # noqa: S602 - user config
