"""Every document format gives the same exact cells: DOCX, text PDF, DOC, XLSX, XLS.

Synthetic reports (tests/synth.py) of both templates are rendered as Word documents
(tests/render_docx.py) and converted once per session with LibreOffice, in one soffice
call per target format: DOCX → PDF (tables split over pages, header rows repeated or
not, rows broken by the page break, labels wrapped, numbers in narrow columns, page
numbers and running headers) and DOCX → DOC. Spreadsheets are written with openpyxl
(merged cells) and converted to XLS. Each must give back every cell exactly, with the
page for PDF cells. Hostile files are refused quickly with a reason.
"""

import io
import json
import math
import os
import time
import zipfile
from pathlib import Path

import pytest
import render_docx
import synth
from click.testing import CliRunner

from extract import ExtractionError, extract_document, extract_reports

N = int(os.environ.get("NIANBAO_FORMATS_N", "12"))  # seeds per template
SEEDS = [(seed, template) for seed in range(N) for template in synth.TEMPLATES]
DOC_SEEDS = SEEDS[:3]
SHEET_SEEDS = SEEDS[:4]

needs_soffice = pytest.mark.skipif(render_docx.soffice() is None, reason="LibreOffice (soffice) is not installed")


def problems(expected: synth.SynthReport, data: bytes | list, want_pages: bool = False) -> list[str]:
    reports = extract_reports(data) if isinstance(data, bytes) else data
    out = [] if len(reports) == 1 else [f"{len(reports)} reports"]
    report = reports[0]
    for name in ("template", "year", "agency"):
        if getattr(report, name) != getattr(expected, name):
            out.append(f"{name}: got {getattr(report, name)!r}, want {getattr(expected, name)!r}")
    for key, want in expected.cells.items():
        cell = report.cells.get(key)
        if cell is None:
            out.append(f"{key}: missing")
            continue
        got = cell.value
        same = (want is None and got is None) or (
            want is not None and got is not None and math.isclose(float(got), want, abs_tol=1e-9))
        if not same:
            out.append(f"{key}: got {got!r} (raw {cell.raw!r}), want {want!r}")
        if want_pages and cell.page is None:
            out.append(f"{key}: no page")
    out += [f"check {c['id']} fails: {c['detail']}" for c in report.checks if c["status"] == "fail"]
    return out


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict:
    """seed, template → (expected report, {format: path}); converted once per session."""
    root = tmp_path_factory.mktemp("formats")
    out = {}
    for seed, template in SEEDS:
        report = render_docx.docx_report(seed, template)
        path = root / "docx" / f"r{seed}_{template}.docx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(report.document)
        out[(seed, template)] = (report, {"docx": path})
    if render_docx.soffice():
        docx = [files["docx"] for _, files in out.values()]
        for path, pdf in zip(docx, render_docx.convert(docx, "pdf", root / "pdf"), strict=True):
            out[_key(path)][1]["pdf"] = pdf
        doc_in = [out[k][1]["docx"] for k in DOC_SEEDS]
        for path, doc in zip(doc_in, render_docx.convert(doc_in, "doc:MS Word 97", root / "doc"), strict=True):
            out[_key(path)][1]["doc"] = doc
    return out


def _key(path: Path) -> tuple[int, str]:
    seed, template = path.stem[1:].split("_")
    return int(seed), template


def test_docx_gives_every_cell(rendered):
    failures = {k: p for k, (exp, files) in rendered.items() if (p := problems(exp, files["docx"].read_bytes()))}
    assert not failures, _show(failures)


@needs_soffice
def test_text_pdf_gives_every_cell_with_its_page(rendered):
    failures = {k: p for k, (exp, files) in rendered.items()
                if (p := problems(exp, files["pdf"].read_bytes(), want_pages=True))}
    assert not failures, _show(failures)


@needs_soffice
def test_pdf_tables_span_pages_and_rows_are_exact(rendered):
    """The corpus does hold what the test claims: requests tables continued on the next page."""
    spanning = 0
    for _exp, files in rendered.values():
        document = extract_document(files["pdf"].read_bytes())
        pages = {c.page for c in document.reports[0].cells.values() if c.page}
        spanning += len(pages) >= 2
    assert spanning >= len(rendered) // 2


def turned_pdf(data: bytes, quarters: int, rotate: bool = True) -> bytes:
    """The same pages written turned back by ``quarters`` × 90° in user space, with /Rotate set so
    they display upright again (how some drivers print landscape pages) — or, ``rotate=False``,
    left sideways as a landscape table printed across a portrait page is."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(data)
    for page in pdf:
        w, h = page.get_size()
        matrix, box = {1: ((0, 1, -1, 0, h, 0), (0, 0, h, w)), 2: ((-1, 0, 0, -1, w, h), (0, 0, w, h)),
                       3: ((0, -1, 1, 0, 0, w), (0, 0, h, w))}[quarters]
        for j in range(raw.FPDFPage_CountObjects(page.raw)):
            raw.FPDFPageObj_Transform(raw.FPDFPage_GetObject(page.raw, j), *matrix)
        raw.FPDFPage_SetMediaBox(page.raw, *box)
        raw.FPDFPage_SetCropBox(page.raw, *box)
        raw.FPDFPage_SetRotation(page.raw, quarters if rotate else 0)
        raw.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@needs_soffice
@pytest.mark.parametrize("rotate", [True, False], ids=["with /Rotate", "sideways"])
def test_turned_pages_are_read_the_way_their_text_runs(rendered, rotate):
    import pypdfium2 as pdfium

    failures = {}
    for key in SEEDS[:4]:
        expected, files = rendered[key]
        data = files["pdf"].read_bytes()
        for quarters in (1, 2, 3):
            turned = turned_pdf(data, quarters, rotate)
            assert pdfium.PdfDocument(turned)[0].get_rotation() == (90 * quarters if rotate else 0)
            if p := problems(expected, turned, want_pages=True):
                failures[(key, quarters)] = p
    assert not failures, _show(failures)


@needs_soffice
def test_doc_gives_every_cell(rendered):
    failures = {}
    for key in DOC_SEEDS:
        expected, files = rendered[key]
        extraction = extract_document(files["doc"].read_bytes())
        assert extraction.format == "doc"
        if p := problems(expected, extraction.reports):
            failures[key] = p
    assert not failures, _show(failures)


def _show(failures: dict) -> str:
    lines = [f"{len(failures)} documents wrong"]
    for key, found in list(failures.items())[:4]:
        lines.append(f"  {key}: {found[:5]}")
    return "\n".join(lines)


# --- spreadsheets ----------------------------------------------------------------------------


def xlsx_report(seed: int, template: str) -> tuple[synth.SynthReport, bytes]:
    """The report's title, headings and the three tables in one sheet, merged cells merged."""
    import openpyxl

    expected, content, _style, _rng = render_docx.draw(seed, template)
    book = openpyxl.Workbook()
    sheet = book.active
    r = 1
    sheet.cell(r, 1, content.title)
    r += 1
    for kind, item in content.blocks:
        if kind == "heading":
            sheet.cell(r, 1, item)
            r += 1
        elif kind == "table":
            layout = synth.grid(item)
            for dr, row in enumerate(layout):
                for dc, (what, cell) in enumerate(row):
                    if what != "cell":
                        continue
                    text = cell.text.replace("\n", "")
                    target = sheet.cell(r + dr, 1 + dc)
                    if cell.head or not text:
                        target.value = text or None
                    elif text.isdigit():
                        target.value = int(text)
                    else:
                        target.value = text
                    if cell.rowspan > 1 or cell.colspan > 1:
                        sheet.merge_cells(start_row=r + dr, start_column=1 + dc,
                                          end_row=r + dr + cell.rowspan - 1, end_column=dc + cell.colspan)
            r += len(layout) + 1
    out = io.BytesIO()
    book.save(out)
    return expected, out.getvalue()


def test_xlsx_gives_every_cell():
    failures = {}
    for seed, template in SHEET_SEEDS:
        expected, data = xlsx_report(seed, template)
        extraction = extract_document(data)
        assert extraction.format == "xlsx"
        if p := problems(expected, extraction.reports):
            failures[(seed, template)] = p
    assert not failures, _show(failures)


@needs_soffice
def test_xls_converted_gives_every_cell(tmp_path):
    made = {}
    for seed, template in SHEET_SEEDS[:2]:
        expected, data = xlsx_report(seed, template)
        path = tmp_path / f"r{seed}_{template}.xlsx"
        path.write_bytes(data)
        made[path] = expected
    converted = render_docx.convert(list(made), "xls", tmp_path / "xls")
    for (_path, expected), xls in zip(made.items(), converted, strict=True):
        data = xls.read_bytes()
        assert data.startswith(b"\xd0\xcf\x11\xe0")
        extraction = extract_document(data)
        assert extraction.format == "xls"
        assert not problems(expected, extraction.reports)


# --- the command and the archive -----------------------------------------------------------


@needs_soffice
def test_nianbao_extract_prints_pdf_cells_with_pages(rendered):
    from nianbao_cli import main

    expected, files = rendered[SEEDS[0]]
    result = CliRunner().invoke(main, ["extract", str(files["pdf"])])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["agency"] == expected.agency
    total = record["cells"]["requests.new_received.total"]
    assert total["value"] == expected.cells["requests.new_received.total"]
    assert isinstance(total["page"], int) and total["page"] >= 1


@needs_soffice
def test_archive_reads_pdf_and_docx(rendered, tmp_path):
    from archive.db import open_db
    from archive.ingest import ingest_files

    expected, files = rendered[SEEDS[1]]
    db = open_db(tmp_path / "a.db")
    counts = ingest_files(db, [files["pdf"], files["docx"]], warc_dir=tmp_path / "warc")
    assert counts["reports_new"] == 1  # the same numbers from two files: one report, two sources
    formats = {row["format"] for row in db.query("select * from documents")} if "format" in db["documents"].columns_dict else set()
    assert formats in (set(), {"pdf", "docx"})
    key = "requests.results_total.total"
    cells = list(db.query("select value, page from cells where key = ?", [key]))
    assert cells and cells[0]["value"] == expected.cells[key]
    assert isinstance(cells[0]["page"], int) and cells[0]["page"] >= 1


# --- hostile and broken files ----------------------------------------------------------------


def refused(data: bytes, *words: str) -> str:
    start = time.monotonic()
    with pytest.raises(ExtractionError) as info:
        extract_document(data)
    assert time.monotonic() - start < 10
    message = str(info.value)
    assert all(w in message for w in words), message
    return message


def test_zip_bomb_docx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (40 * 2**20) + b"</w:document>")
    refused(out.getvalue(), "zip bomb")


def test_corrupt_docx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document xmlns:w='x'><w:body><w:p>unterminated")
    refused(out.getvalue(), "corrupt DOCX")
    refused(b"PK\x03\x04" + os.urandom(3000), "corrupt")


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file from numbered object bodies, with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_with_absurd_page_count_is_refused():
    kids = b" ".join(b"3 0 R" for _ in range(100_000))
    data = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Count 100000 /Kids [" + kids + b"] >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"])
    refused(data, "pages")


def test_truncated_pdf_is_refused(rendered):
    data = next(iter(rendered.values()))[1]["docx"].read_bytes()  # any bytes; a real PDF below if converted
    files = next(iter(rendered.values()))[1]
    if "pdf" in files:
        data = files["pdf"].read_bytes()
        refused(data[: len(data) // 2], "truncated")
    refused(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "truncated")


def test_garbage_pdf_is_refused():
    refused(b"%PDF-1.4\n" + os.urandom(2000) + b"\n%%EOF\n", "PDF")


def test_unknown_compound_file_is_refused():
    refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "unsupported format")


def test_scanned_pdf_without_ocr_says_so(monkeypatch):
    """A page with an image and no text goes to OCR; without OCR the reason is given."""
    from extract import formats

    image = (b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
             b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream")
    data = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                 b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
                 b"<< /Length 32 >>\nstream\nq 500 0 0 700 40 60 cm /Im1 Do Q\nendstream",
                 image])
    monkeypatch.setattr(formats, "_ocr_module", lambda: None)
    refused(data, "scanned PDF")
    asked = []

    class FakeOcr:
        @staticmethod
        def ocr_pdf_pages(pdf: bytes, pages: list[int]):
            asked.append(pages)
            return []

    monkeypatch.setattr(formats, "_ocr_module", lambda: FakeOcr)
    with pytest.raises(ExtractionError):
        extract_document(data)
    assert asked == [[1]]


# --- golden PDFs, checked by hand -------------------------------------------------------------

GOLDEN = Path(__file__).parent / "fixtures" / "pdf"
GOLDEN_PAGES = {
    "golden_2021_repeated_header.pdf": {"requests.new_received.total": 2, "requests.other_no_correction.total": 2,
                                        "requests.other_fee_unpaid.total": 3, "requests.carried_forward.total": 3,
                                        "proactive.art20_1.regulations.issued": 2, "review_litigation.review.total": 3},
    "golden_2021_no_repeat.pdf": {"proactive.art20_5.admin_license.decisions": 1,
                                  "proactive.art20_6.admin_penalty.decisions": 2, "requests.carried_forward.total": 2,
                                  "review_litigation.lit_direct.total": 3},
}


@pytest.mark.parametrize("name", sorted(GOLDEN_PAGES))
def test_golden_pdf_cells_pages_and_text(name):
    golden = json.loads((GOLDEN / "golden_2021.cells.json").read_text(encoding="utf-8"))
    (report,) = extract_reports((GOLDEN / name).read_bytes())
    assert (report.title, report.agency, report.year, report.template) == (
        golden["title"], golden["agency"], golden["year"], golden["template"])
    got = {key: {"raw": c.raw, "value": c.value} for key, c in report.cells.items()}
    assert got == golden["cells"]
    for key, page in GOLDEN_PAGES[name].items():
        assert report.cells[key].page == page, key
    assert not [c for c in report.checks if c["status"] == "fail"]
    text = "\n".join(report.sections.values())
    assert "全年共收到政府信息公开申请52件，上年结转3件" in report.sections["overview"]  # lines joined
    assert "临海市人民政府信息公开" not in text and "- 2 -" not in text  # running header, page number
    assert report.sections["other"].startswith("本年度未收取信息处理费。")


# --- OFD ------------------------------------------------------------------------------------

OFD_NS = "http://www.ofdspec.org/2016"


def ofd_report(seed: int, template: str) -> tuple[synth.SynthReport, bytes]:
    """The report laid out as an OFD: text objects in mm, tables drawn with path lines."""
    from xml.sax.saxutils import escape

    expected, content, _style, _rng = render_docx.draw(seed, template)
    size, row_h = 3.5, 8.0
    pages: list[list[str]] = [[]]
    y = 20.0

    def text(x: float, y: float, s: str) -> None:
        deltas = " ".join([f"{size:g}"] * (len(s) - 1))
        pages[-1].append(f'<ofd:TextObject ID="1" Boundary="{x:.2f} {y:.2f} {size * len(s) + 1:.2f} {size + 1:.2f}" '
                         f'Font="1" Size="{size}"><ofd:TextCode X="0" Y="{size * 0.88:.3f}" DeltaX="{deltas}">'
                         f"{escape(s)}</ofd:TextCode></ofd:TextObject>")

    def line(x0: float, y0: float, x1: float, y1: float) -> None:
        pages[-1].append(f'<ofd:PathObject ID="2" Boundary="0 0 600 400" LineWidth="0.25">'
                         f"<ofd:AbbreviatedData>M {x0:.2f} {y0:.2f} L {x1:.2f} {y1:.2f}</ofd:AbbreviatedData></ofd:PathObject>")

    for kind, item in [("para", content.title), *content.blocks]:
        if kind != "table":
            if y > 380:
                pages.append([])
                y = 20.0
            text(20, y, item.replace("\n", ""))
            y += 7
            continue
        layout = synth.grid(item)
        widths = [max([size * len(c.text.replace("\n", "")) + 4 for r in layout for k, c in [r[i]]
                       if k == "cell" and c.colspan == 1] + [12]) for i in range(len(layout[0]))]
        if y + row_h * len(layout) > 390:
            pages.append([])
            y = 20.0
        xs = [20.0]
        for w in widths:
            xs.append(xs[-1] + w)
        for r, row in enumerate(layout):
            for c, (kind2, cell) in enumerate(row):
                if kind2 != "cell":
                    continue
                x0, x1 = xs[c], xs[c + cell.colspan]
                y0, y1 = y + r * row_h, y + (r + cell.rowspan) * row_h
                for a, b, cc, d in ((x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)):
                    line(a, b, cc, d)
                label = cell.text.replace("\n", "")
                if label:
                    text(x0 + 1, y0 + 2, label)
        y += row_h * len(layout) + 6
    files = {
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0"><ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID>'
                   "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData><ofd:MaxUnitID>9</ofd:MaxUnitID>'
                              "<ofd:PageArea><ofd:PhysicalBox>0 0 600 400</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
                              "<ofd:Pages>" + "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_{i}/Content.xml"/>'
                                                      for i in range(len(pages))) + "</ofd:Pages></ofd:Document>",
    }
    for i, objects in enumerate(pages):
        files[f"Doc_0/Pages/Page_{i}/Content.xml"] = (
            f'<ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content><ofd:Layer ID="3">' + "".join(objects)
            + "</ofd:Layer></ofd:Content></ofd:Page>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, xml in files.items():
            z.writestr(name, xml)
    return expected, out.getvalue()


def test_ofd_gives_every_cell():
    failures = {}
    for seed, template in SEEDS[:6]:
        expected, data = ofd_report(seed, template)
        extraction = extract_document(data)
        assert extraction.format == "ofd"
        if p := problems(expected, extraction.reports, want_pages=True):
            failures[(seed, template)] = p
    assert not failures, _show(failures)


# --- page geometry, without any PDF ------------------------------------------------------------


def _glyphs(text: str, x: float, top: float, size: float = 10.0):
    from extract.pagelayout import Glyph

    return [Glyph(ch, x + i * size, top, x + (i + 1) * size, top + size, size) for i, ch in enumerate(text)]


def _box(page, x0, y0, x1, y1):
    page.hsegs += [(y0, x0, x1), (y1, x0, x1)]
    page.vsegs += [(x0, y0, y1), (x1, y0, y1)]


def test_grid_merged_cells_are_printed_once_and_blanks_keep_their_column():
    from extract.pagelayout import Page, document_rows

    page = Page(1, 600, 800)
    # | 情况 (rowspan 2) |   申请人 (colspan 2)  |
    # |                  | 自然人    | 总计      |
    # | 新收             |  (blank)  | 1 2 (wrapped) |
    _box(page, 100, 100, 200, 160)
    _box(page, 200, 100, 400, 130)
    _box(page, 200, 130, 300, 160)
    _box(page, 300, 130, 400, 160)
    _box(page, 100, 160, 200, 190)
    _box(page, 200, 160, 300, 190)
    _box(page, 300, 160, 400, 190)
    page.glyphs += _glyphs("情况", 110, 125) + _glyphs("申请人", 270, 110) + _glyphs("自然人", 220, 140)
    page.glyphs += _glyphs("总计", 330, 140) + _glyphs("新收", 110, 170) + _glyphs("1", 345, 163) + _glyphs("2", 345, 176)
    page.glyphs += _glyphs("正文第一段。", 100, 220)
    rows = document_rows([page])
    assert [r.cells for r in rows] == [["情况", "申请人"], ["自然人", "总计"], ["新收", "", "12"], ["正文第一段。"]]
    assert [r.exact for r in rows] == [True, True, True, False]
    assert all(r.page == 1 for r in rows)


def test_page_numbers_and_running_headers_are_dropped_and_paragraphs_run_on():
    from extract.pagelayout import Page, document_rows

    pages = []
    for number in (1, 2):
        page = Page(number, 300, 400)
        page.glyphs += _glyphs("某某局信息公开", 150, 20)  # running header
        page.glyphs += _glyphs(f"- {number} -", 130, 370)  # page number
        pages.append(page)
    pages[0].glyphs += _glyphs("一、总体情况", 40, 60) + _glyphs("　　本年度共收到申请二十", 40, 80)
    pages[0].glyphs += _glyphs("件，均已答复完毕，无逾", 40, 92)  # reaches the right margin: runs on
    pages[1].glyphs += _glyphs("期情况。", 40, 60) + _glyphs("二、主动公开政府信息情况", 40, 80)
    rows = document_rows(pages)
    texts = [r.text for r in rows]
    assert texts == ["一、总体情况", "本年度共收到申请二十件，均已答复完毕，无逾期情况。", "二、主动公开政府信息情况"]
    assert [r.page for r in rows] == [1, 1, 2]


def test_an_indent_typed_as_spaces_starts_a_new_paragraph():
    from extract.pagelayout import Page, document_rows

    page = Page(1, 300, 400)
    page.glyphs += _glyphs("全年主动公开政府信息一千条。", 40, 60) + _glyphs("　　二是加强平台建设和管理工作", 40, 72)
    page.glyphs += _glyphs("其他内容一二三四五六七八", 40, 84)
    assert [r.text for r in document_rows([page])] == ["全年主动公开政府信息一千条。", "二是加强平台建设和管理工作其他内容一二三四五六七八"]


@needs_soffice
def test_a_conversion_past_its_time_limit_is_stopped(rendered, monkeypatch):
    from extract import doc, limits

    def not_native(data):
        raise doc.NotNative("as a DOC the native reader cannot read")

    monkeypatch.setattr(doc, "read_doc", not_native)  # to LibreOffice, as a nested table would go
    monkeypatch.setattr(limits, "CONVERT_TIMEOUT", 0.2)
    files = rendered[DOC_SEEDS[0]][1]
    refused(files["doc"].read_bytes(), "took over", "DOC")


CHROMIUM = next((p for p in ("chromium", "chromium-browser", "google-chrome") if __import__("shutil").which(p)), None)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_pdf_printed_by_chromium_gives_every_cell(tmp_path):
    """A second PDF producer (Skia, CSS borders): synth's HTML pages printed to PDF."""
    import subprocess

    failures = {}
    for seed, template in SEEDS[:4]:
        expected = synth.generate(seed, "html", template)
        page = tmp_path / f"r{seed}_{template}.html"
        page.write_bytes(expected.document)
        pdf = tmp_path / f"r{seed}_{template}.pdf"
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()],
                       check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if p := problems(expected, pdf.read_bytes(), want_pages=True):
            failures[(seed, template)] = p
    assert not failures, _show(failures)
