"""One writer at a time: a crawl holds an exclusive lock on its archive for its whole run."""

import fcntl
import os
from pathlib import Path

from .errors import ArchiveError


class ArchiveLock:
    """`with ArchiveLock(db_path):` — a second holder fails at once with who holds it.

    The lock is an flock on `<db>.lock`: the kernel releases it when the process dies, so a
    crawl killed with -9 never leaves a stale lock behind.
    """

    def __init__(self, db_path, purpose: str = "crawl"):
        self.path = Path(f"{db_path}.lock")
        self.purpose = purpose
        self._file = None

    def __enter__(self):
        self._file = open(self.path, "a+")  # noqa: SIM115 - held for the lock's lifetime
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.seek(0)
            holder = self._file.read().strip() or "another process"
            self._file.close()
            raise ArchiveError(f"{self.path.with_suffix('')} is busy: {holder} is already running on it") from None
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"{self.purpose} (pid {os.getpid()})")
        self._file.flush()
        return self

    def __exit__(self, *exc):
        self._file.truncate(0)
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self._file.close()
        return False
