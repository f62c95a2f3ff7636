"""PDF with a text layer → rows, read from the page geometry with pdfium (pypdfium2).

pdfium gives every character with its box and every path object with its segments; the
ruling lines are the straight, visible strokes (and thin filled rectangles) among them.
pagelayout.py turns glyphs and lines into paragraphs and exact table rows. A page without
a text layer (a scan) yields nothing here: its number is returned in ``textless`` so that
formats.py can hand it to OCR. pdfium is not thread-safe, so calls are serialised.
"""

from __future__ import annotations

import ctypes
import math
import re
import threading
import time
from dataclasses import dataclass, field

from . import limits
from .errors import ExtractionError
from .layout import Row
from .pagelayout import Glyph, Page, document_rows

_LOCK = threading.Lock()
_SCAN_GLYPHS = 30  # a page with images and fewer characters than this is read as a scan


@dataclass
class PdfRead:
    rows: list[Row]
    pages: int
    textless: list[int] = field(default_factory=list)  # 1-based pages with images and no text
    title: str | None = None  # the document information Title, when it reads as one


def read_pdf(data: bytes) -> PdfRead:
    _check_complete(data)
    import pypdfium2 as pdfium

    with _LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as err:
            reason = "password-protected" if "password" in str(err).lower() else f"cannot be opened ({err})"
            raise ExtractionError(f"unreadable PDF: {reason}") from None
        try:
            count = len(pdf)
            limits.check(count <= limits.MAX_PDF_PAGES, f"PDF of {count} pages (limit {limits.MAX_PDF_PAGES})")
            if count == 0:
                raise ExtractionError("unreadable PDF: no pages")
            deadline = time.monotonic() + limits.MAX_SECONDS
            pages, textless = [], []
            for index in range(count):
                limits.check(time.monotonic() < deadline, f"reading the PDF took over {limits.MAX_SECONDS:.0f} s")
                page, has_images = _read_page(pdf, index)
                if has_images and len(page.glyphs) < _SCAN_GLYPHS:
                    textless.append(index + 1)  # a scan (maybe with a stamped page number): OCR
                elif page.glyphs:
                    pages.append(page)
            title = _info_title(pdf)
        finally:
            pdf.close()
    return PdfRead(document_rows(pages), count, textless, title)


def _check_complete(data: bytes) -> None:
    """A PDF ends with %%EOF (maybe followed by junk a server appended); a file cut short
    is refused rather than read in part."""
    tail = data[-4096:]
    if b"%%EOF" in tail:
        return
    last = data.rfind(b"%%EOF")
    if last < 0 or re.search(rb"\bobj\b|\bstream\b|\bxref\b", data[last + 5:]):
        raise ExtractionError("truncated PDF: the file ends before its end-of-file marker (incomplete download?)")


def _info_title(pdf) -> str | None:
    try:
        title = (pdf.get_metadata_dict().get("Title") or "").strip()
    except Exception:  # noqa: BLE001 - metadata is optional
        return None
    title = re.sub(r"^Microsoft (Word|PowerPoint) - |\.(docx?|wps|pdf)$", "", title, flags=re.I).strip()
    return title or None


def _read_page(pdf, index: int) -> tuple[Page, bool]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        page = pdf[index]
    except pdfium.PdfiumError as err:
        raise ExtractionError(f"damaged PDF: page {index + 1} cannot be read ({err})") from None
    try:
        width, height = page.get_size()  # as displayed, after the page's /Rotate
        limits.check(0 < width <= limits.MAX_PAGE_SIDE_PT and 0 < height <= limits.MAX_PAGE_SIDE_PT,
                     f"page {index + 1} measures {width:.0f}×{height:.0f} pt")
        rotation = page.get_rotation()
        if rotation in (90, 270):
            width, height = height, width  # the page in user space
        textpage = page.get_textpage()
        try:
            # Read the page the way its text runs: usually as displayed (/Rotate), but a table
            # turned on its page without /Rotate, or turned back by it, is read upright too.
            turned = _text_rotation(raw, textpage)
            rotation = rotation if turned is None else turned
            if rotation in (90, 270):
                width, height = height, width
            result = Page(index + 1, width, height)
            place = displayed(rotation, width, height)
            has_images = _read_paths(raw, page, result, place)
            result.glyphs = _glyphs(raw, textpage, place, index + 1)
        finally:
            textpage.close()
    finally:
        page.close()
    return result, has_images


def _text_rotation(raw, textpage) -> int | None:
    """How far (clockwise, 0/90/180/270) the page must turn for most of its text to run left to
    right (pdfium gives each character's angle, clockwise in user space); None when no
    direction holds most of the text."""
    tp = textpage.raw
    turns = [0, 0, 0, 0]
    for i in range(min(raw.FPDFText_CountChars(tp), 2000)):
        code = raw.FPDFText_GetUnicode(tp, i)
        if code <= 0x20 or raw.FPDFText_IsGenerated(tp, i) == 1:
            continue
        angle = raw.FPDFText_GetCharAngle(tp, i)
        if angle >= 0:
            turns[round(angle / (math.pi / 2)) % 4] += 1
    quarter = max(range(4), key=turns.__getitem__)
    if not sum(turns) or turns[quarter] < 0.6 * sum(turns):
        return None
    return (4 - quarter) % 4 * 90


def displayed(rotation: int, width: float, height: float):
    """(x, y) in PDF user space (y up) → (x, y) on the page as displayed (y down).

    A page with /Rotate is shown turned clockwise: a landscape table printed on a portrait
    page is written turned the other way in user space, and reads upright only once turned.
    ``width`` and ``height`` are the page's once turned.
    """
    if rotation == 90:
        return lambda x, y: (y, x)
    if rotation == 180:
        return lambda x, y: (width - x, y)
    if rotation == 270:
        return lambda x, y: (width - y, height - x)
    return lambda x, y: (x, height - y)


def _glyphs(raw, textpage, place, number: int) -> list[Glyph]:
    tp = textpage.raw
    count = raw.FPDFText_CountChars(tp)
    limits.check(count <= limits.MAX_CHARS_PER_PAGE, f"page {number} holds {count} characters")
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    loose = raw.FS_RECTF()
    glyphs: list[Glyph] = []
    bad = 0
    pending_high = None
    for i in range(count):
        code = raw.FPDFText_GetUnicode(tp, i)
        if 0xD800 <= code < 0xDC00:
            pending_high = code
            continue
        if 0xDC00 <= code < 0xE000 and pending_high is not None:
            code = 0x10000 + ((pending_high - 0xD800) << 10) + (code - 0xDC00)
        pending_high = None
        if code in (0, 0xFFFE, 0xFFFF) or code < 0x20 or raw.FPDFText_IsGenerated(tp, i) == 1:
            continue
        if not raw.FPDFText_GetCharBox(tp, i, left, right, bottom, top):
            continue
        # The loose box spans the font's ascent to descent: quotes and commas sit on the line.
        if raw.FPDFText_GetLooseCharBox(tp, i, loose) and loose.top > loose.bottom:
            top.value, bottom.value = loose.top, loose.bottom
        ch = chr(code)
        if 0xE000 <= code < 0xF900 or code == 0xFFFD:
            bad += 1
        size = raw.FPDFText_GetFontSize(tp, i) or (top.value - bottom.value)
        if ch.isspace():
            ch = " "
        (x0, y0), (x1, y1) = place(left.value, top.value), place(right.value, bottom.value)
        glyphs.append(Glyph(ch, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), size))
    if glyphs and bad > 0.3 * len(glyphs):
        return []  # no usable text layer (fonts without a Unicode map): a case for OCR
    return glyphs if any(g.text != " " for g in glyphs) else []


# --- ruling lines ---------------------------------------------------------------------------


def _compose(m, n):
    """m applied after n: both as (a, b, c, d, e, f)."""
    a, b, c, d, e, f = n
    A, B, C, D, E, F = m
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _read_paths(raw, page, out: Page, place) -> bool:
    """Straight visible strokes → horizontal and vertical segments; True if the page has images."""
    budget = {"paths": 0, "segments": 0, "images": 0}

    def walk(count_fn, get_fn, owner, matrix, depth):
        for i in range(count_fn(owner)):
            obj = get_fn(owner, i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                budget["images"] += 1
            elif kind == raw.FPDF_PAGEOBJ_PATH:
                budget["paths"] += 1
                limits.check(budget["paths"] <= limits.MAX_PATHS_PER_PAGE,
                             f"page {out.number} draws over {limits.MAX_PATHS_PER_PAGE} paths")
                _path_segments(raw, obj, _compose(_object_matrix(raw, obj), matrix), out, place, budget)
            elif kind == raw.FPDF_PAGEOBJ_FORM and depth < 8:
                walk(raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, obj,
                     _compose(_object_matrix(raw, obj), matrix), depth + 1)

    walk(raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, page.raw, (1, 0, 0, 1, 0, 0), 0)
    return budget["images"] > 0


def _object_matrix(raw, obj):
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return (1, 0, 0, 1, 0, 0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _visible(raw, obj) -> tuple[bool, bool]:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj, fill, stroke):
        return False, False
    r, g, b, a = (ctypes.c_uint() for _ in range(4))

    def shows(getter) -> bool:
        return bool(getter(obj, r, g, b, a)) and a.value > 0 and min(r.value, g.value, b.value) < 235

    return bool(stroke.value) and shows(raw.FPDFPageObj_GetStrokeColor), bool(fill.value) and shows(
        raw.FPDFPageObj_GetFillColor)


def _path_segments(raw, obj, matrix, out: Page, place, budget: dict) -> None:
    stroked, filled = _visible(raw, obj)
    if not (stroked or filled):
        return
    n = raw.FPDFPath_CountSegments(obj)
    budget["segments"] += n
    limits.check(budget["segments"] <= limits.MAX_SEGMENTS_PER_PAGE,
                 f"page {out.number} draws over {limits.MAX_SEGMENTS_PER_PAGE} path segments")
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[tuple[float, float]] = []
    start = current = None
    segments: list[tuple[float, float, float, float]] = []
    for i in range(n):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        point = place(a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = current = point
        elif kind == raw.FPDF_SEGMENT_LINETO and current is not None:
            segments.append((*current, *point))
            current = point
        else:  # a curve: no ruling line
            current = point
        if raw.FPDFPathSegment_GetClose(seg) and start is not None and current is not None:
            segments.append((*current, *start))
            current = start
        points.append(point)
    if filled and not stroked and points:
        # A filled rectangle is a ruling line when thin, a cell's shading when not.
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        if h <= 3 and w > h:
            out.hsegs.append(((min(ys) + max(ys)) / 2, min(xs), max(xs)))
            return
        if w <= 3 and h > w:
            out.vsegs.append(((min(xs) + max(xs)) / 2, min(ys), max(ys)))
            return
    for x0, y0, x1, y1 in segments:
        if abs(y1 - y0) <= 1.0 and abs(x1 - x0) >= 1.0:
            out.hsegs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) <= 1.0 and abs(y1 - y0) >= 1.0:
            out.vsegs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
