"""Extraction in worker processes, so a crawl downloads on one core while documents are read on others.

Extraction is pure Python for the most part (HTML, tables, checks): on threads it shares one
interpreter lock with Scrapy and the archive writer, and a crawl runs no faster than the
two added up. Worker processes are forked from a server that has already imported the
extractor, started when the crawl starts, so the first document waits for nothing.

A worker that dies (a crash in a native library, the kernel's OOM killer) breaks the pool:
the pool is replaced and each document that was in it is read again in a process of its own;
the document that kills that one too is archived as unreadable with that reason. A document
still being read after MAX_SECONDS (a hang: every reader has its own, shorter limits) has
its worker killed and is archived as unreadable. Only where processes cannot be started at
all, from the start, does extraction happen in the calling thread; never after a crash.

Callers keep at most `processes` documents in flight, so the time limit counts reading, not
waiting for a free worker.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, TimeoutError
from concurrent.futures.process import BrokenProcessPool

from .store import Fetched, extract_safely

log = logging.getLogger(__name__)

MAX_PROCESSES = 4
MAX_SECONDS = 900.0  # one document in a worker (500 scanned pages through OCR stay well under it)
TASKS_PER_WORKER = 500  # a worker is replaced after this many documents: OCR models and leaks are let go


def default_processes() -> int:
    return max(1, min(MAX_PROCESSES, os.cpu_count() or 1))


def _ready() -> bool:
    """A first task for each worker: it starts the processes while the crawl starts."""
    return True


class ExtractionPool:
    def __init__(self, processes: int | None = None, extract=extract_safely, timeout: float = MAX_SECONDS):
        self.processes = default_processes() if processes is None else processes
        self.function = extract  # Fetched → extraction tuple; importable by name (it goes to the workers)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._alone_lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._in_process = self.processes <= 0  # decided once, at the start
        # Starting the workers takes a moment (the fork server imports the extractor): it is done
        # on a thread of its own while the crawl starts, and the first document waits for it.
        self._started = threading.Event()
        if self._in_process:
            self._started.set()
        else:
            threading.Thread(target=self._start_in_background, name="nianbao-extraction-start", daemon=True).start()

    def _start_in_background(self) -> None:
        try:
            self._executor = self._start(self.processes)
            self._in_process = self._executor is None
        finally:
            self._started.set()

    def _start(self, processes: int) -> ProcessPoolExecutor | None:
        executor = None
        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["archive.store", "extract.report", "extract.htmldoc", "extract.pdf",
                                            "extract.doc", "extract.word"])
            executor = ProcessPoolExecutor(processes, mp_context=context, max_tasks_per_child=TASKS_PER_WORKER)
            for _ in range(processes):
                executor.submit(_ready)
            return executor
        except (OSError, ValueError, ImportError, NotImplementedError, RuntimeError) as err:
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
            log.warning("extraction processes cannot start (%s)", err)
            return None

    def extract(self, fetched: Fetched) -> tuple:
        """extract_safely(fetched), in a worker process when there are some. Blocks: call it from a thread."""
        self._started.wait()
        if self._in_process:
            return self.function(fetched)
        executor = self._executor
        if executor is not None:
            try:
                return executor.submit(self.function, fetched).result(timeout=self.timeout)
            except BrokenProcessPool:
                self._replace(executor)
            except TimeoutError:
                self._replace(executor, kill=True)
                return _unreadable(f"reading the document took over {self.timeout:.0f} s (stopped)")
            except RuntimeError:
                pass  # another thread replaced the broken pool meanwhile
        return self._alone(fetched)

    def _alone(self, fetched: Fetched) -> tuple:
        """A document that was in a pool when a worker died, read again in a process of its own:
        only the document that kills its process is lost, not the ones beside it."""
        with self._alone_lock:
            solo = self._start(1)
            if solo is None:
                return _unreadable("no extraction process could be started")
            try:
                return solo.submit(self.function, fetched).result(timeout=self.timeout)
            except BrokenProcessPool:
                return _unreadable("the extracting process died on this document")
            except TimeoutError:
                _kill_workers(solo)
                return _unreadable(f"reading the document took over {self.timeout:.0f} s (stopped)")
            finally:
                solo.shutdown(wait=True, cancel_futures=True)

    def _replace(self, broken: ProcessPoolExecutor, kill: bool = False) -> None:
        with self._lock:
            if self._executor is broken:
                log.warning("an extraction process %s; starting new ones", "hung" if kill else "died")
                if kill:
                    _kill_workers(broken)
                broken.shutdown(wait=False, cancel_futures=True)
                self._executor = self._start(self.processes)

    def close(self) -> None:
        self._started.wait()
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def _unreadable(why: str) -> tuple:
    return [], "unreadable", f"extractor error: {why}", {}


def _kill_workers(executor: ProcessPoolExecutor) -> None:
    """The pool's processes, stopped (the executor does not offer it: its process table is private)."""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        process.kill()
