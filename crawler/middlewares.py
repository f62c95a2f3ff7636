"""Downloader middlewares: safety (no private addresses), anti-bot pauses, conditional requests.

Each is built in `from_crawler`, switched off with NotConfigured, and counts what it does
in the crawl stats (nianbao/...).
"""

import asyncio
import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

BLOCK_STATUSES = {403: "forbidden", 412: "js_challenge (瑞数)", 429: "rate_limited", 521: "js_challenge (加速乐)"}


def recorder_of(crawler):
    from .recorder import recorder_for

    return recorder_for(crawler.settings)


class LocalAddressGuard:
    """Refuse requests and redirects to private or loopback addresses unless opted in."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.getbool("NIANBAO_ALLOW_LOCAL"):
            raise NotConfigured
        return cls(crawler.stats)

    def process_request(self, request, spider=None):
        host = urlsplit(request.url).hostname or ""
        if is_private_host(host):
            self.stats.inc_value("nianbao/refused_local")
            raise IgnoreRequest(f"refused: {host} is a private or loopback address (use --allow-local)")


@lru_cache(maxsize=4096)
def is_private_host(host: str) -> bool:
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            addresses = [ipaddress.ip_address(info[4][0]) for info in socket.getaddrinfo(host, None)]
        except (socket.gaierror, UnicodeError, ValueError):
            return False  # unresolvable: the download fails on its own
    return any(a.is_private or a.is_loopback or a.is_link_local or a.is_reserved for a in addresses)


class BlockedHosts:
    """A host answering 403/412/429/521 (anti-bot) is paused for the rest of the run and
    recorded as blocked, not hammered with retries."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.blocked: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        host = urlsplit(request.url).netloc  # host:port — sites sharing an address are still apart
        if host in self.blocked:
            self.crawler.stats.inc_value("nianbao/skipped_blocked")
            raise IgnoreRequest(f"{host} is paused: {self.blocked[host]}")

    def process_response(self, request, response, spider=None):
        why = BLOCK_STATUSES.get(response.status)
        if why is None or request.url.endswith("/robots.txt"):
            return response
        host = urlsplit(request.url).netloc
        if host not in self.blocked:
            self.blocked[host] = f"HTTP {response.status} {why}"
            self.crawler.stats.inc_value("nianbao/blocked_hosts")
            if recorder := recorder_of(self.crawler):
                recorder.block(host, self.blocked[host])
            else:  # a worker of a distributed crawl: the archive writer keeps the record
                from .distributed import report_blocked

                report_blocked(self.crawler.settings, host, self.blocked[host])
        raise IgnoreRequest(f"{host} answered {response.status}: paused as {why}")


class ResumeFromArchive:
    """After a crawl was killed, the next one does not fetch again what the killed one already
    archived: such a document is answered from the archive (the spider still follows its
    links, so nothing the killed crawl had not reached is lost)."""

    def __init__(self, crawler, recorder):
        self.crawler, self.recorder = crawler, recorder

    @classmethod
    def from_crawler(cls, crawler):
        recorder = recorder_of(crawler)
        if recorder is None or not recorder.resumed_run:
            raise NotConfigured
        return cls(crawler, recorder)

    def process_request(self, request, spider=None):
        if request.method != "GET" or (archived := self.recorder.resumed(request.url)) is None:
            return None
        self.crawler.stats.inc_value("nianbao/resumed_from_archive")
        return archived_response(request, request.url, *archived, Headers(), ["from_archive"])


class ConditionalRequests:
    """Ask with the validators of the last fetch; a 304 is answered from the archive, so the
    spider still sees the page (to follow its attachments) but nothing is downloaded again."""

    def __init__(self, crawler, recorder):
        self.crawler, self.recorder = crawler, recorder

    @classmethod
    def from_crawler(cls, crawler):
        recorder = recorder_of(crawler)
        if recorder is None:
            raise NotConfigured
        middleware = cls(crawler, recorder)
        crawler.signals.connect(middleware.spider_opened, signals.spider_opened)
        return middleware

    def spider_opened(self, spider):
        pass

    def process_request(self, request, spider=None):
        if request.method != "GET" or request.meta.get("dont_cache"):
            return None
        for header, value in self.recorder.validators(request.url).items():
            request.headers.setdefault(header, value)
        return None

    def process_response(self, request, response, spider=None):
        if response.status != 304:
            return response
        archived = self.recorder.archived(request.url)
        if archived is None:
            return response
        self.crawler.stats.inc_value("nianbao/not_modified")
        request.meta["not_modified"] = True
        return archived_response(request, response.url, *archived, Headers(response.headers),
                                 [*response.flags, "not_modified"])


def archived_response(request, url: str, body: bytes, archived_headers: dict[str, str], headers: Headers,
                      flags: list[str]):
    """A response made from the archive, of the class the original was: the archived
    Content-Type says whether it is a page to read links from (and in which encoding) or a
    file. A 304 carries none, and a resumed document has no response at all."""
    content_type = next((v for k, v in archived_headers.items() if k.lower() == "content-type"), None)
    if content_type:
        headers["Content-Type"] = content_type
    kind = responsetypes.from_args(headers=headers, url=url, body=body)
    return kind(url=url, status=200, headers=headers, body=body, request=request, flags=flags)


class BackoffRetry(RetryMiddleware):
    """Scrapy's retries, each one waiting twice as long as the last (RETRY_BACKOFF_BASE,
    capped at RETRY_BACKOFF_MAX seconds), so a struggling site gets room to recover."""

    def _retry(self, request, reason):
        retry = super()._retry(request, reason)
        if retry is not None:
            settings = self.crawler.settings
            attempt = retry.meta.get("retry_times", 1)
            delay = settings.getfloat("RETRY_BACKOFF_BASE", 2.0) * 2 ** (attempt - 1)
            retry.meta["backoff_seconds"] = min(delay, settings.getfloat("RETRY_BACKOFF_MAX", 120.0))
        return retry

    async def process_request(self, request, spider=None):
        if delay := request.meta.pop("backoff_seconds", 0):
            self.crawler.stats.inc_value("nianbao/retry_backoff_seconds", delay)
            await asyncio.sleep(delay)
        return None
