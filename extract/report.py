"""A document → its report records: cells, sections, metadata and checks (cells.md)."""

import json
import re
from dataclasses import dataclass, field

from . import labels as L
from .checks import run_checks
from .decode import common_score, decode_bytes
from .errors import ExtractionError, NotAReportError
from .formats import Document, read_binary
from .htmldoc import html_to_rows
from .layout import Row, text_rows
from .legacy import legacy_cells
from .metadata import find_agency, find_title, find_year, is_negative_title, is_title_line
from .normalize import is_null_marker, json_number, norm_label, parse_number, to_simplified, to_wan_yuan
from .sections import find_headings, row_text, section_spans, section_texts
from .tables import TableRead, is_blank, logical_rows, read_proactive, read_requests, read_review

EXTRACTOR_VERSION = "0.1.0"
_HTML_SNIFF = re.compile(r"<(html|body|table|div|p|head|meta|!doctype)\b", re.I)


@dataclass
class Cell:
    value: int | float | None
    raw: str | None
    page: int | None = None
    blank: bool = False
    unsure: bool = False
    inferred: str | None = None
    reason: str | None = None  # why a cell is unsure
    confidence: float | None = None  # OCR: how sure the reading is (0–1)

    def to_json(self) -> dict:
        out: dict = {"value": self.value, "raw": self.raw}
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 3)
        if self.blank:
            out["blank"] = True
        if self.unsure:
            out["unsure"] = True
        if self.inferred:
            out["inferred"] = self.inferred
        if self.reason:
            out["reason"] = self.reason
        if self.page is not None:
            out["page"] = self.page
        return out


@dataclass
class Report:
    title: str | None
    agency: str | None
    year: int | None
    template: str
    sections: dict[str, str]
    cells: dict[str, Cell]
    checks: list[dict]
    metadata: dict[str, str] = field(default_factory=dict)
    text: str = ""
    ocr: bool = False  # numbers read from images: each cell carries its confidence

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "sections": self.sections,
            "cells": {key: cell.to_json() for key, cell in self.cells.items()},
            "checks": self.checks,
            "metadata": self.metadata,
            "ocr": self.ocr,
            "extractor_version": EXTRACTOR_VERSION,
        }

    @property
    def failed_checks(self) -> list[str]:
        return sorted({c["id"] for c in self.checks if c["status"] == "fail"})


@dataclass
class Extraction:
    """All a document gave: its reports, or why it holds none."""

    reports: list[Report]
    encoding: str
    format: str  # html | text | pdf | docx | doc | …
    not_report_reason: str | None = None
    ocr: bool = False


def extract_reports(data: bytes | str, url: str | None = None, content_type: str | None = None) -> list[Report]:
    """The reports in a document; raises NotAReportError or ExtractionError."""
    extraction = extract_document(data, url, content_type)
    if not extraction.reports:
        raise NotAReportError(extraction.not_report_reason or "not a government information-disclosure annual report")
    return extraction.reports


def extract_document(data: bytes | str, url: str | None = None, content_type: str | None = None) -> Extraction:
    if isinstance(data, bytes) and (document := read_binary(data, url, content_type)) is not None:
        return _reports_of(document)
    text, encoding = (data, "str") if isinstance(data, str) else decode_bytes(data, content_type)
    if not text.strip():
        raise ExtractionError("empty document")
    if not _plausible_text(text):
        raise ExtractionError("unreadable: the bytes do not decode to text (binary or corrupt file)")
    if _is_structured_data(text):
        return Extraction([], encoding, "data", "not a report document: structured data (JSON)")
    text = to_simplified(text)
    if _is_html(text, url, content_type):
        rows, page_titles, meta = html_to_rows(text)
        return _reports_of(Document(rows, "html", encoding, page_titles, meta))
    return _reports_of(Document(text_rows(text), "text", encoding, [], _text_metadata(text)))


def _reports_of(document: Document) -> Extraction:
    rows, page_titles, meta = document.rows, document.page_titles, document.meta
    reports, reasons = [], []
    for number, part in enumerate(split_documents(rows)):
        report, reason = build_report(part, page_titles if number == 0 else [], meta if number == 0 else {})
        if report:
            reports.append(report)
        else:
            reasons.append(reason)
    for report in reports:
        report.ocr = document.ocr
        if document.ocr:  # identities confirm or flag OCR readings (never supply values)
            from .ocr_checks import review

            review(report)
    return Extraction(reports, document.encoding, document.format,
                      None if reports else (reasons[0] if reasons else "no text"), ocr=document.ocr)


def _is_structured_data(text: str) -> bool:
    head = text.lstrip()[:1]
    if head not in ("{", "["):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _is_html(text: str, url: str | None, content_type: str | None) -> bool:
    if content_type and "html" in content_type.lower():
        return True
    return bool(_HTML_SNIFF.search(text[:3000]))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _plausible_text(text: str) -> bool:
    """Decoded garbage shows control characters, or Chinese characters no report uses."""
    sample = text[:4000]
    if len(_CONTROL.findall(sample)) > len(sample) * 0.02:
        return False
    return len(_CJK.findall(sample)) < 40 or common_score(sample) > 0.2


def _text_metadata(text: str) -> dict[str, str]:
    found = re.findall(r"(索引号|发布机构|发文机关|成文日期|发布日期|文号)\s*[:：]\s*(\S{2,60})", text[:3000])
    return dict(reversed(found))


# --- splitting ----------------------------------------------------------------------------


def split_documents(rows: list[Row]) -> list[list[Row]]:
    """Cut off trailing junk; split where another document is glued on (seed 004)."""
    rows = _cut_trailer(rows)
    parts, start = [], 0
    for i, row in enumerate(rows):
        if i > start + 5 and not row.table and _starts_appended(rows, i):
            parts.append(rows[start:i])
            start = i + 1 if re.match(L.APPENDED_DOCUMENT_MARKERS, norm_label(row.text)) else i
    parts.append(rows[start:])
    return [p for p in parts if p]


def _cut_trailer(rows: list[Row]) -> list[Row]:
    for i, row in enumerate(rows):
        if i >= 3 and not row.table and re.match(L.TRAILER_MARKERS, norm_label(row.text)):
            return rows[:i]
    return rows


def _starts_appended(rows: list[Row], i: int) -> bool:
    label = norm_label(rows[i].text)
    if re.match(L.APPENDED_DOCUMENT_MARKERS, label):
        return is_title_line(re.sub(L.APPENDED_DOCUMENT_MARKERS + r"[:：]?", "", label)) or (
            i + 1 < len(rows) and is_title_line(rows[i + 1].text))
    # A second full title followed by a fresh 一、 heading: another report starts.
    if not is_title_line(rows[i].text) or is_negative_title(rows[i].text):
        return False
    before = [key for _, key in find_headings(rows[:i])]
    after = find_headings(rows[i: i + 8])
    return len(before) >= 2 and bool(after)


# --- one report -------------------------------------------------------------------------


def build_report(rows: list[Row], page_titles: list[str], meta: dict[str, str]) -> tuple[Report | None, str]:
    title, _ = find_title(rows, page_titles)
    if title and is_negative_title(title):
        return None, f"not an annual report: the title reads as another kind of document ({title})"
    spans = section_spans(rows)
    reads, template, notes = read_tables(rows, spans)
    text = "\n".join(row_text(r) for r in rows)
    found_tables = len(reads["requests"].rows_found) >= 5 or len(reads["proactive"].rows_found) >= 3
    legacy = {} if found_tables else legacy_cells(text)
    if not (found_tables or _reads_as_report(title, spans, text, legacy)):
        if other := _other_document_title(rows, page_titles):
            return None, f"not an annual report: the title reads as another kind of document ({other})"
        return None, "not an annual report: no report title, sections or tables found"
    if not found_tables:
        template = _prose_template(text, title)
    cells = cells_from_reads(reads.values())
    if template == "pre2019":
        cells |= {key: Cell(value, raw) for key, (value, raw) in legacy.items()}
    checks = notes + build_checks(cells, reads["requests"])
    sections = section_texts(rows, spans)
    return Report(
        title=title,
        agency=find_agency(title, meta),
        year=find_year(title, text, sections.get("overview", "")),
        template=template,
        sections=sections,
        cells=cells,
        checks=checks,
        metadata=meta,
        text=text,
    ), ""


def _other_document_title(rows: list[Row], page_titles: list[str]) -> str | None:
    """The title of what the document is instead (法治政府建设年度报告, 工作要点, …), if it says."""
    lines = [*page_titles, *(r.text for r in rows[:10] if not r.table)]
    for line in lines:
        if len(norm_label(line)) <= 80 and is_negative_title(line):
            return line.strip()
    return None


def _reads_as_report(title: str | None, spans: dict, text: str, legacy: dict) -> bool:
    """Without tables: a report title with sections (or with the prose figures of an old
    report), or sections enough to be a report whose title is lost."""
    mentions = "政府信息公开" in text or "政务公开" in text
    if title:
        return len(spans) >= 2 or (mentions and len(legacy) >= 2)
    return len(spans) >= 3 and mentions


def _prose_template(text: str, title: str | None) -> str:
    """Without template tables: the 2008 regulation's prose report, unless it names the new one."""
    label = norm_label(text[:20000])
    if re.search(r"第二十条第|国务院令第711号|本年制发件数|本年新收", label):
        return "unknown"
    year = find_year(title, text)
    return "unknown" if year and year >= 2019 else "pre2019"


def read_tables(rows: list[Row], spans: dict[str, tuple[int, int]]) -> tuple[dict[str, TableRead], str, list[dict]]:
    def region(key: str, default: tuple[int, int]) -> tuple[int, int]:
        return spans.get(key, default)

    everything = (0, len(rows))
    req_a, req_b = region("requests", everything)
    requests = read_requests(logical_rows(rows[req_a:req_b], req_a))
    pro_a, pro_b = region("proactive", (0, req_a if "requests" in spans else len(rows)))
    proactive_rows = logical_rows(rows[pro_a:pro_b], pro_a)
    proactive_template = _proactive_template(rows[pro_a:pro_b])
    requests_template = _requests_template(requests)
    template = proactive_template or requests_template or "unknown"
    proactive = read_proactive(proactive_rows, template)
    after_requests = requests.last_index + 1 if requests.last_index >= 0 else req_b
    rev_a, rev_b = region("review_litigation", (after_requests, len(rows)))
    review = read_review(logical_rows(rows[rev_a:rev_b], rev_a))
    notes = [{"id": cid, "scope": "requests", "status": status, "detail": detail}
             for cid, status, detail in requests.notes]
    if proactive_template and requests_template and proactive_template != requests_template:
        notes.append({"id": "mixed_template", "scope": "template", "status": "warn",
                      "detail": f"section 二 follows the {proactive_template} template, section 三 the {requests_template} rows"})
    return {"proactive": proactive, "requests": requests, "review": review}, template, notes


def _proactive_template(rows: list[Row]) -> str | None:
    text = norm_label(" ".join(r.text for r in rows if r.table))
    hits_2019 = len(set(re.findall(L.SIGNALS_2019, text)))
    hits_2021 = len(set(re.findall(L.SIGNALS_2021, text)))
    if hits_2019 == hits_2021 == 0:
        return None
    return "2019" if hits_2019 > hits_2021 else "2021"


def _requests_template(read: TableRead) -> str | None:
    if any(row in read.rows_found for row in L.OTHER_ROWS_2021):
        return "2021"
    if "other_total" in read.rows_found:
        return "2019"
    return None


def cells_from_reads(reads) -> dict[str, Cell]:
    cells: dict[str, Cell] = {}
    for read in reads:
        for key, raw in read.raw.items():
            cells[key] = make_cell(key, raw, read.pages.get(key))
        for key, (raw, why) in read.inferred.items():
            cell = make_cell(key, raw, None)
            cell.inferred = why
            cells[key] = cell
        for key, why in read.unsure.items():
            cells[key] = Cell(None, None, unsure=True, reason=why)
    return cells


def make_cell(key: str, raw: str, page: int | None) -> Cell:
    cell = _make_cell(key, raw, page)
    cell.confidence = getattr(raw, "confidence", None)  # an OCR reading (ocr.OcrText)
    return cell


def _make_cell(key: str, raw: str, page: int | None) -> Cell:
    if doubt := getattr(raw, "unsure", None):  # OCR could not read this value for sure
        return Cell(None, raw.reading or None, page, unsure=True, reason=doubt)
    printed = raw.strip().replace("\xa0", " ").strip("\u3000 ")
    if is_blank(raw):
        return Cell(None, printed, page, blank=True)
    if is_null_marker(raw):
        return Cell(None, printed, page)
    number = parse_number(raw)
    if number is None:
        return Cell(None, printed, page, unsure=True, reason="not a number")
    column = key.rsplit(".", 1)[-1]
    value = to_wan_yuan(number) if column in L.MONEY_COLUMNS else number.value
    return Cell(json_number(value), printed, page)


def build_checks(cells: dict[str, Cell], requests: TableRead) -> list[dict]:
    if not any(k.startswith(("requests.", "review_litigation.", "proactive.")) for k in cells):
        return []
    other_rows = L.OTHER_ROWS_2021 if any(r in requests.rows_found for r in L.OTHER_ROWS_2021) else L.OTHER_ROWS_2019
    values = {key: cell.value for key, cell in cells.items()}
    present = {key for key, cell in cells.items() if not cell.unsure}
    return run_checks(values, present, other_rows)
