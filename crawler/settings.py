"""Scrapy settings for the nianbao crawler: politeness and safety live here, not in spiders.

`nianbao crawl` adds NIANBAO_RECORDER (the shared archive run), NIANBAO_ALLOW_LOCAL and the
agency list; `scrapy crawl <family> -a registry=FILE -s NIANBAO_DB=FILE` works as well.
"""

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# An honest User-Agent with a contact address.
USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao/nianbao; open-government research crawler)"

# Politeness: robots.txt, one or two requests per host at a time, adaptive delays.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Retries with backoff for transient failures; anti-bot answers are not retried (BlockedHosts).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry; doubled for each next one
RETRY_BACKOFF_MAX = 120.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 100 * 1024 * 1024  # reports with scanned pages can be large; more is not a report
DOWNLOAD_WARNSIZE = 30 * 1024 * 1024

# 304 (answered from the archive) and 404/410 (vanished reports) reach the spider.
HTTPERROR_ALLOWED_CODES = [404, 410]

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.LocalAddressGuard": 50,
    "crawler.middlewares.ResumeFromArchive": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetry": 550,
    "crawler.middlewares.BlockedHosts": 560,  # sees responses before RetryMiddleware (550)
    "crawler.middlewares.ConditionalRequests": 580,
}
ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}

NIANBAO_ALLOW_LOCAL = False
# Worker processes that read (extract) documents: None = one per CPU up to 4; 0 = in the crawl's process.
NIANBAO_EXTRACTION_PROCESSES = None
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# No console into a running crawl: Scrapy's telnet console and its remote-control HTTP server
# (which runs Python code sent to it) are off, and the latter is not even imported.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
EXTENSIONS = {"scrapy.extensions.remote_control.RemoteControl": None}
LOG_LEVEL = "WARNING"  # progress lines come from the nianbao.crawl logger
