"""The six sections, found by their headings in all their variants (domain.md §2.1)."""

import re

from . import labels as L
from .layout import Row
from .normalize import norm_label

_HEADING = re.compile(rf"^([{L.CHINESE_ORDINALS}]{{1,2}})[、.,，．]\s*(.+)$")
_MAX_HEADING = 40


def heading_key(text: str) -> tuple[int, str] | None:
    """(ordinal, section key) when the text is a section heading."""
    label = norm_label(text)
    m = _HEADING.match(label)
    if not m or len(label) > _MAX_HEADING or label.endswith(("。", "；")):
        return None
    ordinal = _ordinal(m[1])
    for key, stem in L.SECTION_STEMS:
        if re.search(stem, m[2]):
            return ordinal, key
    return None


def _ordinal(numeral: str) -> int:
    digits = [L.CHINESE_ORDINALS.index(ch) + 1 for ch in numeral]
    return digits[0] if len(digits) == 1 else (10 + digits[1] if digits[0] == 10 else digits[0] * 10)


def find_headings(rows: list[Row]) -> list[tuple[int, str]]:
    """(row index, section key) of each section heading, ordinals increasing, first of each key."""
    found: list[tuple[int, str]] = []
    last_ordinal, seen = 0, set()
    for index, row in enumerate(rows):
        if len(row.cells) != 1 and not _single_text(row):
            continue
        hit = heading_key(row.text)
        if hit and hit[0] > last_ordinal and hit[1] not in seen:
            found.append((index, hit[1]))
            last_ordinal, seen = hit[0], seen | {hit[1]}
    return found


def _single_text(row: Row) -> bool:
    return sum(1 for c in row.cells if c.strip()) == 1 and row.table is False


def section_spans(rows: list[Row]) -> dict[str, tuple[int, int]]:
    """Section key → (first row, end row) of its body."""
    headings = find_headings(rows)
    spans = {}
    for i, (index, key) in enumerate(headings):
        end = headings[i + 1][0] if i + 1 < len(headings) else len(rows)
        spans[key] = (index + 1, end)
    return spans


def section_texts(rows: list[Row], spans: dict[str, tuple[int, int]]) -> dict[str, str]:
    return {key: "\n".join(row_text(r) for r in rows[a:b]).strip() for key, (a, b) in spans.items()}


def row_text(row: Row) -> str:
    if not row.table:
        return row.text
    return " | ".join(c.strip() for c in row.cells)
