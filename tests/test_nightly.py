"""Nights that run themselves: a crawl killed with -9 resumes; workers share one frontier in Redis."""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from collections import Counter

import pytest
from conftest import NIANBAO, ROOT, free_port
from test_crawl import current_reports, path_of

DEMO_SEED = 3  # the `web` fixture (conftest) draws this module's demo web with it


def expected_reports(web) -> dict:
    return {(e["agency"], e["year"]): e["cells"] for e in web.expected()}


def archived(db) -> dict:
    return {key: report["cells"] for key, report in current_reports(db).items()}


def document_gets(web, requests) -> Counter:
    documents = {path_of(u) for e in web.expected() for u in e["urls"]}
    return Counter(path for _host, method, path, status, _h in requests
                   if method == "GET" and status == 200 and path in documents)


def documents_archived(db) -> int:
    try:
        return sqlite3.connect(db).execute("select count(*) from documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_crawl_killed_mid_way_resumes_without_fetching_finished_documents_again(web, tmp_path):
    registry, db = tmp_path / "agencies.yaml", tmp_path / "night.db"
    web.write_registry(registry)
    before = len(web.requests())
    # Polite settings (delays on) make the crawl slow enough to kill part-way.
    crawl = subprocess.Popen([*NIANBAO, "crawl", "--agencies", str(registry), "--db", str(db), "--allow-local"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while documents_archived(db) < 12 and time.time() < deadline and crawl.poll() is None:
        time.sleep(0.1)
    assert crawl.poll() is None, "the crawl finished before it could be killed"
    os.kill(crawl.pid, signal.SIGKILL)
    crawl.wait()
    killed_at = documents_archived(db)
    assert 0 < killed_at < len(web.expected())
    first = web.requests()[before:]

    done = subprocess.run([*NIANBAO, "crawl", "--agencies", str(registry), "--db", str(db), "--allow-local", "--fast"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    second = web.requests()[before + len(first):]

    assert archived(db) == expected_reports(web)  # identical to what an uninterrupted crawl archives
    fetched_before = document_gets(web, first)
    refetched = {path for path in document_gets(web, second) if path in fetched_before}
    archived_urls = {path_of(r[0]) for r in sqlite3.connect(db).execute(
        "select url from fetches where run_id = (select min(id) from runs where kind = 'crawl')")}
    assert not (refetched & archived_urls), f"finished documents fetched again: {refetched & archived_urls}"
    runs = sqlite3.connect(db).execute("select status, note, resumed from runs order by id").fetchall()
    assert runs[0][0] == "interrupted" and "resumes run 1" in runs[1][1] and runs[1][2] > 0


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (scripts/setup --test installs it)")
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


def test_two_workers_and_one_writer_archive_every_report_exactly_once(web, tmp_path, redis_url):
    registry, db = tmp_path / "agencies.yaml", tmp_path / "shared.db"
    web.write_registry(registry)
    before = len(web.requests())
    writer = subprocess.Popen([*NIANBAO, "archive-writer", "--db", str(db), "--redis", redis_url, "--idle-exit", "8"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)  # the writer starts the night's generation before workers push requests
    # A small delay per host keeps the shared queue from being drained by whichever worker starts first.
    workers = [subprocess.Popen([*NIANBAO, "crawl", "--agencies", str(registry), "--redis", redis_url, "--allow-local",
                                 "--fast", "--delay", "0.3"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
               for _ in range(2)]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert all(w.returncode == 0 for w in workers), [o[1][-1500:] for o in outputs]
    writer_out, writer_err = writer.communicate(timeout=120)
    assert writer.returncode == 0, writer_err[-2000:]

    assert archived(db) == expected_reports(web)
    gets = document_gets(web, web.requests()[before:])
    assert gets and max(gets.values()) == 1, [p for p, n in gets.items() if n > 1]
    sent = [int(o[0].split("requests, ")[1].split(" documents")[0]) for o in outputs]
    assert all(n > 0 for n in sent), f"one worker did nothing: {sent}"


@pytest.mark.parametrize(
    ("registry", "extra", "message"),
    [
        ("- name: A\n  site: https://a.gov.cn/\n  homepage: x\n", [], "unknown key(s) homepage"),
        (None, [], "cannot read the agency registry"),
        ("- name: A\n  site: https://a.gov.cn/\n", ["--redis", "redis://127.0.0.1:1/0"], "cannot reach Redis"),
    ],
)
def test_bad_registry_or_unreachable_redis_is_one_clear_line(tmp_path, registry, extra, message):
    path = tmp_path / "agencies.yaml"
    if registry is not None:
        path.write_text(registry, encoding="utf-8")
    done = subprocess.run([*NIANBAO, "crawl", "--agencies", str(path), "--db", str(tmp_path / "x.db"), *extra],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode != 0 and message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.db").exists()
