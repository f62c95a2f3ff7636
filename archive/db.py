"""The archive's SQLite file: opening it, its tables, and what a Datasette user sees.

Documents are stored content-addressed: the bytes live in the `blobs` table of the same
file, keyed by sha256. One file is one archive: copying it copies the evidence with the
numbers, a write of a document and its provenance is one transaction, and Datasette
serves a blob as a download (never rendered, so an archived page's scripts never run).
"""

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from .errors import ArchiveError

DEFAULT_DB = "nianbao.db"
SCHEMA_VERSION = 2  # 2: cells.confidence and reports.ocr (OCR readings), runs.listings


def default_db_path() -> Path:
    return Path(os.environ.get("NIANBAO_DB") or DEFAULT_DB)


def open_db(path: str | Path, create: bool = True, any_thread: bool = False) -> sqlite_utils.Database:
    """Open (and if needed create) an archive; a file that is not one raises ArchiveError.

    `any_thread`: the connection is handed to another thread (one at a time), as the
    crawler's archive-writing thread does.
    """
    path = Path(path)
    if not create and str(path) != ":memory:" and not path.exists():
        raise ArchiveError(f"no archive at {path} (run `nianbao ingest` or `nianbao crawl` first)")
    try:
        conn = sqlite3.connect(str(path), timeout=30, check_same_thread=not any_thread)
        conn.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL never corrupts the file; a power cut may drop the last commits,
        # which the next crawl fetches again. A killed process loses nothing.
        conn.execute("PRAGMA synchronous=NORMAL")
        db = sqlite_utils.Database(conn)
        ensure_schema(db)
    except sqlite3.DatabaseError as err:
        raise ArchiveError(f"{path} is not a usable nianbao archive: {err}") from err
    return db


TABLES = {
    "runs": ({"id": int, "kind": str, "started_at": str, "ended_at": str, "status": str, "warc_path": str,
              "documents": int, "documents_new": int, "reports_new": int, "reports_changed": int,
              "reports_unchanged": int, "not_reports": int, "errors": int, "pages": int, "listings": int, "not_modified": int,
              "resumed": int, "vanished": int, "blocked_hosts": str, "error_kinds": str, "note": str}, "id"),
    "agencies": ({"id": int, "name": str, "level": str, "region": str, "site": str, "code": str}, "id"),
    "blobs": ({"sha256": str, "content": bytes}, "sha256"),
    "documents": ({"sha256": str, "size": int, "content_type": str, "format": str, "encoding": str,
                   "status": str, "reason": str, "extractor_version": str, "first_seen": str,
                   "extracted_at": str}, "sha256"),
    "fetches": ({"id": int, "run_id": int, "url": str, "final_url": str, "status": int, "headers": str,
                 "fetched_at": str, "sha256": str, "size": int, "method": str}, "id"),
    "reports": ({"id": int, "agency_id": int, "agency": str, "year": int, "template": str, "title": str,
                 "version": int, "status": str, "identity": str, "source_url": str, "document_sha256": str,
                 "doc_index": int, "fetched_at": str, "extractor_version": str, "fingerprint": str,
                 "failed_checks": str, "cell_count": int, "first_seen": str, "superseded_at": str,
                 "ocr": int}, "id"),
    "report_documents": ({"report_id": int, "document_sha256": str, "source_url": str, "fetched_at": str},
                         ("report_id", "document_sha256", "source_url")),
    # value: INTEGER affinity keeps counts whole and stores money as REAL, unchanged.
    "cells": ({"report_id": int, "key": str, "value": int, "raw": str, "section": str, "blank": int,
               "unsure": int, "inferred": str, "page": int, "confidence": float}, ("report_id", "key")),
    "checks": ({"report_id": int, "check_id": str, "scope": str, "status": str, "detail": str,
                "repair": str}, None),
    "sections": ({"id": int, "report_id": int, "name": str, "text": str}, "id"),
}

FOREIGN_KEYS = {
    "fetches": [("run_id", "runs", "id"), ("sha256", "documents", "sha256")],
    "documents": [("sha256", "blobs", "sha256")],
    "reports": [("agency_id", "agencies", "id"), ("document_sha256", "documents", "sha256")],
    "report_documents": [("report_id", "reports", "id"), ("document_sha256", "documents", "sha256")],
    "cells": [("report_id", "reports", "id")],
    "checks": [("report_id", "reports", "id")],
    "sections": [("report_id", "reports", "id")],
}

INDEXES = (
    ("reports", ["agency_id", "year"]),
    ("reports", ["agency", "status", "year"]),
    ("reports", ["identity", "status"]),
    ("reports", ["document_sha256", "doc_index"]),
    ("reports", ["year"]),
    ("cells", ["key"]),
    ("checks", ["report_id"]),
    ("checks", ["status", "check_id"]),
    ("fetches", ["sha256"]),
    ("fetches", ["url"]),
    ("sections", ["report_id"]),
    ("report_documents", ["document_sha256"]),
)

VIEWS = {
    # Every number with the document bytes, URL and time it came from.
    "cell_provenance": """
        select cells.report_id, reports.agency, reports.year, cells.key, cells.value, cells.raw,
               reports.source_url, reports.fetched_at, reports.document_sha256 as sha256,
               reports.version, reports.status as report_status, cells.blank, cells.unsure,
               cells.inferred, cells.page, cells.confidence
        from cells join reports on reports.id = cells.report_id
    """,
    "failing_checks": """
        select reports.agency, reports.year, reports.id as report_id, checks.check_id, checks.scope,
               checks.detail, checks.repair, reports.source_url
        from checks join reports on reports.id = checks.report_id
        where checks.status = 'fail' and reports.status = 'current'
    """,
}


def ensure_schema(db: sqlite_utils.Database) -> None:
    if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION and db["reports"].exists():
        return
    with db.atomic():
        for name, (columns, pk) in TABLES.items():
            if not db[name].exists():
                db[name].create(columns, pk=pk, not_null={pk} if isinstance(pk, str) else None)
            else:  # an archive made by an older nianbao: its columns stay, new ones are added (empty)
                have = set(db[name].columns_dict)
                for column, kind in columns.items():
                    if column not in have:
                        db[name].add_column(column, kind)
        for name, keys in FOREIGN_KEYS.items():
            existing = {(fk.column, fk.other_table) for fk in db[name].foreign_keys}
            for column, other, other_column in keys:
                if (column, other) not in existing:
                    db[name].add_foreign_key(column, other, other_column)
        for table, columns in INDEXES:
            db[table].create_index(columns, if_not_exists=True)
        db["agencies"].create_index(["name"], unique=True, if_not_exists=True)
        for name, sql in VIEWS.items():
            db.create_view(name, sql, replace=True)
        if not db["sections_fts"].exists():
            db.execute("create virtual table sections_fts using fts5(text, content='sections', "
                       "content_rowid='id', tokenize='trigram')")
            for statement in FTS_TRIGGERS:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


FTS_TRIGGERS = (
    "create trigger sections_ai after insert on sections begin "
    "insert into sections_fts(rowid, text) values (new.id, new.text); end",
    "create trigger sections_ad after delete on sections begin "
    "insert into sections_fts(sections_fts, rowid, text) values ('delete', old.id, old.text); end",
    "create trigger sections_au after update on sections begin "
    "insert into sections_fts(sections_fts, rowid, text) values ('delete', old.id, old.text); "
    "insert into sections_fts(rowid, text) values (new.id, new.text); end",
)
