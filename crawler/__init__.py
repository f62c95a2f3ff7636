"""Scrapy project: spiders that discover annual-report pages on government sites."""
