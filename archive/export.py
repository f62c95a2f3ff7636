"""Per-agency histories and the long cell format, as CSV, JSON or XLSX; large exports stream."""

import csv
import json
from collections.abc import Iterable, Iterator

from .errors import ArchiveError

# Key figures of a history row: column name → the cell keys it reads. One key: the printed
# cell. Several keys: their sum (a derived figure; null when none of them was printed).
KEY_FIGURES: dict[str, tuple[str, ...]] = {
    "requests_received": ("requests.new_received.total",),
    "requests_carried_over": ("requests.carried_over.total",),
    "granted": ("requests.granted.total",),
    "partially_granted": ("requests.partially_granted.total",),
    "denied": tuple(f"requests.{r}.total" for r in (
        "denied_state_secret", "denied_other_law", "denied_security_stability", "denied_third_party",
        "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_admin_query")),
    "unable_to_provide": tuple(f"requests.{r}.total" for r in ("unable_not_held", "unable_needs_creation", "unable_unclear")),
    "not_processed": tuple(f"requests.{r}.total" for r in (
        "np_petition_complaint", "np_repeated", "np_publication", "np_excessive", "np_confirm_reissue")),
    "other_handling": tuple(f"requests.{r}.total" for r in (
        "other_no_correction", "other_fee_unpaid", "other_misc", "other_total")),
    "results_total": ("requests.results_total.total",),
    "carried_forward": ("requests.carried_forward.total",),
    "review_total": ("review_litigation.review.total",),
    "review_corrected": ("review_litigation.review.corrected",),
    "litigation_direct_total": ("review_litigation.lit_direct.total",),
    "litigation_direct_corrected": ("review_litigation.lit_direct.corrected",),
    "litigation_after_review_total": ("review_litigation.lit_after_review.total",),
    "litigation_after_review_corrected": ("review_litigation.lit_after_review.corrected",),
    "legacy_requests_total": ("legacy.requests_total",),
    "legacy_review_total": ("legacy.review_total",),
    "legacy_litigation_total": ("legacy.litigation_total",),
}
HISTORY_LEAD = ("agency", "year", "report_id", "title", "template", "version", "failed_checks")
HISTORY_TAIL = ("source_url", "fetched_at", "sha256")
CELL_COLUMNS = ("agency", "year", "key", "value", "raw", "source_url", "sha256",
                "report_id", "template", "version", "fetched_at", "blank", "unsure", "inferred", "page",
                "confidence")


def has_reports(db) -> bool:
    return next(db.execute("select exists (select 1 from reports)"))[0] == 1


def resolve_agency(db, name: str) -> str:
    if not has_reports(db):
        raise ArchiveError("the archive holds no reports yet (run `nianbao ingest` or `nianbao crawl` first)")
    if db["agencies"].count_where("name = ?", [name]):
        return name
    close = [r["name"] for r in db.query("select name from agencies where name like ? limit 5", [f"%{name}%"])]
    hint = f"; did you mean: {', '.join(close)}" if close else ""
    raise ArchiveError(f"unknown agency: {name}{hint}")


def history_rows(db, agency: str, all_cells: bool = False) -> list[dict]:
    """One row per covered year from the first to the last; a year without a report is an empty row."""
    agency = resolve_agency(db, agency)
    reports = list(db.query(
        "select id, year, title, template, version, failed_checks, source_url, fetched_at, document_sha256 "
        "from reports where agency = ? and status = 'current' and year is not null order by year, id", [agency]))
    if not reports:
        raise ArchiveError(f"no report with a known year for {agency}")
    by_year = {r["year"]: r for r in reports}
    cells_by_report = cells_of(db, [r["id"] for r in reports])
    keys = sorted({k for cells in cells_by_report.values() for k in cells}) if all_cells else []
    rows = []
    for year in range(reports[0]["year"], reports[-1]["year"] + 1):
        report = by_year.get(year)
        cells = cells_by_report.get(report["id"], {}) if report else {}
        row = {"agency": agency, "year": year}
        if report:
            row |= {"report_id": report["id"], "title": report["title"], "template": report["template"],
                    "version": report["version"], "failed_checks": report["failed_checks"]}
        row |= {name: figure(cells, keys_) for name, keys_ in KEY_FIGURES.items()}
        row |= {key: cells.get(key) for key in keys}
        if report:
            row |= {"source_url": report["source_url"], "fetched_at": report["fetched_at"],
                    "sha256": report["document_sha256"]}
        rows.append(row)
    return rows


def cells_of(db, report_ids: list[int]) -> dict[int, dict[str, float | None]]:
    found: dict[int, dict] = {}
    marks = ",".join("?" * len(report_ids))
    for row in db.execute(f"select report_id, key, value from cells where report_id in ({marks})", report_ids):
        found.setdefault(row[0], {})[row[1]] = row[2]
    return found


def figure(cells: dict, keys: tuple[str, ...]):
    values = [cells.get(k) for k in keys if k in cells]
    printed = [v for v in values if v is not None]
    if len(keys) == 1:
        return cells.get(keys[0])
    return sum(printed) if printed else None


def history_columns(rows: list[dict]) -> list[str]:
    extra = sorted({k for row in rows for k in row} - set(HISTORY_LEAD) - set(KEY_FIGURES) - set(HISTORY_TAIL))
    return [*HISTORY_LEAD, *KEY_FIGURES, *extra, *HISTORY_TAIL]


def cell_rows(db, agency: str | None = None) -> Iterator[dict]:
    """The long format, streamed row by row: the first seven columns are a contract."""
    where, params = "where reports.status = 'current'", []
    if agency:
        where += " and reports.agency = ?"
        params.append(resolve_agency(db, agency))
    elif not has_reports(db):
        raise ArchiveError("the archive holds no reports yet (run `nianbao ingest` or `nianbao crawl` first)")
    sql = ("select reports.agency, reports.year, cells.key, cells.value, cells.raw, reports.source_url, "
           "reports.document_sha256 as sha256, reports.id as report_id, reports.template, reports.version, "
           "reports.fetched_at, cells.blank, cells.unsure, cells.inferred, cells.page, cells.confidence "
           "from cells join reports on reports.id = cells.report_id "
           f"{where} order by reports.agency, reports.year, reports.id, cells.key")
    yield from db.query(sql, params)


def write_csv(rows: Iterable[dict], columns: list[str], out) -> None:
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)


def write_json(rows: Iterable[dict], out) -> None:
    """A JSON array written as it goes, so a large export never sits in memory."""
    out.write("[")
    for n, row in enumerate(rows):
        out.write(("," if n else "") + "\n" + json.dumps(row, ensure_ascii=False))
    out.write("\n]\n")


def write_xlsx(rows: Iterable[dict], columns: list[str], path, sheet: str = "history") -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(columns)
    for row in rows:
        ws.append([row.get(c) for c in columns])
    book.save(path)
