"""OCR benchmark: seconds per scanned page and per-cell accuracy, per engine.

Generated reports (tests/synth.py) are printed with headless Chromium, rasterised at 150–300
dpi and degraded like scans (tests/ocr_scan.py: slight rotation, noise, blur, JPEG, grey
paper); each page is read by OCR and the report built as `nianbao extract` would. Every
expected cell is then one of:

- exact    the value read equals the generated one (blank for blank); "confirmed" counts
           the exact ones read with doubt and accepted because an identity holds with them;
- unsure   left unset and flagged (`unsure`, with its reading and confidence);
- wrong    a value that differs from the generated one (must be 0);
- missing  no cell under that key.

"raw" is the share of cells whose reading, before any doubt is applied, equals the value: the
recogniser's own accuracy on these tables. Timing is wall-clock OCR time per page (layout +
recognition, models loaded; the scan rendering excluded), and the CPU time of this process
per page (recognition runs on all cores; Tesseract's time is in its own process).

    python bench/bench_ocr.py [--reports 6] [--engine rapidocr|tesseract|both] [--cache DIR] [--poor]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from extract.formats import Document  # noqa: E402
from extract.normalize import parse_number  # noqa: E402
from extract.report import _reports_of  # noqa: E402


def load_scans(seeds: list[int], cache: Path | None, poor: bool = False):
    """(seed, template, expected cells, page images) per seed, rendered once into the cache."""
    import ocr_scan

    out = []
    for seed in seeds:
        folder = cache / f"scan-{seed}{'-poor' if poor else ''}" if cache else None
        if folder and (folder / "expected.json").exists():
            meta = json.loads((folder / "expected.json").read_text())
            pages = [Image.open(p).convert("L") for p in sorted(folder.glob("page-*.png"))]
        else:
            scan = ocr_scan.scan(seed, poor=poor)
            meta = {"template": scan.report.template, "dpi": scan.dpi, "cells": scan.expected}
            pages = scan.pages
            if folder:
                folder.mkdir(parents=True, exist_ok=True)
                for i, page in enumerate(pages):
                    page.save(folder / f"page-{i + 1:02d}.png")
                (folder / "expected.json").write_text(json.dumps(meta))
        out.append((seed, meta, pages))
    return out


def score(report, expected: dict) -> dict:
    tally = {"exact": 0, "unsure": 0, "wrong": 0, "missing": 0, "raw": 0, "confirmed": 0, "cells": len(expected)}
    wrong = []
    for key, value in expected.items():
        cell = report.cells.get(key) if report else None
        if cell is None:
            tally["missing"] += 1
            continue
        if cell.unsure:
            tally["unsure"] += 1
            number = parse_number(cell.raw) if cell.raw else None
            tally["raw"] += number is not None and value is not None and float(number.value) == float(value)
        elif cell.value == value or (cell.value is not None and value is not None and float(cell.value) == float(value)):
            tally["exact"] += 1
            tally["raw"] += 1
            tally["confirmed"] += "confirmed by" in (cell.reason or "")
        else:
            tally["wrong"] += 1
            wrong.append(f"{key}: read {cell.raw!r} expected {value}")
    return tally | {"wrong_cells": wrong}


def run(engine_name: str, scans) -> dict:
    from extract.ocr import _fit, page_rows
    from extract.ocr_engine import get_engine

    engine = get_engine(engine_name)
    engine.read([np.full((48, 96), 255, np.uint8)])  # load the model before timing
    totals = {"exact": 0, "unsure": 0, "wrong": 0, "missing": 0, "raw": 0, "confirmed": 0, "cells": 0, "pages": 0,
              "seconds": 0.0, "cpu": 0.0}
    for seed, meta, pages in scans:
        rows = []
        start, cpu = time.perf_counter(), time.process_time()
        for number, page in enumerate(pages, start=1):
            rows += page_rows(_fit(np.asarray(page)), number, engine)
        totals["seconds"] += time.perf_counter() - start
        totals["cpu"] += time.process_time() - cpu  # this process only (Tesseract runs in a child)
        totals["pages"] += len(pages)
        extraction = _reports_of(Document(rows, "image", "", [], {}, ocr=True))
        report = extraction.reports[0] if extraction.reports else None
        tally = score(report, meta["cells"])
        for key in ("exact", "unsure", "wrong", "missing", "raw", "confirmed", "cells"):
            totals[key] += tally[key]
        flag = "" if not tally["wrong"] else "  WRONG: " + "; ".join(tally["wrong_cells"][:5])
        print(f"  {engine_name:9} seed {seed:3} {meta['template']} {meta['dpi']:3} dpi {len(pages)} pages: "
              f"exact {tally['exact']}/{tally['cells']} (confirmed {tally['confirmed']}) unsure {tally['unsure']} wrong {tally['wrong']} "
              f"missing {tally['missing']}{flag}", flush=True)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=6)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--engine", default="rapidocr", choices=("rapidocr", "tesseract", "both"))
    parser.add_argument("--cache", type=Path, default=None, help="keep rendered scans here between runs")
    parser.add_argument("--poor", action="store_true", help="poor scans: 120-150 dpi, heavy noise and blur, JPEG 30-45")
    args = parser.parse_args()
    seeds = list(range(args.start, args.start + args.reports))
    t = time.perf_counter()
    scans = load_scans(seeds, args.cache, args.poor)
    print(f"rendered {len(scans)} reports, {sum(len(p) for _, _, p in scans)} pages in {time.perf_counter() - t:.1f} s")
    engines = ("rapidocr", "tesseract") if args.engine == "both" else (args.engine,)
    results = {name: run(name, scans) for name in engines}
    print(f"\n{'engine':10} {'pages':>5} {'s/page':>7} {'cpu s/page':>10} {'cells':>6} {'exact':>7} {'raw':>7} {'unsure':>7} {'wrong':>6} {'missing':>7} {'confirmed':>9}")
    for name, r in results.items():
        n = max(r["cells"], 1)
        pages = max(r["pages"], 1)
        print(f"{name:10} {r['pages']:5} {r['seconds'] / pages:7.2f} {r['cpu'] / pages:10.2f} {r['cells']:6} "
              f"{r['exact'] / n:7.1%} {r['raw'] / n:7.1%} {r['unsure'] / n:7.1%} {r['wrong']:6} {r['missing'] / n:7.1%} {r['confirmed']:9}")


if __name__ == "__main__":
    main()
