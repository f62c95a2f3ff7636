"""Crawl figures: `scrapy bench` next to a full nianbao crawl of the demo web, same run.

    python bench/bench_crawl.py [--seconds 15]

Prints pages per second for both, and the crawl's peak memory. Politeness delays are off
for the demo crawl (--fast); everything else (robots.txt, archive, extraction) is on.
"""

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def scrapy_bench(seconds: int) -> float:
    done = subprocess.run([sys.executable, "-m", "scrapy.cmdline", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                           "-s", "LOG_LEVEL=INFO"], capture_output=True, text=True, cwd=tempfile.gettempdir())
    stats = re.search(r"'response_received_count': (\d+)", done.stderr)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", done.stderr)
    if not stats or not elapsed:
        raise SystemExit("scrapy bench printed no stats:\n" + done.stderr[-2000:])
    return int(stats[1]) / float(elapsed[1])


NIANBAO = [sys.executable, "-c", "from nianbao_cli import main; main()"]


@contextmanager
def demo_web():
    """(the demo web, running; a temporary folder; its agency registry there)."""
    from crawler.demo.site import DemoWeb

    web = DemoWeb(seed=0)
    web.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            registry = Path(tmp) / "agencies.yaml"
            web.write_registry(registry)
            yield web, Path(tmp), registry
    finally:
        web.stop()


def demo_crawl(*options: str) -> tuple[float, float, int, float]:
    """(pages/s from process start, pages/s from the first request until the run is closed
    with every document archived, requests, peak MiB). The second is what `scrapy bench`
    measures for itself: its rate counts from the spider's start, not the interpreter's."""
    with demo_web() as (web, tmp, registry):
        before = len(web.requests())
        start = time.monotonic()
        crawl = subprocess.Popen([*NIANBAO, "crawl", "--agencies", str(registry), "--db", str(tmp / "bench.db"),
                                  "--allow-local", "--fast", *options], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
        finished = None
        for line in crawl.stdout:
            if line.startswith("run "):  # the summary: printed once the run is closed
                finished = time.monotonic()
        if crawl.wait() != 0 or finished is None:
            raise SystemExit("the demo crawl failed")
        elapsed = time.monotonic() - start
        pages = len(web.requests()) - before
        crawling = finished - web.request_times()[before]
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return pages / elapsed, pages / crawling, pages, peak_mib


def distributed_crawl(workers: int) -> float:
    """Pages per second with N `nianbao crawl --redis` workers and one archive writer."""
    import shutil
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    redis = subprocess.Popen([shutil.which("redis-server"), "--port", str(port), "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        with demo_web() as (web, tmp, registry):
            time.sleep(0.5)
            writer = subprocess.Popen([*NIANBAO, "archive-writer", "--db", str(tmp / "d.db"), "--redis", url,
                                       "--idle-exit", "5"], cwd=ROOT, stdout=subprocess.DEVNULL)
            time.sleep(1.5)
            before = len(web.requests())
            start = time.perf_counter()
            crawlers = [subprocess.Popen([*NIANBAO, "crawl", "--agencies", str(registry), "--redis", url,
                                          "--allow-local", "--fast"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL) for _ in range(workers)]
            for crawler in crawlers:
                crawler.wait()
            elapsed = time.perf_counter() - start
            writer.wait()
            return (len(web.requests()) - before) / elapsed
    finally:
        redis.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3, help="demo crawls (the median is reported)")
    args = parser.parse_args()
    bench_rate = scrapy_bench(args.seconds)
    print(f"scrapy bench:           {bench_rate:7.1f} pages/s")
    runs = [demo_crawl() for _ in range(args.repeat)]
    whole, crawling, pages, peak = sorted(runs, key=lambda r: r[1])[len(runs) // 2]  # the median run
    print(f"nianbao crawl of demo:  {crawling:7.1f} pages/s from first request to last document archived "
          f"({pages} requests; median of {len(runs)}: {', '.join(f'{r[1]:.1f}' for r in runs)}); "
          f"{whole:.1f} pages/s counting interpreter and Scrapy start-up; peak memory {peak:.0f} MiB (largest process)")
    print(f"ratio: {crawling / bench_rate:.2f} of scrapy bench (target ≥ 0.5)")
    in_process = sorted(demo_crawl("--extraction-processes", "0")[1] for _ in range(args.repeat))
    print(f"same, documents read on threads of the crawl's process (--extraction-processes 0): "
          f"{in_process[len(in_process) // 2]:.1f} pages/s")
    for workers in (1, 2):
        print(f"distributed, {workers} worker(s) + writer: {distributed_crawl(workers):7.1f} pages/s "
              "(wall time from worker start, incl. process start-up and the idle wait)")


if __name__ == "__main__":
    main()
