"""XLSX → rows with openpyxl: every sheet's grid, merged cells printed once.

A cell covered by a merged range is left out of its row, as htmldoc leaves out a cell
covered by a span, and a row keeps its empty cells up to the sheet's last used column, so
every cell is a real column (``exact=True``). A row holding a single text (a title or a
heading in a merged row) is a paragraph. Numbers are printed as the sheet shows them.
"""

from __future__ import annotations

import io
import re
import warnings
from datetime import date, datetime

from . import limits
from .errors import ExtractionError
from .formats import Document
from .layout import Row
from .normalize import is_value_cell
from .ziputil import SafeZip


def read_xlsx(data: bytes) -> Document:
    SafeZip(data, "XLSX").check_all()
    import openpyxl
    from openpyxl.cell.cell import MergedCell

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as err:  # noqa: BLE001 - openpyxl raises all kinds of errors on a damaged file
        raise ExtractionError(f"corrupt XLSX: {err}") from None
    rows: list[Row] = []
    cells_read = 0
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        limits.check(sheet.max_row <= limits.MAX_SHEET_ROWS and sheet.max_column <= limits.MAX_SHEET_COLS,
                     f"sheet {sheet.title} spans {sheet.max_row} rows × {sheet.max_column} columns")
        grid = [[None if isinstance(c, MergedCell) else _printed(c) for c in row] for row in sheet.iter_rows()]
        cells_read += sum(len(r) for r in grid)
        limits.check(cells_read <= limits.MAX_TABLE_CELLS, f"the workbook holds over {limits.MAX_TABLE_CELLS} cells")
        width = max((i + 1 for r in grid for i, c in enumerate(r) if c), default=0)
        for row in grid:
            cells = [c for c in row[:width] if c is not None]
            printed = [c for c in cells if c.strip()]
            if not printed:
                continue
            if len(printed) == 1 and not is_value_cell(printed[0]):
                rows.append(Row([printed[0]]))
            else:
                rows.append(Row(cells, table=True, exact=True))
    return Document(rows, "xlsx", "", [], {})


_DECIMALS = re.compile(r"0\.(0+)")


def _printed(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        m = _DECIMALS.search(cell.number_format or "")
        if m and "%" not in cell.number_format:
            return f"{value:.{len(m[1])}f}"
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return re.sub(r"[\s\xa0\u3000]+", " ", str(value)).strip()
