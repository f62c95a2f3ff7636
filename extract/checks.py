"""The arithmetic identities I1–I7 (domain.md §3.1) and single-cell repairs.

Each identity instance becomes one check: pass, fail or not_assessable. A blank counts as
0 for checking (the printed value stays null). Where exactly one cell explains every
failure, each failed check carries the repair that cell suggests; the cell keeps what the
report printed.
"""

from dataclasses import dataclass

from . import labels as L

Values = dict[str, "int | float | None"]


@dataclass
class Identity:
    id: str
    scope: str
    total: str  # the key that should equal the sum
    parts: tuple[str, ...]
    other_side: tuple[str, ...] = ()  # I1: new + carried_over == results_total + carried_forward

    def keys(self) -> tuple[str, ...]:
        return (self.total, *self.parts, *self.other_side)

    def sides(self, values: Values) -> tuple[float, float]:
        left = sum(values.get(k) or 0 for k in (self.total, *self.other_side))
        return left, sum(values.get(k) or 0 for k in self.parts)


def request_identities(other_rows: tuple[str, ...]) -> list[Identity]:
    found = []
    results = (*L.REQUEST_ROWS_COMMON[2:], *other_rows)
    for col in L.REQUEST_COLUMNS:
        k = lambda row, col=col: f"requests.{row}.{col}"  # noqa: E731
        found.append(Identity("I1", f"requests.{col}", k("results_total"),
                              (k("new_received"), k("carried_over")), (k("carried_forward"),)))
        found.append(Identity("I2", f"requests.{col}", k("results_total"), tuple(k(r) for r in results)))
    for row in (*L.REQUEST_ROWS_COMMON, *other_rows, *L.REQUEST_ROWS_TAIL):
        found.append(Identity("I3", f"requests.{row}", f"requests.{row}.total",
                              tuple(f"requests.{row}.{c}" for c in L.REQUEST_COLUMNS[:-1])))
    return found


def review_identities() -> list[Identity]:
    return [
        Identity(check_id, f"review_litigation.{block}", f"review_litigation.{block}.total",
                 tuple(f"review_litigation.{block}.{c}" for c in L.REVIEW_COLUMNS[:-1]))
        for check_id, block in zip(("I4", "I5", "I6"), L.REVIEW_BLOCKS, strict=True)
    ]


def run_checks(values: Values, present: set[str], other_rows: tuple[str, ...]) -> list[dict]:
    identities = request_identities(other_rows) + review_identities()
    checks = [evaluate(identity, values, present) for identity in identities]
    failed = [(c, i) for c, i in zip(checks, identities, strict=True) if c["status"] == "fail"]
    if failed and (repair := single_cell_repair([i for _, i in failed], identities, values)):
        for check, _ in failed:
            check["repair"] = repair
    checks.append(domain_check(values))
    return checks


def evaluate(identity: Identity, values: Values, present: set[str]) -> dict:
    check = {"id": identity.id, "scope": identity.scope}
    keys = identity.keys()
    if any(k not in present for k in keys) or all(values.get(k) is None for k in keys):
        return check | {"status": "not_assessable", "detail": "cells missing or all blank"}
    left, right = identity.sides(values)
    status = "pass" if left == right else "fail"
    return check | {"status": status, "detail": _detail(identity, left, right)}


def _detail(identity: Identity, left, right) -> str:
    if identity.id == "I1":
        return f"results_total + carried_forward {_num(left)} {'==' if left == right else '!='} new_received + carried_over {_num(right)}"
    what = {"I2": "sum of outcome rows", "I3": "sum of applicant columns"}.get(identity.id, "sum of results")
    name = "column total" if identity.id == "I2" else "row total" if identity.id == "I3" else "total"
    return f"{name} {_num(left)} {'==' if left == right else '!='} {_num(right)} ({what})"


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def single_cell_repair(failed: list[Identity], identities: list[Identity], values: Values) -> dict | None:
    """The one cell whose change makes every identity hold, and its value; else None."""
    suspects = set(failed[0].keys())
    for identity in failed[1:]:
        suspects &= set(identity.keys())
    repairs = {}
    for key in sorted(suspects):
        fixed = _value_fixing(failed[0], key, values)
        if fixed is None or fixed < 0:
            continue
        trial = values | {key: fixed}
        if all(_holds(i, trial) for i in identities if key in i.keys()):
            repairs[key] = fixed
    return repairs if len(repairs) == 1 else None


def _value_fixing(identity: Identity, key: str, values: Values):
    left, right = identity.sides(values)
    current = values.get(key) or 0
    on_left = key in (identity.total, *identity.other_side)
    fixed = current + (right - left) if on_left else current + (left - right)
    return int(fixed) if float(fixed).is_integer() else None


def _holds(identity: Identity, values: Values) -> bool:
    left, right = identity.sides(values)
    return left == right


def domain_check(values: Values) -> dict:
    """I7: counts are non-negative integers; signed changes and money are exempt."""
    bad = []
    for key, value in values.items():
        if value is None or key.startswith("legacy."):
            continue
        col = key.rsplit(".", 1)[-1]
        if col in L.MONEY_COLUMNS:
            if value < 0:
                bad.append(key)
        elif col not in L.SIGNED_COLUMNS and (value < 0 or not float(value).is_integer()):
            bad.append(key)
        elif col in L.SIGNED_COLUMNS and not float(value).is_integer():
            bad.append(key)
    check = {"id": "I7", "scope": "cells"}
    if bad:
        return check | {"status": "fail", "detail": "not a non-negative whole count: " + ", ".join(bad[:10])}
    return check | {"status": "pass", "detail": "every count is a non-negative integer"}
