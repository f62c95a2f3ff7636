"""The archive pipeline: every report page and attachment into the archive, with provenance."""

import logging

from scrapy.exceptions import NotConfigured

from .recorder import CrawlRecorder, recorder_for

log = logging.getLogger("nianbao.crawl")


class ArchivePipeline:
    def __init__(self, crawler, recorder: CrawlRecorder, owns_recorder: bool):
        self.crawler, self.recorder, self.owns_recorder = crawler, recorder, owns_recorder

    @classmethod
    def from_crawler(cls, crawler):
        recorder = recorder_for(crawler.settings)
        if recorder is not None:
            return cls(crawler, recorder, owns_recorder=False)
        db = crawler.settings.get("NIANBAO_DB")
        if not db:
            raise NotConfigured("NIANBAO_DB is not set")
        return cls(crawler, CrawlRecorder(db, note="scrapy crawl"), owns_recorder=True)  # `scrapy crawl …`

    def process_item(self, item, spider=None):
        """Archived on the recorder's thread: downloads go on while a document is extracted."""
        return self.recorder.submit(item).addCallback(self.done, item)

    def done(self, outcome: str, item):
        self.crawler.stats.inc_value(f"nianbao/documents/{outcome}")
        log.info("%-10s %s  %s", outcome, item.agency, item.url)
        return item

    def close_spider(self, spider=None):
        if self.owns_recorder:
            self.recorder.finish()
