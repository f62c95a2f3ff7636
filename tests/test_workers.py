"""Extraction in worker processes (archive/workers.py): same results, and a dying worker loses nothing."""

import os
from concurrent.futures import ThreadPoolExecutor

from conftest import SEEDS

from archive.store import Fetched, extract_safely
from archive.workers import ExtractionPool

CRASH = b"this document kills the process reading it"
HANG = b"this document is never done"


def extract_or_die(fetched: Fetched) -> tuple:
    """A stand-in for a crash in a native library (pdfium, onnxruntime): the process just ends."""
    if fetched.body == CRASH:
        os._exit(3)
    if fetched.body == HANG:
        import time

        time.sleep(120)
    result = extract_safely(fetched)
    return result[0], result[1], result[2], result[3] | {"pid": os.getpid()}


def seed_documents() -> list[Fetched]:
    return [Fetched(f"file://{path.name}", path.read_bytes(), "2026-01-01T00:00:00+00:00")
            for path in sorted(SEEDS.glob("*.txt"))]


def test_worker_processes_give_what_this_process_gives():
    pool = ExtractionPool(2)
    try:
        for fetched in seed_documents():
            here, there = extract_safely(fetched), pool.extract(fetched)
            assert there[1:] == here[1:]
            assert [r.cells for r in there[0]] == [r.cells for r in here[0]]
            assert [r.checks for r in there[0]] == [r.checks for r in here[0]]
    finally:
        pool.close()


def test_extraction_happens_in_other_processes_and_zero_means_here():
    pool = ExtractionPool(2, extract=extract_or_die)
    fetched = seed_documents()[0]
    try:
        assert pool.extract(fetched)[3]["pid"] != os.getpid()
    finally:
        pool.close()
    here = ExtractionPool(0, extract=extract_or_die)
    assert here.extract(fetched)[3]["pid"] == os.getpid()


def test_a_dying_worker_costs_only_its_own_document():
    pool = ExtractionPool(2, extract=extract_or_die)
    documents = seed_documents()
    crash = Fetched("http://example.invalid/crash.pdf", CRASH, "2026-01-01T00:00:00+00:00")
    try:
        with ThreadPoolExecutor(8) as threads:  # the crash among documents in flight, twice over
            results = list(threads.map(pool.extract, [*documents[:2], crash, *documents[2:], crash, *documents]))
        assert [r[1] for r in results].count("unreadable") == 2
        results = results[:len(documents) + 1]
        died = results[2]
        assert died[:3] == ([], "unreadable", "extractor error: the extracting process died on this document")
        others = results[:2] + results[3:]
        assert all(status == "report" for _, status, _, _ in others)
        assert pool.extract(documents[0])[1] == "report"  # the pool works on afterwards
    finally:
        pool.close()


def test_the_archive_writer_reads_several_at_once_and_writes_in_arrival_order():
    import threading
    import time

    from crawler.distributed import DocumentWriter
    from crawler.items import DocumentItem

    class SlowPool:
        processes = 2

        def __init__(self):
            self.running, self.most = 0, 0
            self.lock = threading.Lock()

        def extract(self, fetched):
            with self.lock:
                self.running += 1
                self.most = max(self.most, self.running)
            time.sleep(0.05 if fetched.url.endswith("0") else 0.01)  # the first ones are the slowest
            with self.lock:
                self.running -= 1
            return [], "not_report", fetched.url, {}

    class Recorder:
        extraction = SlowPool()
        taken: list = []

        def needs_extraction(self, item):
            return item.kind != "listing"

        def fetched(self, item):
            return Fetched(item.url, item.body, item.fetched_at)

        def take(self, item, extraction):
            self.taken.append((item.url, extraction and extraction[2]))
            return "ok"

    recorder = Recorder()
    writer = DocumentWriter(recorder)
    urls = [f"https://a.gov.cn/{i}" for i in range(10)]
    for i, url in enumerate(urls):
        writer.add(DocumentItem(url, url, 200, {}, b"x", "t", "A", "listing" if i == 5 else "report_page"))
    writer.drain()  # what was taken off the list is all written, even when the writer is stopped
    assert [url for url, _ in recorder.taken] == urls
    assert all(read == (None if i == 5 else urls[i]) for i, (_, read) in enumerate(recorder.taken))
    assert recorder.extraction.most > 1


def test_a_document_read_past_the_time_limit_is_stopped_and_the_pool_goes_on():
    import time

    pool = ExtractionPool(2, extract=extract_or_die, timeout=2)
    documents = seed_documents()
    hang = Fetched("http://example.invalid/hang.doc", HANG, "2026-01-01T00:00:00+00:00")
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(2) as threads:
            results = list(threads.map(pool.extract, [hang, *documents[:3]]))
        assert time.monotonic() - started < 30
        assert results[0][:2] == ([], "unreadable") and "took over 2 s" in results[0][2]
        assert all(r[1] == "report" for r in results[1:])
        assert pool.extract(documents[0])[3]["pid"] != os.getpid()  # still in worker processes
    finally:
        pool.close()


def test_after_a_crash_documents_are_never_read_in_this_process(monkeypatch):
    pool = ExtractionPool(1, extract=extract_or_die)
    pool._started.wait()
    monkeypatch.setattr(pool, "_start", lambda processes: None)  # no process can be started any more
    crash = Fetched("http://example.invalid/crash.pdf", CRASH, "2026-01-01T00:00:00+00:00")
    try:
        assert pool.extract(crash)[:2] == ([], "unreadable")  # this test process is still alive
        assert pool.extract(seed_documents()[0])[2] == "extractor error: no extraction process could be started"
    finally:
        pool.close()
