"""Extracted reports → rows: reports, cells, checks, sections; versions and duplicates.

A report is identified by (agency, covered year). The same numbers arriving again (the
HTML page and its PDF attachment, a re-posted copy) add a document to the same report;
different numbers for the same agency and year make a new version and the old one is
kept, marked superseded. A report whose agency or year is unknown is identified by its
document and position, so it is never merged with another by guesswork.
"""

import hashlib
import json
from datetime import UTC, datetime

from extract import EXTRACTOR_VERSION, Report


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def identity_of(agency: str | None, report: Report, sha: str, index: int) -> str:
    if agency and report.year:
        return f"{agency}|{report.year}"
    return f"document:{sha}:{index}"


def fingerprint(report: Report) -> str:
    payload = {"template": report.template, "cells": {k: c.value for k, c in sorted(report.cells.items())}}
    if not report.cells:  # a prose report without numbers: its text decides
        payload["text"] = "".join(report.text.split())
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def store_reports(db, reports: list[Report], sha: str, url: str, fetched_at: str,
                  agency_hint: str | None = None, start_index: int = 0) -> list[tuple[int, str]]:
    """Write a document's reports; returns (report id, new | changed | unchanged) per report."""
    changes = []
    for index, report in enumerate(reports, start_index):
        agency = report.agency or agency_hint  # the hint names the publisher when the document does not
        identity = identity_of(agency, report, sha, index)
        print_ = fingerprint(report)
        current = next(db.query("select id, version, fingerprint from reports where identity = ? "
                                "and status = 'current'", [identity]), None)
        if current and current["fingerprint"] == print_:
            link_document(db, current["id"], sha, url, fetched_at)
            changes.append((current["id"], "unchanged"))
            continue
        if current:
            db["reports"].update(current["id"], {"status": "superseded", "superseded_at": _now()})
        report_id = insert_report(db, report, agency, identity, sha, index, url, fetched_at,
                                  version=current["version"] + 1 if current else 1)
        changes.append((report_id, "changed" if current else "new"))
    return changes


def link_document(db, report_id: int, sha: str, url: str, fetched_at: str) -> None:
    db["report_documents"].insert({"report_id": report_id, "document_sha256": sha, "source_url": url,
                                   "fetched_at": fetched_at}, ignore=True)


def insert_report(db, report: Report, agency: str | None, identity: str, sha: str, index: int,
                  url: str, fetched_at: str, version: int) -> int:
    report_id = db["reports"].insert({
        "agency_id": db["agencies"].lookup({"name": agency}) if agency else None,
        "agency": agency, "year": report.year, "template": report.template, "title": report.title,
        "version": version, "status": "current", "identity": identity, "source_url": url,
        "document_sha256": sha, "doc_index": index, "fetched_at": fetched_at,
        "extractor_version": EXTRACTOR_VERSION, "fingerprint": fingerprint(report),
        "failed_checks": ",".join(report.failed_checks), "cell_count": len(report.cells),
        "first_seen": fetched_at, "ocr": int(report.ocr),
    }).last_pk
    link_document(db, report_id, sha, url, fetched_at)
    write_derived(db, report_id, report)
    return report_id


def write_derived(db, report_id: int, report: Report) -> None:
    """Cells, checks and sections of a report, replacing any it had.

    Plain executemany: a report has ~200 cells, and sqlite-utils' per-row work made this
    the slowest step of ingest.
    """
    for table in ("cells", "checks", "sections"):
        db.execute(f"delete from {table} where report_id = ?", [report_id])
    db.conn.executemany(
        "insert into cells (report_id, key, value, raw, section, blank, unsure, inferred, page, confidence) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(report_id, key, cell.value, cell.raw, key.split(".", 1)[0], int(cell.blank), int(cell.unsure),
          cell.inferred, cell.page, cell.confidence) for key, cell in report.cells.items()])
    db.conn.executemany(
        "insert into checks (report_id, check_id, scope, status, detail, repair) values (?, ?, ?, ?, ?, ?)",
        [(report_id, c["id"], c.get("scope"), c["status"], c.get("detail"),
          json.dumps(c["repair"], ensure_ascii=False) if "repair" in c else None) for c in report.checks])
    db.conn.executemany(
        "insert into sections (report_id, name, text) values (?, ?, ?)",
        [(report_id, name, text) for name, text in report.sections.items()])


def update_report(db, report_id: int, report: Report, agency: str | None, identity: str) -> None:
    """Re-extraction: the same stored document read again by a newer extractor."""
    db["reports"].update(report_id, {
        "agency_id": db["agencies"].lookup({"name": agency}) if agency else None,
        "agency": agency, "year": report.year, "template": report.template, "title": report.title,
        "identity": identity, "extractor_version": EXTRACTOR_VERSION, "fingerprint": fingerprint(report),
        "failed_checks": ",".join(report.failed_checks), "cell_count": len(report.cells),
        "ocr": int(report.ocr),
    })
    write_derived(db, report_id, report)
