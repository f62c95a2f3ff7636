"""Positioned glyphs and ruling lines of fixed-layout pages (PDF, OFD) → the report's rows.

Tables are read from the geometry, not from a text dump. The ruling lines of a page are
joined into grids: every x where a vertical line stands and every y where a horizontal
one does cut the table into elementary cells, and two neighbouring elementary cells with
no line between them are one merged cell (a colspan or rowspan), as in an HTML grid. Each
glyph falls into the cell under its centre, so a label wrapped over three lines or a
number wrapped in a narrow column is one cell again. Rows are emitted with ``exact=True``
and a cell covered by a span is left out, as htmldoc does, so a blank stays in its column.

Text outside the grids becomes lines, lines become paragraphs (a line reaching the right
margin runs on into the next one, across a page break too) in reading order with the
tables. Page numbers and running headers/footers are dropped. A table continued on the
next page loses its repeated header rows, and a row broken by the page break is joined.
A line with wide gaps and numbers (a table without ruling lines) becomes a non-exact row.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from statistics import median

from . import labels as L
from .layout import Row, paragraph_parts
from .normalize import is_value_cell, norm_label

SNAP = 2.5  # points: lines closer than this are one line
MIN_CELL = 4.0  # points: grid positions closer than this are one (double borders)
MIN_SEGMENT = 3.0  # shorter strokes are no ruling lines (the ends of thin filled rectangles)


@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    top: float  # y grows downwards, from the top of the page
    x1: float
    bottom: float
    size: float


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    hsegs: list[tuple[float, float, float]] = field(default_factory=list)  # (y, x0, x1)
    vsegs: list[tuple[float, float, float]] = field(default_factory=list)  # (x, y0, y1)


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    chunks: list[str]


@dataclass
class Table:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    rows: list[list[str]]
    spans: list[list[tuple[float, float]]]  # x extent of each cell of each row
    reach: list[list[bool]]  # does the cell reach the table's bottom line (rowspans too)


# --- glyphs → text -------------------------------------------------------------------------

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def group_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs → lines (top to bottom), each sorted left to right."""
    if not glyphs:
        return []
    ordered = sorted(glyphs, key=lambda g: (g.top + g.bottom) / 2)
    lines: list[list[Glyph]] = []
    current = [ordered[0]]
    top, bottom = ordered[0].top, ordered[0].bottom
    for g in ordered[1:]:
        middle = (g.top + g.bottom) / 2
        if top - 0.5 <= middle <= bottom + 0.5 and min(bottom, g.bottom) - max(top, g.top) > 0.3 * min(
                bottom - top, g.bottom - g.top, 1e9):
            current.append(g)
            top, bottom = min(top, g.top), max(bottom, g.bottom)
        else:
            lines.append(current)
            current, top, bottom = [g], g.top, g.bottom
    lines.append(current)
    for line in lines:
        line.sort(key=lambda g: g.x0)
    return lines


def line_text(glyphs: list[Glyph], split_gap: float | None = None) -> list[str]:
    """A line's text; with ``split_gap``, cut into chunks where the gap is wider than that."""
    chunks, parts = [], []
    prev = None
    for g in glyphs:
        if prev is not None:
            gap = g.x0 - prev.x1
            size = max(prev.size, g.size, 1.0)
            if split_gap is not None and gap > split_gap * size:
                chunks.append("".join(parts))
                parts = []
            elif gap > 0.25 * size and parts and _ascii_word(parts[-1][-1:]) and _ascii_word(g.text[:1]) and not (
                    parts[-1][-1:].isdigit() and g.text[:1].isdigit()):
                parts.append(" ")
        parts.append(g.text)
        prev = g
    chunks.append("".join(parts))
    return [c.strip() for c in chunks]


def cell_text(glyphs: list[Glyph]) -> str:
    """A cell's lines joined without a space (a wrapped label or number is one word again)."""
    out = ""
    for line in group_lines(glyphs):
        text = " ".join(line_text(line))
        if out and text and _ascii_word(out[-1]) and _ascii_word(text[0]) and not (
                out[-1].isdigit() and text[0].isdigit()):
            out += " "
        out += text
    return re.sub(r"\s+", " ", out).strip()


# --- ruling lines → grids ------------------------------------------------------------------


def _merge_segments(segs: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Collinear segments (same position within SNAP) that touch or overlap → one segment."""
    out: list[list[float]] = []
    for pos, a, b in sorted(segs, key=lambda s: (round(s[0] / SNAP), s[1])):
        if b - a < MIN_SEGMENT:
            continue
        for seg in reversed(out[-8:]):
            if abs(seg[0] - pos) <= SNAP and a <= seg[2] + SNAP and b >= seg[1] - SNAP:
                seg[1], seg[2] = min(seg[1], a), max(seg[2], b)
                break
        else:
            out.append([pos, a, b])
    return [tuple(s) for s in out]


def _cluster(values: list[float], gap: float) -> list[float]:
    values = sorted(values)
    groups: list[list[float]] = []
    for v in values:
        if groups and v - groups[-1][-1] <= gap:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


class _Union:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]
    cells: list[tuple[int, int, int, int]]  # (r0, c0, r1, c1) inclusive, elementary indexes
    owner: dict[tuple[int, int], int]  # elementary (r, c) → index into cells

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def locate(self, x: float, y: float) -> int | None:
        c, r = bisect_right(self.xs, x) - 1, bisect_right(self.ys, y) - 1
        if 0 <= c < len(self.xs) - 1 and 0 <= r < len(self.ys) - 1:
            return self.owner[(r, c)]
        return None


def find_grids(hsegs, vsegs) -> list[Grid]:
    """Connected ruling lines → grids of merged cells (a lone box or line is no table)."""
    hs, vs = _merge_segments(hsegs), _merge_segments(vsegs)
    if len(hs) < 2 or len(vs) < 2:
        return []
    union = _Union(len(hs) + len(vs))
    for i, (y, x0, x1) in enumerate(hs):
        for j, (x, y0, y1) in enumerate(vs):
            if x0 - SNAP <= x <= x1 + SNAP and y0 - SNAP <= y <= y1 + SNAP:
                union.union(i, len(hs) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, seg in enumerate(hs):
        groups.setdefault(union.find(i), ([], []))[0].append(seg)
    for j, seg in enumerate(vs):
        groups.setdefault(union.find(len(hs) + j), ([], []))[1].append(seg)
    grids = [g for h, v in groups.values() if len(h) >= 2 and len(v) >= 2 and (g := _grid(h, v))]
    return sorted(grids, key=lambda g: g.ys[0])


def _grid(hs, vs) -> Grid | None:
    xs = _cluster([x for x, _, _ in vs] + [min(s[1] for s in hs), max(s[2] for s in hs)], MIN_CELL)
    ys = _cluster([y for y, _, _ in hs] + [min(s[1] for s in vs), max(s[2] for s in vs)], MIN_CELL)
    nr, nc = len(ys) - 1, len(xs) - 1
    if nr < 1 or nc < 2:
        return None

    def has_v(c: int, r: int) -> bool:  # a line at xs[c] beside row r
        mid = (ys[r] + ys[r + 1]) / 2
        return any(abs(x - xs[c]) <= SNAP and y0 <= mid <= y1 for x, y0, y1 in vs)

    def has_h(r: int, c: int) -> bool:  # a line at ys[r] above column c
        mid = (xs[c] + xs[c + 1]) / 2
        return any(abs(y - ys[r]) <= SNAP and x0 <= mid <= x1 for y, x0, x1 in hs)

    union = _Union(nr * nc)
    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not has_v(c + 1, r):
                union.union(r * nc + c, r * nc + c + 1)
            if r + 1 < nr and not has_h(r + 1, c):
                union.union(r * nc + c, (r + 1) * nc + c)
    boxes: dict[int, list[int]] = {}
    for r in range(nr):
        for c in range(nc):
            root = union.find(r * nc + c)
            box = boxes.setdefault(root, [r, c, r, c])
            box[0], box[1] = min(box[0], r), min(box[1], c)
            box[2], box[3] = max(box[2], r), max(box[3], c)
    if len(boxes) < 2:
        return None  # a frame around text, not a table
    cells, index = [], {}
    for root, box in sorted(boxes.items(), key=lambda kv: (kv[1][0], kv[1][1])):
        index[root] = len(cells)
        cells.append(tuple(box))
    owner = {(r, c): index[union.find(r * nc + c)] for r in range(nr) for c in range(nc)}
    return Grid(xs, ys, cells, owner)


# --- one page ------------------------------------------------------------------------------


def page_items(page: Page) -> list[Line | Table]:
    """A page's lines and tables, top to bottom."""
    grids = find_grids(page.hsegs, page.vsegs)
    in_cell: list[list[list[Glyph]]] = [[[] for _ in g.cells] for g in grids]
    free: list[Glyph] = []
    for glyph in page.glyphs:
        x, y = (glyph.x0 + glyph.x1) / 2, (glyph.top + glyph.bottom) / 2
        for gi, grid in enumerate(grids):
            x0, y0, x1, y1 = grid.bbox
            if x0 <= x <= x1 and y0 <= y <= y1:
                cell = grid.locate(x, y)
                if cell is not None:
                    in_cell[gi][cell].append(glyph)
                    break
        else:
            free.append(glyph)
    items: list[Line | Table] = [_table(page.number, grid, cells) for grid, cells in zip(grids, in_cell, strict=True)]
    for glyphs in group_lines(free):
        chunks = line_text(glyphs, split_gap=2.5)
        text = " ".join(c for c in chunks if c)
        if not text:
            continue
        inked = [g for g in glyphs if not g.text.isspace()] or glyphs  # leading spaces are an indent
        items.append(Line(text, inked[0].x0, max(g.x1 for g in inked), min(g.top for g in glyphs),
                          max(g.bottom for g in glyphs), median(g.size for g in glyphs), page.number, chunks))
    items.sort(key=lambda item: item.top)
    return items


def _table(number: int, grid: Grid, cell_glyphs: list[list[Glyph]]) -> Table:
    texts = [cell_text(glyphs) for glyphs in cell_glyphs]
    rows: list[list[str]] = []
    spans: list[list[tuple[float, float]]] = []
    bottom: list[list[bool]] = []
    last = len(grid.ys) - 2
    by_row: dict[int, list[int]] = {}
    for i, (r0, _c0, _r1, _c1) in enumerate(grid.cells):
        by_row.setdefault(r0, []).append(i)
    for r in sorted(by_row):
        members = sorted(by_row[r], key=lambda i: grid.cells[i][1])
        rows.append([texts[i] for i in members])
        spans.append([(grid.xs[grid.cells[i][1]], grid.xs[grid.cells[i][3] + 1]) for i in members])
        bottom.append([grid.cells[i][2] == last for i in members])
    x0, y0, x1, y1 = grid.bbox
    return Table(number, x0, x1, y0, y1, rows, spans, bottom)


# --- the document --------------------------------------------------------------------------

_PAGE_NUMBER_LINE = re.compile(
    r"^(?:[-—–－~·\s]*\d{1,4}[-—–－~·\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.I,
)


def _masked(text: str) -> str:
    return re.sub(r"\d+", "#", norm_label(text))


def strip_running(pages: list[list[Line | Table]]) -> list[list[Line | Table]]:
    """Drop page numbers and running headers/footers: the first or last line of a page that
    is a page number, or whose text (digits masked) stands at the same height on other pages."""
    edges: dict[str, list[float]] = {}
    for items in pages:
        for item in _edge_lines(items):
            edges.setdefault(_masked(item.text), []).append(item.top)
    out = []
    for items in pages:
        drop = set()
        for item in _edge_lines(items):
            tops = edges[_masked(item.text)]
            repeated = sum(1 for t in tops if abs(t - item.top) <= 3) >= 2
            if _PAGE_NUMBER_LINE.match(item.text.strip()) or (repeated and len(pages) >= 2):
                drop.add(id(item))
        out.append([item for item in items if id(item) not in drop])
    return out


def _edge_lines(items: list[Line | Table]) -> list[Line]:
    lines = [item for item in items if isinstance(item, Line)]
    if not lines:
        return []
    edge = []
    if items[0] is lines[0]:
        edge.append(lines[0])
    if items[-1] is lines[-1] and lines[-1] is not (edge[0] if edge else None):
        edge.append(lines[-1])
    return edge


def document_rows(pages: list[Page]) -> list[Row]:
    """All pages → rows in reading order: paragraphs, exact table rows, flat rows."""
    per_page = strip_running([page_items(p) for p in pages])
    lines = [item for items in per_page for item in items if isinstance(item, Line)]
    body = median([line.size for line in lines]) if lines else 10.0
    body_lines = [line for line in lines if abs(line.size - body) <= 0.15 * body] or lines
    left = _percentile([line.x0 for line in body_lines], 0.1)
    right = _percentile([line.x1 for line in body_lines], 0.9)
    rows: list[Row] = []
    paragraph: list[Line] = []
    last_table: Table | None = None  # the table piece just emitted, if nothing came after it
    piece: list[tuple[Row, list[tuple[float, float]], list[bool]]] = []  # its rows, as emitted
    first_piece: list[list[str]] = []  # the rows of the table's first piece (its header)

    def flush() -> None:
        if paragraph:
            rows.extend(_paragraph_rows(paragraph))
            paragraph.clear()

    for items in per_page:
        for position, item in enumerate(items):
            if isinstance(item, Line):
                if paragraph and len(paragraph[-1].chunks) > 1 and _wraps_label(paragraph[-1], item):
                    paragraph[-1].chunks[0] += item.text  # a row label wrapped below its numbers
                    paragraph[-1].bottom = item.bottom
                    continue
                if paragraph and not _runs_on(paragraph[-1], item, left, right, body):
                    flush()
                paragraph.append(item)
                last_table = None
                continue
            flush()
            continues = (last_table is not None and position == 0 and item.page == last_table.page + 1
                         and abs(item.x0 - last_table.x0) <= 6 and abs(item.x1 - last_table.x1) <= 6)
            entries = list(zip(item.rows, item.spans, item.reach, strict=True))
            if continues:
                entries = entries[_repeated_header(item.rows, first_piece):]
                if entries:
                    first = _continue_cells(piece, *entries[0])
                    entries[0] = first if first is not None else entries[0]
                    if first is not None and not any(c.strip() for c in first[0]):
                        entries = entries[1:]
            else:
                first_piece, piece = item.rows, []
            new_piece = []
            for cells, spans, bottom in entries:
                if cells:
                    row = Row(list(cells), table=True, page=item.page, exact=True)
                    rows.append(row)
                    new_piece.append((row, list(spans), list(bottom)))
            piece = new_piece or piece
            last_table = item
    flush()
    return rows


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def _runs_on(a: Line, b: Line, left: float, right: float, body: float) -> bool:
    """Does line b continue the paragraph that line a ends?"""
    if len(a.chunks) > 1 or len(b.chunks) > 1 or abs(a.size - b.size) > 0.1 * max(a.size, b.size):
        return False
    size = a.size
    same_page = b.page == a.page
    if same_page and not (0 <= b.top - a.bottom <= 1.2 * size):
        return False
    if not same_page and b.page != a.page + 1:
        return False
    if size >= 1.15 * body and same_page:  # a title or heading over two lines
        return True
    return a.x1 >= right - 1.5 * size and b.x0 <= left + 0.8 * size


def _wraps_label(row: Line, line: Line) -> bool:
    """In a table without ruling lines, a short text line just under a row of numbers and
    starting where the row's label starts is the rest of that label (not the next row's)."""
    if len(line.chunks) != 1 or not row.chunks or is_value_cell(line.text):
        return False
    if not any(is_value_cell(c) and norm_label(c) for c in row.chunks[1:]):
        return False
    return (line.page == row.page and 0 <= line.top - row.bottom <= 0.6 * row.size
            and abs(line.x0 - row.x0) <= 1.5 * row.size and line.x1 < row.x0 + len(row.chunks[0]) * row.size * 1.6
            and not _ITEM_START.match(norm_label(line.text)))


def _paragraph_rows(lines: list[Line]) -> list[Row]:
    if len(lines) == 1 and len(lines[0].chunks) > 1:
        return [_chunk_row(lines[0])]
    text = ""
    for line in lines:
        if text and _ascii_word(text[-1]) and _ascii_word(line.text[:1]) and not (
                text[-1].isdigit() and line.text[0].isdigit()):
            text += " "
        text += line.text
    return [Row([part], page=lines[0].page) for part in paragraph_parts(text) if part.strip()]


def _chunk_row(line: Line) -> Row:
    """Text in columns without ruling lines: numbers make it a table row (not exact: the
    columns are not known), otherwise it is one paragraph."""
    cells = [c for c in line.chunks if c]
    if any(is_value_cell(c) and norm_label(c) for c in cells[1:]):
        return Row(cells, table=True, page=line.page)
    return Row([" ".join(cells)], page=line.page)


_ITEM_START = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[.、．])")


def _repeated_header(rows: list[list[str]], first: list[list[str]]) -> int:
    """How many rows at the top of a continued table repeat its header rows."""
    k = 0
    while k < len(rows) and k < len(first) and _same_row(rows[k], first[k]) and not any(
            is_value_cell(c) and norm_label(c) for c in rows[k]):
        k += 1
    return k


def _same_row(a: list[str], b: list[str]) -> bool:
    return [norm_label(c) for c in a] == [norm_label(c) for c in b]


def _continue_cells(piece, cells: list[str], spans, bottom):
    """The first row of a table continued on a new page, joined to what it continues.

    A cell of the new page whose column matches a cell reaching the bottom of the previous
    page continues it: a rowspan label from above (its text is appended there and the cell
    is left out, as a covered cell), or the last row itself when the page break cut that
    row in two. Returns the row's remaining (cells, spans, bottom), with the broken row's
    texts moved up (then the remaining cells are empty), or None to leave the row as it is."""
    if not piece:
        return None
    last_row = piece[-1][0]
    targets = {}  # new cell index → (row, cell index) it continues
    for i, (x0, x1) in enumerate(spans):
        for row, row_spans, row_bottom in reversed(piece):
            hit = [j for j, (a, b) in enumerate(row_spans) if row_bottom[j] and abs(a - x0) <= 3 and abs(b - x1) <= 3]
            if hit:
                targets[i] = (row, hit[0])
                break
    updates: dict[tuple[int, int], str] = {}
    keep = []
    for i, text in enumerate(cells):
        target = targets.get(i)
        if target is None:
            if text.strip():
                keep.append(i)  # a new cell under no cell above: no continuation of the last row
            continue
        row, j = target
        if row is last_row:
            keep.append(i)
            continue
        before = row.cells[j]
        if text.strip() and (is_value_cell(text) or is_value_cell(before)):
            return None
        if text.strip():
            updates[(id(row), j)] = text
    printed = [i for i in keep if cells[i].strip()]
    rest = [i for i in printed if i in targets]
    broken = bool(rest) and len(rest) == len(printed) and _is_broken_row(
        last_row, {targets[i][1]: cells[i] for i in rest})
    for row, _spans, _bottom in piece:
        for (rid, j), text in updates.items():
            if rid == id(row):
                row.cells[j] += text
    if broken:
        for i in rest:
            last_row.cells[targets[i][1]] += cells[i]
        return [""], [(0.0, 0.0)], [False]
    remaining = [i for i in range(len(cells)) if i not in targets or targets[i][0] is last_row]
    return [cells[i] for i in remaining], [spans[i] for i in remaining], [bottom[i] for i in remaining]


def _is_broken_row(prev: Row, continued: dict[int, str]) -> bool:
    """Do these texts (by cell index of prev) finish the row the page break cut?

    Label text may continue label text; a number may only continue a number when the new
    part holds no label at all (a number wrapped in a narrow column). The new part's label
    must start no new item ("1." "（二）" "三、") and the two labels must not each name a row."""
    texts = {j: t for j, t in continued.items() if t.strip()}
    if not texts:
        return False
    has_label = any(not is_value_cell(t) for t in texts.values())
    for j, text in texts.items():
        before = prev.cells[j]
        if not before.strip():
            continue
        if is_value_cell(before) != is_value_cell(text) or (is_value_cell(text) and has_label):
            return False
    label = next((texts[j] for j in sorted(texts) if not is_value_cell(texts[j])), "")
    before = next((c for c in prev.cells if c.strip() and not is_value_cell(c)), "")
    if _ITEM_START.match(norm_label(label)):
        return False
    return not (label and before and _is_row_label(label) and _is_row_label(before))


def _is_row_label(text: str) -> bool:
    """A label that names a template row on its own (then it is no broken half)."""
    label = norm_label(text)
    patterns = [p for _, p in L.REQUEST_ROW_PATTERNS] + [p for _, _, p in L.PROACTIVE_ROW_PATTERNS]
    return any(re.search(p, label) for p in patterns)
