"""Plain text → rows of cells, whatever layout the text export used.

A Row is a list of cell strings as printed. Table rows come from pipe rows (seed 000),
tab rows (seeds 001, 003), one-cell-per-line blocks from docx exports (seed 002) and
table rows flattened into one line of words and numbers. Every other line is a paragraph:
a single cell that is never split into numbers, so prose figures never become cells.
"""

import re
from dataclasses import dataclass, field

from .normalize import is_value_cell, norm_label

_PAGE_NUMBER = re.compile(r"^\d{1,3}(?=[(（\u4e00-\u9fff])(?![年月日号名个件条项家次人位批场篇期届级元万千百亿])")
_GLUED_HEADING = re.compile(r"(?<=[。；;！!])\s*(?=[一二三四五六七八九十]{1,2}[、.．](?!\d))")
# "三、依申请公开…情况(一)申请情况。…": a heading with its first sub-item run on.
_HEADING_RUN_ON = re.compile(r"^([一二三四五六七八九十]{1,2}、[^。；(（]{2,30}?)(?=[(（]一[)）])")
_CONVERTER_ARTIFACTS = re.compile(r"\[bookmark: [^\]]*\]|\[image: [^\]]*\]")


@dataclass
class Row:
    cells: list[str]
    table: bool = False
    page: int | None = None
    exact: bool = False  # every cell is a real column (an HTML grid): no layout padding
    meta: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(c.strip() for c in self.cells if c.strip())


def text_rows(text: str) -> list[Row]:
    """Split exported report text into paragraph rows and table rows."""
    text = _CONVERTER_ARTIFACTS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    rows: list[Row] = []
    for block in _blocks(text.split("\n")):
        if _is_cell_per_line(block):
            rows.append(Row(_cells_per_line(block), table=True))
        else:
            rows.extend(row for line in block for row in line_rows(line))
    return merge_value_lines(rows)


SHORT_LABEL_MAX = 60


def is_short_label(text: str) -> bool:
    """A line that can be a row label: short, and not a sentence."""
    text = text.strip()
    return 0 < len(text) <= SHORT_LABEL_MAX and not text.endswith(("。", ";", "；", ":", "："))


def merge_value_lines(rows: list[Row]) -> list[Row]:
    """Cells one per line without tabs (a table copied as text): a short label line and the
    number-only lines after it make one table row."""
    out: list[Row] = []
    for row in rows:
        prev = out[-1] if out else None
        if prev is not None and _is_value_line(row) and (prev.meta.get("merged") or _is_label_line(prev)):
            if not prev.meta.get("merged"):
                prev = out[-1] = Row(list(prev.cells), table=True, page=prev.page, meta={"merged": True})
            prev.cells.append(row.cells[0])
            continue
        out.append(row)
    return out


def _is_value_line(row: Row) -> bool:
    """A number alone on its line ("无" alone is an answer in prose, as in 六、… 无)."""
    return not row.table and len(row.cells) == 1 and norm_label(row.cells[0]) not in ("", "无") and is_value_cell(row.cells[0])


def _is_label_line(row: Row) -> bool:
    return not row.table and len(row.cells) == 1 and is_short_label(row.cells[0]) and not is_value_cell(row.cells[0])


def _blocks(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines; a line holding a tab is a (maybe empty) cell, not blank."""
    blocks, current = [], []
    for line in lines:
        if line.strip() or "\t" in line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_cell_per_line(block: list[str]) -> bool:
    """A docx export writes each table cell on its own line, each line opening with a tab."""
    starts = [line for line in block if line.startswith("\t")]
    return bool(starts) and block[0].startswith("\t") and all(line.count("\t") == 1 for line in starts)


def _cells_per_line(block: list[str]) -> list[str]:
    cells: list[str] = []
    for line in block:
        if line.startswith("\t"):
            cells.append(line[1:])
        else:  # a cell whose text wrapped onto the next line ("本年新\n制作数量")
            cells[-1] += line
    return cells


def line_rows(line: str) -> list[Row]:
    if "|" in line:
        cells = line.split("|")
        if cells and not cells[0].strip():
            cells = cells[1:]
        return [Row(cells, table=True)]
    if "\t" in line.strip("\t ") or (line.startswith("\t") and line.count("\t") > 1):
        return [Row(line.split("\t"), table=True)]
    return [_paragraph_or_flat_row(part) for part in paragraph_parts(line)]


def paragraph_parts(line: str) -> list[str]:
    """A paragraph with section headings glued after a full stop is split before them."""
    line = _PAGE_NUMBER.sub("", line.strip())
    parts = []
    for part in _GLUED_HEADING.split(line):
        parts.extend(_HEADING_RUN_ON.split(part, maxsplit=1))
    return [part for part in parts if part.strip()]


def _paragraph_or_flat_row(line: str) -> Row:
    tokens = line.split()
    if _looks_like_flattened_table(tokens):
        return Row(tokens, table=True)  # label words are joined again when rows are read
    return Row([line])


def _looks_like_flattened_table(tokens: list[str]) -> bool:
    """Label words and runs of numbers: three numbers in a row, or a label then numbers only."""
    numeric = [is_value_cell(t) and norm_label(t) != "" for t in tokens]
    run = best = 0
    for flag in numeric:
        run = run + 1 if flag else 0
        best = max(best, run)
    if best >= 3:
        return True
    first_number = numeric.index(True) if True in numeric else len(tokens)
    return 0 < first_number < len(tokens) and all(numeric[first_number:])
