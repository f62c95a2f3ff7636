"""Archive figures: ingest throughput, and the agency-history query on 100,000 reports.

    python bench/bench_archive.py [--reports 100000] [--ingest 300]

Prints figures only. The large archive is built with plain inserts (the shape of what
ingest writes: one report row, ~200 cells, its checks) so that building it takes a
minute rather than the hours real extraction of 100,000 documents would.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from archive.db import open_db  # noqa: E402
from archive.export import history_rows  # noqa: E402
from archive.store import Fetched, Run  # noqa: E402
from extract import extract_reports  # noqa: E402


def bench_ingest(folder: Path, count: int) -> None:
    import synth

    docs = [synth.generate(seed, "html") for seed in range(count)]
    db = open_db(folder / "ingest.db")
    run = Run(db, "bench")
    start = time.perf_counter()
    for n, doc in enumerate(docs):
        body = doc.document.encode("utf-8") if isinstance(doc.document, str) else doc.document
        run.record(Fetched(f"https://bench.example.gov.cn/{n}.html", body, status=200))
    elapsed = time.perf_counter() - start
    run.finish()
    print(f"ingest: {count} generated HTML reports in {elapsed:.2f} s = {count / elapsed:.1f} documents/s "
          f"({elapsed / count * 1000:.1f} ms each, extraction included)")


def build_large_archive(path: Path, reports: int, years: int = 20) -> list[str]:
    """`reports` reports over reports/years agencies, each with the cells of a real report."""
    template = extract_reports((ROOT.parent / "shared" / "seeds" / "000_760391771cb97ddd.txt").read_bytes())[0]
    keys = list(template.cells)
    checks = [(c["id"], c["scope"], c["status"], c["detail"]) for c in template.checks]
    db = open_db(path)
    agencies = [f"第{n}号市某某局" for n in range(reports // years)]
    rng = random.Random(7)
    start = time.perf_counter()
    conn = db.conn
    conn.execute("BEGIN")
    conn.executemany("insert into agencies (id, name) values (?, ?)", list(enumerate(agencies, 1)))
    report_id = 0
    for agency_id, agency in enumerate(agencies, 1):
        for year in range(2004, 2004 + years):
            report_id += 1
            conn.execute(
                "insert into reports (id, agency_id, agency, year, template, title, version, status, identity, "
                "source_url, document_sha256, doc_index, fetched_at, fingerprint, cell_count) "
                "values (?, ?, ?, ?, '2021', ?, 1, 'current', ?, ?, ?, 0, '2024-01-01T00:00:00+00:00', '', ?)",
                (report_id, agency_id, agency, year, f"{agency}{year}年政府信息公开工作年度报告", f"{agency}|{year}",
                 f"https://example.gov.cn/{report_id}.html", f"{report_id:064x}", len(keys)))
            conn.executemany("insert into cells (report_id, key, value, raw, section) values (?, ?, ?, ?, ?)",
                             [(report_id, k, v := rng.randint(0, 50), str(v), k.split(".")[0]) for k in keys])
            conn.executemany("insert into checks (report_id, check_id, scope, status, detail) values (?, ?, ?, ?, ?)",
                             [(report_id, *c) for c in checks])
    conn.execute("COMMIT")
    print(f"built {report_id:,} reports, {report_id * len(keys):,} cells, {report_id * len(checks):,} checks "
          f"in {time.perf_counter() - start:.0f} s ({path.stat().st_size / 2**20:.0f} MiB)")
    return agencies


def bench_history(path: Path, agencies: list[str], samples: int = 200) -> None:
    db = open_db(path)
    rng = random.Random(1)
    timings = []
    for agency in rng.sample(agencies, min(samples, len(agencies))):
        start = time.perf_counter()
        rows = history_rows(db, agency)
        timings.append((time.perf_counter() - start) * 1000)
        assert len(rows) == 20
    timings.sort()
    print(f"agency history on {db['reports'].count:,} reports: median {statistics.median(timings):.1f} ms, "
          f"p95 {timings[int(len(timings) * 0.95)]:.1f} ms, max {timings[-1]:.1f} ms (target < 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--ingest", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_ingest(folder, args.ingest)
        agencies = build_large_archive(folder / "large.db", args.reports)
        bench_history(folder / "large.db", agencies)


if __name__ == "__main__":
    main()
