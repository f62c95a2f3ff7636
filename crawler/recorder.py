"""The crawl's link to the archive: one run, shared by every spider of a `nianbao crawl`.

It answers the middlewares (what was fetched from this URL before, with which validators)
and takes the pipeline's documents. All archive writes go through archive.store.
"""

import json
from collections import Counter

from archive.db import open_db
from archive.store import Fetched, Run, now
from archive.warc import warc_dir_for

# Scrapy deep-copies settings, so a run's recorder is found through its id.
ACTIVE: dict[str, "CrawlRecorder"] = {}


def recorder_for(settings) -> "CrawlRecorder | None":
    return ACTIVE.get(settings.get("NIANBAO_RECORDER_ID") or "")


class CrawlRecorder:
    def __init__(self, db_path, note: str = "", warc: bool = True):
        self.db_path = db_path
        self.db = open_db(db_path)
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

    def resumed_body(self, url: str) -> bytes | None:
        """The document the interrupted run already archived from this URL, if any."""
        if not self.resumed_run:
            return None
        row = next(self.db.query(
            "select blobs.content from fetches join blobs on blobs.sha256 = fetches.sha256 "
            "where fetches.run_id = ? and fetches.url = ? limit 1", [self.resumed_run, url]), None)
        return row["content"] if row else None

    # --- what the archive already knows about a URL -----------------------------------------

    def last_fetch(self, url: str) -> dict | None:
        return next(self.db.query(
            "select sha256, headers, status from fetches where (url = ? or final_url = ?) and status = 200 "
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

    def archived_body(self, url: str) -> bytes | None:
        fetch = self.last_fetch(url)
        if not fetch:
            return None
        blob = next(self.db.query("select content from blobs where sha256 = ?", [fetch["sha256"]]), None)
        return blob["content"] if blob else None

    # --- writing ---------------------------------------------------------------------------

    def take(self, item) -> str:
        """One document from a spider: archived, or — a report address now 404/410 — marked vanished."""
        if item.extra.get("from_archive"):
            self.counts["resumed"] += 1
            return "resumed"
        if item.status in (404, 410):
            return f"vanished ({self.mark_vanished(item.url)} report(s))"
        return self.record(item)

    def record(self, item) -> str:
        """Archive one document; returns what happened (new, changed, unchanged, not_report, …)."""
        fetched = Fetched(item.url, item.body, item.fetched_at, status=item.status, headers=item.headers,
                          final_url=item.final_url, content_type=item.headers.get("Content-Type"))
        outcome = self.run.record(fetched, item.agency)
        self.counts["pages"] += 1
        if item.status == 304:
            self.counts["not_modified"] += 1
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

    def finish(self, status: str = "done") -> dict:
        ACTIVE.pop(self.id, None)
        summary = self.run.finish(status)
        extra = {"pages": self.counts["pages"], "not_modified": self.counts["not_modified"],
                 "resumed": self.counts["resumed"],
                 "vanished": self.counts["vanished"], "blocked_hosts": json.dumps(self.blocked, ensure_ascii=False)}
        with self.db.atomic():
            self.db["runs"].update(self.run.id, extra)
        return summary | extra | {"run_id": self.run.id, "blocked": dict(self.blocked)}
