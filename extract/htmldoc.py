"""HTML page → the report's rows, its page title candidates and the CMS metadata block.

The main content is found first by the content containers that government CMSs use
(selectors kept as data below), else by text density; navigation, share bars, related
links and footers are dropped. Tables become grids with rowspan/colspan honoured; a cell
covered by a span is left out of the row rather than repeated, so a number printed once
is read once. Layout tables (tables holding tables) are walked through, not read as grids.
"""

import re

from lxml import etree
from lxml.cssselect import CSSSelector

from .layout import Row, paragraph_parts, text_rows

# Content containers of common CMSs (TRS, Hanweb, 集约化 platforms, WeChat), most specific first.
CONTENT_SELECTORS = (
    "#zoom", ".TRS_Editor", ".trs_editor_view", "#UCAP-CONTENT", ".Custom_UnionStyle",
    ".view.TRS_UEDITOR", "#js_content", ".article-content", ".article_content", ".artcon",
    "#content", ".content", ".main-content", ".wz_content", ".bt_content", ".zw", "#zw",
    ".pages_content", ".detail-content", ".info-cont", ".xxgk_content", "article",
)
_CONTENT_MATCHERS = tuple(CSSSelector(selector) for selector in CONTENT_SELECTORS)
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Elements that never hold report text.
DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
             "iframe", "button", "select", "object", "embed", "svg", "template")
_JUNK_ATTR = re.compile(
    r"(^|[-_ ])(nav|menu|footer|foot|header|breadcrumb|crumb|share|bdshare|sidebar|side|"
    r"related|relate|xgyd|xgwz|pagebar|toolbar|print|copyright|banner|search|login)([-_ ]|$)",
    re.I,
)
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
               "article", "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "center", "font"}
_META_LABELS = re.compile(r"(索引号|发布机构|发文机关|发布单位|信息来源|成文日期|发布日期|生成日期|公开日期|文号|发文字号|主题分类)\s*[:：]?\s*$")


_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)


def parse_html(text: str):
    """Plain lxml elements (not lxml.html's): walking them is several times faster."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    root = etree.fromstring(text, _PARSER)
    if root is None:  # nothing but white space or comments
        root = etree.fromstring("<html><body></body></html>", _PARSER)
    return root


def text_of(el) -> str:
    return "".join(el.itertext())


def page_titles(root) -> list[str]:
    """Title candidates the page itself declares: ArticleTitle meta, h1, <title>."""
    found = [m.get("content", "") for m in root.xpath("//meta[@name='ArticleTitle' or @name='title' or @property='og:title']")]
    found += [_clean(text_of(h)) for h in root.xpath(
        "//h1|//h2|//*[contains(@class,'title') or contains(@id,'title')][not(self::title)]")]
    for title in root.xpath("//title"):
        found.append(re.split(r"\s*[_|｜-]\s*", _clean(text_of(title)))[0])
    return [t.strip() for t in found if t and t.strip()]


_META_TEXT = etree.XPath("//text()[" + " or ".join(
    f"contains(., '{label}')" for label in ("索引号", "发布机构", "发文机关", "发布单位", "信息来源", "成文日期", "发布日期", "文号")
) + "]")


def page_metadata(root) -> dict[str, str]:
    """The CMS metadata block (索引号 / 发布机构 / 发布日期 …): label then value, in one cell or the next."""
    meta: dict[str, str] = {}
    for meta_tag in root.xpath("//meta[@name]"):
        name, content = meta_tag.get("name"), (meta_tag.get("content") or "").strip()
        if name in ("ContentSource", "author") and content:
            meta.setdefault("发布机构", content)
        elif name in ("PubDate", "pubdate") and content:
            meta.setdefault("发布日期", content)
    for el in dict.fromkeys(node.getparent() for node in _META_TEXT(root)):
        if el.tag in ("script", "style", "title", "option") or el.xpath("ancestor::form"):
            continue  # a search form's 发布单位 <select> is no metadata
        own = _clean(text_of(el))
        if len(own) > 120:
            continue
        if m := _META_LABELS.search(own):
            if (value := _next_text(el)) and len(value) < 80:
                meta.setdefault(m[1], value)
        elif m := re.match(r"^(索引号|发布机构|发文机关|成文日期|发布日期|文号)\s*[:：]\s*(\S.{0,60}?)\s*$", own):
            meta.setdefault(m[1], m[2])
    return meta


def _next_text(el) -> str:
    """The value beside a label: the next non-empty sibling, unless that is another label."""
    sibling = el.getnext()
    while sibling is not None:
        if sibling.tag in ("select", "input", "option", "textarea", "button"):
            return ""
        if text := _clean(text_of(sibling)):
            return "" if _META_LABELS.search(text) or re.match(_META_LABELS.pattern[:-2], text) else text
        sibling = sibling.getnext()
    return _clean(el.tail or "")


def content_root(root):
    for tag in DROP_TAGS:
        for el in root.iter(tag):
            _drop(el)
    for el in root.xpath("//*[@class or @id]"):
        if el.getparent() is None:
            continue
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        if _JUNK_ATTR.search(attrs) and not el.xpath(".//table"):
            _drop(el)
    for matcher in _CONTENT_MATCHERS:
        for el in matcher(root):
            if len(_clean(text_of(el))) > 200:
                return el
    return _densest(root)


def _drop(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:  # keep the text that followed the element
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _densest(root):
    """The block with the most report text: CJK characters in its own paragraphs and tables."""
    body = root.find("body") if root.find("body") is not None else root
    best, best_score = body, 0
    for el in body.iter("div", "td", "section", "article", "main"):
        text = text_of(el)
        cjk = len(_CJK.findall(text))
        links = sum(len(text_of(a)) for a in el.iter("a"))
        score = cjk - 2 * links
        if score > best_score * 1.05 and _has_report_words(text):
            best, best_score = el, score
    # The densest block may be a sub-part; climb while the parent adds report sections.
    return best


def _has_report_words(text: str) -> bool:
    return "公开" in text


def html_rows(el) -> list[Row]:
    """The content element → rows: paragraphs as one-cell rows, data tables as grid rows."""
    rows: list[Row] = []
    buffer: list[str] = []

    def flush() -> None:
        if text := "".join(buffer):
            for line in text.split("\n"):
                rows.extend(Row([part]) for part in paragraph_parts(line.strip()) if part.strip())
        buffer.clear()

    def walk(node) -> None:
        if not isinstance(node.tag, str):
            buffer.append(node.tail or "")
            return
        if node.tag == "table" and not node.xpath(".//table"):
            flush()
            rows.extend(table_rows(node))
        else:
            if node.tag in _BLOCK_TAGS:
                buffer.append("\n")
            buffer.append(node.text or "")
            for child in node:
                walk(child)
            if node.tag in _BLOCK_TAGS or node.tag in ("td", "th"):
                buffer.append("\n")
        buffer.append(node.tail or "")

    buffer.append(el.text or "")
    for child in el:
        walk(child)
    flush()
    return rows


def table_rows(table) -> list[Row]:
    """A grid with spans resolved; a spanned-over position holds None and is dropped."""
    rows: list[Row] = []
    covered: dict[int, int] = {}  # column -> how many more rows a rowspan above still covers
    for tr in table.iter("tr"):
        row: list[str | None] = []
        spans_started: dict[int, int] = {}
        col = 0
        for cell in (c for c in tr if c.tag in ("td", "th")):
            while covered.get(col, 0) > 0:
                row.append(None)
                covered[col] -= 1
                col += 1
            colspan, rowspan = _span(cell, "colspan"), _span(cell, "rowspan")
            row += [cell_text(cell)] + [None] * (colspan - 1)
            for c in range(col, col + colspan):
                if rowspan > 1:
                    spans_started[c] = rowspan - 1
            col += colspan
        for c in [c for c, n in covered.items() if n > 0 and c >= col]:
            covered[c] -= 1  # a rowspan reaching past this row's last cell
        covered.update(spans_started)
        cells = [c for c in row if c is not None]
        if cells:
            rows.append(Row(cells, table=True, exact=True))
    return rows


_DIGITS = re.compile(r"\d+")


def _span(cell, attr: str) -> int:
    value = cell.get(attr)
    if value is None:
        return 1
    m = _DIGITS.search(value)
    return max(1, min(int(m[0]), 200)) if m else 1


def cell_text(cell) -> str:
    """A cell's text on one line: <p>/<br> inside a cell wrap a label ("本年新<br>制作数量")."""
    return _clean("".join(cell.itertext()))


_WHITESPACE = re.compile(r"[\s\xa0\u3000]+")


def _clean(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def html_to_rows(text: str) -> tuple[list[Row], list[str], dict[str, str]]:
    root = parse_html(text)
    titles, meta = page_titles(root), page_metadata(root)
    body = content_root(root)
    rows = html_rows(body)
    if not rows:
        rows = text_rows(_clean(text_of(root)))
    return rows, titles, meta
