"""OCR of scans: generated reports printed, scanned and degraded give back every cell exactly
or unset-and-flagged — never a wrong number.

Reports from tests/synth.py are printed with headless Chromium and turned into scans by
tests/ocr_scan.py (150–300 dpi, rotated up to 1.5°, noise, blur, JPEG, grey paper), then read
as an image-only PDF, as PNG / JPEG pages and as a multi-page TIFF. A handful of pages, read
once per session. Layout, doubt handling, identities and limits have small unit tests on
images drawn with Pillow.
"""

from __future__ import annotations

import difflib
import io
import math
import shutil
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extract import ExtractionError, extract_document
from extract import ocr as O
from extract.limits import LimitExceeded
from extract.report import Cell, Report, make_cell

ocr_scan = pytest.importorskip("ocr_scan")
needs_chromium = pytest.mark.skipif(ocr_scan.CHROMIUM is None, reason="chromium is not installed")
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

# (seed, template, dpi, rotation): both templates, low and high resolution, both skew signs.
SCANS = [(21, "2021", 150, 1.2), (22, "2019", 200, -0.8), (23, "2021", 300, 0.4)]


def similar(read: str | None, printed: str) -> bool:
    """Text (not numbers) read by OCR: most characters right is enough."""
    return read is not None and difflib.SequenceMatcher(None, read, printed).ratio() >= 0.8


def tally(report, expected: dict) -> dict:
    """exact / unsure / wrong / missing over the generated cells; the wrong ones listed."""
    out = {"exact": 0, "unsure": 0, "missing": 0, "wrong": []}
    for key, want in expected.items():
        cell = report.cells.get(key)
        if cell is None:
            out["missing"] += 1
        elif cell.unsure:
            assert cell.value is None, f"{key}: an unsure cell has a value"
            out["unsure"] += 1
        elif (want is None and cell.value is None) or (
                want is not None and cell.value is not None and math.isclose(float(cell.value), want, abs_tol=1e-9)):
            out["exact"] += 1
        else:
            out["wrong"].append(f"{key}: read {cell.value!r} (raw {cell.raw!r}), printed {want!r}")
    return out


@pytest.fixture(scope="session")
def scans():
    if ocr_scan.CHROMIUM is None:
        pytest.skip("chromium is not installed")
    return [ocr_scan.scan(seed, template, dpi, angle) for seed, template, dpi, angle in SCANS]


@pytest.fixture(scope="session")
def pdf_extractions(scans):
    """Each scan as an image-only PDF, through extract_document (formats → pdf → ocr)."""
    return [extract_document(scan.pdf()) for scan in scans]


@needs_chromium
def test_scanned_pdfs_give_every_cell_exactly_or_flagged(scans, pdf_extractions, record_property):
    exact = total = unsure = 0
    wrong, missing = [], 0
    for scan, extraction in zip(scans, pdf_extractions, strict=True):
        assert extraction.ocr and extraction.format == "pdf"
        (report,) = extraction.reports
        assert report.ocr and report.to_json()["ocr"] is True
        assert (report.template, report.year) == (scan.report.template, scan.report.year)
        assert similar(report.agency, scan.report.agency)  # a rare character (鄞) may be misread
        counts = tally(report, scan.expected)
        wrong += counts["wrong"]
        missing += counts["missing"]
        exact, unsure, total = exact + counts["exact"], unsure + counts["unsure"], total + len(scan.expected)
    rate = exact / total
    record_property("ocr_exact_cell_rate", round(rate, 4))
    print(f"\nOCR exact cells {exact}/{total} = {rate:.1%}, unsure {unsure}, missing {missing}")
    assert wrong == [], "OCR gave wrong numbers:\n" + "\n".join(wrong)
    assert missing == 0
    assert rate >= 0.97


@needs_chromium
def test_ocr_cells_carry_confidence_and_pages(pdf_extractions):
    report = pdf_extractions[0].reports[0]
    for key, cell in report.cells.items():
        assert cell.confidence is not None and 0 <= cell.confidence <= 1, key
        assert cell.page is not None, key
        out = cell.to_json()
        assert "confidence" in out
        if cell.unsure:
            assert out["value"] is None and out["unsure"] is True and cell.reason


@needs_chromium
def test_scanned_text_gives_title_and_sections(scans, pdf_extractions):
    for scan, extraction in zip(scans, pdf_extractions, strict=True):
        report = extraction.reports[0]
        assert report.title and similar(report.title, scan.report.title)
        for key in ("overview", "proactive", "requests", "review_litigation", "problems", "other"):
            assert report.sections.get(key), key
        assert "政府信息公开" in report.sections["overview"] or "公开" in report.sections["overview"]


@needs_chromium
def test_images_png_jpeg_and_multipage_tiff(scans):
    scan = scans[1]
    whole = extract_document(scan.tiff())
    assert whole.format == "image" and whole.ocr
    counts = tally(whole.reports[0], scan.expected)
    assert counts["wrong"] == [] and counts["missing"] == 0
    for fmt in ("PNG", "JPEG"):
        first = extract_document(scan.image(0, fmt))  # the first page: title, section 一 and 二
        assert first.ocr and first.format == "image"
        report = first.reports[0]
        assert similar(report.agency, scan.report.agency)
        assert tally(report, {k: v for k, v in scan.expected.items() if k in report.cells})["wrong"] == []


@needs_chromium
def test_pages_on_their_side_or_upside_down(scans):
    scan = scans[2]
    turned = [page.rotate(angle, expand=True) for page, angle in zip(scan.pages, (90, 180, 270, 0), strict=False)]
    out = io.BytesIO()
    turned[0].save(out, "TIFF", save_all=True, append_images=turned[1:], compression="tiff_deflate")
    report = extract_document(out.getvalue()).reports[0]
    counts = tally(report, scan.expected)
    assert counts["wrong"] == [] and counts["missing"] == 0
    assert counts["exact"] >= 0.95 * len(scan.expected)


@needs_chromium
def test_cli_json_says_ocr(scans, tmp_path):
    from click.testing import CliRunner

    from nianbao_cli import main

    path = tmp_path / "scan.pdf"
    path.write_bytes(scans[0].pdf())
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    import json

    out = json.loads(result.output)
    assert out["ocr"] is True
    assert all("confidence" in cell for cell in out["cells"].values())


# --- layout on drawn tables ----------------------------------------------------------------


def draw_table(cells: list[tuple[int, int, int, int, str]], rows: int, cols: int, angle: float = 0.0,
               col_w: int = 110, row_h: int = 46) -> np.ndarray:
    """A ruled grid with (row, col, rowspan, colspan, text) cells, drawn at ~150 dpi."""
    font = ImageFont.truetype(FONT, 22)
    w, h = 60 + cols * col_w, 60 + rows * row_h
    img = Image.new("L", (w + 200, h + 200), 255)
    d = ImageDraw.Draw(img)
    x0, y0 = 100, 100
    for r, c, rs, cs, text in cells:
        box = (x0 + c * col_w, y0 + r * row_h, x0 + (c + cs) * col_w, y0 + (r + rs) * row_h)
        d.rectangle(box, outline=0, width=2)
        if text:
            d.text((box[0] + 10, box[1] + (box[3] - box[1]) // 2 - 14), text, font=font, fill=0)
    if angle:
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    return np.asarray(img)


def test_grid_with_spans_gives_exact_rows_and_keeps_blanks():
    cells = [(0, 0, 1, 4, "第二十条第（一）项"),
             (1, 0, 1, 1, "信息内容"), (1, 1, 1, 1, "本年制发"), (1, 2, 1, 1, "本年废止"), (1, 3, 1, 1, "现行有效"),
             (2, 0, 1, 1, "规章"), (2, 1, 1, 1, "12"), (2, 2, 1, 1, ""), (2, 3, 1, 1, "307"),
             (3, 0, 2, 1, "行政规范"), (3, 1, 1, 1, "0"), (3, 2, 1, 1, "-5"), (3, 3, 1, 1, "1048"),
             (4, 1, 1, 3, "")]
    rows = O.page_rows(draw_table(cells, 5, 4, angle=0.7), 3)
    table = [r for r in rows if r.table]
    assert [len(r.cells) for r in table] == [1, 4, 4, 4, 1]
    assert all(r.exact and r.page == 3 for r in table)
    assert [str(c) for c in table[2].cells] == ["规章", "12", "", "307"]
    assert [str(c) for c in table[3].cells][1:] == ["0", "-5", "1048"]
    assert table[2].cells[2] == "" and table[2].cells[2].confidence == 1.0  # blank: no ink


def test_paragraphs_around_a_table():
    font = ImageFont.truetype(FONT, 22)
    img = Image.new("L", (900, 500), 255)
    d = ImageDraw.Draw(img)
    d.text((60, 40), "一、总体情况", font=font, fill=0)
    d.text((100, 90), "本年度共收到政府信息公开申请二十件，已全部按期办结，未发生", font=font, fill=0)
    d.text((60, 130), "行政复议和诉讼。", font=font, fill=0)
    d.text((100, 180), "二、主动公开政府信息情况", font=font, fill=0)
    rows = O.page_rows(np.asarray(img), 1)
    texts = [r.text for r in rows]
    assert texts[0] == "一、总体情况"
    assert texts[1].startswith("本年度共收到") and texts[1].endswith("行政复议和诉讼。")
    assert texts[2] == "二、主动公开政府信息情况"
    assert not any(r.table for r in rows)


def test_a_table_without_rules_is_read_by_position():
    font = ImageFont.truetype(FONT, 22)
    img = Image.new("L", (1000, 300), 255)
    d = ImageDraw.Draw(img)
    d.text((60, 40), "二、主动公开政府信息情况", font=font, fill=0)
    for y, label, values in ((100, "规章", ("3", "0", "41")), (150, "行政规范性文件", ("12", "1", "307"))):
        d.text((60, y), label, font=font, fill=0)
        for x, v in zip((420, 620, 820), values, strict=True):
            d.text((x, y), v, font=font, fill=0)
    rows = O.page_rows(np.asarray(img), 1)
    assert rows[0].text == "二、主动公开政府信息情况" and not rows[0].table
    assert [[str(c) for c in r.cells] for r in rows[1:]] == [["规章", "3", "0", "41"], ["行政规范性文件", "12", "1", "307"]]
    assert all(r.table and not r.exact for r in rows[1:])


def test_skew_is_measured():
    from extract.ocr_layout import binarise, skew_angle

    cells = [(r, c, 1, 1, str(r * 10 + c)) for r in range(6) for c in range(5)]
    for angle in (-1.4, 0.6):
        measured = skew_angle(binarise(draw_table(cells, 6, 5, angle=angle)))
        assert abs(measured + angle) < 0.15, (angle, measured)


def test_a_value_read_with_doubt_is_unset_with_its_reading():
    from extract.ocr_engine import Reading
    from extract.ocr_layout import Line

    def cell(readings, glyphs=(1, 1), gap=0.2):
        lines = [Line((0, 0, 10, 10), np.zeros((1, 1), np.uint8), glyphs, gap) for _ in readings]
        return O.cell_text(lines, readings)

    sure = cell([Reading("7", 0.99, Reading("7", 0.99))])
    assert sure == "7" and sure.unsure is None
    low = cell([Reading("7", 0.99, Reading("7", 0.6))])
    assert low == "" and "confidence" in low.unsure and low.reading == "7"
    doubled = cell([Reading("77", 0.99, Reading("77", 0.99))], glyphs=(1, 1))
    assert doubled == "" and "digits" in doubled.unsure
    junk = cell([Reading("7A", 0.99, Reading("7", 0.95))], glyphs=(1, 2))
    assert junk == "7"  # a letter beside a digit is read over the value characters only
    nonsense = cell([Reading("0.", 0.9, Reading("0.", 0.95))], glyphs=(1, 1))
    assert nonsense == "" and "not a value" in nonsense.unsure
    label = cell([Reading("予以公开", 0.97)])
    assert label == "予以公开" and label.unsure is None
    apart = cell([Reading("12", 0.99, Reading("12", 0.99))], glyphs=(2, 2), gap=1.5)
    assert apart == "" and "side by side" in apart.unsure  # "1   2": two numbers, not 12
    spaced = cell([Reading("1 2", 0.99, None)], glyphs=(2, 2))
    assert spaced == "" and spaced.unsure
    empty = O.cell_text([], [], ink=True)
    assert empty == "" and empty.unsure
    assert O.cell_text([], [], ink=False) == "" and O.cell_text([], [], ink=False).unsure is None
    # make_cell: value unset, reading kept, confidence carried
    made = make_cell("requests.granted.total", low, 2)
    assert (made.value, made.raw, made.unsure, made.page) == (None, "7", True, 2)
    assert made.confidence == pytest.approx(0.6)
    kept = make_cell("requests.granted.total", sure, 2)
    assert (kept.value, kept.unsure, kept.confidence) == (7, False, pytest.approx(0.99))


def _review_report(cells: dict[str, Cell]) -> Report:
    return Report("t", "a", 2022, "2021", {}, cells, [])


def test_identities_confirm_a_doubtful_reading_and_never_fill_one():
    from extract.ocr_checks import review

    cols = ("natural_person", "org_commercial", "org_research", "org_public_welfare",
            "org_legal_service", "org_other", "total")
    values = (3, 1, 0, 0, 0, 0, 4)
    cells = {f"requests.granted.{c}": Cell(v, str(v), confidence=0.99) for c, v in zip(cols, values, strict=True)}
    cells["requests.granted.natural_person"] = Cell(None, "3", unsure=True, reason="low", confidence=0.7)
    cells["requests.denied_third_party.natural_person"] = Cell(None, None, unsure=True, reason="no reading",
                                                               confidence=0.2)
    report = _review_report(cells)
    review(report)
    confirmed = report.cells["requests.granted.natural_person"]
    assert (confirmed.value, confirmed.unsure) == (3, False) and "confirmed by I3" in confirmed.reason
    assert report.cells["requests.denied_third_party.natural_person"].value is None  # never filled in

    cells = {f"requests.granted.{c}": Cell(v, str(v), confidence=0.99) for c, v in zip(cols, values, strict=True)}
    cells["requests.granted.natural_person"] = Cell(None, "8", unsure=True, reason="low", confidence=0.7)
    report = _review_report(cells)
    review(report)
    assert report.cells["requests.granted.natural_person"].unsure  # 8 does not add up: stays unsure


def test_identities_flag_the_one_reading_that_breaks_them():
    import synth

    from extract import extract_reports
    from extract.ocr_checks import review

    generated = synth.generate(5, "pipe", "2021")
    (report,) = extract_reports(generated.document)
    assert not any(c["status"] == "fail" for c in report.checks)
    for cell in report.cells.values():
        cell.confidence = 0.99  # as if read by OCR
    key = "requests.granted.natural_person"
    misread = (report.cells[key].value or 0) + 5  # a 3 read as 8
    report.cells[key].value, report.cells[key].raw = misread, str(misread)
    review(report)
    flagged = report.cells[key]
    assert (flagged.value, flagged.unsure, flagged.raw, flagged.confidence) == (None, True, str(misread), 0.99)
    assert "misreading or a misprint" in flagged.reason
    assert any(c["id"] == "ocr_flagged" and c["scope"] == key for c in report.checks)
    assert not any(c["status"] == "fail" for c in report.checks)


# --- engines ---------------------------------------------------------------------------------


def _line(text: str) -> np.ndarray:
    font = ImageFont.truetype(FONT, 30)
    img = Image.new("L", (40 + 30 * len(text), 56), 255)
    ImageDraw.Draw(img).text((14, 6), text, font=font, fill=0)
    return np.asarray(img)


def test_rapidocr_reads_lines_with_confidence():
    from extract.ocr_engine import get_engine

    readings = get_engine("rapidocr").read([_line("1048"), _line("予以公开"), _line("0")])
    assert [r.text for r in readings[:2]] == ["1048", "予以公开"]
    assert readings[2].numeric.text == "0"  # a lone 0 is a digit in a value cell, not the letter o
    assert all(0.9 < r.confidence <= 1 for r in readings[:2])


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_tesseract_engine_reads_lines():
    from extract.ocr_engine import get_engine

    readings = get_engine("tesseract").read([_line("1048"), _line("予以公开")])
    assert readings[0].text == "1048"
    assert 0 <= readings[1].confidence <= 1


# --- limits ----------------------------------------------------------------------------------


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares huge dimensions (a decompression bomb): refused before decoding."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def test_limits_refuse_with_a_reason():
    with pytest.raises(LimitExceeded, match="pixels"):
        extract_document(_png_header(50_000, 50_000))
    frames = [Image.new("L", (400, 400), 255) for _ in range(O.MAX_OCR_PAGES + 1)]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(LimitExceeded, match="pages"):
        extract_document(out.getvalue())
    with pytest.raises(LimitExceeded, match="scanned pages"):
        O.ocr_pdf_pages(b"%PDF-1.4", list(range(1, O.MAX_OCR_PAGES + 2)))
    tiny = io.BytesIO()
    Image.new("L", (40, 30), 255).save(tiny, "PNG")
    with pytest.raises(ExtractionError, match="too small"):
        extract_document(tiny.getvalue())
    with pytest.raises(ExtractionError, match="unreadable image"):
        extract_document(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    blank = io.BytesIO()
    Image.new("L", (800, 1000), 255).save(blank, "PNG")
    with pytest.raises(ExtractionError, match="no text"):
        extract_document(blank.getvalue())


def test_the_archive_keeps_the_ocr_flag_and_each_cells_confidence(scans, pdf_extractions, tmp_path):
    from archive.db import open_db
    from archive.export import cell_rows
    from archive.ingest import ingest_files

    path = tmp_path / "scan.pdf"
    path.write_bytes(scans[0].pdf())
    db = open_db(tmp_path / "a.db")
    ingest_files(db, [path])
    (report,) = db.query("select id, ocr from reports")
    assert report["ocr"] == 1
    read = list(db.query("select confidence from cells where report_id = ? and value is not null", [report["id"]]))
    assert read and all(0 < row["confidence"] <= 1 for row in read)
    exported = [row for row in cell_rows(db) if row["value"] is not None]
    assert len(exported) == len(read) and all(row["confidence"] is not None for row in exported)
    extracted = pdf_extractions[0].reports[0].cells  # the same scan, read outside the archive
    stored = {r["key"]: r["confidence"] for r in db.query("select key, confidence from cells")}
    assert stored == {key: cell.confidence for key, cell in extracted.items()}
