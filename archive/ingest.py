"""`nianbao ingest`: local files into the archive through the crawler's own write path."""

import mimetypes
from pathlib import Path

from .errors import ArchiveError
from .store import Fetched, Outcome, Run


def expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            files.append(path)
        else:
            raise ArchiveError(f"no such file or folder: {path}")
    return files


def ingest_files(db, files: list[Path], url: str | None = None, agency: str | None = None,
                 warc_dir: Path | None = None, on_each=None) -> dict:
    """Archive each file; `on_each(path, outcome)` is told as each is done. Returns the run's counts."""
    if url and len(files) != 1:
        raise ArchiveError("--url names the source of one file; give exactly one file with it")
    run = Run(db, "ingest", note=f"{len(files)} file(s)", warc_dir=warc_dir)
    status = "failed"
    try:
        for path in files:
            fetched = Fetched(url or path.resolve().as_uri(), path.read_bytes(), method="file",
                              content_type=mimetypes.guess_type(path.name)[0])
            outcome: Outcome = run.record(fetched, agency)
            if on_each:
                on_each(path, outcome)
        status = "done"
    finally:
        counts = run.finish(status)
    return counts | {"run_id": run.id}
