"""`nianbao crawl`: every agency of a registry, each by its CMS family's spider, in one run."""

import logging
from collections import defaultdict

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from . import settings as default_settings
from .recorder import CrawlRecorder
from .registry import Agency
from .spiders.families import SPIDERS


def crawl_settings(recorder: CrawlRecorder | None, allow_local: bool, overrides: dict | None = None) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    if recorder is not None:
        settings.set("NIANBAO_RECORDER_ID", recorder.id, priority="cmdline")
    settings.set("NIANBAO_ALLOW_LOCAL", allow_local, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def show_progress() -> None:
    """One line per archived document on the terminal; Scrapy itself only warns."""
    log = logging.getLogger("nianbao.crawl")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def by_family(agencies: list[Agency]) -> dict[str, list[Agency]]:
    groups: dict[str, list[Agency]] = defaultdict(list)
    for agency in agencies:
        groups[agency.cms or "generic"].append(agency)
    return dict(groups)


def run_crawl(agencies: list[Agency], db_path, allow_local: bool = False, since: int | None = None,
              overrides: dict | None = None) -> dict:
    """Crawl, archive, extract; returns the run's summary. One failing site never stops the rest."""
    processes = (overrides or {}).get("NIANBAO_EXTRACTION_PROCESSES", default_settings.NIANBAO_EXTRACTION_PROCESSES)
    recorder = CrawlRecorder(db_path, note=f"{len(agencies)} agencies", processes=processes)
    status, stats = "failed", []
    try:
        stats = run_spiders(agencies, crawl_settings(recorder, allow_local, overrides), since)
        status = "done"
    finally:
        summary = recorder.finish(status, error_kinds(stats))
    return summary | totals(stats)


def run_worker(agencies: list[Agency], redis_url: str, allow_local: bool = False, since: int | None = None,
               overrides: dict | None = None) -> dict:
    """A worker of a distributed crawl: shares the frontier in Redis, sends documents to the writer."""
    from .distributed import connect, redis_settings

    connect(redis_url)  # an unreachable Redis is one clear error, before any spider starts
    settings = crawl_settings(None, allow_local, redis_settings(redis_url) | (overrides or {}))
    return totals(run_spiders(agencies, settings, since))


def run_spiders(agencies: list[Agency], settings: Settings, since: int | None) -> list[dict]:
    process = CrawlerProcess(settings)
    show_progress()
    crawlers = []
    for family, group in by_family(agencies).items():
        crawler = process.create_crawler(SPIDERS[family])
        crawlers.append(crawler)
        process.crawl(crawler, agencies=group, since=since)
    process.start()
    return [c.stats.get_stats() for c in crawlers if c.stats]


def error_kinds(stats: list[dict]) -> dict[str, int]:
    """Fetch errors by kind (DNSLookupError, TimeoutError, HTTP 500 after retries, …)."""
    kinds: dict[str, int] = defaultdict(int)
    for spider_stats in stats:
        for key, count in spider_stats.items():
            if key.startswith("nianbao/errors/"):
                kinds[key.removeprefix("nianbao/errors/")] += count
            elif key.startswith("spider_exceptions/"):
                kinds[key.removeprefix("spider_exceptions/")] += count
    return dict(kinds)


def totals(stats: list[dict]) -> dict:
    return {
        "fetch_errors": sum(s.get("nianbao/errors", 0) for s in stats),
        "requests": sum(s.get("downloader/request_count", 0) for s in stats),
        "robots_forbidden": sum(s.get("robotstxt/forbidden", 0) for s in stats),
        "documents_sent": sum(s.get("item_scraped_count", 0) for s in stats),
    }
