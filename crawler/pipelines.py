"""The archive pipeline: every report page and attachment into the archive, with provenance."""

import logging

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future

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
        processes = crawler.settings.get("NIANBAO_EXTRACTION_PROCESSES")
        processes = None if processes in (None, "") else int(processes)
        return cls(crawler, CrawlRecorder(db, note="scrapy crawl", processes=processes), owns_recorder=True)  # `scrapy crawl …`

    async def process_item(self, item, spider=None):
        """Archived on the recorder's thread: downloads go on while a document is extracted."""
        written = self.recorder.submit(item).addCallbacks(self.done, self.write_failed, callbackArgs=(item,))
        return await maybe_deferred_to_future(written)

    def write_failed(self, failure):
        """The archive cannot be written (disk full, file gone): stop rather than fetch for nothing.
        The document being written was rolled back; everything before it is kept."""
        log.error("cannot write the archive: %s; stopping the crawl", failure.getErrorMessage())
        self.crawler.stats.set_value("nianbao/archive_write_error", failure.getErrorMessage())
        self.crawler.engine.close_spider(self.crawler.spider, "archive_write_error")
        return failure

    def done(self, outcome: str, item):
        self.crawler.stats.inc_value(f"nianbao/documents/{outcome}")
        log.info("%-10s %s  %s", outcome, item.agency, item.url)
        return item

    def close_spider(self, spider=None):
        if self.owns_recorder:
            self.recorder.finish()
