"""Several crawl workers, one archive writer: scrapy-redis shares the frontier, a Redis list
carries the fetched documents to the single process that writes SQLite.

    nianbao archive-writer --db nianbao.db --redis redis://host:6379/0     # one, beside the archive
    nianbao crawl --redis redis://host:6379/0 --agencies agencies.yaml     # on each worker machine

Workers share the request queue and the duplicate filter (scrapy-redis), so each page is
fetched once across all of them; SQLite never has two writers. Conditional requests need
the archive, which workers do not have: in this mode unchanged documents are fetched
again, and the writer's content hashes keep them from being extracted again.
"""

import base64
import json
import logging
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from . import settings as project_settings
from .items import DocumentItem
from .recorder import CrawlRecorder

DOCUMENTS = "nianbao:documents"
LAST_ACTIVITY = "nianbao:last_activity"
EVENTS = "nianbao:events"
KEY_PREFIX = "nianbao"
log = logging.getLogger("nianbao.crawl")


def redis_settings(url: str) -> dict:
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_KEY": f"{KEY_PREFIX}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{KEY_PREFIX}:%(spider)s:dupefilter",
        "DUPEFILTER_KEY": f"{KEY_PREFIX}:%(spider)s:dupefilter",
        "SCHEDULER_PERSIST": True,  # a worker that finishes first must not wipe the others' state
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,  # a blocking pop would freeze the reactor; WaitForPeers waits
        # A worker takes from the shared queue only what it can fetch now, not a hoard that
        # its download delays would make the others wait for.
        "CONCURRENT_REQUESTS": 4,
        "REDIS_URL": url,
        "ITEM_PIPELINES": {"crawler.distributed.RedisDocumentPipeline": 300},
        # Added to the project's extensions, not instead of them (they switch Scrapy's consoles off).
        "EXTENSIONS": project_settings.EXTENSIONS | {"crawler.distributed.WaitForPeers": 500},
        "NIANBAO_PEER_GRACE": 10,
    }


class WaitForPeers:
    """A worker whose queue runs dry stays up while any worker fetched something in the last
    NIANBAO_PEER_GRACE seconds: a peer's page may still add requests to the shared queue."""

    def __init__(self, crawler, client, grace: float):
        self.client, self.grace = client, grace
        self.started = time.time()  # peers starting at the same time have not fetched anything yet
        crawler.signals.connect(self.activity, signal=signals.response_received)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        return cls(crawler, connect(crawler.settings["REDIS_URL"]), crawler.settings.getfloat("NIANBAO_PEER_GRACE"))

    def activity(self, *args, **kwargs):
        self.client.set(LAST_ACTIVITY, time.time())

    def idle(self, *args, **kwargs):
        last = max(float(self.client.get(LAST_ACTIVITY) or 0), self.started)
        if time.time() - last < self.grace:
            raise DontCloseSpider


def connect(url: str) -> redis.Redis:
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as err:
        raise ConnectionError(f"cannot reach Redis at {url}: {err}") from err
    return client


class RedisDocumentPipeline:
    """Worker side: every document goes onto the Redis list for the archive writer."""

    def __init__(self, client):
        self.client = client

    @classmethod
    def from_crawler(cls, crawler):
        return cls(connect(crawler.settings["REDIS_URL"]))

    def process_item(self, item: DocumentItem, spider=None):
        record = asdict(item) | {"body": base64.b64encode(item.body).decode("ascii")}
        self.client.rpush(DOCUMENTS, json.dumps(record, ensure_ascii=False))
        return item


def report_blocked(settings, host: str, why: str) -> None:
    if url := settings.get("REDIS_URL"):
        connect(url).rpush(EVENTS, json.dumps({"blocked": host, "why": why}, ensure_ascii=False))


def start_generation(client) -> None:
    """A new night: forget the last crawl's frontier and seen requests."""
    for key in client.scan_iter(f"{KEY_PREFIX}:*:requests"):
        client.delete(key)
    for key in client.scan_iter(f"{KEY_PREFIX}:*:dupefilter"):
        client.delete(key)
    client.delete(LAST_ACTIVITY)


def run_writer(db_path, url: str, idle_exit: float | None = None, on_document=None) -> dict:
    """Archive what workers send until told to stop (Ctrl-C) or idle for `idle_exit` seconds."""
    client = connect(url)
    start_generation(client)
    recorder = CrawlRecorder(db_path, note=f"archive writer for {url}")
    writer = DocumentWriter(recorder, on_document)
    status = "failed"
    idle, received = 0.0, False
    try:
        while True:
            popped = pop_now(client) if writer.pending else client.blpop([EVENTS, DOCUMENTS], timeout=1)
            if popped is None:
                if writer.pending:  # nothing new: write what is being read
                    writer.write_oldest()
                    continue
                idle += received  # the idle clock starts with the first document
                if idle_exit and idle >= idle_exit:
                    break  # idle long enough: the workers are done
                continue
            idle, received = 0.0, True
            key, raw = popped
            message = json.loads(raw)
            if key.decode() == EVENTS:
                recorder.block(message["blocked"], message["why"])
                continue
            writer.add(DocumentItem(**(message | {"body": base64.b64decode(message["body"])})))
        status = "done"
    except KeyboardInterrupt:
        status = "done"
    finally:
        try:
            writer.drain()  # documents taken off the list are archived before the writer stops
        finally:
            summary = recorder.finish(status)
    return summary


def pop_now(client) -> tuple[bytes, bytes] | None:
    """The next event or document without waiting (blpop's answer shape)."""
    for key in (EVENTS, DOCUMENTS):
        raw = client.lpop(key)
        if raw is not None:
            return key.encode(), raw
    return None


class DocumentWriter:
    """Documents from the workers, read several at a time in the recorder's extraction
    processes and written one at a time, in the order they came, by the writer's thread."""

    def __init__(self, recorder: CrawlRecorder, on_document=None):
        self.recorder, self.on_document = recorder, on_document
        self.window = max(1, recorder.extraction.processes)  # documents read at once: one per process
        self.threads = ThreadPoolExecutor(self.window, thread_name_prefix="nianbao-writer-read")
        self.pending: deque[tuple[DocumentItem, Future | None]] = deque()

    def add(self, item: DocumentItem) -> None:
        future = None
        if self.recorder.needs_extraction(item):  # asks the archive: on this thread
            future = self.threads.submit(self.recorder.extraction.extract, self.recorder.fetched(item))
        self.pending.append((item, future))
        while self.pending and (len(self.pending) > self.window or self.pending[0][1] is None
                                or self.pending[0][1].done()):
            self.write_oldest()

    def write_oldest(self) -> None:
        item, future = self.pending.popleft()
        outcome = self.recorder.take(item, future.result() if future else None)
        if self.on_document:
            self.on_document(outcome, item)

    def drain(self) -> None:
        while self.pending:
            self.write_oldest()
        self.threads.shutdown()
