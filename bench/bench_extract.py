"""Extraction throughput over a synthetic corpus (tests/synth.py), single core.

    .venv/bin/python bench/bench_extract.py [--n 500] [--layouts html,pipe] [--repeat 1]

The corpus is generated first (not timed); then each document goes through
extract_reports once per repeat and the wall time of each call is recorded. Prints figures
only: reports/s, mean/median/p95 ms per report and mean document size, per layout.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import synth  # noqa: E402

from extract import extract_reports  # noqa: E402


def corpus(layout: str, n: int) -> list[synth.SynthReport]:
    return list(synth.corpus(n, layout))


def time_layout(reports: list[synth.SynthReport], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        for r in reports:
            start = time.perf_counter()
            extract_reports(r.document, url=r.url, content_type=r.content_type)
            times.append(time.perf_counter() - start)
    return times


def row(layout: str, reports: list, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    size = statistics.mean(len(r.document if isinstance(r.document, bytes) else r.document.encode()) for r in reports) / 1024
    return (f"{layout:<6} {len(times):>6} {len(times) / sum(times):>10.1f} {statistics.mean(ms):>9.2f} "
            f"{statistics.median(ms):>9.2f} {p95:>9.2f} {ms[-1]:>9.2f} {size:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="reports per layout (templates alternate)")
    parser.add_argument("--layouts", default=",".join(synth.LAYOUTS))
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    layouts = args.layouts.split(",")

    start = time.perf_counter()
    corpora = {layout: corpus(layout, args.n) for layout in layouts}
    generated = time.perf_counter() - start
    print(f"generated {args.n * len(layouts)} reports in {generated:.2f}s "
          f"({generated / (args.n * len(layouts)) * 1000:.2f} ms/report, not timed below)")
    extract_reports(corpora[layouts[0]][0].document)  # imports and caches warm

    print(f"{'layout':<6} {'calls':>6} {'reports/s':>10} {'mean ms':>9} {'median':>9} {'p95':>9} {'max':>9} {'KiB/doc':>8}")
    every = []
    for layout in layouts:
        times = time_layout(corpora[layout], args.repeat)
        every += times
        print(row(layout, corpora[layout], times))
    print(row("all", [r for c in corpora.values() for r in c], every))


if __name__ == "__main__":
    main()
