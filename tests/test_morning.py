"""The morning summary on a real archive: quiet agencies, blocked hosts, failing reports, webhook."""

import json
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

from conftest import NIANBAO, ROOT, SEEDS

from archive import morning
from archive.db import open_db
from archive.store import Fetched, Run


def crawl_run(db, documents, blocked=(), status="done"):
    run = Run(db, "crawl")
    for url, path in documents:
        run.record(Fetched(url, path.read_bytes(), status=200))
    run.finish(status)
    db["runs"].update(run.id, {"blocked_hosts": json.dumps(dict.fromkeys(blocked, "HTTP 412"))})
    return run.id


def archive_with_history(tmp_path):
    db = open_db(tmp_path / "a.db")
    seed = {n: next(SEEDS.glob(f"{n:03d}_*.txt")) for n in range(4)}
    crawl_run(db, [("https://a/1", seed[1]), ("https://a/3", seed[3])], blocked=["www.hubei.gov.cn"])
    with db.atomic():  # that crawl was two days ago
        old = (datetime.now(UTC) - timedelta(days=2)).isoformat(timespec="seconds")
        db.execute("update runs set started_at = ?, ended_at = ?", [old, old])
        db.execute("update reports set first_seen = ?", [old])
    crawl_run(db, [("https://a/1", seed[1]), ("https://a/0", seed[0])], blocked=["www.hubei.gov.cn", "x.gov.cn"],
              status="failed")
    return db


def test_alerts_name_quiet_agencies_blocked_hosts_failing_reports_and_errored_runs(tmp_path):
    db = archive_with_history(tmp_path)
    report = morning.morning_report(db, morning.parse_since("1d"))
    alerts = report["alerts"]
    assert alerts["agencies_gone_quiet"] == ["卫辉市公安局"]
    assert alerts["hosts_blocked_for_nights"] == {"www.hubei.gov.cn": 2}
    assert [(r["agency"], r["failed_checks"]) for r in alerts["reports_failing_checks"]] == [("桐乡市公安局", "I2,I3")]
    assert alerts["runs_with_errors"] == [2] and len(report["runs"]) == 1
    text = morning.as_text(report)
    assert "卫辉市公安局: reports before, none in this crawl" in text and "blocked 2 crawls" in text


def test_cli_report_prints_json_and_posts_to_a_webhook(tmp_path):
    archive_with_history(tmp_path)
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = subprocess.run([*NIANBAO, "report", "--since", "1d", "--format", "json", "--db", str(tmp_path / "a.db"),
                               "--webhook", f"http://127.0.0.1:{server.server_port}/hook",
                               "--mail-command", f"cat > {tmp_path / 'mail.txt'}"],
                              capture_output=True, text=True, cwd=ROOT)
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["alerts"]["agencies_gone_quiet"] == ["卫辉市公安局"]
    assert received and received[0]["alerts"]["hosts_blocked_for_nights"] == {"www.hubei.gov.cn": 2}
    assert "alerts:" in (tmp_path / "mail.txt").read_text()


def test_bad_since_is_a_clear_error(tmp_path):
    open_db(tmp_path / "a.db")
    done = subprocess.run([*NIANBAO, "report", "--since", "yesterday", "--db", str(tmp_path / "a.db")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode != 0 and "12h, 1d or 2w" in done.stderr and "Traceback" not in done.stderr
