"""The offline demo web: a realistic sample of government sites on local HTTP servers.

    web = DemoWeb(seed=0)     # builds every page and attachment (Word/PDF cached by LibreOffice)
    web.start()               # one ThreadingHTTPServer per site on a free 127.0.0.1 port
    web.registry()            # the agency registry for `nianbao crawl`
    web.expected()            # every distinct report: agency, year, template, urls, cells
    web.stop()

Sites (crawler/demo/agencies.py): a TRS/WCM city portal (index_N.html pages counted by
createPageHTML, robots.txt disallowing a draft folder, a pdf.js viewer link, a 301 from an old
article address), a Hanweb/大汉 county portal (records in <datastore>, the rest only from
POST dataproxy.jsp, attachments through downfile.jsp), a 广东-style 集约化 platform hosting
four agencies (numbered pages and 下一页, content/post_N.html), an old ASP-style site in GBK
whose report column is found from its home page by link text, and a host that answers 412
with a 瑞数-style JS challenge to everything but robots.txt. Reports are HTML pages, PDF,
DOCX and DOC attachments; decoys, dead links and a re-posted report sit among them.

Every document carries ETag and Last-Modified and answers 304 to a matching conditional
request; every request is logged (``requests()``).

``python -m crawler.demo.site`` (or ``nianbao demo-site``) serves it in the foreground.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import random
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

from . import office, pages, synth
from .agencies import AGENCIES, SITES, AgencySpec, Broken, Decoy, Forbidden, R, Repost, Site
from .reports import DemoReport, decoy, make_report

log = logging.getLogger(__name__)

HTML_TYPES = {"trs": "text/html", "hanweb": "text/html;charset=UTF-8", "platform": "text/html; charset=utf-8",
              "generic": "text/html"}
SERVER_NAMES = {"trs": "nginx", "hanweb": "Apache-Coyote/1.1", "platform": "Tengine", "generic": "Microsoft-IIS/6.0",
                "blocked": "nginx"}
HANWEB_PER_PAGE = 15
PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
VIEWER_PATH = "/pdfjs/web/viewer.html"
BINARY_FORMS = {"pdf", "doc", "docx"}


def resource_key(target: str) -> tuple[str, tuple]:
    """A request target as (path, sorted query pairs): the same page whatever the query order."""
    parts = urlsplit(target)
    return parts.path or "/", tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


@dataclass
class Resource:
    body: bytes
    content_type: str
    modified: float  # epoch seconds
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        self.etag = '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


@dataclass
class Posting:
    """One place a report is published: a column entry and the documents it makes."""

    agency: AgencySpec  # whose column lists it
    entry: object
    report_key: tuple[str, int]
    item: pages.Item | None = None
    paths: dict[str, str] = field(default_factory=dict)  # role → path (page, attachment, landing, old, viewer)
    form: str = "html"


@dataclass
class SiteState:
    spec: Site
    resources: dict[tuple, Resource] = field(default_factory=dict)
    redirects: dict[tuple, str] = field(default_factory=dict)
    hanweb: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # columnid → (unitid, records)
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None
    port: int | None = None

    def put(self, target: str, resource: Resource) -> None:
        self.resources[resource_key(target)] = resource


class DemoWeb:
    """The demo sites, their content, and what a perfect crawl of them must find."""

    def __init__(self, seed: int = 0, cache_dir: str | Path | None = None):
        self.seed = seed
        self.cache_dir = Path(cache_dir) if cache_dir else office.DEFAULT_CACHE
        self.sites = {s.key: SiteState(s) for s in SITES}
        self.agencies = {a.name: a for a in AGENCIES}
        self._log: list[tuple] = []
        self._log_times: list[float] = []  # time.monotonic() of each request in _log
        self._lock = threading.Lock()
        self.reports: dict[tuple[str, int], DemoReport] = {}
        self.postings: list[Posting] = []
        self._decoys: list[tuple[str, str]] = []
        self._forbidden: list[tuple[str, str]] = []
        self._broken: list[tuple[str, str]] = []
        self.binary_ok = office.have_docx()
        self.convert_ok = office.soffice() is not None
        if not self.binary_ok:
            log.warning("python-docx is not installed: the demo web publishes its reports as HTML only")
        elif not self.convert_ok:
            log.warning("LibreOffice is not installed: the demo web publishes no PDF or DOC (run scripts/setup)")
        started = time.perf_counter()
        self._build()
        self.build_seconds = time.perf_counter() - started

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        plain = set()
        for agency in AGENCIES:
            for entry in agency.entries:
                if isinstance(entry, R) and self._form(entry) != "html":
                    plain.add((agency.name, entry.year))
        for agency in AGENCIES:
            for entry in agency.entries:
                if isinstance(entry, R):
                    key = (agency.name, entry.year)
                    self.reports[key] = make_report(self.seed, agency.name, entry.year, key in plain)
        for agency in AGENCIES:
            if agency.column is None:
                continue
            items = [self._entry(agency, entry) for entry in agency.entries]
            self._listing(agency, [i for i in items if i is not None])
        self._publish_all(self.postings, time_stamp=None)
        for state in self.sites.values():
            self._site_pages(state)

    def _form(self, entry: R) -> str:
        form = entry.form
        if not self.binary_ok and form != "html":  # no python-docx: HTML only
            return "html"
        if not self.convert_ok and ("pdf" in form or "doc" in form.replace("docx", "") or "viewer" in form):
            return "docx" if form in ("pdf", "doc") else "html+docx"  # no LibreOffice: Word only
        return form

    def _rng(self, *parts) -> random.Random:
        return random.Random(":".join(map(str, ("demo-url", self.seed, *parts))))

    def _entry(self, agency: AgencySpec, entry) -> pages.Item | None:
        """Place one column entry: choose its addresses; reports are rendered by _publish."""
        site = self.sites[agency.site].spec
        rng = self._rng(agency.name, type(entry).__name__, getattr(entry, "agency", ""), entry.year,
                        getattr(entry, "kind", ""))
        if isinstance(entry, (R, Repost)):
            owner = entry.agency if isinstance(entry, Repost) else agency.name
            report = self.reports[(owner, entry.year)]
            day = report.published if isinstance(entry, R) else date.fromordinal(report.published.toordinal() + 3)
            path = self._article_path(agency, day, rng)
            posting = Posting(agency, entry, (owner, entry.year), paths={"page": path},
                              form=self._form(entry) if isinstance(entry, R) else "html")
            if posting.form != "html":
                ext = "pdf" if posting.form.endswith("viewer") else posting.form.split("+")[-1]
                posting.paths["attachment"] = self._attachment_path(agency, day, rng, ext)
                if posting.form == "html+viewer":
                    posting.paths["viewer"] = f"{VIEWER_PATH}?file={posting.paths['attachment']}"
            if isinstance(entry, R) and entry.redirect:
                posting.paths["old"] = f"/xxgk/{agency.slug or 'bm'}/{day:%Y}/{day:%m%d}/{rng.randint(1000, 9999)}.html"
            self.postings.append(posting)
            href = posting.paths.get("old") or path
            text = entry.text if isinstance(entry, R) else None
            posting.item = pages.Item(report.title, self._href(agency, href), day, text)
            return posting.item
        if isinstance(entry, Decoy):
            title, body, day = decoy(self.seed, entry.kind, agency.name, site.place, entry.year)
            path = self._article_path(agency, day, rng)
            self._article(agency, path, title, body, day, agency.name, [], modified=None)
            self._decoys.append((site.key, path))
            return pages.Item(title, self._href(agency, path), day)
        if isinstance(entry, Broken):
            day = date(entry.year + 1, 1, rng.randint(5, 28))
            path = self._article_path(agency, day, rng)
            self._broken.append((site.key, path))
            return pages.Item(f"{agency.name}{entry.year}年政府信息公开工作年度报告", self._href(agency, path), day)
        if isinstance(entry, Forbidden):
            draft = make_report(self.seed + 7919, agency.name, entry.year)  # a draft with other numbers
            day = date(entry.year + 1, 1, rng.randint(2, 6))
            column_dir = agency.column.rsplit("/", 1)[0] + "/"
            path = f"{column_dir}nbsh/{day:%Y%m}/t{day:%Y%m%d}_{rng.randint(10**6, 10**7 - 1)}.html"
            title = draft.title + "（审核稿）"
            self._article(agency, path, title, draft.body_html, day, agency.name, [], modified=None)
            self._forbidden.append((site.key, path))
            return pages.Item(title, self._href(agency, path), day)
        raise TypeError(f"unknown column entry {entry!r}")

    def _article_path(self, agency: AgencySpec, day: date, rng: random.Random) -> str:
        family = self.sites[agency.site].spec.family
        column_dir = agency.column.rsplit("/", 1)[0] + "/"
        if family == "trs":
            return f"{column_dir}{day:%Y%m}/t{day:%Y%m%d}_{rng.randint(10**6, 10**7 - 1)}.html"
        if family == "hanweb":
            return f"/art/{day.year}/{day.month}/{day.day}/art_{agency.columnid}_{rng.randint(10**7, 10**8 - 1)}.html"
        if family == "platform":
            return f"{column_dir}content/post_{rng.randint(10**6, 10**7 - 1)}.html"
        return f"/zwgk/show.asp?id={rng.randint(1000, 9999)}"

    def _attachment_path(self, agency: AgencySpec, day: date, rng: random.Random, ext: str) -> str:
        family = self.sites[agency.site].spec.family
        if family == "trs":
            column_dir = agency.column.rsplit("/", 1)[0] + "/"
            return f"{column_dir}{day:%Y%m}/P0{day:%Y%m%d}{rng.randint(10**11, 10**12 - 1)}.{ext}"
        if family == "hanweb":
            return f"/module/download/downfile.jsp?classid=0&filename={rng.getrandbits(128):032x}.{ext}"
        if family == "platform":
            n = rng.randint(10**6, 10**7 - 1)
            return f"/attachment/0/{n // 10000}/{n // 10}/{n}.{ext}"
        return f"/UploadFiles/{day:%Y%m}/{day:%Y%m%d}{rng.randint(10**5, 10**6 - 1)}.{ext}"

    def _href(self, agency: AgencySpec, path: str) -> str:
        """How the column prints a link to ``path``: TRS and the ASP site relative, others root-relative."""
        family = self.sites[agency.site].spec.family
        column_dir = agency.column.split("?")[0].rsplit("/", 1)[0] + "/"
        if family in ("trs", "generic") and path.startswith(column_dir):
            return "./" + path[len(column_dir):] if family == "trs" else path[len(column_dir):]
        return path

    # --- rendering reports -------------------------------------------------------------------

    def _publish_all(self, postings: list[Posting], time_stamp: float | None) -> None:
        """Render the postings' pages and attachments; Word/PDF for all of them in one go."""
        docx = {p.report_key: office.cached_docx(self.reports[p.report_key], self.cache_dir)
                for p in postings if "attachment" in p.paths}
        wanted = {fmt: {p.report_key: docx[p.report_key] for p in postings
                        if p.paths.get("attachment", "").endswith("." + fmt)} for fmt in ("pdf", "doc")}
        with ThreadPoolExecutor(2) as pool:  # two LibreOffice runs side by side (own profiles)
            jobs = {fmt: pool.submit(office.convert, docs, fmt, self.cache_dir) for fmt, docs in wanted.items() if docs}
            files = {"docx": {k: data for k, (_, data) in docx.items()}} | {
                fmt: job.result() for fmt, job in jobs.items()}
        for p in postings:
            self._publish(p, files, time_stamp)

    def _publish(self, p: Posting, files: dict, time_stamp: float | None) -> None:
        report = self.reports[p.report_key]
        state = self.sites[p.agency.site]
        attachments: list[tuple[str, str]] = []
        if "attachment" in p.paths:
            path = p.paths["attachment"]
            ext = path.rsplit(".", 1)[1]
            name = f"{report.title}.{ext}"
            modified = time_stamp or epoch(report.published)
            headers = {}
            content_type = office.CONTENT_TYPES[ext]
            if state.spec.family == "hanweb":  # downfile.jsp: a download with a GBK-encoded file name
                content_type = "application/octet-stream"
                headers["Content-Disposition"] = f"attachment;filename={quote(name.encode('gb18030'))}"
            state.put(path, Resource(files[ext][p.report_key], content_type, modified, headers))
            shown = p.paths.get("viewer") or self._relative(p.paths["page"], path)
            attachments.append((shown, name))
        if isinstance(p.entry, R) and p.entry.dead_attachment:
            dead = self._attachment_path(p.agency, report.published, self._rng("dead", *p.report_key), "pdf")
            if (state.spec.key, dead) not in self._broken:
                self._broken.append((state.spec.key, dead))
            attachments.append((dead, f"{report.title}（图片版）.pdf"))
        if p.form in BINARY_FORMS:  # the page only points to the attachment
            body = '<p style="text-indent:2em">详见附件。</p>'
        else:
            body = report.body_html
        content_type = "text/html; charset=UTF-8" if isinstance(p.entry, R) and p.entry.wrong_charset else None
        self._article(p.agency, p.paths["page"], report.title, body, report.published if isinstance(p.entry, R)
                      else p.item.day, report.agency, attachments, time_stamp, content_type)
        if "old" in p.paths:
            state.redirects[resource_key(p.paths["old"])] = p.paths["page"]

    def _relative(self, page: str, target: str) -> str:
        """TRS articles link attachments in their own month folder as ./P0….pdf."""
        folder = page.rsplit("/", 1)[0] + "/"
        return "./" + target[len(folder):] if target.startswith(folder) and "?" not in target else target

    def _article(self, agency: AgencySpec, path: str, title: str, body: str, day: date, publisher: str,
                 attachments: list[tuple[str, str]], modified: float | None, content_type: str | None = None) -> None:
        state = self.sites[agency.site]
        family = state.spec.family
        rng = self._rng("index", publisher, path)
        a = pages.Article(title, body, day, publisher, f"{synth.credit_code(self._rng('code', publisher))}/"
                          f"{day.year}-{rng.randint(1, 99999):05d}", attachments, agency.column_name, agency.column)
        if family == "trs":
            text = pages.trs_article(state.spec.name, a)
        elif family == "hanweb":
            text = pages.hanweb_article(state.spec.name, 1, a)
        elif family == "platform":
            text = pages.platform_article(state.spec.name, a)
        else:
            text = pages.generic_article(state.spec.name, a)
        state.put(path, self._html(family, text, modified or epoch(day), content_type))

    def _html(self, family: str, text: str, modified: float, content_type: str | None = None) -> Resource:
        encoding = "gb18030" if family == "generic" else "utf-8"
        return Resource(text.encode(encoding), content_type or HTML_TYPES[family], modified)

    # --- listings and site pages ---------------------------------------------------------

    def _listing(self, agency: AgencySpec, items: list[pages.Item]) -> None:
        state = self.sites[agency.site]
        family = state.spec.family
        items = sorted(items, key=lambda i: i.day, reverse=True)
        name, column = state.spec.name, agency.column_name
        if family == "hanweb":
            records = [pages.hanweb_record(i) for i in items]
            state.hanweb[str(agency.columnid)] = (str(agency.unitid), records)
            text = pages.hanweb_listing(name, column, agency.columnid, agency.unitid, 1, records[:HANWEB_PER_PAGE],
                                        len(records), HANWEB_PER_PAGE)
            self._put_column(state, agency.column, text, items)
            return
        size = agency.page_size
        chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
        column_dir = agency.column.split("?")[0].rsplit("/", 1)[0] + "/"
        for n, chunk in enumerate(chunks):
            if family == "trs":
                path = agency.column if n == 0 else f"{column_dir}index_{n}.html"
                text = pages.trs_listing(name, column, chunk, n, len(chunks))
            elif family == "platform":
                path = agency.column if n == 0 else f"{column_dir}index_{n + 1}.html"
                text = pages.platform_listing(name, agency.name, column, chunk, n + 1, len(chunks))
            else:
                path = agency.column if n == 0 else f"{agency.column}&page={n + 1}"
                text = pages.generic_listing(name, column, chunk, n + 1, len(chunks), agency.column.rsplit("/", 1)[1])
            self._put_column(state, path, text, chunk)
        if family in ("trs", "platform"):  # the folder answers with its first page
            state.resources[resource_key(column_dir)] = state.resources[resource_key(agency.column)]

    def _put_column(self, state: SiteState, path: str, text: str, items: list[pages.Item]) -> None:
        newest = max((i.day for i in items), default=date(2024, 1, 1))
        state.put(path, self._html(state.spec.family, text, epoch(newest)))

    def _site_pages(self, state: SiteState) -> None:
        spec, family = state.spec, state.spec.family
        if family == "blocked":
            return
        columns = [(f"{a.name}{a.column_name}" if family != "trs" or a.name != spec.name else a.column_name, a.column)
                   for a in AGENCIES if a.site == spec.key and a.column]
        when = epoch(date(2024, 3, 1))
        owner = next(a for a in AGENCIES if a.site == spec.key and a.name == spec.name)
        if family == "trs":
            state.put("/", self._html(family, pages.trs_root(spec.name, columns), when))
            state.put(VIEWER_PATH, Resource(pages.pdf_viewer().encode(), "text/html", when))
            self._guide(owner, "/zwgk/xxgkzn/")
            stubs = ["/zwgk/", "/zwfw/", "/hdjl/", "/zwgk/zwyw/"]
        elif family == "hanweb":
            state.put("/", self._html(family, pages.hanweb_root(spec.name, 1, columns), when))
            stubs = [f"/col/col122900000{n}/index.html" for n in range(1, 6)]
        elif family == "platform":
            state.put("/", self._html(family, pages.platform_root(spec.name, columns), when))
            state.put("/zfxxgkml/", state.resources[resource_key("/")])
            stubs = ["/zwgk/", "/hdjl/"]
            for a in AGENCIES:
                if a.site == spec.key and a.slug:
                    state.put(f"/zfxxgkmlfg/{a.slug}/", self._html(family, pages.platform_root(
                        spec.name, [(f"{a.name}{a.column_name}", a.column)]), when))
        else:
            state.put("/", self._html(family, pages.generic_root(spec.name), when))
            state.put("/index.asp", state.resources[resource_key("/")])
            state.put("/zwgk/index.html", self._html(family, pages.generic_ogi(spec.name, owner.column), when))
            self._guide(owner, "/zwgk/list.asp?classid=10")
            stubs = ["/jggk/index.html", "/tzgg/index.html", "/bszn/index.html", "/zwgk/list.asp?classid=11",
                     "/zwgk/list.asp?classid=13", *(f"/tzgg/show.asp?id={900 + n}" for n in range(3))]
        for path in stubs:
            self._article(owner, path, "栏目建设中", "<p>本栏目内容正在建设中。</p>", date(2024, 3, 1), spec.name, [], None)

    def _guide(self, agency: AgencySpec, path: str) -> None:
        """The 政府信息公开指南 the OGI menu links: a decoy reached from the site, not a column."""
        title, body, day = decoy(self.seed, "guide", agency.name, self.sites[agency.site].spec.place, 2021)
        self._article(agency, path, title, body, day, agency.name, [], None)
        self._decoys.append((agency.site, path))

    # --- running -----------------------------------------------------------------------------

    def start(self, port_base: int | None = None, host: str = "127.0.0.1") -> DemoWeb:
        for n, state in enumerate(self.sites.values()):
            handler = type(f"Handler_{state.spec.key}", (DemoHandler,), {"web": self, "state": state})
            state.server = ThreadingHTTPServer((host, port_base + n if port_base else 0), handler)
            state.server.daemon_threads = True
            state.port = state.server.server_address[1]
            state.thread = threading.Thread(target=state.server.serve_forever, name=f"demo-{state.spec.key}",
                                            daemon=True)
            state.thread.start()
        return self

    def stop(self) -> None:
        for state in self.sites.values():
            if state.server is not None:
                state.server.shutdown()
                state.server.server_close()
                state.server = None

    def __enter__(self) -> DemoWeb:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def origin(self, site_key: str) -> str:
        port = self.sites[site_key].port
        if port is None:
            raise RuntimeError("the demo web is not started")
        return f"http://127.0.0.1:{port}"

    def url(self, site_key: str, path: str) -> str:
        return self.origin(site_key) + path

    def host(self, site_key: str) -> str:
        return f"127.0.0.1:{self.sites[site_key].port}"

    # --- what a crawl must find ------------------------------------------------------------

    def registry(self) -> list[dict]:
        out = []
        for a in AGENCIES:
            family = self.sites[a.site].spec.family
            entry = {"name": a.name, "site": self.origin(a.site) + "/", "level": a.level, "region": a.region,
                     "cms": family if family != "blocked" else None,
                     "column": self.url(a.site, a.column) if a.column else None}
            out.append({k: entry[k] for k in a.registry if entry.get(k) is not None})
        return out

    def write_registry(self, path: str | Path) -> Path:
        import yaml

        path = Path(path)
        header = (f"# The demo web's agency registry (seed {self.seed}); its servers run while "
                  "`nianbao demo-site` does.\n")
        path.write_text(header + yaml.safe_dump(self.registry(), allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def expected(self) -> list[dict]:
        """One entry per distinct report, in registry order and newest first."""
        out: dict[tuple[str, int], dict] = {}
        for key, report in sorted(self.reports.items(), key=lambda kv: (_agency_order(kv[0][0]), -kv[0][1])):
            out[key] = {"agency": report.agency, "year": report.year, "template": report.template, "urls": [],
                        "cells": dict(report.cells), "formats": {}, "via": []}
        for p in self.postings:
            record, site = out[p.report_key], p.agency.site
            if p.form not in BINARY_FORMS:
                record["urls"].append(self.url(site, p.paths["page"]))
                record["formats"][self.url(site, p.paths["page"])] = "html"
            else:
                record["via"].append(self.url(site, p.paths["page"]))
            if "attachment" in p.paths:
                url = self.url(site, p.paths["attachment"])
                record["urls"].append(url)
                record["formats"][url] = p.paths["attachment"].rsplit(".", 1)[1]
            for role in ("old", "viewer"):
                if role in p.paths:
                    record["via"].append(self.url(site, p.paths[role]))
        return list(out.values())

    def manifest(self) -> dict:
        """Everything a crawl is judged by, as JSON-ready data (crawler/demo/check.py)."""
        return {"seed": self.seed, "sites": {k: self.origin(k) for k in self.sites}, "registry": self.registry(),
                "reports": self.expected(), "decoys": self.decoy_urls(), "forbidden": self.forbidden_urls(),
                "broken": self.broken_urls(), "blocked_hosts": self.blocked_hosts()}

    def write_manifest(self, path: str | Path) -> Path:
        import json

        path = Path(path)
        path.write_text(json.dumps(self.manifest(), ensure_ascii=False, indent=1), encoding="utf-8")
        return path

    def decoy_urls(self) -> list[str]:
        return [self.url(site, path) for site, path in self._decoys]

    def forbidden_urls(self) -> list[str]:
        return [self.url(site, path) for site, path in self._forbidden]

    def broken_urls(self) -> list[str]:
        """Links that answer 404 (a report-like list entry, an attachment)."""
        return [self.url(site, path) for site, path in self._broken]

    def blocked_hosts(self) -> list[str]:
        return [self.host(k) for k, s in self.sites.items() if s.spec.family == "blocked"]

    def requests(self) -> list[tuple[str, str, str, int, dict]]:
        """(host:port, method, path with query, status, request headers with lower-case names)."""
        with self._lock:
            return list(self._log)

    def request_times(self) -> list[float]:
        """time.monotonic() at which each request of `requests()` arrived (benchmarks)."""
        with self._lock:
            return list(self._log_times)

    def change_report(self, agency: str, year: int) -> dict:
        """Re-render a report with one number changed (new bytes, ETag and Last-Modified) at
        every address it is published at; returns its new expected cells."""
        key = (agency, year)
        old = self.reports[key]
        postings = [p for p in self.postings if p.report_key == key]
        plain = any("attachment" in p.paths for p in postings)
        self.reports[key] = make_report(self.seed, agency, year, plain, old.version + 1)
        stamp = time.time()
        for p in postings:
            previous = self.sites[p.agency.site].resources.get(resource_key(p.paths["page"]))
            stamp = max(stamp, (previous.modified if previous else 0) + 1)
        self._publish_all(postings, stamp)
        return dict(self.reports[key].cells)

    def _record(self, state: SiteState, method: str, path: str, status: int, headers: dict) -> None:
        with self._lock:
            self._log.append((f"127.0.0.1:{state.port}", method, path, status, headers))
            self._log_times.append(time.monotonic())

    def summary(self) -> str:
        lines = [f"demo web (seed {self.seed}): {len(self.sites)} sites, {len(AGENCIES)} agencies, "
                 f"{len(self.reports)} reports"]
        for key, state in self.sites.items():
            names = [a.name for a in AGENCIES if a.site == key]
            origin = self.origin(key) if state.port else "(not started)"
            lines.append(f"  {state.spec.family:9} {origin:24} {'、'.join(names)}")
        return "\n".join(lines)


def _agency_order(name: str) -> int:
    return next(n for n, a in enumerate(AGENCIES) if a.name == name)


def epoch(day: date) -> float:
    return datetime(day.year, day.month, day.day, 1, 30, tzinfo=UTC).timestamp()


class DemoHandler(BaseHTTPRequestHandler):
    """Serves one demo site (``state``) and logs every request to ``web``."""

    protocol_version = "HTTP/1.1"
    web: DemoWeb
    state: SiteState

    def version_string(self) -> str:
        return SERVER_NAMES.get(self.state.spec.family, "nginx")

    def log_message(self, format, *args) -> None:  # noqa: A002 (the base class's name)
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:  # noqa: N802
        self.answer("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self.answer("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self.answer("POST")

    def answer(self, method: str) -> None:
        body = b""
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
        self.respond(method, body)

    def respond(self, method: str, body: bytes) -> int:
        spec, path = self.state.spec, urlsplit(self.path).path
        if path == "/robots.txt":
            if spec.robots is None:
                return self.send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html", method)
            return self.send(200, spec.robots.encode(), "text/plain", method)
        if spec.family == "blocked":
            token = hashlib.sha1(f"{self.client_address}{time.time()}".encode()).hexdigest()
            cookie = f"FSSBBIl1UgzbN7N80S={token[:32]}; Path=/; expires={formatdate(time.time() + 3600, usegmt=True)}; HttpOnly"
            return self.send(412, pages.challenge(token).encode(), "text/html", method, {"Set-Cookie": cookie})
        if spec.family == "hanweb" and path == PROXY_PATH:
            return self.dataproxy(method, body)
        key = resource_key(self.path)
        if key in self.state.redirects:
            host = self.headers.get("Host") or f"127.0.0.1:{self.state.port}"
            return self.send(301, b"", "text/html", method, {"Location": f"http://{host}{self.state.redirects[key]}"})
        resource = self.state.resources.get(key)
        if resource is None and path == VIEWER_PATH:
            resource = self.state.resources.get((VIEWER_PATH, ()))
        if resource is None:
            return self.send(404, "<html><head><title>404</title></head><body><h1>404 页面不存在</h1></body></html>".encode(),
                             "text/html; charset=utf-8", method)
        validators = {"ETag": resource.etag, "Last-Modified": formatdate(resource.modified, usegmt=True)}
        if self.not_modified(resource):
            return self.send(304, b"", None, method, validators)
        return self.send(200, resource.body, resource.content_type, method, validators | resource.headers)

    def not_modified(self, resource: Resource) -> bool:
        if match := self.headers.get("If-None-Match"):
            tags = [t.strip().removeprefix("W/") for t in match.split(",")]
            return "*" in tags or resource.etag in tags
        if since := self.headers.get("If-Modified-Since"):
            try:
                return int(resource.modified) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def dataproxy(self, method: str, body: bytes) -> int:
        """Hanweb's list endpoint: records startrecord..endrecord of the column the form names."""
        if method != "POST":
            return self.send(405, b"", "text/html", method, {"Allow": "POST"})
        query = dict(parse_qsl(urlsplit(self.path).query))
        form = dict(parse_qsl(body.decode("utf-8", errors="replace")))
        column = self.state.hanweb.get(form.get("columnid", ""))
        try:
            start, end = int(query.get("startrecord", 1)), int(query.get("endrecord", 0))
        except ValueError:
            start, end = 1, 0
        if column is None or form.get("unitid") != column[0]:
            records, total = [], 0
        else:
            records, total = column[1][max(0, start - 1): max(0, end)], len(column[1])
        return self.send(200, pages.hanweb_proxy_reply(records, total).encode(), "text/xml;charset=UTF-8", method)

    def send(self, status: int, body: bytes, content_type: str | None, method: str,
             headers: dict | None = None) -> int:
        # logged before answering: a client that has its answer finds its request in the log
        self.web._record(self.state, method, self.path, status, {k.lower(): v for k, v in self.headers.items()})
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD" and status != 304:
            self.wfile.write(body)
        return status


# --- foreground server --------------------------------------------------------------------

def serve(seed: int = 0, port_base: int | None = None, registry: str | Path = "demo-agencies.yaml",
          expected: str | Path | None = None, echo=None) -> None:
    """Build, start, write the registry (and the manifest), print the sites, serve until Ctrl-C."""
    echo = echo or (lambda text: print(text, flush=True))
    started = time.perf_counter()
    web = DemoWeb(seed=seed)
    web.start(port_base)
    if threading.current_thread() is threading.main_thread():  # SIGTERM stops it as Ctrl-C does
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        path = web.write_registry(registry)
        echo(web.summary())
        echo(f"built in {web.build_seconds:.1f} s, serving {time.perf_counter() - started:.1f} s after start")
        echo(f"registry: {path.resolve()}")
        if expected:
            echo(f"expected reports: {web.write_manifest(expected).resolve()}")
        echo(f"crawl it: nianbao crawl --agencies {path} --allow-local --db demo-crawl.db")
        if expected:
            echo(f"check it: nianbao demo-check --expected {expected} --db demo-crawl.db")
        echo("Ctrl-C stops the servers.")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        web.stop()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crawler.demo.site", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="draws the reports' numbers (default 0)")
    parser.add_argument("--port-base", type=int, help="serve the sites on PORT, PORT+1, … (default: free ports)")
    parser.add_argument("--registry", default="demo-agencies.yaml", help="where to write the agency registry")
    parser.add_argument("--expected", help="also write the manifest of expected reports (JSON) here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    serve(args.seed, args.port_base, args.registry, args.expected)


if __name__ == "__main__":
    sys.exit(main())
