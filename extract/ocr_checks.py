"""The arithmetic identities on a report read by OCR: they confirm or flag readings, they never
supply a value.

- confirm: a value OCR read with doubt (unsure, its reading kept as ``raw``) is accepted when
  an identity holds with that reading while every other cell of the identity was read for
  sure, and no identity it belongs to fails with it. The value is then the one printed and
  read, and the identity vouches for it; the cell says so in its ``reason``.
- flag: when identities fail and one cell explains every failure (checks.single_cell_repair),
  that cell's reading is as likely a misreading as a misprint: it is left unset and unsure,
  its reading and confidence kept, and a ``ocr_flagged`` check says why.

A value that was not read (no reading, or not a number) is never filled in from the identities.
"""

from __future__ import annotations

from . import labels as L
from .checks import Identity, evaluate, request_identities, review_identities, run_checks, single_cell_repair
from .normalize import json_number, parse_number

IDENTITY_IDS = ("I1", "I2", "I3", "I4", "I5", "I6", "I7")


def review(report) -> None:
    """Confirm and flag the OCR readings of one report in place, then recompute its checks."""
    cells = report.cells
    if not any(k.startswith(("requests.", "review_litigation.")) for k in cells):
        return
    identities = _identities(cells)
    confirmed = _confirm(cells, identities)
    flagged = _flag(cells, identities)
    if confirmed or flagged:
        _recheck(report, flagged)


def _other_rows(cells) -> tuple[str, ...]:
    rows = {k.split(".")[1] for k in cells if k.startswith("requests.")}
    return L.OTHER_ROWS_2021 if rows & set(L.OTHER_ROWS_2021) else L.OTHER_ROWS_2019


def _identities(cells) -> list[Identity]:
    return request_identities(_other_rows(cells)) + review_identities()


def _sure(cell) -> bool:
    return cell is not None and not cell.unsure


def _reading(cell):
    """The number an unsure OCR cell read, if any."""
    if cell is None or not cell.unsure or cell.confidence is None or not cell.raw:
        return None
    number = parse_number(cell.raw)
    return None if number is None else json_number(number.value)


def _confirm(cells, identities: list[Identity]) -> list[str]:
    by_key: dict[str, list[Identity]] = {}
    for identity in identities:
        for key in identity.keys():
            by_key.setdefault(key, []).append(identity)
    confirmed: list[str] = []
    changed = True
    while changed:  # a confirmed cell may complete another identity
        changed = False
        for key, cell in list(cells.items()):
            reading = _reading(cell)
            if reading is None or key not in by_key:
                continue
            values = {k: c.value for k, c in cells.items() if _sure(c)} | {key: reading}
            vouching, failing = [], False
            for identity in by_key[key]:
                others = [k for k in identity.keys() if k != key]
                if not all(_sure(cells.get(k)) for k in others):
                    continue
                left, right = identity.sides(values)
                if left == right:
                    vouching.append(identity)
                else:
                    failing = True
            if vouching and not failing:
                ids = ", ".join(sorted({f"{i.id} ({i.scope})" for i in vouching}))
                cell.value, cell.unsure = reading, False
                cell.reason = f"read with confidence {cell.confidence:.2f}; confirmed by {ids}"
                confirmed.append(key)
                changed = True
    return confirmed


def _flag(cells, identities: list[Identity]) -> list[tuple[str, object, list[str]]]:
    values = {k: c.value for k, c in cells.items()}
    present = {k for k, c in cells.items() if _sure(c)}
    failed = [i for i in identities if evaluate(i, values, present)["status"] == "fail"]
    if not failed:
        return []
    repair = single_cell_repair(failed, identities, values)
    if not repair:
        return []
    (key, _), = repair.items()
    cell = cells.get(key)
    if cell is None or cell.confidence is None:
        return []
    read = cell.value
    cell.value, cell.unsure = None, True
    cell.reason = (f"OCR read {cell.raw!r} (confidence {cell.confidence:.2f}) but "
                   f"{', '.join(sorted({i.id for i in failed}))} fail unless it is another number: "
                   "a misreading or a misprint, left unset")
    return [(key, read, sorted({f"{i.id} ({i.scope})" for i in failed}))]


def _recheck(report, flagged) -> None:
    """Identity checks recomputed on the reviewed cells; notes (columns, template) kept."""
    cells = report.cells
    values = {k: c.value for k, c in cells.items()}
    present = {k for k, c in cells.items() if _sure(c)}
    notes = [c for c in report.checks if c["id"] not in IDENTITY_IDS]
    report.checks = notes + run_checks(values, present, _other_rows(cells))
    for key, read, failed in flagged:
        report.checks.append({"id": "ocr_flagged", "scope": key, "status": "warn",
                              "detail": f"OCR reading {read} contradicts {', '.join(failed)}; left unset"})
