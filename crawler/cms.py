"""How each CMS family lists its documents: fingerprints, pagination and listing records.

Kept as data and small functions so that a new variant is a line here, not a new spider
(domain.md §5.2). Functions take a Scrapy-like response (`.url`, `.text`, `.urljoin`,
`.css`, `.xpath`) and return URLs; they never fetch.
"""

import re
from urllib.parse import urlencode, urljoin

FINGERPRINTS = (
    ("hanweb", r"/module/web/jpage/dataproxy\.jsp|<datastore>|/col/col\d+/|hanweb|大汉网络"),
    ("trs", r"createPageHTML|var\s+countPage\s*=|TRS_Editor|/t\d{8}_\d+\.s?html?|trs\.|拓尔思"),
    ("platform", r"/content/post_\d+\.html|/content_\d+\.html|OpennessContent|OpennessAnnualReport|集约化"),
)

# Link text of the report column on a site or an OGI portal page, most specific first.
COLUMN_WORDS = (
    r"政府信息公开(工作)?年度?报告?|信息公开年报|政府信息公开年报|政务公开年报|年度报告|年报",
    r"政府信息公开$|信息公开$|政务公开$|法定主动公开内容",
)
ATTACHMENT_URL = re.compile(
    r"\.(pdf|docx?|wps|xlsx?|et|ofd)(\?|$)|/downfile\.jsp|/download\.jsp|/module/download/", re.I)
VIEWER_FILE = re.compile(r"viewer\.html\?file=([^&#]+)", re.I)


def fingerprint(html: str) -> str:
    for family, pattern in FINGERPRINTS:
        if re.search(pattern, html[:200_000]):
            return family
    return "generic"


# --- TRS: index.html, index_1.html … with the page count in a script ----------------------

_TRS_COUNT = re.compile(r"createPageHTML\(\s*['\"]?(\d+)|var\s+countPage\s*=\s*['\"]?(\d+)")


def trs_pages(url: str, html: str) -> list[str]:
    """All listing pages when this is the first one: index_1 … index_{N-1}."""
    m = _TRS_COUNT.search(html)
    base = re.match(r"(.*/)(index)(\.s?html?)?$", url.split("?")[0])
    if not m or not base or "index_" in url:
        return []
    count = int(m[1] or m[2])
    suffix = base[3] or ".html"
    return [f"{base[1]}index_{n}{suffix}" for n in range(1, min(count, 500))]


# --- Hanweb: records in <datastore>, further pages from dataproxy.jsp ----------------------

_RECORD = re.compile(r"<record><!\[CDATA\[(.*?)\]\]></record>", re.S)
_TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")
_COLUMN_ID = re.compile(r"/col/col(\d+)/")


def hanweb_records(text: str) -> list[str]:
    """The HTML snippets of the <record> entries (list page or dataproxy reply)."""
    return _RECORD.findall(text)


def hanweb_more_pages(url: str, html: str, per_page: int = 15) -> list[tuple[str, dict]]:
    """(dataproxy URL, form fields) for the records beyond the first page."""
    total = _TOTAL_RECORD.search(html)
    column = _COLUMN_ID.search(url)
    if not total or not column or "dataproxy" in url:
        return []
    params = {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": column[1],
              "sourceContentType": "1", "unitid": "", "webname": "", "permissiontype": "0"}
    for m in re.finditer(r"(columnid|unitid|webid|webname|path|permissiontype|sourceContentType|appid)"
                         r"\s*[:=]\s*['\"]([^'\"]*)['\"]", html):
        params[m[1]] = m[2]
    proxy = urljoin(url, "/module/web/jpage/dataproxy.jsp")
    pages = []
    for start in range(per_page + 1, int(total[1]) + 1, per_page * 3):
        query = {"startrecord": start, "endrecord": min(start + per_page * 3 - 1, int(total[1])),
                 "perpage": per_page}
        pages.append((f"{proxy}?{urlencode(query)}", params))
    return pages


# --- 集约化 platforms and generic sites: numbered list pages -------------------------------

_NEXT_TEXT = re.compile(r"^\s*(下一页|下页|后一页|>|›|»)\s*$")


def next_page_links(links: list[tuple[str, str]]) -> list[str]:
    """Links labelled 下一页 and numbered page links (2, 3, …)."""
    return [href for text, href in links if _NEXT_TEXT.match(text) or re.fullmatch(r"\s*\d{1,3}\s*", text)]


def attachment_target(href: str) -> str | None:
    """The document a link leads to: the file itself, or the file behind a PDF viewer page."""
    if m := VIEWER_FILE.search(href):
        from urllib.parse import unquote

        return unquote(m[1])
    return href if ATTACHMENT_URL.search(href) else None
