"""The archive on real SQLite files: ingest, provenance, versions, re-extraction, search, exports."""

import csv
import hashlib
import io
import json
import sqlite3
import subprocess
import sys

import pytest
from conftest import NIANBAO, ROOT, SEEDS
from warcio.archiveiterator import ArchiveIterator

from archive import reports as archive_reports
from archive.db import open_db
from archive.errors import ArchiveError
from archive.export import cell_rows, history_rows
from archive.ingest import expand, ingest_files
from archive.reextract import reextract_all
from archive.store import Fetched, Run

SEED_000 = SEEDS / "000_760391771cb97ddd.txt"
@pytest.fixture
def seeded(tmp_path):
    db_path = tmp_path / "a.db"
    db = open_db(db_path)
    counts = ingest_files(db, expand([SEEDS]), warc_dir=tmp_path / "warc")
    return db, db_path, counts


def test_ingest_seeds_gives_tongxiang_2023_with_23_requests_and_the_document_hash(seeded):
    db, _, counts = seeded
    assert counts["reports_new"] == 6  # seed 004 holds two reports
    rows = history_rows(db, "桐乡市公安局")
    assert [r["year"] for r in rows] == [2023]
    assert rows[0]["requests_received"] == 23
    assert rows[0]["sha256"] == hashlib.sha256(SEED_000.read_bytes()).hexdigest()
    assert rows[0]["source_url"] == SEED_000.resolve().as_uri()


def test_every_cell_of_a_seed_is_stored_as_printed(seeded):
    db, _, _ = seeded
    golden = json.loads((SEEDS / "expected" / "000_760391771cb97ddd.json").read_text(encoding="utf-8"))["cells"]
    report_id = next(db.query("select id from reports where agency = '桐乡市公安局'"))["id"]
    stored = {r["key"]: r["value"] for r in db.query("select key, value from cells where report_id = ?", [report_id])}
    assert stored == golden
    fee = next(db.query("select value, raw from cells where report_id = ? and key like '%amount_wan_yuan'", [report_id]))
    assert fee == {"value": 1428.9656, "raw": "1428.9656万元"}


def test_blank_cells_stay_null_in_the_archive(seeded):
    db, _, _ = seeded
    row = next(db.query("select cells.value, cells.blank from cells join reports on reports.id = cells.report_id "
                        "where reports.agency = '紫阳县公安局' and key = 'requests.new_received.natural_person'"))
    assert row == {"value": None, "blank": 1}


def test_provenance_walks_from_a_cell_back_to_its_fetch_and_bytes(seeded):
    db, _, _ = seeded
    walk = next(db.query("""
        select cells.value, fetches.url, fetches.fetched_at, fetches.run_id, blobs.content
        from cells join reports on reports.id = cells.report_id
        join fetches on fetches.sha256 = reports.document_sha256
        join blobs on blobs.sha256 = reports.document_sha256
        where reports.agency = '桐乡市公安局' and cells.key = 'requests.new_received.total'"""))
    assert walk["value"] == 23
    assert walk["url"] == SEED_000.resolve().as_uri()
    assert walk["content"] == SEED_000.read_bytes()
    assert db["runs"].get(walk["run_id"])["kind"] == "ingest"


def test_reingesting_the_same_files_adds_nothing(seeded):
    db, _, _ = seeded
    before = {t: db[t].count for t in ("blobs", "documents", "fetches", "reports", "cells", "checks", "sections")}
    counts = ingest_files(db, expand([SEEDS]))
    assert counts["documents_new"] == 0 and counts["reports_new"] == 0 and counts["reports_changed"] == 0
    assert {t: db[t].count for t in before} == before


def test_the_same_report_from_another_address_is_one_report_with_two_sources(seeded):
    db, _, _ = seeded
    run = Run(db, "test")
    run.record(Fetched("https://www.tx.gov.cn/art/2024/1/20/art_1_2.html", SEED_000.read_bytes(), status=200))
    run.finish()
    assert db["reports"].count_where("agency = '桐乡市公安局'") == 1
    sources = [r["source_url"] for r in db.query("select report_documents.source_url from report_documents join reports "
                                                  "on reports.id = report_id where agency = '桐乡市公安局'")]
    assert len(sources) == 2 and "https://www.tx.gov.cn/art/2024/1/20/art_1_2.html" in sources


def test_a_changed_republication_is_a_new_version_and_the_old_one_is_kept(seeded):
    db, _, _ = seeded
    changed = SEED_000.read_text(encoding="utf-8").replace("行政处罚 | 807500", "行政处罚 | 807501")
    run = Run(db, "test")
    outcome = run.record(Fetched("https://www.tx.gov.cn/corrected.html", changed.encode(), status=200))
    run.finish()
    assert [c for _, c in outcome.report_changes] == ["changed"]
    versions = list(db.query("select version, status from reports where agency = '桐乡市公安局' order by version"))
    assert versions == [{"version": 1, "status": "superseded"}, {"version": 2, "status": "current"}]
    assert history_rows(db, "桐乡市公安局")[0]["version"] == 2


def test_reextraction_rederives_cells_in_place_without_fetching(seeded):
    db, _, _ = seeded
    fetches = db["fetches"].count
    report_id = next(db.query("select id from reports where agency = '桐乡市公安局'"))["id"]
    with db.atomic():  # as if an older extractor had missed a cell
        db["cells"].delete_where("report_id = ? and key = 'requests.new_received.total'", [report_id])
        db.execute("update reports set extractor_version = '0.0.1' where id = ?", [report_id])
        db.execute("update documents set extractor_version = '0.0.1'")
    counts = reextract_all(db, only_outdated=True)
    assert sum(counts.values()) == db["documents"].count
    assert next(db.query("select value from cells where report_id = ? and key = 'requests.new_received.total'",
                         [report_id]))["value"] == 23
    assert db["reports"].get(report_id)["extractor_version"] != "0.0.1"
    assert db["fetches"].count == fetches


def test_full_text_search_finds_chinese_phrases(seeded):
    db, _, _ = seeded
    hits = list(db.query("select rowid from sections_fts where sections_fts match ?", ['"依申请公开"']))
    assert hits
    # Trigram FTS cannot match two characters; the fallback is a LIKE over the same text.
    assert not list(db.query("select rowid from sections_fts where sections_fts match ?", ['"复议"']))
    assert list(db.query("select id from sections where text like ?", ["%复议%"]))


def test_a_document_that_is_not_a_report_is_archived_with_its_reason(tmp_path):
    db = open_db(tmp_path / "a.db")
    page = "<html><body><h1>某某市2023年法治政府建设年度报告</h1><p>一年来……</p></body></html>".encode()
    outcome = Run(db, "test").record(Fetched("https://example.gov.cn/fz.html", page))
    assert outcome.status == "not_report"
    document = db["documents"].get(outcome.sha256)
    assert document["status"] == "not_report" and "法治政府建设" in document["reason"]
    assert db["blobs"].get(outcome.sha256)["content"] == page


def test_binary_junk_is_archived_as_unreadable(tmp_path):
    db = open_db(tmp_path / "a.db")
    outcome = Run(db, "test").record(Fetched("https://example.gov.cn/x.bin", bytes(range(256)) * 4))
    assert outcome.status == "unreadable" and db["blobs"].count == 1


def test_a_failure_while_storing_a_document_writes_nothing_of_it(tmp_path, monkeypatch):
    db = open_db(tmp_path / "a.db")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(archive_reports, "write_derived", broken)
    with pytest.raises(RuntimeError):
        Run(db, "test").record(Fetched("https://example.gov.cn/r.html", SEED_000.read_bytes()))
    assert [db[t].count for t in ("blobs", "documents", "fetches", "reports", "cells")] == [0, 0, 0, 0, 0]


def test_each_run_writes_a_warc_with_one_record_per_document(seeded, tmp_path):
    db, _, counts = seeded
    warc = db["runs"].get(counts["run_id"])["warc_path"]
    with open(warc, "rb") as f:
        records = [(r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                   for r in ArchiveIterator(f) if r.rec_type == "resource"]
    assert len(records) == counts["documents"]
    assert (SEED_000.resolve().as_uri(), SEED_000.read_bytes()) in records


def test_cells_export_starts_with_the_contract_columns(seeded):
    db, _, _ = seeded
    rows = list(cell_rows(db, "驻马店市公安局"))
    assert len(rows) == 200
    assert list(rows[0])[:7] == ["agency", "year", "key", "value", "raw", "source_url", "sha256"]


def test_history_has_empty_rows_for_years_without_a_report(tmp_path):
    db = open_db(tmp_path / "a.db")
    text = SEED_000.read_text(encoding="utf-8")
    run = Run(db, "test")
    for year in (2020, 2023):
        run.record(Fetched(f"https://tx.gov.cn/{year}.html", text.replace("2023", str(year)).encode()))
    rows = history_rows(db, "桐乡市公安局")
    assert [r["year"] for r in rows] == [2020, 2021, 2022, 2023]
    assert rows[1]["requests_received"] is None and "report_id" not in rows[1]


# --- the command line --------------------------------------------------------------------


def run_cli(*args, cwd=ROOT, env=None):
    return subprocess.run([*NIANBAO, *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_cli_ingest_then_export_history_csv_json_xlsx(tmp_path):
    db = str(tmp_path / "cli.db")
    done = run_cli("ingest", str(SEEDS), "--db", db)
    assert done.returncode == 0, done.stderr
    assert "6 new reports" in done.stdout
    out = run_cli("export", "history", "--agency", "桐乡市公安局", "--db", db)
    row = next(csv.DictReader(io.StringIO(out.stdout)))
    assert row["year"] == "2023" and row["requests_received"] == "23"
    out = run_cli("export", "history", "--agency", "桐乡市公安局", "--format", "json", "--db", db)
    assert json.loads(out.stdout)[0]["requests_received"] == 23
    xlsx = tmp_path / "h.xlsx"
    assert run_cli("export", "history", "--agency", "桐乡市公安局", "--format", "xlsx", "--out", str(xlsx),
                   "--db", db).returncode == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("requests_received") + 1).value == 23


def test_cli_uses_nianbao_db_from_the_environment(tmp_path):
    import os

    env = os.environ | {"NIANBAO_DB": str(tmp_path / "env.db")}
    assert run_cli("ingest", str(SEED_000), env=env).returncode == 0
    assert (tmp_path / "env.db").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "history", "--agency", "无此机关"], "unknown agency"),
        (["export", "cells"], "no reports"),
    ],
)
def test_cli_bad_requests_give_one_clear_line(tmp_path, args, message):
    db = tmp_path / "x.db"
    if message == "unknown agency":
        run_cli("ingest", str(SEED_000), "--db", str(db))
    else:
        open_db(db)
    done = run_cli(*args, "--db", str(db))
    assert done.returncode != 0 and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_cli_corrupt_database_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    done = run_cli("export", "cells", "--db", str(bad))
    assert done.returncode != 0 and "not a usable nianbao archive" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_missing_database_is_a_clear_error(tmp_path):
    done = run_cli("export", "cells", "--db", str(tmp_path / "none.db"))
    assert done.returncode != 0 and "no archive at" in done.stderr
    assert not (tmp_path / "none.db").exists()


def test_missing_blob_makes_reextraction_fail_clearly(seeded):
    db, db_path, _ = seeded
    with db.atomic():
        db.execute("delete from blobs where sha256 = (select sha256 from documents limit 1)")
    done = run_cli("reextract", "--db", str(db_path))
    assert done.returncode != 0 and "missing" in done.stderr and "Traceback" not in done.stderr


def test_failed_export_leaves_no_file(seeded, tmp_path):
    _, db_path, _ = seeded
    out = tmp_path / "h.csv"
    done = run_cli("export", "history", "--agency", "无此机关", "--out", str(out), "--db", str(db_path))
    assert done.returncode != 0 and not out.exists()


def test_sqlite_file_is_a_plain_sqlite_database(seeded):
    _, db_path, _ = seeded
    conn = sqlite3.connect(db_path)
    assert conn.execute("select count(*) from reports").fetchone()[0] == 6


def test_unknown_agency_and_empty_archive_raise_archive_errors(tmp_path, seeded):
    db, _, _ = seeded
    with pytest.raises(ArchiveError, match="did you mean: 桐乡市公安局"):
        history_rows(db, "桐乡市")
    with pytest.raises(ArchiveError, match="no reports"):
        list(cell_rows(open_db(tmp_path / "empty.db")))


def test_a_second_writer_is_refused_at_once_and_the_lock_dies_with_its_holder(tmp_path):
    from archive.lock import ArchiveLock

    db = tmp_path / "a.db"
    with ArchiveLock(db, "nianbao crawl"):
        with pytest.raises(ArchiveError, match="busy: nianbao crawl"):
            with ArchiveLock(db):
                pass
    held = subprocess.Popen([sys.executable, "-c", f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); "
                             f"from archive.lock import ArchiveLock; l = ArchiveLock({str(db)!r}).__enter__(); "
                             "print('locked', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    assert held.stdout.readline().strip() == "locked"
    held.kill()  # as kill -9 would: the kernel drops the lock
    held.wait()
    with ArchiveLock(db):
        pass


def test_a_full_archive_is_a_clear_error_and_nothing_is_half_written(tmp_path):
    db_path = tmp_path / "small.db"
    db = open_db(db_path)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.conn.close()
    # SQLite reports "database or disk is full" once the file may not grow: a full disk, in small.
    setup = f"import sqlite3; c = sqlite3.connect({str(db_path)!r}); c.execute('PRAGMA max_page_count = {pages + 3}')"
    code = (f"{setup}; import sys; sys.path.insert(0, {str(ROOT)!r}); import archive.db as d; "
            "real = d.sqlite3.connect; "
            "d.sqlite3.connect = lambda *a, **k: (lambda conn: (conn.execute('PRAGMA max_page_count = "
            f"{pages + 3}'), conn)[1])(real(*a, **k)); "
            "from nianbao_cli import main; sys.argv = ['nianbao'] + sys.argv[1:]; main()")
    done = subprocess.run([sys.executable, "-c", code, "ingest", str(SEED_000), "--db", str(db_path)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode != 0 and "database or disk is full" in done.stderr and "Traceback" not in done.stderr
    check = open_db(db_path)
    assert [check[t].count for t in ("blobs", "documents", "fetches", "reports", "cells")] == [0, 0, 0, 0, 0]


def test_an_archive_of_the_first_schema_gains_the_new_columns_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.db"
    ingest_files(open_db(path), [SEED_000])
    old = sqlite3.connect(path)  # what nianbao 0.1's archive looked like: no OCR columns
    old.execute("drop view cell_provenance")
    old.execute("alter table cells drop column confidence")
    old.execute("alter table reports drop column ocr")
    old.execute("pragma user_version = 1")
    old.commit()
    before = old.execute("select key, value, raw from cells order by key").fetchall()
    old.close()
    db = open_db(path)
    assert "confidence" in db["cells"].columns_dict and "ocr" in db["reports"].columns_dict
    assert [(r["key"], r["value"], r["raw"]) for r in db.query("select key, value, raw from cells order by key")] \
        == [tuple(row) for row in before]
    assert db.execute("pragma user_version").fetchone()[0] == 2
    assert next(db.query("select count(*) n from cell_provenance where confidence is null"))["n"] == len(before)
    ingest_files(db, expand([SEEDS]))  # and it takes new documents, text ones without OCR
    assert {r["ocr"] for r in db.query("select ocr from reports")} == {0, None}


def test_a_listing_page_is_kept_as_evidence_and_read_only_when_it_comes_as_a_document(tmp_path):
    from archive.store import LISTING

    db = open_db(tmp_path / "a.db")
    run = Run(db, "crawl")
    body = SEED_000.read_bytes()  # bytes that are a report, first met as a "listing"
    listed = run.record(Fetched("https://www.a.gov.cn/zfxxgknb/index.html", body), "桐乡市", LISTING)
    assert listed.status == "listing" and run.counts["listings"] == 1 and run.counts["documents"] == 0
    assert db["documents"].get(listed.sha256)["status"] == "listing" and db["reports"].count == 0
    assert reextract_all(db)["listing"] == 0 and db["reports"].count == 0  # never read for cells
    again = run.record(Fetched("https://www.a.gov.cn/zfxxgknb/index.html", body), "桐乡市", LISTING)
    assert again.status == "listing" and db["fetches"].count == 2 and db["reports"].count == 0
    read = run.record(Fetched("https://www.a.gov.cn/zfxxgknb/t1.html", body), "桐乡市")
    assert read.status == "report" and db["reports"].count == 1
    document = db["documents"].get(read.sha256)
    assert document["status"] == "report" and document["first_seen"] == db["fetches"].get(1)["fetched_at"]


def test_a_listing_page_with_the_bytes_of_a_known_document_is_only_a_fetch(tmp_path):
    from archive.store import LISTING

    db = open_db(tmp_path / "a.db")
    run = Run(db, "crawl")
    body = SEED_000.read_bytes()
    read = run.record(Fetched("https://www.a.gov.cn/t1.html", body), "桐乡市")
    listed = run.record(Fetched("https://www.a.gov.cn/index.html", body), "桐乡市", LISTING)
    assert read.status == "report" and listed.status == "listing" and not listed.report_changes
    assert run.counts["documents"] == 1 and run.counts["listings"] == 1 and run.counts["reports_unchanged"] == 0
    assert db["report_documents"].count == 1  # the listing address is no source of the report
    assert db["fetches"].count == 2 and db["documents"].get(read.sha256)["status"] == "report"
