"""OFD (GB/T 33190, China's fixed-layout format) → rows, read like a PDF from its geometry.

An OFD is a zip of XML: OFD.xml names the document root, Document.xml lists the pages,
each page's Content.xml holds TextObjects (a Boundary box, a font Size, TextCode runs
with X/Y and DeltaX advances) and PathObjects (AbbreviatedData "M x y L x y …"), in
millimetres. Characters become glyphs and straight path strokes ruling lines, then
pagelayout.py reads paragraphs and table grids as it does for PDF. Page templates
(running headers) and annotations are not read; signatures and embedded fonts are ignored.
"""

from __future__ import annotations

import posixpath
import re
import time

from . import limits
from .errors import ExtractionError
from .formats import Document
from .pagelayout import Glyph, Page, document_rows
from .word import parse_xml
from .ziputil import SafeZip

MM = 72 / 25.4  # points per millimetre
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")


def _local(el) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _child(el, name: str):
    for child in el:
        if _local(child) == name:
            return child
    return None


def _find(el, name: str):
    for child in el.iter():
        if _local(child) == name:
            return child
    return None


def _numbers(text: str | None) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text or "")]


def _resolve(base: str, loc: str) -> str:
    loc = loc.strip()
    if loc.startswith("/"):
        return loc.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), loc))


def read_ofd(container: SafeZip) -> Document:
    root = parse_xml(container.read("OFD.xml"), "OFD (OFD.xml)")
    doc_root = _find(root, "DocRoot")
    if doc_root is None or not (doc_root.text or "").strip():
        raise ExtractionError("corrupt OFD: OFD.xml names no document")
    doc_path = _resolve("OFD.xml", doc_root.text)
    document = parse_xml(container.read(doc_path), f"OFD ({doc_path})")
    box = _numbers(getattr(_find(document, "PhysicalBox"), "text", "")) or [0, 0, 210, 297]
    page_refs = [el for el in document.iter() if _local(el) == "Page" and el.get("BaseLoc")]
    limits.check(len(page_refs) <= limits.MAX_PDF_PAGES, f"OFD of {len(page_refs)} pages (limit {limits.MAX_PDF_PAGES})")
    if not page_refs:
        raise ExtractionError("unreadable OFD: no pages")
    deadline = time.monotonic() + limits.MAX_SECONDS
    pages = []
    for number, ref in enumerate(page_refs, 1):
        limits.check(time.monotonic() < deadline, f"reading the OFD took over {limits.MAX_SECONDS:.0f} s")
        path = _resolve(doc_path, ref.get("BaseLoc"))
        content = parse_xml(container.read(path), f"OFD ({path})")
        page_box = _numbers(getattr(_find(content, "PhysicalBox"), "text", "")) or box
        page = Page(number, page_box[2] * MM, page_box[3] * MM)
        _read_objects(content, page)
        if page.glyphs:
            pages.append(page)
    if not pages:
        raise ExtractionError("unreadable OFD: no text on any page (a scan?)")
    title = _find(root, "Title")
    titles = [title.text.strip()] if title is not None and (title.text or "").strip() else []
    return Document(document_rows(pages), "ofd", "", titles, {})


def _read_objects(content, page: Page) -> None:
    glyphs = 0
    for el in content.iter():
        name = _local(el)
        if name == "TextObject":
            bx, by = (_numbers(el.get("Boundary")) + [0, 0])[:2]
            size = float(el.get("Size") or 3.5)
            ctm = _numbers(el.get("CTM"))
            scale = ctm[0] if len(ctm) == 6 and ctm[0] > 0 else 1.0
            for code in el:
                if _local(code) != "TextCode" or not code.text:
                    continue
                x, y = float(code.get("X") or 0), float(code.get("Y") or 0)
                deltas = _deltas(code.get("DeltaX"))
                for i, ch in enumerate(code.text):
                    glyphs += 1
                    limits.check(glyphs <= limits.MAX_CHARS_PER_PAGE, f"OFD page {page.number} holds too many characters")
                    gx = (bx + (x + sum(deltas[:i]) if i <= len(deltas) else x) * scale) * MM
                    base = (by + y * scale) * MM
                    em = size * scale * MM
                    width = em if ord(ch) > 0x2e80 else em * 0.5
                    if not ch.isspace():
                        page.glyphs.append(Glyph(ch, gx, base - 0.88 * em, gx + width, base + 0.12 * em, em))
        elif name == "PathObject" and el.get("Stroke", "true") != "false":
            bx, by = (_numbers(el.get("Boundary")) + [0, 0])[:2]
            data = _child(el, "AbbreviatedData")
            if data is not None:
                _path(data.text or "", bx, by, page)


def _deltas(text: str | None) -> list[float]:
    """DeltaX "3.5 3.5 g 4 3.2": advances, "g N d" repeating d N times."""
    tokens = (text or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens) and len(out) < 100_000:
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * min(int(float(tokens[i + 1])), 10_000)
            i += 3
        else:
            try:
                out.append(float(tokens[i]))
            except ValueError:
                pass
            i += 1
    return out


_ARGS = {"M": 2, "L": 2, "B": 6, "Q": 4, "A": 7, "C": 0, "S": 0}


def _path(data: str, bx: float, by: float, page: Page) -> None:
    tokens = data.split()
    current = start = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        n = _ARGS.get(op)
        if n is None:
            i += 1
            continue
        try:
            args = [float(t) for t in tokens[i + 1: i + 1 + n]]
        except ValueError:
            return
        i += 1 + n
        if len(args) < n:
            return
        point = ((bx + args[-2]) * MM, (by + args[-1]) * MM) if n >= 2 else None
        if op == "M":
            current = start = point
        elif op == "L" and current is not None:
            _segment(page, current, point)
            current = point
        elif op == "C" and current is not None and start is not None:
            _segment(page, current, start)
            current = start
        elif point is not None:
            current = point
        limits.check(len(page.hsegs) + len(page.vsegs) <= limits.MAX_SEGMENTS_PER_PAGE,
                     f"OFD page {page.number} draws too many lines")


def _segment(page: Page, a: tuple[float, float], b: tuple[float, float]) -> None:
    (x0, y0), (x1, y1) = a, b
    if abs(y1 - y0) <= 1.0 and abs(x1 - x0) >= 1.0:
        page.hsegs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x1 - x0) <= 1.0 and abs(y1 - y0) >= 1.0:
        page.vsegs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
