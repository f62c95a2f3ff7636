"""How well an archive matches the demo web: a crawl of it against its manifest.

The manifest (``DemoWeb.manifest()``, written by ``nianbao demo-site --expected FILE``) lists
every report the demo web publishes with its addresses and cells, and the pages a crawl must
not archive or request. ``compare`` reads an archive (read-only SQLite) and says which
reports were found with exactly the expected cells, which are missing or wrong, what was
archived that is not a report of the demo web, and whether decoys slipped in.
"""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path


def load_manifest(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return a == b


def compare(db_path: str | Path, manifest: dict) -> dict:
    """{"expected", "found", "missing", "wrong", "extra", "decoys_archived", "sources_missing"}."""
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    current = {}
    for row in conn.execute("select id, agency, year from reports where status = 'current'"):
        current[(row["agency"], row["year"])] = row["id"]
    result = {"expected": len(manifest["reports"]), "found": 0, "missing": [], "wrong": [], "extra": [],
              "decoys_archived": [], "sources_missing": []}
    wanted = set()
    for report in manifest["reports"]:
        key = (report["agency"], report["year"])
        wanted.add(key)
        if key not in current:
            result["missing"].append({"agency": key[0], "year": key[1], "urls": report["urls"]})
            continue
        cells = {r["key"]: r["value"] for r in conn.execute("select key, value from cells where report_id = ?",
                                                            [current[key]])}
        diff = {k: [cells.get(k), v] for k, v in report["cells"].items() if not same(cells.get(k), v)}
        diff |= {k: [v, None] for k, v in cells.items() if k not in report["cells"]}
        if diff:
            result["wrong"].append({"agency": key[0], "year": key[1], "cells": diff})
        else:
            result["found"] += 1
        sources = {r[0] for r in conn.execute(
            "select report_documents.source_url from report_documents join reports on reports.id = report_id "
            "where reports.agency = ? and reports.year = ?", key)}
        if lost := sorted(set(report["urls"]) - sources):
            result["sources_missing"].append({"agency": key[0], "year": key[1], "urls": lost})
    result["extra"] = [{"agency": a, "year": y} for (a, y) in sorted(set(current) - wanted, key=str)]
    for url in manifest.get("decoys", []):
        if conn.execute("select count(*) from report_documents where source_url = ?", [url]).fetchone()[0]:
            result["decoys_archived"].append(url)
    conn.close()
    return result


def perfect(result: dict) -> bool:
    return result["found"] == result["expected"] and not any(
        result[k] for k in ("missing", "wrong", "extra", "decoys_archived", "sources_missing"))


def summary(result: dict) -> str:
    lines = [f"{result['found']} of {result['expected']} demo reports archived with exactly the expected cells"]
    for label, key in (("missing", "missing"), ("wrong cells", "wrong"), ("not in the demo web", "extra"),
                       ("addresses not recorded", "sources_missing")):
        if result[key]:
            lines.append(f"{label}: {len(result[key])}")
            for entry in result[key][:8]:
                detail = ""
                if key == "wrong":
                    first = list(entry["cells"].items())[:3]
                    detail = "  " + ", ".join(f"{k}: got {g!r}, want {w!r}" for k, (g, w) in first)
                elif key in ("missing", "sources_missing"):
                    detail = "  " + " ".join(entry["urls"])
                lines.append(f"  {entry['agency']} {entry['year']}{detail}")
    if result["decoys_archived"]:
        lines.append(f"decoys archived as reports: {len(result['decoys_archived'])}")
        lines += [f"  {url}" for url in result["decoys_archived"][:8]]
    return "\n".join(lines)
