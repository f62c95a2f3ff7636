"""The one write path into the archive: a fetched document → blob, fetch, reports, cells.

`nianbao ingest` (local files) and the crawler (HTTP responses) both call `record()`.
Each document is one transaction: its bytes, the fetch that brought it, and the reports
extracted from it are written together or not at all.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from extract import EXTRACTOR_VERSION, ExtractionError, Report, extract_document

from .reports import store_reports
from .warc import WarcRecorder


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Fetched:
    """A document as it arrived, with what is known of where and when."""

    url: str
    body: bytes
    fetched_at: str = field(default_factory=now)
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str | None = None
    content_type: str | None = None
    method: str = "GET"  # "file" for local files

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


# A listing page (site root, report column, its further pages): followed for its links and
# archived as the evidence of where and when a report was linked, never read for cells.
LISTING = ([], "listing", "", {})


@dataclass
class Outcome:
    sha256: str
    document_new: bool
    status: str  # report | not_report | unreadable | listing
    reason: str = ""
    report_changes: list[tuple[int, str]] = field(default_factory=list)  # (report id, new|changed|unchanged)


class Run:
    """A crawl or ingest run: a row in `runs`, counts kept as documents are recorded."""

    def __init__(self, db: sqlite_utils.Database, kind: str, note: str = "", warc_dir: Path | None = None):
        self.db, self.counts, self.warc = db, Counter(), None
        with db.atomic():
            self.id = db["runs"].insert({"kind": kind, "started_at": now(), "status": "running",
                                         "note": note}).last_pk
            if warc_dir is not None:
                self.warc = WarcRecorder(Path(warc_dir) / f"run-{self.id}.warc.gz")
                db["runs"].update(self.id, {"warc_path": str(self.warc.path)})

    def record(self, fetched: Fetched, agency_hint: str | None = None, extraction: tuple | None = None) -> Outcome:
        outcome = record(self.db, fetched, self.id, agency_hint, extraction)
        if self.warc:
            self.warc.write(fetched)
        if outcome.status == "listing":
            self.counts["listings"] += 1
            return outcome
        self.counts["documents"] += 1
        self.counts["documents_new"] += outcome.document_new
        self.counts["not_reports"] += outcome.status == "not_report"
        self.counts["errors"] += outcome.status == "unreadable"
        for _, change in outcome.report_changes:
            self.counts[f"reports_{change}"] += 1
        return outcome

    def finish(self, status: str = "done") -> dict:
        if self.warc:
            self.warc.close()
        row = {name: self.counts.get(name, 0) for name in
               ("documents", "documents_new", "reports_new", "reports_changed", "reports_unchanged",
                "not_reports", "errors")}
        with self.db.atomic():
            self.db["runs"].update(self.id, row | {"ended_at": now(), "status": status})
        return row


def record(db: sqlite_utils.Database, fetched: Fetched, run_id: int | None, agency_hint: str | None = None,
           extraction: tuple | None = None) -> Outcome:
    """Archive one document. `extraction` (from extract_safely) may be done beforehand,
    outside the transaction, by a caller that extracts several documents at once."""
    sha = fetched.sha256
    with db.atomic():
        known = next(db.query("select status, reason from documents where sha256 = ?", [sha]), None)
        if known and extraction is LISTING:  # a listing page seen before (or bytes already read): a fetch
            outcome = Outcome(sha, False, "listing")
        # Bytes first archived as a listing page and now sent as a document are read now.
        elif known and known["status"] != "listing":
            outcome = _link_known(db, fetched, sha, known)
        else:
            if known is None:
                db["blobs"].insert({"sha256": sha, "content": fetched.body})
            outcome = _extract_new(db, fetched, sha, agency_hint, extraction or extract_safely(fetched),
                                   listed_before=known is not None)
        _insert_fetch(db, fetched, sha, run_id)
    return outcome


def _insert_fetch(db, fetched: Fetched, sha: str, run_id: int | None) -> None:
    """Every HTTP fetch is a record; a local file ingested again from the same place is not news."""
    if fetched.method == "file" and db["fetches"].count_where("url = ? and sha256 = ?", [fetched.url, sha]):
        return
    db["fetches"].insert({
        "run_id": run_id, "url": fetched.url, "final_url": fetched.final_url or fetched.url,
        "status": fetched.status, "headers": json.dumps(fetched.headers, ensure_ascii=False),
        "fetched_at": fetched.fetched_at, "sha256": sha, "size": len(fetched.body), "method": fetched.method,
    })


def _extract_new(db, fetched: Fetched, sha: str, agency_hint: str | None, extraction: tuple,
                 listed_before: bool = False) -> Outcome:
    reports, status, reason, meta = extraction
    row = {"sha256": sha, "size": len(fetched.body), "content_type": fetched.content_type,
           "format": meta.get("format"), "encoding": meta.get("encoding"), "status": status, "reason": reason,
           "extractor_version": EXTRACTOR_VERSION, "extracted_at": now()}
    if listed_before:  # archived as a listing page before: read now
        db["documents"].update(sha, row)
    else:
        db["documents"].insert(row | {"first_seen": fetched.fetched_at})
    # A report's source is where the document is now: the address after any redirects.
    changes = store_reports(db, reports, sha, fetched.final_url or fetched.url, fetched.fetched_at, agency_hint)
    return Outcome(sha, True, status, reason, changes)


def _link_known(db, fetched: Fetched, sha: str, document: dict) -> Outcome:
    """A document seen before: no extraction; this URL becomes another source of its reports."""
    changes = []
    for report in db.query("select id from reports where document_sha256 = ? and status = 'current'", [sha]):
        db["report_documents"].insert({"report_id": report["id"], "document_sha256": sha,
                                       "source_url": fetched.final_url or fetched.url,
                                       "fetched_at": fetched.fetched_at},
                                      ignore=True)
        changes.append((report["id"], "unchanged"))
    return Outcome(sha, False, document["status"], document["reason"] or "", changes)


def extract_safely(fetched: Fetched) -> tuple[list[Report], str, str, dict]:
    """Extraction never stops archiving: a document that fails is kept with the reason."""
    try:
        extraction = extract_document(fetched.body, fetched.url, fetched.content_type)
    except ExtractionError as err:
        return [], "unreadable", str(err), {}
    except Exception as err:  # noqa: BLE001 - an extractor bug must not lose the document
        return [], "unreadable", f"extractor error: {type(err).__name__}: {err}", {}
    meta = {"format": extraction.format, "encoding": extraction.encoding}
    if not extraction.reports:
        return [], "not_report", extraction.not_report_reason or "", meta
    return extraction.reports, "report", "", meta
