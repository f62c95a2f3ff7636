"""Scanned reports: page images → rows of cells, read by OCR, each value with its confidence.

Entry points:
- ``ocr_image_document(data)``: a PNG / JPEG / TIFF (every frame) / GIF / BMP file → Document;
- ``ocr_pdf_pages(data, pages)``: the 1-based pages of a PDF that have no text layer
  (formats.read_pdf_document hands them over) → rows.

A page is turned upright, deskewed and cut into tables and lines of text (ocr_layout.py);
every line crop is read by the recogniser (ocr_engine.py, RapidOCR's PP-OCRv4 by default).
A table from a ruled grid gives exact rows (blanks keep their column); a line of a table
without rules gives a row by position; the other text gives one-cell paragraph rows, so
titles and section headings work as in HTML.

What a cell says is never guessed (cells.md). A value is read over the value characters
alone (digits, signs, units, 无 and the dashes); one read with less than ``RECHECK``
confidence is read again from a denoised crop and the two readings must agree. It is kept
only when it is a value, its confidence reaches ``MIN_CONFIDENCE``, its marks are not two
numbers side by side and, for a plain number, its digit count fits the marks counted in
the image. Otherwise the cell is unsure: value unset, reading and confidence kept. A cell
with no ink at all is blank. The grid, not the reading, decides which cells are values, so
a misread never shifts a row's numbers into other columns. Afterwards the identities may
confirm a doubtful reading or flag a sure one (ocr_checks.py); they never supply a value.

Cell texts are ``OcrText`` strings: they go through tables.py like any cell string, and
report.make_cell reads their confidence and doubt.
"""

from __future__ import annotations

import io
import re
import time

from . import limits
from .errors import ExtractionError
from .layout import Row, paragraph_parts

MIN_CONFIDENCE = 0.90  # a value read with less is unsure (tuned on generated scans: bench/bench_ocr.py)
RECHECK = 0.99  # a value read with less is read again from a denoised crop; the two must agree
MAX_OCR_PAGES = 80  # pages of one document read by OCR (~2 s each)
MAX_OCR_SECONDS = 600.0  # OCR of one document
RENDER_DPI = 200  # a scanned PDF page is rendered at this resolution
MAX_SIDE = 2400  # a page image is reduced to this many pixels on its longer side (A4 at 200 dpi)
MIN_SIDE = 300  # smaller than this is no page


class OcrText(str):
    """A cell's text as OCR read it: the string the table code sees, with the reading's
    confidence and, for a value that could not be read for sure, why (the string is then
    empty, so the cell keeps its column as a blank would, and ``reading`` holds what OCR saw)."""

    confidence: float | None
    unsure: str | None
    reading: str

    def __new__(cls, text: str, confidence: float | None = None, unsure: str | None = None,
                reading: str | None = None):
        self = super().__new__(cls, text)
        self.confidence = confidence
        self.unsure = unsure
        self.reading = text if reading is None else reading
        return self


# --- entry points --------------------------------------------------------------------------


def ocr_image_document(data: bytes):
    """An image file (one page per frame) → a Document read by OCR."""
    from .formats import Document

    rows = []
    pages = _image_pages(data)
    deadline = time.monotonic() + MAX_OCR_SECONDS
    for number, gray in enumerate(pages, start=1):
        limits.check(time.monotonic() < deadline, f"OCR took over {MAX_OCR_SECONDS:.0f} s")
        rows += page_rows(gray, number)
    if not any(r.text.strip() for r in rows):
        raise ExtractionError("image: OCR found no text")
    return Document(rows, "image", "", [], {}, ocr=True)


def ocr_pdf_pages(data: bytes, pages: list[int]) -> list[Row]:
    """The given 1-based pages of a PDF, rendered and read by OCR."""
    limits.check(len(pages) <= MAX_OCR_PAGES, f"{len(pages)} scanned pages to OCR (limit {MAX_OCR_PAGES})")
    rows: list[Row] = []
    deadline = time.monotonic() + MAX_OCR_SECONDS
    for number in pages:
        limits.check(time.monotonic() < deadline, f"OCR took over {MAX_OCR_SECONDS:.0f} s")
        rows += page_rows(render_pdf_page(data, number), number)
    return rows


# --- page images ---------------------------------------------------------------------------


def _image_pages(data: bytes):
    """Grayscale arrays of every frame, after the size checks (no decoding before them)."""
    import numpy as np
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise limits.LimitExceeded(f"refused: an image of over {limits.MAX_IMAGE_PIXELS:,} pixels") from None
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise ExtractionError(f"unreadable image: {err}") from None
    frames = getattr(image, "n_frames", 1)
    limits.check(frames <= MAX_OCR_PAGES, f"an image of {frames} pages (limit {MAX_OCR_PAGES})")
    out = []
    for frame in ImageSequence.Iterator(image):
        w, h = frame.size
        limits.check(w * h <= limits.MAX_IMAGE_PIXELS,
                     f"an image of {w}×{h} pixels (limit {limits.MAX_IMAGE_PIXELS:,})")
        if min(w, h) < MIN_SIDE:
            raise ExtractionError(f"image too small to read: {w}×{h} pixels")
        try:
            gray = frame.convert("L") if frame.mode not in ("RGBA", "LA", "P") else _flatten(frame)
            out.append(_fit(np.asarray(gray)))
        except (OSError, ValueError, Image.DecompressionBombError) as err:
            raise ExtractionError(f"unreadable image: {err}") from None
    return out


def _flatten(frame):
    """Transparent pixels are paper (white)."""
    from PIL import Image

    rgba = frame.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgba).convert("L")


def _fit(gray):
    import cv2

    h, w = gray.shape
    scale = MAX_SIDE / max(h, w)
    if scale < 1:
        gray = cv2.resize(gray, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    return gray


def render_pdf_page(data: bytes, number: int):
    """Render one PDF page (1-based) to a grayscale array at RENDER_DPI, within the limits."""
    import numpy as np
    import pypdfium2 as pdfium

    try:
        from .pdf import _LOCK as lock  # pdfium is not thread-safe: share the PDF reader's lock
    except ImportError:  # pragma: no cover
        import threading

        lock = threading.Lock()
    with lock:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as err:
            raise ExtractionError(f"unreadable PDF: {err}") from None
        try:
            page = pdf[number - 1]
            w_pt, h_pt = page.get_size()
            scale = RENDER_DPI / 72
            pixels = w_pt * h_pt * scale * scale
            if pixels > limits.MAX_IMAGE_PIXELS:
                scale *= (limits.MAX_IMAGE_PIXELS / pixels) ** 0.5
            limits.check(min(w_pt, h_pt) * scale >= MIN_SIDE / 2, f"page {number} is too small to read")
            bitmap = page.render(scale=scale, grayscale=True)
            gray = np.array(bitmap.to_numpy(), copy=True)
        finally:
            pdf.close()
    if gray.ndim == 3:
        gray = gray[:, :, 0]
    return _fit(gray)


# --- one page --------------------------------------------------------------------------------


def page_rows(gray, page: int, engine=None) -> list[Row]:
    """One page image → its rows: paragraphs and table rows, top to bottom."""
    try:
        from .ocr_engine import get_engine
    except ImportError as err:  # OpenCV / onnxruntime missing or unloadable (libGL)
        raise ExtractionError(f"OCR is not available here: {err}") from None

    engine = engine or get_engine()
    layout = upright(gray, engine)
    crops = [line.crop for table in layout.tables for cell in table.cells for line in cell.lines]
    crops += [line.crop for line in layout.text_lines]
    readings = iter(read_lines(engine, crops))
    items: list[tuple[int, Row]] = []
    for table in layout.tables:
        read = {id(cell): [next(readings) for _ in cell.lines] for cell in table.cells}
        texts = grid_texts(table, read)
        for r in range(table.rows):
            if cells := [texts[id(c)] for c in table.cells if c.row == r]:
                items.append((table.box[1] + r, Row(cells, table=True, page=page, exact=True)))
    lines = [(line, next(readings)) for line in layout.text_lines]
    for top, row in text_rows(lines, layout.char_h):
        row.page = page
        items.append((top, row))
    items.sort(key=lambda item: item[0])
    return [row for _, row in items]


SAMPLE_LINES = 5  # longest lines read (their first characters) to judge whether a page is upside down
UPRIGHT = 0.95  # their mean confidence above which the page is taken as upright


def upright(gray, engine):
    """The page's layout the right way up. A page on its side is turned by the layout code
    (text blobs tall instead of flat); a page upside down is told by reading a sample of its
    longest lines both ways round, when they do not read well as they are."""
    import numpy as np

    from .ocr_layout import analyse

    layout = analyse(gray)
    sample = sorted((line for line in _lines(layout)), key=lambda line: line.box[2] - line.box[0],
                    reverse=True)[:SAMPLE_LINES]
    if not sample:
        return layout
    crops = [line.crop[:, : 6 * line.crop.shape[0]] for line in sample]  # five characters or so suffice
    as_is = sum(r.confidence for r in engine.read(crops)) / len(crops)
    if as_is >= UPRIGHT:
        return layout
    turned = sum(r.confidence for r in engine.read([np.rot90(c, 2) for c in crops])) / len(crops)
    if turned <= as_is + 0.1:
        return layout
    page = np.rot90(gray, (layout.turns + 2) % 4)  # the turn the layout made, and a half turn
    flipped = analyse(np.ascontiguousarray(page), turn=False)
    flipped.turns = (layout.turns + 2) % 4
    return flipped


def _lines(layout):
    yield from (line for table in layout.tables for cell in table.cells for line in cell.lines)
    yield from layout.text_lines


def grid_texts(table, read: dict) -> dict:
    """The texts of a ruled table's cells, with the grid deciding which cells are values.

    The value columns start at the first column whose marked cells in the rows holding values
    mostly read as values (two at least). In a row that holds a value there, every cell from that column on is a
    value: one read as text (noise read as Chinese) is an unsure value, never a label that
    would split the row. Left of it every cell is a label: one that reads like a value (a
    label misread, or an unreadable mark) becomes a label fragment marked "？", never a value
    that would shift the row's numbers by one column. Rows without values (headers) are left
    as read."""
    from collections import Counter

    texts = {id(cell): cell_text(cell.lines, read[id(cell)], cell.ink) for cell in table.cells}
    labels = {id(cell) for cell in table.cells if cell.lines and is_label(read[id(cell)])}
    valued = {id(cell) for cell in table.cells if cell.lines and id(cell) not in labels}
    data_rows = {cell.row for cell in table.cells if id(cell) in valued}  # header rows hold no values
    values = Counter(cell.col for cell in table.cells if id(cell) in valued)
    words = Counter(cell.col for cell in table.cells if id(cell) in labels and cell.row in data_rows)
    starts = [col for col, n in values.items() if n >= 2 and n > words[col]]
    if not starts:
        return texts
    first = min(starts)
    for r in range(table.rows):
        row = [c for c in table.cells if c.row == r]
        if not any(c.col >= first and id(c) in valued for c in row):
            continue
        for cell in row:
            text = texts[id(cell)]
            if cell.col >= first and id(cell) in labels:
                texts[id(cell)] = OcrText("", text.confidence, f"a value cell read as text {str(text)!r}", str(text))
            elif cell.col < first and id(cell) in valued:
                reading = text.reading or "".join(x.text for x in read[id(cell)])
                texts[id(cell)] = OcrText(f"{reading}？", text.confidence)
    return texts


def read_lines(engine, crops) -> list:
    """Read every line; a doubtful line is read again from a denoised crop (3×3 median).

    A value read with less than RECHECK confidence is kept only if both readings agree; a
    line of text read with less than MIN_CONFIDENCE takes the surer of its two readings."""
    import cv2

    from .ocr_engine import second_opinion

    readings = engine.read(crops)
    values = [i for i, r in enumerate(readings) if r.numeric is not None and r.numeric.confidence < RECHECK]
    texts = [i for i, r in enumerate(readings) if r.numeric is None and r.confidence < MIN_CONFIDENCE]
    again = engine.read([cv2.medianBlur(crops[i], 3) for i in values + texts])
    recheck = set(values)
    for i, second in zip(values + texts, again, strict=True):
        if i in recheck:
            readings[i] = second_opinion(readings[i], second)
        elif second.numeric is None and second.confidence > readings[i].confidence:
            readings[i] = second  # text stays text: a label never turns into a value here
    return readings


_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_GAP = 0.6  # characters between two marks of one number; wider is two numbers side by side


def cell_text(lines, readings, ink: bool = True) -> str:
    """What one table cell (or one piece of a borderless row) holds: a label as read, or a
    value read for sure, or an unsure value (empty text, with the reading and the reason)."""
    from .normalize import is_value_cell, parse_number

    if not lines:
        if ink:  # marks too small or faint to make a line
            return OcrText("", 0.0, "a mark OCR could not read", "")
        return OcrText("", 1.0)
    free = "".join(r.text for r in readings)
    if is_label(readings):
        return OcrText(free, min(r.confidence for r in readings))  # a label or a header
    values = [_value_text(r) for r in readings]
    value = "".join(values)
    confidence = min((r.numeric.confidence if r.numeric else r.confidence) for r in readings)
    if not value:
        return OcrText("", confidence, "OCR read nothing in a marked cell", free)
    if not is_value_cell(value) or re.search(r"\s", value):  # "1 2" is two numbers, not 12
        return OcrText("", confidence, f"OCR reading {free!r} is not a value", value)
    if doubt := next((r.numeric.doubt for r in readings if r.numeric and r.numeric.doubt), None):
        return OcrText("", confidence, doubt, value)
    for line, text in zip(lines, values, strict=True):
        if line.gap > MAX_GAP and text:
            return OcrText("", confidence, "marks far apart: two numbers side by side?", value)
        if line.dash != text.startswith("-") and parse_number(text) is not None:
            why = "a minus sign in the image, not in the reading" if line.dash else "a minus sign read, not seen"
            return OcrText("", confidence, why, value)
        fewest, most = line.glyphs
        if text.isdigit() and not fewest <= len(text) <= most:  # a digit dropped or doubled
            marks = f"{fewest}" if fewest == most else f"{fewest} to {most}"
            return OcrText("", confidence, f"OCR read {len(text)} digits where the image shows {marks}", value)
    if confidence < MIN_CONFIDENCE:
        return OcrText("", confidence, f"OCR confidence {confidence:.2f} below {MIN_CONFIDENCE}", value)
    return OcrText(value, confidence)


def is_label(readings) -> bool:
    """Chinese other than units and 无 in a free reading: text, not a value."""
    return any(r.numeric is None for r in readings) and bool(_CJK.search("".join(r.text for r in readings)))


def _value_text(reading) -> str:
    """A line of a value cell: the recogniser's value reading, else its free reading with the
    look-alike letters of digits taken as those digits (white space kept: "1 2" is no number)."""
    from .ocr_engine import alias_value_chars

    text = reading.numeric.text if reading.numeric else alias_value_chars(reading.text)
    return text.strip()


def text_rows(lines, ch: int) -> list[tuple[int, Row]]:
    """Text lines outside the ruled tables → rows, top to bottom.

    A printed line whose pieces (runs of text parted by wide gaps) are a label followed by
    values is a row of a table without rules (cells by position, exact=False); other lines
    make paragraphs: a line that runs to the right margin continues on the next one unless
    that one is indented (a new paragraph) or far below."""
    visual: list[list] = []  # pieces of one printed line
    for line, reading in sorted(lines, key=lambda lr: (lr[0].box[1], lr[0].box[0])):
        if visual:
            last = visual[-1]
            top, bottom = min(b.box[1] for b, _ in last), max(b.box[3] for b, _ in last)
            overlap = min(bottom, line.box[3]) - max(top, line.box[1])
            if overlap > 0.5 * min(bottom - top, line.box[3] - line.box[1]):
                last.append((line, reading))
                continue
        visual.append([(line, reading)])
    if not visual:
        return []
    left = min(b.box[0] for v in visual for b, _ in v)
    right = max(b.box[2] for v in visual for b, _ in v)
    out: list[tuple[int, Row]] = []
    prev_box = None
    for pieces in visual:
        pieces.sort(key=lambda lr: lr[0].box[0])
        box = (pieces[0][0].box[0], min(b.box[1] for b, _ in pieces),
               max(b.box[2] for b, _ in pieces), max(b.box[3] for b, _ in pieces))
        if len(pieces) >= 2 and is_label([pieces[0][1]]) and not any(is_label([r]) for _, r in pieces[1:]):
            cells = [cell_text([line], [r]) for line, r in pieces]
            out.append((box[1], Row(cells, table=True)))
            prev_box = None
            continue
        text = " ".join(r.text for _, r in pieces if r.text)
        if not text.strip():
            continue
        continues = (prev_box is not None and out and not out[-1][1].table and prev_box[2] >= right - 1.5 * ch
                     and box[0] <= left + 0.8 * ch and box[1] - prev_box[3] < 1.2 * ch)
        if continues:
            top, row = out[-1]
            previous = row.cells[0]
            joiner = " " if previous[-1:].isascii() and previous[-1:].isalnum() and text[:1].isascii() and text[:1].isalnum() else ""
            row.cells[0] = previous + joiner + text
        else:
            out.append((box[1], Row([text])))
        prev_box = box
    rows: list[tuple[int, Row]] = []
    for top, row in out:
        rows += [(top, row)] if row.table else [(top, Row([part])) for part in paragraph_parts(row.cells[0])]
    return rows
