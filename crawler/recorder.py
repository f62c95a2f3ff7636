"""The crawl's link to the archive: one run, shared by every spider of a `nianbao crawl`.

It answers the middlewares (what was fetched from this URL before, with which validators)
and takes the pipeline's documents. All archive writes go through archive.store.
"""

import hashlib
import json
from collections import Counter

from twisted.python.threadpool import ThreadPool

from archive.db import open_db
from archive.store import LISTING, Fetched, Run, now
from archive.warc import warc_dir_for
from archive.workers import ExtractionPool

EXTRACTION_THREADS = 4  # each waits on a worker process (or extracts, where there are none)

# Scrapy deep-copies settings, so a run's recorder is found through its id.
ACTIVE: dict[str, "CrawlRecorder"] = {}


def recorder_for(settings) -> "CrawlRecorder | None":
    return ACTIVE.get(settings.get("NIANBAO_RECORDER_ID") or "")


class CrawlRecorder:
    def __init__(self, db_path, note: str = "", warc: bool = True, processes: int | None = None):
        self.db_path = db_path
        # Writes happen on one archive thread (extraction can take seconds: a DOC goes through
        # LibreOffice) so the crawl keeps downloading; reads for the middlewares use their own
        # connection on the crawl's thread. WAL lets both work at once.
        self.db = open_db(db_path, any_thread=True)
        self.reader = open_db(db_path)
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name="nianbao-archive")
        self.pool.start()
        # Extraction runs beside it, several documents at once, in worker processes (archive/workers.py):
        # on threads alone it would share this interpreter's lock with the downloads.
        self.extraction = ExtractionPool(processes)
        # With worker processes, one thread per process: a document's time limit counts reading, not queueing.
        self.extractors = ThreadPool(minthreads=1, maxthreads=self.extraction.processes or EXTRACTION_THREADS,
                                     name="nianbao-extract")
        self.extractors.start()
        self.resumed_run = self._close_interrupted_runs()
        if self.resumed_run:
            note = f"{note}; resumes run {self.resumed_run}".lstrip("; ")
        self.run = Run(self.db, "crawl", note=note, warc_dir=warc_dir_for(db_path) if warc else None)
        self.blocked: dict[str, str] = {}  # host -> why
        self.counts: Counter = Counter()
        self.id = f"run-{self.run.id}"
        ACTIVE[self.id] = self

    def _close_interrupted_runs(self) -> int | None:
        """Crawls still 'running' died (the caller holds the archive lock): mark them
        interrupted; the newest is the one this crawl resumes."""
        dead = [r["id"] for r in self.db.query("select id from runs where kind = 'crawl' and status = 'running'")]
        with self.db.atomic():
            for run_id in dead:
                self.db["runs"].update(run_id, {"status": "interrupted", "ended_at": now()})
        return max(dead, default=None)

    def resumed(self, url: str) -> tuple[bytes, dict[str, str]] | None:
        """Body and headers of the document the interrupted run already archived from this URL."""
        if not self.resumed_run:
            return None
        # Only documents it read: a listing page is fetched again (it may now be reached as a report).
        row = next(self.reader.query(
            "select blobs.content, fetches.headers from fetches join blobs on blobs.sha256 = fetches.sha256 "
            "join documents on documents.sha256 = fetches.sha256 "
            "where fetches.run_id = ? and fetches.url = ? and documents.status != 'listing' limit 1",
            [self.resumed_run, url]), None)
        return (row["content"], json.loads(row["headers"] or "{}")) if row else None

    # --- what the archive already knows about a URL -----------------------------------------

    def last_fetch(self, url: str) -> dict | None:
        return next(self.reader.query(
            "select sha256, headers, status from fetches where (url = ? or final_url = ?) and status = 200 "
            "and method = 'GET' "
            "order by id desc limit 1", [url, url]), None)

    def validators(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the last successful fetch of this URL."""
        fetch = self.last_fetch(url)
        if not fetch:
            return {}
        headers = {k.lower(): v for k, v in json.loads(fetch["headers"] or "{}").items()}
        found = {}
        if etag := headers.get("etag"):
            found["If-None-Match"] = etag
        if modified := headers.get("last-modified"):
            found["If-Modified-Since"] = modified
        return found

    def archived(self, url: str) -> tuple[bytes, dict[str, str]] | None:
        """The body and response headers of the last successful fetch of this URL."""
        fetch = self.last_fetch(url)
        if not fetch:
            return None
        blob = next(self.reader.query("select content from blobs where sha256 = ?", [fetch["sha256"]]), None)
        return (blob["content"], json.loads(fetch["headers"] or "{}")) if blob else None

    # --- writing ---------------------------------------------------------------------------

    def submit(self, item):
        """Extract on the extraction threads (new documents only), then `take` on the archive
        thread; a Deferred firing with the outcome."""
        from twisted.internet import reactor
        from twisted.internet.threads import deferToThreadPool

        if not self.needs_extraction(item):
            return deferToThreadPool(reactor, self.pool, self.take, item)
        extracting = deferToThreadPool(reactor, self.extractors, self.extraction.extract, self.fetched(item))
        return extracting.addCallback(lambda extraction: deferToThreadPool(reactor, self.pool, self.take, item,
                                                                         extraction))

    def needs_extraction(self, item) -> bool:
        return not (item.kind == "listing" or item.extra.get("from_archive") or item.status in (404, 410)
                    or self.known(item.body))

    def extract(self, item) -> tuple | None:
        """The extraction `take` needs for this item, done in a worker process (None: none needed)."""
        return self.extraction.extract(self.fetched(item)) if self.needs_extraction(item) else None

    def known(self, body: bytes) -> bool:
        """Archived and read before (bytes archived only as a listing page are not read yet)."""
        sha = hashlib.sha256(body).hexdigest()
        row = next(self.reader.query("select status from documents where sha256 = ?", [sha]), None)
        return row is not None and row["status"] != "listing"

    @staticmethod
    def fetched(item) -> Fetched:
        return Fetched(item.url, item.body, item.fetched_at, status=item.status, headers=item.headers,
                       final_url=item.final_url, content_type=item.headers.get("Content-Type"),
                       method=item.method)

    def take(self, item, extraction: tuple | None = None) -> str:
        """One document from a spider: archived, or — a report address now 404/410 — marked vanished."""
        if item.extra.get("from_archive"):
            self.counts["resumed"] += 1
            return "resumed"
        if item.kind == "listing":
            return self.record(item, LISTING)
        if item.status in (404, 410):
            return f"vanished ({self.mark_vanished(item.url)} report(s))"
        return self.record(item, extraction)

    def record(self, item, extraction: tuple | None = None) -> str:
        """Archive one document; returns what happened (new, changed, unchanged, not_report, …)."""
        outcome = self.run.record(self.fetched(item), item.agency, extraction)
        if item.kind != "listing":  # listing pages are counted by the run
            self.counts["pages"] += 1
            self.counts["not_modified"] += item.status == 304
        changes = [change for _, change in outcome.report_changes]
        return ",".join(changes) or outcome.status

    def mark_vanished(self, url: str) -> int:
        """A report address that now answers 404/410: its reports are marked, never deleted."""
        with self.db.atomic():
            ids = [r["id"] for r in self.db.query(
                "select distinct reports.id from reports join report_documents on report_id = reports.id "
                "where report_documents.source_url = ? and reports.status = 'current'", [url])]
            for report_id in ids:
                self.db["reports"].update(report_id, {"status": "vanished", "superseded_at": now()})
        self.counts["vanished"] += len(ids)
        return len(ids)

    def block(self, host: str, why: str) -> None:
        self.blocked.setdefault(host, why)

    def finish(self, status: str = "done", error_kinds: dict | None = None) -> dict:
        ACTIVE.pop(self.id, None)
        self.extractors.stop()
        self.extraction.close()
        self.pool.stop()  # waits for the documents still being written
        summary = self.run.finish(status)
        summary["errors"] += sum((error_kinds or {}).values())  # unreadable documents and failed fetches
        extra = {"errors": summary["errors"], "pages": self.counts["pages"], "listings": self.run.counts["listings"],
                 "not_modified": self.counts["not_modified"],
                 "resumed": self.counts["resumed"],
                 "error_kinds": json.dumps(error_kinds or {}),
                 "vanished": self.counts["vanished"], "blocked_hosts": json.dumps(self.blocked, ensure_ascii=False)}
        with self.db.atomic():
            self.db["runs"].update(self.run.id, extra)
        return summary | extra | {"run_id": self.run.id, "blocked": dict(self.blocked)}
