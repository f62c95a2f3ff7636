"""`nianbao serve`: Datasette on an archive, read-only, with nianbao's metadata and plugin.

Datasette opens a database file it was given (not `--immutable`) with `mode=ro`: every
query, canned or typed, is read-only, and a crawl or ingest writing to the same file at
the same time is seen at the next request. No canned query writes.
"""

import sqlite3
from pathlib import Path

from .errors import ArchiveError
from .metadata import metadata

SETTINGS = {
    "sql_time_limit_ms": 3000,     # the 1–2 character text search scans every section
    "facet_time_limit_ms": 500,
    "truncate_cells_html": 400,    # section text is long; the row page shows it whole
    "default_page_size": 50,
    "suggest_facets": False,       # each suggestion costs a scan; the useful facets are configured
}


def check_archive(path: Path) -> None:
    """Raise ArchiveError unless `path` is a nianbao archive, without writing to it."""
    if not path.is_file():
        raise ArchiveError(f"no archive at {path} (run `nianbao ingest` or `nianbao crawl` first)")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise ArchiveError(f"{path} is not a usable nianbao archive: {err}") from err
    missing = {"reports", "agencies", "cells", "blobs", "sections_fts"} - tables
    if missing:
        raise ArchiveError(f"{path} is not a nianbao archive (no {', '.join(sorted(missing))} table)")


def database_name(path: Path) -> str:
    """The name Datasette gives the file's database (its stem), used in every URL."""
    return Path(path).stem


def make_datasette(path: Path, settings: dict | None = None):
    from datasette.app import Datasette

    path = Path(path)
    return Datasette([str(path)], metadata=metadata(database_name(path)), settings=SETTINGS | (settings or {}))


def serve(path: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    import uvicorn

    path = Path(path)
    check_archive(path)
    ds = make_datasette(path)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
