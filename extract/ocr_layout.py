"""A scanned page image → its tables (cells on a grid) and its lines of text, as boxes.

No recognition happens here, only image processing (OpenCV and NumPy):

- the page is binarised and deskewed (the angle whose row profile is sharpest), and turned
  a quarter when its text runs down the page;
- ruling lines are found by morphological opening with long thin kernels; a vertical
  segment counts only where it meets horizontal rules at both ends, and a horizontal one
  only where it meets vertical rules at both ends, so text strokes and link underlines are
  not rules; a table is a connected set of rules (a table without vertical rules is read
  as text lines);
- a table's cells are the regions the rules enclose, so merged cells come out as one
  region; their edges, clustered, give each cell its grid row and column and its spans;
- inside a cell, and outside the tables, text lines are runs of ink rows; a crop of each
  line (rules painted out) is what the recogniser reads, and the marks of each line are
  counted (how many digits it can hold, how far apart its marks are) to check a reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)


@dataclass
class Line:
    """A line of text: its box on the page and the crop the recogniser reads."""

    box: Box
    crop: np.ndarray
    # How many characters the marks of this line can be (fewest, most): a reading of a
    # number must have a digit count in this range (see measure).
    glyphs: tuple[int, int] = (0, 0)
    gap: float = 0.0  # the widest space between two marks, in characters (two numbers side by side?)
    dash: bool = False  # a flat bar before the first character-high mark (a minus sign?)


@dataclass
class GridCell:
    box: Box  # the region inside the rules
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    lines: list[Line] = field(default_factory=list)
    ink: bool = False  # anything printed inside (a mark the recogniser may fail to read)


@dataclass
class Table:
    box: Box
    cells: list[GridCell]
    rows: int
    cols: int


@dataclass
class Page:
    gray: np.ndarray  # deskewed, rules painted white
    ink: np.ndarray  # binary (the bold one), 255 = ink, rules removed, specks removed
    char_h: int  # typical height of a printed character, in pixels
    angle: float  # the skew that was corrected, in degrees
    tables: list[Table]
    text_lines: list[Line]  # outside the tables, top to bottom
    turns: int = 0  # quarter turns (anticlockwise, as numpy.rot90) applied to the page


# --- binarisation and skew ----------------------------------------------------------------


def binarise(gray: np.ndarray, boldness: float = 0.5) -> np.ndarray:
    """Ink as 255: darker than its neighbourhood (uneven scans) and darker than a level
    `boldness` of the way from the ink to the paper: at 0.5 strokes keep their printed width
    (digits stay apart); higher takes in the faint edges (thin strokes stay whole)."""
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    paper, dark = (float(v) for v in np.percentile(blurred[::4, ::4], (90, 0.5)))
    level = dark + boldness * (paper - dark) if paper - dark > 40 else paper - 20
    local = cv2.adaptiveThreshold(blurred, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 35,
                                  18 if boldness <= 0.5 else 10)
    darker = (blurred < level).astype(np.uint8) * 255
    return cv2.bitwise_and(local, darker)


def skew_angle(ink: np.ndarray, limit: float = 4.0) -> float:
    """The rotation (degrees) that makes text rows and rules horizontal: the angle whose
    row-sum profile is sharpest, searched coarse on a small copy, then fine on a larger one."""

    def best(width: int, angles) -> float:
        h, w = ink.shape
        scale = min(1.0, width / max(w, 1))
        small = cv2.resize(ink, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
        centre = (small.shape[1] / 2, small.shape[0] / 2)

        def score(angle: float) -> float:
            m = cv2.getRotationMatrix2D(centre, angle, 1.0)
            rotated = cv2.warpAffine(small, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
            profile = rotated.sum(axis=1, dtype=np.float64)
            return float(np.sum(np.diff(profile) ** 2))

        return float(max(angles, key=score))

    coarse = best(600, np.arange(-limit, limit + 1e-9, 0.4))
    return best(1000, np.arange(coarse - 0.4, coarse + 0.4 + 1e-9, 0.05))


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.02:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def remove_specks(ink: np.ndarray, min_size: int) -> np.ndarray:
    """Drop connected blobs smaller than min_size pixels both ways (scan noise)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) >= min_size
    keep[0] = False
    return _paint(labels, keep)


def _paint(labels: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """255 where the pixel's component is kept."""
    lut = np.where(keep, 255, 0).astype(np.uint8)
    return lut[labels]


def char_height(ink: np.ndarray) -> int:
    """Typical character height: the upper-middle height of the glyph-sized blobs."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    sizes = hs[(hs >= 8) & (hs <= 120) & (ws <= 150) & (ws >= 3)]
    if len(sizes) < 20:
        return 24
    return int(np.clip(np.percentile(sizes, 80), 10, 100))


# --- rules and tables ---------------------------------------------------------------------


def _components(mask: np.ndarray) -> list[Box]:
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [(x, y, x + w, y + h) for x, y, w, h, _ in stats[1:]]


def find_rules(ink: np.ndarray, ch: int) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rules: long thin runs of ink that meet a rule of the other
    direction at one end at least (text strokes are shorter than the kernels; an underline
    or a 「———」 touches no vertical rule)."""
    h_len, v_len = max(2 * ch, 30), max(int(1.2 * ch), 14)
    bridged_h = cv2.dilate(ink, np.ones((1, 3), np.uint8))  # close pin holes in thin rules
    bridged_v = cv2.dilate(ink, np.ones((3, 1), np.uint8))
    horiz = cv2.morphologyEx(bridged_h, cv2.MORPH_OPEN, np.ones((1, h_len), np.uint8))
    vert = cv2.morphologyEx(bridged_v, cv2.MORPH_OPEN, np.ones((v_len, 1), np.uint8))
    tol = max(3, ch // 4)
    kernel = np.ones((2 * tol + 1, 2 * tol + 1), np.uint8)
    near_h = cv2.dilate(horiz, kernel)
    vert = _keep(vert, lambda b: near_h[b[1], b[0]:b[2]].any() or near_h[b[3] - 1, b[0]:b[2]].any())
    near_v = cv2.dilate(vert, kernel)  # horizontal rules meet the vertical ones that survived
    horiz = _keep(horiz, lambda b: near_v[b[1]:b[3], b[0]].any() or near_v[b[1]:b[3], b[2] - 1].any())
    return horiz, vert


def _keep(mask: np.ndarray, test) -> np.ndarray:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = np.zeros(n, bool)
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        keep[i] = bool(test((x, y, x + w, y + h)))
    return _paint(labels, keep)


def find_tables(horiz: np.ndarray, vert: np.ndarray, ch: int) -> list[Table]:
    rules = cv2.bitwise_or(horiz, vert)
    joined = cv2.dilate(rules, np.ones((5, 5), np.uint8))
    tables = []
    for x0, y0, x1, y1 in _components(joined):
        if x1 - x0 < 4 * ch or y1 - y0 < 1.2 * ch:
            continue
        table = _grid(np.ascontiguousarray(rules[y0:y1, x0:x1]), (x0, y0), ch)
        if table is not None:
            tables.append(table)
    return sorted(tables, key=lambda t: t.box[1])


def _grid(rules: np.ndarray, origin: tuple[int, int], ch: int) -> Table | None:
    """The regions enclosed by the rules → cells with grid positions and spans."""
    ox, oy = origin
    walls = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    # Close the outline: a table cut by the page end leaves its spanned cells open.
    cv2.rectangle(walls, (0, 0), (walls.shape[1] - 1, walls.shape[0] - 1), 255, 2)
    free = cv2.bitwise_not(walls)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
    h, w = rules.shape
    boxes = []
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if bw < 0.5 * ch or bh < 0.5 * ch or area < 0.6 * bw * bh:
            continue  # a sliver between double rules, or not a rectangle
        boxes.append((x, y, x + bw, y + bh))
    if len(boxes) < 2:
        return None
    tol = max(4, ch // 3)
    col_starts = _cluster([b[0] for b in boxes], tol)
    row_starts = _cluster([b[1] for b in boxes], tol)
    cells = []
    for x0, y0, x1, y1 in boxes:
        col, row = _index(col_starts, x0), _index(row_starts, y0)
        colspan = sum(1 for s in col_starts if x0 - tol <= s < x1 - tol)
        rowspan = sum(1 for s in row_starts if y0 - tol <= s < y1 - tol)
        cells.append(GridCell((x0 + ox, y0 + oy, x1 + ox, y1 + oy), row, col, max(1, rowspan), max(1, colspan)))
    cells.sort(key=lambda c: (c.row, c.col))
    return Table((ox, oy, ox + w, oy + h), cells, len(row_starts), len(col_starts))


def _cluster(values: list[int], tol: int) -> list[float]:
    """Centres of the groups of values lying within tol of their neighbours, sorted."""
    groups: list[list[int]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _index(centres: list[float], value: int) -> int:
    return min(range(len(centres)), key=lambda i: abs(centres[i] - value))


# --- lines of text ------------------------------------------------------------------------


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of the runs of True."""
    padded = np.concatenate(([False], flags, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def line_boxes(ink: np.ndarray, box: Box, ch: int, split_gap: float | None = None) -> list[Box]:
    """Lines of text inside box: runs of ink rows; a run too tall for one line is cut at its
    emptiest row; a line with a gap wider than split_gap × ch is cut into pieces."""
    x0, y0, x1, y1 = box
    region = ink[y0:y1, x0:x1]
    if region.size == 0 or not region.any():
        return []
    rows = region.sum(axis=1) > 0
    found: list[Box] = []
    for a, b in _runs(rows):
        for ra, rb in _split_tall(region[a:b], ch):
            strip = region[a + ra: a + rb]
            cols = np.flatnonzero(strip.any(axis=0))
            if cols.size == 0:
                continue
            pieces = _split_wide(strip, ch, split_gap) if split_gap else [(int(cols[0]), int(cols[-1]) + 1)]
            for ca, cb in pieces:
                sub = strip[:, ca:cb]
                ys = np.flatnonzero(sub.any(axis=1))
                found.append((x0 + ca, y0 + a + ra + int(ys[0]), x0 + cb, y0 + a + ra + int(ys[-1]) + 1))
    return _merge_fragments(found, ch)


def _split_tall(strip: np.ndarray, ch: int) -> list[tuple[int, int]]:
    """Two lines printed so close that no empty row parts them: cut at the emptiest row."""
    h = strip.shape[0]
    if h < 1.75 * ch:
        return [(0, h)]
    profile = strip.sum(axis=1).astype(np.float64)
    lo, hi = int(0.6 * ch), h - int(0.6 * ch)
    if hi <= lo:
        return [(0, h)]
    cut = lo + int(np.argmin(profile[lo:hi]))
    if profile[cut] > 0.15 * np.median(profile[profile > 0]):
        return [(0, h)]  # no valley: one line in a large font
    return _split_tall(strip[:cut], ch) + [(cut + a, cut + b) for a, b in _split_tall(strip[cut:], ch)]


def _split_wide(strip: np.ndarray, ch: int, gap: float) -> list[tuple[int, int]]:
    cols = strip.any(axis=0)
    pieces: list[tuple[int, int]] = []
    for a, b in _runs(cols):
        if pieces and a - pieces[-1][1] < gap * ch:
            pieces[-1] = (pieces[-1][0], b)
        else:
            pieces.append((a, b))
    return pieces


def _merge_fragments(boxes: list[Box], ch: int) -> list[Box]:
    """Runs that together are no taller than a character (the top of 总 or 兰 parted from its
    bottom by an empty row, the dots of a colon) are one line."""
    out: list[Box] = []
    for box in boxes:
        if out:
            prev = out[-1]
            if box[1] - prev[3] <= 0.35 * ch and box[3] - prev[1] <= 1.2 * ch and min(
                    box[3] - box[1], prev[3] - prev[1]) < 0.7 * ch:
                out[-1] = (min(prev[0], box[0]), prev[1], max(prev[2], box[2]), box[3])
                continue
        out.append(box)
    return out


def measure(line: Line, thin: np.ndarray, bold: np.ndarray, ch: int) -> Line:
    """How many characters the line's marks can be, and its widest gap between marks.

    Fewest: the marks side by side in the bold binarisation, where a thin stroke never breaks
    a digit (touching digits may merge, so this never counts too many). Most: in the thin
    binarisation, where digits never merge unless they touch, each mark counted as many
    digits as its width allows (a digit is at least 0.3 character wide; a digit broken in two
    only makes this larger). A reading of digits outside the range dropped or doubled one."""
    x0, y0, x1, y1 = line.box
    spans = _side_by_side(bold[y0:y1, x0:x1], ch)
    most = sum(max(1, int((b - a) / (0.3 * ch))) for a, b in _side_by_side(thin[y0:y1, x0:x1], ch))
    line.glyphs = (len(spans), most)
    line.gap = max((b[0] - a[1] for a, b in zip(spans, spans[1:], strict=False)), default=0) / ch
    line.dash = bool(spans) and _leading_dash(bold[y0:y1, x0:x1], spans[0][0], ch)
    return line


def _leading_dash(region: np.ndarray, first: int, ch: int) -> bool:
    """A flat short bar before the first character-high mark: a minus sign (or a dash)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(np.ascontiguousarray(region), connectivity=8)
    return any(x + w <= first + 1 and w >= 0.2 * ch and h <= 0.3 * ch and w >= 1.5 * h
               for x, y, w, h, _ in stats[1:])


def _side_by_side(region: np.ndarray, ch: int) -> list[tuple[int, int]]:
    """x spans of the marks at least 0.45 character tall, marks overlapping in x joined."""
    if region.size == 0 or not region.any():
        return []
    # a contiguous copy: OpenCV 5.0 crashed on some strided views
    n, _, stats, _ = cv2.connectedComponentsWithStats(np.ascontiguousarray(region), connectivity=8)
    spans: list[tuple[int, int]] = []
    for a, b in sorted((x, x + w) for x, y, w, h, _ in stats[1:] if h >= 0.45 * ch):
        if spans and a < spans[-1][1] - 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], b))
        else:
            spans.append((a, b))
    return spans


def crop(gray: np.ndarray, box: Box, ch: int) -> np.ndarray:
    """The line with a white margin, as the recogniser was trained on (text with some room)."""
    x0, y0, x1, y1 = box
    pad = max(2, int(0.25 * max(y1 - y0, ch * 0.6)))
    h, w = gray.shape
    piece = gray[max(0, y0 - 1): min(h, y1 + 1), max(0, x0 - 1): min(w, x1 + 1)]
    return cv2.copyMakeBorder(piece, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


# --- the page -----------------------------------------------------------------------------


def sideways(ink: np.ndarray, horiz: np.ndarray, vert: np.ndarray, ch: int) -> bool:
    """Text running down the page (a landscape page scanned on its side): the text's marks,
    closed across the small gaps between characters, make mostly tall thin blobs instead of
    the long flat blobs of lines of text."""
    text = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))))
    if ch >= 20:  # half size is plenty to see the shape of lines
        text = cv2.resize(text, (text.shape[1] // 2, text.shape[0] // 2), interpolation=cv2.INTER_AREA)
        ch //= 2
    k = max(2, int(0.45 * ch))

    def elongated(mask: np.ndarray, flat: bool) -> int:
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
        sized = (np.maximum(w, h) >= 2 * ch) & (np.minimum(w, h) >= 0.4 * ch)
        return int((sized & ((w > 3 * h) if flat else (h > 3 * w))).sum())

    flat = elongated(cv2.morphologyEx(text, cv2.MORPH_CLOSE, np.ones((1, k), np.uint8)), True)
    tall = elongated(cv2.morphologyEx(text, cv2.MORPH_CLOSE, np.ones((k, 1), np.uint8)), False)
    return tall >= 3 and tall > 2 * flat


def analyse(gray: np.ndarray, turn: bool = True) -> Page:
    """Deskew (a page on its side is turned a quarter), find the tables and cut every cell
    and the text around them into lines."""
    ink = binarise(gray)
    angle = skew_angle(ink)
    if abs(angle) >= 0.02:
        gray = rotate(gray, angle)
        ink = binarise(gray)
    ch = char_height(ink)
    horiz, vert = find_rules(ink, ch)
    if turn and sideways(ink, horiz, vert, ch):
        page = analyse(np.ascontiguousarray(np.rot90(gray, -1)), turn=False)  # a quarter turn clockwise
        page.turns = 3
        return page
    tables = find_tables(horiz, vert, ch)
    rules = cv2.bitwise_or(horiz, vert)
    wide_rules = cv2.dilate(rules, np.ones((5, 5), np.uint8))  # with the faint edges of the rules
    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    clean_gray = gray.copy()
    clean_gray[rules > 0] = 255
    # Two binarisations without the rules: `thin` keeps strokes at their printed width (digits
    # apart), `bold` keeps faint thin strokes too (the 1-pixel bars of 二 at 150 dpi): lines
    # and ink are found on `bold`, and both bound the number of digits a line can hold.
    specks = max(3, ch // 6)
    thin = remove_specks(cv2.bitwise_and(ink, cv2.bitwise_not(rules)), specks)
    bold = remove_specks(cv2.bitwise_and(binarise(gray, 0.75), cv2.bitwise_not(wide_rules)), specks)
    for table in tables:
        for cell in table.cells:
            x0, y0, x1, y1 = cell.box
            inner = (x0 + 1, y0 + 1, x1 - 1, y1 - 1)
            cell.ink = bool(bold[inner[1]:inner[3], inner[0]:inner[2]].any())
            cell.lines = [measure(Line(b, crop(clean_gray, b, ch)), thin, bold, ch)
                          for b in line_boxes(bold, inner, ch)]
    outside = bold.copy()
    for table in tables:
        x0, y0, x1, y1 = table.box
        outside[y0:y1, x0:x1] = 0
    h, w = outside.shape
    text = [measure(Line(b, crop(clean_gray, b, ch)), thin, bold, ch)
            for b in line_boxes(outside, (0, 0, w, h), ch, split_gap=2.5)]
    text = [line for line in text if line.glyphs[0]]  # no mark of a character's height: noise
    return Page(clean_gray, bold, ch, angle, tables, text)
