"""Rows of cells → the template's cells, by row label and column position.

A physical row is cut into logical rows: a run of label cells followed by a run of value
cells (numbers, blanks, "/"). A table flattened into one line holds many logical rows.
Rows are recognised by distinctive label substrings (labels.py), never by position in
the table, so missing header rows, lost indentation and extra junk rows do not matter.
Values are placed into columns by `align`, which never shifts a number it cannot place.
"""

import re
from dataclasses import dataclass, field

from . import labels as L
from .layout import Row, is_short_label
from .normalize import is_value_cell, norm_label


@dataclass
class LogicalRow:
    parts: list[str]  # normalised label cells, in order
    slots: list[str]  # value cells as printed, blanks included
    index: int  # position of the physical row in the document
    page: int | None = None
    exact: bool = False  # from a grid whose cells are all real columns
    width: int = 0  # cells in the physical row
    end: int = 0  # the physical row's cell index just past the last slot

    @property
    def label(self) -> str:
        return "".join(self.parts)

    @property
    def filled(self) -> int:
        return sum(1 for s in self.slots if not is_blank(s))


@dataclass
class TableRead:
    """What one reader found: printed cells (key → raw text), inferred cells and notes."""

    raw: dict[str, str] = field(default_factory=dict)
    inferred: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (raw, why)
    unsure: dict[str, str] = field(default_factory=dict)  # key -> why
    pages: dict[str, int | None] = field(default_factory=dict)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (check id, status, detail)
    rows_found: list[str] = field(default_factory=list)
    last_index: int = -1


def is_blank(cell: str) -> bool:
    return norm_label(cell) == ""


def logical_rows(rows: list[Row], start: int = 0) -> list[LogicalRow]:
    """Table rows cut into logical rows; short label-only lines are kept as label rows so
    that a label wrapped onto the line before its numbers can be joined back."""
    out: list[LogicalRow] = []
    for offset, row in enumerate(rows):
        if row.table:
            out.extend(_split_row(row, start + offset))
        elif is_short_label(row.text):
            out.append(LogicalRow([norm_label(row.text)], [], start + offset, row.page))
    return _join_wrapped(out)



def _split_row(row: Row, index: int) -> list[LogicalRow]:
    found: list[LogicalRow] = []
    labels: list[str] = []
    slots: list[str] = []
    width = len(row.cells)
    for position, cell in enumerate(row.cells):
        if is_value_cell(cell):
            slots.append(cell)
            continue
        if any(not is_blank(s) for s in slots):
            found.append(LogicalRow(labels, slots, index, row.page, row.exact, width, position))
            labels = []
        slots = []  # blanks between two labels are span placeholders, not values
        labels.append(norm_label(cell))
    if labels or slots:
        found.append(LogicalRow(labels, slots, index, row.page, row.exact, width, width))
    return found


def _join_wrapped(rows: list[LogicalRow]) -> list[LogicalRow]:
    """A label alone on one line and its numbers alone on the next are one row."""
    out: list[LogicalRow] = []
    for row in rows:
        prev = out[-1] if out else None
        if prev and not row.parts and row.filled and prev.parts and not prev.filled and row.index == prev.index + 1:
            prev.slots = row.slots
            prev.index = row.index
            continue
        out.append(row)
    return out


def align(slots: list[str], n: int) -> list[str] | None:
    """Place printed values into n columns, or None when that cannot be done for sure.

    All n printed: in order. Otherwise the cells themselves are the columns once layout
    padding (empty cells at the ends, beyond n) is trimmed.
    """
    printed = [s for s in slots if not is_blank(s)]
    if len(printed) == n:
        return printed
    if len(printed) > n:
        return None
    window = list(slots)
    # Layout padding is an empty cell; a cell holding only spaces is a blank as exported,
    # so it is trimmed only when padding alone does not bring the row down to n.
    for is_padding in (lambda s: s == "", is_blank):
        while len(window) > n and is_padding(window[-1]):
            window.pop()
        while len(window) > n and is_padding(window[0]):
            window.pop(0)
    return window if len(window) == n else None


def classify(label: str, patterns) -> str | None:
    for key, pattern in patterns:
        if re.search(pattern, label):
            return key
    return None


def classified(rows: list[LogicalRow], patterns, skip: str | None = None):
    """(key, row) for rows with values whose label matches.

    The label cells are tried from all of them down to the last one, so header words run
    into a flattened row's label do not hide it; a label that matches only together with
    the label-only line just above it (a label wrapped before its numbers) is joined to it.
    """
    prev = None
    for row in rows:
        if row.slots:
            key = _classify_parts(row.parts, patterns, skip)
            if key is None and prev is not None and not prev.slots and prev.index == row.index - 1:
                key = _classify_parts(prev.parts + row.parts, patterns, skip)
            if key is not None:
                yield key, row
        prev = row


_COLUMN_WORDS = {"其他", "总计", "合计", "小计", "自然人", "信息内容"}


def _classify_parts(parts: list[str], patterns, skip: str | None) -> str | None:
    for first in range(len(parts)):
        label = "".join(parts[first:])
        if (skip and re.search(skip, label)) or (first and label in _COLUMN_WORDS):
            continue
        if key := classify(label, patterns):
            return key
    return None


# --- section 三 -------------------------------------------------------------------------


def read_requests(rows: list[LogicalRow]) -> TableRead:
    read = TableRead()
    found: dict[str, LogicalRow] = {}
    for key, row in classified(rows, L.REQUEST_ROW_PATTERNS, skip=L.REQUEST_HEADER_LABEL):
        if key not in found or (not found[key].filled and row.filled):
            found[key] = row
    if not found:
        return read
    if any(k in found for k in L.OTHER_ROWS_2021) and "other_total" in found and not found["other_total"].filled:
        del found["other_total"]  # the （六）其他处理 group cell on a line of its own, not a 2019 row
    width = len(L.REQUEST_COLUMNS)
    grid = _faithful_grid(list(found.values()), width)
    short = not grid and _lost_column(list(found.values()), width)
    if short:
        read.notes.append(("columns_missing", "warn",
                           f"rows print {width - 1} numbers under {width} column headings; "
                           "natural_person and total read from the ends, org columns inferred only where I3 fixes them"))
    for key, row in found.items():
        read.rows_found.append(key)
        read.last_index = max(read.last_index, row.index)
        prefix = f"requests.{key}"
        if short:
            _read_short_row(read, prefix, row)
            continue
        values = row.slots[len(row.slots) - width:] if grid else align(row.slots, width)
        if values is None:
            for col in L.REQUEST_COLUMNS:
                read.unsure[f"{prefix}.{col}"] = f"row prints {row.filled} values for {width} columns"
            continue
        for col, raw in zip(L.REQUEST_COLUMNS, values, strict=True):
            read.raw[f"{prefix}.{col}"] = raw
            read.pages[f"{prefix}.{col}"] = row.page
    return read


def _faithful_grid(rows: list[LogicalRow], width: int) -> bool:
    """A text table exported cell for cell: every data row has the same number of cells and
    every printed number sits in the last `width` of them. Then those are the columns, and
    an empty cell among them is a blank, not padding. (Seed 001 is not one: its padding
    moves from row to row, and all its numbers are printed.)"""
    filled = [r for r in rows if r.filled]
    if not filled or any(r.exact or r.end != r.width for r in filled) or len({r.width for r in filled}) != 1:
        return False
    if all(r.filled == width for r in filled):
        return False  # nothing blank: reading in order is already exact
    return all(len(r.slots) >= width and _printed_within_last(r.slots, width) for r in filled)


def _printed_within_last(slots: list[str], width: int) -> bool:
    return all(is_blank(s) for s in slots[: len(slots) - width])


def _lost_column(rows: list[LogicalRow], width: int) -> bool:
    """Every row one number short, and nothing printed where the missing one would be: a
    column was lost on the way (seed 003). A grid cell, a blank between printed numbers,
    or a cell holding only spaces (a blank as exported) is a blank, not a lost column."""
    filled = [r for r in rows if r.filled]
    if not filled or any(r.exact or r.filled > width - 1 or _has_gap(r.slots) or _printed_blank(r.slots)
                         for r in filled):
        return False
    return sum(r.filled == width - 1 for r in filled) >= len(filled) * 0.8


def _printed_blank(slots: list[str]) -> bool:
    return any(s != "" and is_blank(s) for s in slots)


def _has_gap(slots: list[str]) -> bool:
    printed = [i for i, s in enumerate(slots) if not is_blank(s)]
    return bool(printed) and printed[-1] - printed[0] + 1 > len(printed)


def _read_short_row(read: TableRead, prefix: str, row: LogicalRow) -> None:
    from .normalize import parse_number

    printed = [s for s in row.slots if not is_blank(s)]
    if len(printed) != len(L.REQUEST_COLUMNS) - 1:
        for col in L.REQUEST_COLUMNS:
            read.unsure[f"{prefix}.{col}"] = "row does not print the same columns as the table"
        return
    read.raw[f"{prefix}.natural_person"], read.raw[f"{prefix}.total"] = printed[0], printed[-1]
    numbers = [parse_number(s) for s in printed]
    orgs = numbers[1:-1]
    if all(n is not None for n in numbers):
        lost = numbers[-1].value - numbers[0].value - sum(n.value for n in orgs)
        if lost >= 0 and all(n.value == lost for n in orgs):
            for col in L.ORG_COLUMNS:
                read.inferred[f"{prefix}.{col}"] = (printed[1], "org column lost; every org column equals "
                                                    f"{lost} by I3 whichever was lost")
            return
    for col in L.ORG_COLUMNS:
        read.unsure[f"{prefix}.{col}"] = "org column lost in the source; position unknown"


# --- section 二 -------------------------------------------------------------------------


def read_proactive(rows: list[LogicalRow], template: str) -> TableRead:
    read = TableRead()
    columns = L.PROACTIVE_COLUMNS.get(template)
    if not columns:
        return read
    patterns = [(key, pattern) for key, _block, pattern in L.PROACTIVE_ROW_PATTERNS]
    for key, row in classified(rows, patterns):
        if key not in columns or key in read.rows_found:
            continue
        cols = columns[key]
        prefix = f"proactive.{L.PROACTIVE_BLOCKS[key]}.{key}"
        values = align(row.slots, len(cols))
        read.rows_found.append(key)
        read.last_index = max(read.last_index, row.index)
        if values is None:
            for col in cols:
                read.unsure[f"{prefix}.{col}"] = f"row prints {row.filled} values for {len(cols)} columns"
            continue
        for col, raw in zip(cols, values, strict=True):
            read.raw[f"{prefix}.{col}"] = raw
            read.pages[f"{prefix}.{col}"] = row.page
    return read


# --- section 四 -------------------------------------------------------------------------


def read_review(rows: list[LogicalRow]) -> TableRead:
    """The 15 values of the one data row, in the fixed order of the template."""
    read = TableRead()
    width = len(L.REVIEW_KEYS)
    values = None
    valued = [r for r in rows if r.filled]
    for row in valued:
        if row.filled >= width or len(row.slots) == width:
            values, used = align(row.slots, width), [row]
            break
    else:  # the data row wrapped over several lines
        slots = [s for r in valued for s in r.slots if not is_blank(s)]
        if len(slots) == width:
            values, used = slots, valued
    if values is None:
        return read
    for key, raw in zip(L.REVIEW_KEYS, values, strict=True):
        read.raw[key] = raw
        read.pages[key] = used[0].page
    read.rows_found.append("review_litigation")
    read.last_index = used[-1].index
    return read
