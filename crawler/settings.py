"""Scrapy settings for the nianbao crawler (spiders arrive with the crawler issue)."""

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
ROBOTSTXT_OBEY = True
USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao/nianbao; open-data research crawler)"
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
FEED_EXPORT_ENCODING = "utf-8"
