"""DOCX → rows, from the document's own structure (WordprocessingML), not a text export.

The body is walked in order: a paragraph is a one-cell row (line breaks split it, a tab
inside makes it a tab-separated row, as in a text export); a table is a grid whose merged
cells are honoured like HTML's: a horizontally merged cell (gridSpan) is one cell, a
vertically merged one (vMerge continue) is covered and left out, so a number printed once
is read once and every other cell is a real column (``exact=True``). Deleted text, field
codes and the fallback copies of drawings are skipped; a table holding tables is a layout
table and is walked through. Headers and footers are other parts and are not read.
"""

from __future__ import annotations

import re

from lxml import etree

from .errors import ExtractionError
from .formats import Document
from .layout import Row, line_rows
from .ziputil import SafeZip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = "{" + W + "}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_CONTAINERS = {_W + t for t in ("sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo", "hyperlink",
                                "fldSimple", "dir", "bdo")}
_SKIP = {_W + t for t in ("del", "moveFrom", "instrText", "delText", "rPr", "pPr", "tblPr", "trPr", "tcPr",
                          "footnoteReference", "commentReference")} | {"{" + MC + "}Fallback"}


def parse_xml(data: bytes, what: str):
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as err:
        raise ExtractionError(f"corrupt {what}: {err}") from None


def read_docx(container: SafeZip) -> Document:
    root = parse_xml(container.read("word/document.xml"), "DOCX (word/document.xml)")
    body = root.find(_W + "body")
    if body is None:
        raise ExtractionError("corrupt DOCX: the document has no body")
    rows = block_rows(body)
    return Document(rows, "docx", "", _core_title(container), {})


def _core_title(container: SafeZip) -> list[str]:
    if not container.has("docProps/core.xml"):
        return []
    try:
        root = etree.fromstring(container.read("docProps/core.xml"), _PARSER)
    except (etree.XMLSyntaxError, ExtractionError):
        return []
    titles = root.xpath("//*[local-name()='title']/text()")
    return [t.strip() for t in titles if t.strip()]


def block_rows(parent) -> list[Row]:
    """Paragraphs and tables of a body (or a layout cell), in order."""
    rows: list[Row] = []
    for child in parent:
        tag = child.tag
        if tag == _W + "p":
            rows.extend(paragraph_rows(child))
        elif tag == _W + "tbl":
            rows.extend(table_rows(child))
        elif tag in _CONTAINERS:
            rows.extend(block_rows(child))
    return rows


def paragraph_rows(p) -> list[Row]:
    return text_paragraph_rows(run_text(p))


def text_paragraph_rows(text: str) -> list[Row]:
    """A paragraph's text (tabs as \t, breaks as \n) as rows, line by line (doc.py too)."""
    out: list[Row] = []
    for line in text.split("\n"):
        if line.strip():
            out.extend(line_rows(line))
    return out


def run_text(el) -> str:
    """The visible text under an element: w:t, tabs as \\t, breaks as \\n."""
    parts: list[str] = []

    def walk(node) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                parts.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag == _W + "sym":
                parts.append("")
            else:
                walk(child)

    walk(el)
    return "".join(parts)


def _children(el, tag: str):
    """The ``tag`` children of an element, looking through containers (sdt, customXml, …)."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _children(child, tag)


def _cells(tr):
    return _children(tr, _W + "tc")


def _rows(tbl):
    return _children(tbl, _W + "tr")


def _prop(el, path: str) -> str | None:
    found = el.find(path)
    if found is None:
        return None
    return found.get(_W + "val", "")


def _int(value: str | None, default: int) -> int:
    m = re.match(r"\d+", value or "")
    return max(1, min(int(m[0]), 200)) if m else default


def table_rows(tbl) -> list[Row]:
    if tbl.find(f".//{_W}tc//{_W}tbl") is not None:
        # A layout table: its cells hold the report's paragraphs and data tables.
        return [row for tr in _rows(tbl) for tc in _cells(tr) for row in block_rows(tc)]
    rows: list[Row] = []
    for tr in _rows(tbl):
        cells: list[str] = []
        for tc in _cells(tr):
            merge = _prop(tc, f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge != "restart":
                continue  # covered by the merged cell above: printed once, read once
            cells.append(cell_text(tc))
        if cells:
            rows.append(Row(cells, table=True, exact=True))
    return rows


_SPACE = re.compile(r"[\s\xa0\u3000]+")


def cell_text(tc) -> str:
    return one_line(run_text(tc))


def one_line(text: str) -> str:
    """A cell's paragraphs on one line, joined without a space like an HTML cell's <p>s."""
    return _SPACE.sub(" ", text.replace("\n", "")).strip()
