"""The report spider: from a site or column, through listings and pagination, to reports
and their attachments. Each CMS family subclass says only how its listings page.

Every response becomes a DocumentItem; the archive pipeline stores it with provenance.
Report pages and attachments are extracted; listing pages (site roots, report columns and
their further pages, XML records) are archived as the evidence of where and when a report
was linked, and not read for cells.
"""

import re
from datetime import UTC, datetime

import scrapy
from scrapy.exceptions import IgnoreRequest

from .. import cms
from ..items import DocumentItem
from ..recognize import is_report_link
from ..registry import Agency, load_registry

MAX_COLUMN_DEPTH = 3


class ReportSpider(scrapy.Spider):
    """Base class. `family` names the CMS; None means fingerprint each site from its root."""

    name = "reports"
    family: str | None = None

    def __init__(self, agencies: list[Agency] | None = None, since: int | None = None,
                 registry: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if registry:  # `scrapy crawl trs -a registry=agencies.yaml` (and scrapyd): this family's agencies
            agencies = [a for a in load_registry(registry) if (a.cms or "generic") == self.name]
        self.agencies = agencies or []
        self.since = int(since) if since else None
        self.allowed_domains = sorted({a.host for a in self.agencies if a.host})

    async def start(self):
        for agency in self.agencies:
            meta = {"agency": agency.name, "family": agency.cms or self.family}
            if agency.column:
                yield scrapy.Request(agency.column, self.parse_listing, meta=meta | {"column": True},
                                     errback=self.failed)
            else:
                yield scrapy.Request(agency.site, self.parse_root, meta=meta | {"depth_left": MAX_COLUMN_DEPTH},
                                     errback=self.failed)

    # --- finding the report column --------------------------------------------------------

    def parse_root(self, response):
        """A site root or an OGI portal page: follow the link that names the report column."""
        yield self.item(response, "listing")
        meta = own_meta(response)
        meta["family"] = meta.get("family") or cms.fingerprint(response.text)
        links = self.links(response)
        for words in cms.COLUMN_WORDS:
            targets = [href for text, href in links if _matches(words, text)]
            if targets:
                break
        else:
            targets = []
        column = [href for href in targets if _matches(cms.COLUMN_WORDS[0], _text_of(links, href))]
        for href in dict.fromkeys(column or targets[:3]):
            depth = meta.get("depth_left", 0) - 1
            callback = self.parse_listing if column else self.parse_root
            if callback is self.parse_root and depth <= 0:
                continue
            yield response.follow(href, callback, meta=meta | {"depth_left": depth, "column": bool(column)},
                                  errback=self.failed)
        yield from self.parse_listing(response, column=False, archive=False)

    # --- listings -------------------------------------------------------------------------

    def parse_listing(self, response, column: bool = True, archive: bool = True):
        if archive:
            yield self.item(response, "listing")
        meta = own_meta(response)
        if meta.get("family") in (None, "generic"):  # a list page shows its CMS better than a portal root
            meta["family"] = cms.fingerprint(response.text)
        in_column = column and meta.get("column", True)
        yield from self.follow_reports(response, self.links(response), in_column, meta)
        if not in_column:
            return
        for url in self.next_pages(response, meta.get("family")):
            yield response.follow(url, self.parse_listing, meta=meta, errback=self.failed)
        for url, form in self.data_pages(response, meta.get("family")):
            yield scrapy.FormRequest(url, formdata=form, callback=self.parse_records, meta=meta, errback=self.failed)

    def parse_records(self, response):
        """A Hanweb dataproxy reply: XML whose records are list items."""
        yield self.item(response, "listing")
        yield from self.follow_reports(response, self.links(response), True, own_meta(response))

    def follow_reports(self, response, links, in_column: bool, meta: dict):
        for text, href in links:
            if attachment := cms.attachment_target(href):
                if is_report_link(text, in_column, self.since):
                    yield response.follow(attachment, self.save_attachment, meta=meta | {"title": text},
                                          errback=self.failed)
            elif is_report_link(text, in_column, self.since):
                yield response.follow(href, self.parse_report, meta=meta | {"title": text}, errback=self.failed)

    def next_pages(self, response, family: str | None) -> list[str]:
        if family == "trs":
            return cms.trs_pages(response.url, response.text)
        if family == "hanweb":
            return []  # further records come from dataproxy.jsp
        return cms.next_page_links(self.links(response))

    def data_pages(self, response, family: str | None) -> list[tuple[str, dict]]:
        return cms.hanweb_more_pages(response.url, response.text) if family == "hanweb" else []

    # --- reports and attachments ----------------------------------------------------------

    def parse_report(self, response):
        yield self.item(response, "report_page")
        for text, href in self.links(response):
            if target := cms.attachment_target(href):
                yield response.follow(target, self.save_attachment, meta=own_meta(response) | {"title": text},
                                      errback=self.failed)

    def save_attachment(self, response):
        yield self.item(response, "attachment")

    def item(self, response, kind: str) -> DocumentItem:
        self.crawler.stats.inc_value(f"nianbao/{kind}s")
        return DocumentItem(
            url=response.request.meta.get("redirect_urls", [response.url])[0],
            final_url=response.url,
            status=304 if "not_modified" in response.flags else response.status,
            headers={k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()},
            body=response.body,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            agency=response.meta["agency"],
            kind=kind,
            referer=(response.request.headers.get("Referer") or b"").decode("latin-1") or None,
            method=response.request.method,
            extra={"from_archive": "from_archive" in response.flags},
        )

    def links(self, response) -> list[tuple[str, str]]:
        """(text, absolute URL) of the page's links, including window.open/onclick targets."""
        if not hasattr(response, "css"):
            return []
        anchors = list(response.css("a"))
        for record in cms.hanweb_records(response.text):  # Hanweb lists sit in <script type="text/xml">
            anchors += scrapy.Selector(text=record).css("a")
        found = []
        for a in anchors:
            href = a.attrib.get("href", "")
            if href.startswith("javascript") or not href:
                href = _js_target(a.attrib.get("onclick", "")) or ""
            if href and not href.startswith(("mailto:", "#", "javascript")):
                found.append((_link_text(a), response.urljoin(href)))
        return list(dict.fromkeys(found))

    def failed(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest):  # robots.txt, a paused host, a refused address: by design
            self.crawler.stats.inc_value("nianbao/ignored")
            self.logger.info("skipped %s: %s", request.url, failure.getErrorMessage())
            return
        self.crawler.stats.inc_value("nianbao/errors")
        kind = type(failure.value).__name__
        if response := getattr(failure.value, "response", None):
            kind = f"HTTP {response.status}"
        self.crawler.stats.inc_value(f"nianbao/errors/{kind}")
        self.logger.warning("failed %s: %s", request.url, failure.getErrorMessage())


OWN_META = ("agency", "family", "column", "depth_left", "title")


def own_meta(response) -> dict:
    """Our keys only: Scrapy's own (download_latency, redirect_urls, …) must not be copied on."""
    return {k: response.meta[k] for k in OWN_META if k in response.meta}


def _matches(pattern: str, text: str) -> bool:
    return bool(re.search(pattern, _clean(text)))


def _text_of(links: list[tuple[str, str]], href: str) -> str:
    return next((text for text, h in links if h == href), "")


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _link_text(a) -> str:
    """The link's text, or its title attribute where the list truncates the text (…)."""
    text, title = _clean(a.xpath("string()").get()), _clean(a.attrib.get("title", ""))
    return title if len(title) > len(text.rstrip("…. ")) else text


def _js_target(onclick: str) -> str | None:
    m = re.search(r"(?:window\.open|location\.href\s*=)\s*\(?\s*['\"]([^'\"]+)['\"]", onclick)
    return m[1] if m else None
