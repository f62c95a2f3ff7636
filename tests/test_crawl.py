"""Crawls of the offline demo web by the real `nianbao crawl`, against real local servers."""

import json
import sqlite3
import subprocess
from urllib.parse import urlsplit

import pytest
from conftest import NIANBAO, ROOT


def crawl(registry, db, *options, env=None):
    done = subprocess.run([*NIANBAO, "crawl", "--agencies", str(registry), "--db", str(db), "--allow-local", "--fast",
                           *options], capture_output=True, text=True, cwd=ROOT, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def last_run(db) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return dict(conn.execute("select * from runs order by id desc limit 1").fetchone())


def current_reports(db) -> dict[tuple, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    found = {}
    for report in conn.execute("select * from reports where status = 'current'"):
        cells = {r["key"]: r["value"] for r in conn.execute("select key, value from cells where report_id = ?",
                                                            [report["id"]])}
        found[(report["agency"], report["year"])] = dict(report) | {"cells": cells}
    return found


@pytest.fixture(scope="module")
def first_crawl(web, tmp_path_factory):
    folder = tmp_path_factory.mktemp("crawl")
    registry, db = folder / "agencies.yaml", folder / "crawl.db"
    web.write_registry(registry)
    requests_before = len(web.requests())
    done = crawl(registry, db)
    return {"registry": registry, "db": db, "stdout": done.stdout, "requests": web.requests()[requests_before:]}


def test_every_report_is_found_with_the_cells_the_server_rendered(web, first_crawl):
    found = current_reports(first_crawl["db"])
    missing, wrong = [], []
    for expected in web.expected():
        report = found.get((expected["agency"], expected["year"]))
        if report is None:
            missing.append((expected["agency"], expected["year"], expected["urls"]))
        elif report["cells"] != expected["cells"]:
            diff = {k: (report["cells"].get(k), v) for k, v in expected["cells"].items() if report["cells"].get(k) != v}
            wrong.append((expected["agency"], expected["year"], dict(list(diff.items())[:5])))
    assert not missing, f"recall below 100%: {missing}"
    assert not wrong, f"cells differ: {wrong}"


def test_no_decoy_is_archived_as_a_report(web, first_crawl):
    found = current_reports(first_crawl["db"])
    expected = {(e["agency"], e["year"]) for e in web.expected()}
    assert set(found) == expected, f"extra reports: {set(found) - expected}"
    conn = sqlite3.connect(first_crawl["db"])
    for url in web.decoy_urls():
        sources = conn.execute("select count(*) from report_documents where source_url = ?", [url]).fetchone()[0]
        assert sources == 0, f"decoy archived as a report: {url}"


def test_each_report_keeps_every_address_it_was_published_at(web, first_crawl):
    conn = sqlite3.connect(first_crawl["db"])
    for expected in web.expected():
        urls = {r[0] for r in conn.execute(
            "select report_documents.source_url from report_documents join reports on reports.id = report_id "
            "where reports.agency = ? and reports.year = ?", [expected["agency"], expected["year"]])}
        assert set(expected["urls"]) <= urls, (expected["agency"], expected["year"], set(expected["urls"]) - urls)


def test_robots_txt_is_obeyed(web, first_crawl):
    forbidden = {urlsplit(u).path for u in web.forbidden_urls()}
    asked = {path.split("?")[0] for _host, _method, path, _status, _headers in first_crawl["requests"]}
    assert forbidden and not (forbidden & asked)


def test_the_anti_bot_host_is_recorded_as_blocked_and_not_hammered(web, first_crawl):
    blocked = json.loads(last_run(first_crawl["db"])["blocked_hosts"])
    for host in web.blocked_hosts():
        assert any(host in h or h in host for h in blocked), blocked
        hits = [r for r in first_crawl["requests"] if r[0] == host and not r[2].startswith("/robots.txt")]
        assert len(hits) <= 2


def test_every_fetch_has_provenance_and_the_run_has_counts(first_crawl):
    conn = sqlite3.connect(first_crawl["db"])
    assert conn.execute("select count(*) from fetches where url is null or sha256 is null or fetched_at is null "
                        "or run_id is null").fetchone()[0] == 0
    run = last_run(first_crawl["db"])
    assert run["kind"] == "crawl" and run["status"] == "done" and run["reports_new"] > 0 and run["pages"] > 0
    # Every page the server answered is in the archive, listing pages included (not read for cells).
    archived = {(urlsplit(u).netloc, path_of(u)) for row in conn.execute("select url, final_url from fetches")
                for u in row}
    answered = {(host, path) for host, _m, path, status, _h in first_crawl["requests"]
                if status == 200 and path != "/robots.txt"}
    assert answered - archived == set()
    listings = conn.execute("select count(*) from documents where status = 'listing'").fetchone()[0]
    listing_fetches = conn.execute("select count(*) from fetches join documents using (sha256) "
                                   "where documents.status = 'listing' and run_id = ?", [run["id"]]).fetchone()[0]
    assert run["listings"] == listing_fetches >= listings > 0
    assert conn.execute("select count(*) from reports join documents on sha256 = document_sha256 "
                        "where documents.status = 'listing'").fetchone()[0] == 0
    methods = {m for (m,) in conn.execute("select method from fetches where url like '%dataproxy.jsp%'")}
    assert methods == {"POST"}  # Hanweb's XML records are asked for by POST, and recorded so


def test_second_crawl_downloads_and_extracts_nothing_unchanged(web, first_crawl):
    db = first_crawl["db"]
    conn = sqlite3.connect(db)
    documents = conn.execute("select count(*) from documents").fetchone()[0]
    extracted = conn.execute("select max(extracted_at) from documents").fetchone()[0]
    before = len(web.requests())
    crawl(first_crawl["registry"], db)
    document_paths = {path_of(u) for e in web.expected() for u in e["urls"]}
    again = [r for r in web.requests()[before:] if r[2] in document_paths and r[1] == "GET"]
    downloaded = [(host, path, status) for host, _method, path, status, _headers in again if status != 304]
    assert again and not downloaded, downloaded
    pages_again = [(path, status) for _host, method, path, status, _h in web.requests()[before:]
                   if method == "GET" and path != "/robots.txt" and status == 200]
    assert pages_again == []  # listing pages too: nothing unchanged is downloaded again
    assert conn.execute("select count(*) from documents").fetchone()[0] == documents
    assert conn.execute("select max(extracted_at) from documents").fetchone()[0] == extracted
    run = last_run(db)
    assert run["reports_new"] == 0 and run["reports_changed"] == 0 and run["reports_unchanged"] > 0


def test_a_changed_report_becomes_a_new_version(web, first_crawl):
    db = first_crawl["db"]
    target = next(e for e in web.expected() if e["template"] in ("2021", "2019"))
    new_cells = web.change_report(target["agency"], target["year"])
    crawl(first_crawl["registry"], db)
    conn = sqlite3.connect(db)
    versions = conn.execute("select version, status from reports where agency = ? and year = ? order by version",
                            [target["agency"], target["year"]]).fetchall()
    assert versions[-1] == (versions[0][0] + 1, "current") and versions[0][1] == "superseded"
    assert current_reports(db)[(target["agency"], target["year"])]["cells"] == new_cells
    assert last_run(db)["reports_changed"] == 1


def test_reading_in_the_crawls_own_process_and_without_libreoffice_gives_the_same_archive(web, first_crawl, tmp_path):
    """--extraction-processes 0, and no soffice on PATH: the demo's DOC attachments are read natively."""
    import os

    db = tmp_path / "inline.db"
    crawl(first_crawl["registry"], db, "--extraction-processes", "0", env=os.environ | {"PATH": str(tmp_path)})
    conn = sqlite3.connect(db)
    formats = dict(conn.execute("select format, count(*) from documents where status = 'report' group by format"))
    assert formats.get("doc", 0) >= 3
    def numbers(path):
        return {key: (r["template"], r["title"], r["cells"]) for key, r in current_reports(path).items()}

    assert numbers(db) == numbers(first_crawl["db"]) and len(numbers(db)) == len(web.expected())
