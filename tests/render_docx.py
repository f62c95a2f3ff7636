"""Synthetic reports (tests/synth.py) rendered as Word documents, and converted with LibreOffice.

``docx_report(seed, template)`` draws a report exactly as ``synth.generate`` does (same
helpers, its own random stream ``f"{seed}:docx:{template}"``) and renders it with
python-docx as an agency would type it in Word: a centred title, headings, paragraphs, the
three tables with their real merged cells (gridSpan / vMerge), header labels wrapped inside
their cell, numbers in narrow columns (they wrap when long), sometimes split into two runs
or typed full width, sometimes repeated header rows and a page-number footer, sometimes a
running header. The returned SynthReport holds the DOCX bytes and the expected cells.

``convert(paths, fmt, outdir)`` converts many files in one LibreOffice call (it is slow to
start): DOCX → PDF for the text-PDF round trip, DOCX → DOC for the Word 97 path.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import synth
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONTS = ("宋体", "仿宋_GB2312", "仿宋", "微软雅黑")
PAGE_FIELDS = ("- {PAGE} -", "第 {PAGE} 页 共 {NUMPAGES} 页", "{PAGE}", "— {PAGE} —")


def draw(seed: int, template: str):
    """(expected report without its document, content, style, rng) drawn like synth.generate."""
    rng = random.Random(f"{seed}:docx:{template}")
    template = template or rng.choice(synth.TEMPLATES)
    year, agency, style = rng.choice(synth.YEARS[template]), synth.agency_name(rng), synth.make_style(rng)
    mode = synth.blank_mode(rng, "docx")
    volume = 0 if mode == "applicants_blank" else rng.choices(*zip(*synth.VOLUMES, strict=True))[0]
    req = synth.make_requests(rng, template, volume)
    cells = {**synth.proactive_values(rng, template, agency, style),
             **synth.request_cells(rng, req, mode), **synth.review_cells(synth.make_review(rng))}
    title, title_lines = synth.make_title(rng, agency, year, "docx")
    content = synth.build_content(rng, template, year, agency, title, title_lines, cells, req, style)
    report = synth.SynthReport(seed, "docx", template, year, agency, title, b"",
                               {k: v for k, (_, v) in cells.items()}, {k: r for k, (r, _) in cells.items()}, mode)
    return report, content, style, rng


FILLER = ("一是强化组织保障，主要负责同志定期听取政务公开工作汇报，研究解决工作中的重点难点问题，"
          "分管负责同志具体抓，办公室统筹协调，各科室明确专人负责信息的采集、审核和发布。")


def docx_report(seed: int, template: str, filler: int = 0) -> synth.SynthReport:
    """One report as a DOCX, drawn like synth.generate draws a text layout; ``filler``
    more paragraphs of prose in section 一 make a longer document (for benchmarks)."""
    report, content, style, rng = draw(seed, template)
    if filler:
        content.blocks[1:1] = [("para", FILLER)] * filler
    report.document = render(rng, content, style)
    return report


def content_of(seed: int, template: str) -> synth.Content:
    return draw(seed, template)[1]


def render(rng: random.Random, content: synth.Content, style: synth.Style) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(rng.choice((2.2, 2.6, 2.8)))
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
    font = rng.choice(FONTS)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(rng.choice((12, 14, 16)))
    normal.font.name = "Times New Roman"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if rng.random() < 0.7:
        _page_number(section.footer.paragraphs[0], rng.choice(PAGE_FIELDS))
    if rng.random() < 0.25:
        header = section.header.paragraphs[0]
        header.text = f"{content.agency}政府信息公开"
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for line in content.title_lines:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(line)
        run.bold = True
        run.font.size = Pt(20)
    repeat_header = rng.random() < 0.5
    table_size = Pt(rng.choice((10.5, 10.5, 12, 14)))
    for kind, item in content.blocks:
        if kind == "table":
            _table(doc, rng, item, style, repeat_header, table_size)
        elif kind == "heading":
            p = doc.add_paragraph()
            p.add_run(item).bold = rng.random() < 0.7
        else:
            p = doc.add_paragraph(item)
            p.paragraph_format.first_line_indent = Pt(28)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page_number(paragraph, form: str) -> None:
    """A footer like "- 3 -" or "第 3 页 共 6 页" built from PAGE / NUMPAGES fields."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, part in enumerate(form.replace("}", "{").split("{")):
        if i % 2 == 0:
            if part:
                paragraph.add_run(part)
            continue
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), part)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)


def _table(doc, rng: random.Random, table: synth.Table, style: synth.Style, repeat_header: bool, size) -> None:
    layout = synth.grid(table)
    width = len(layout[0])
    t = doc.add_table(rows=len(table), cols=width)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    label_cols = _label_columns(table, layout)
    usable = 16.0
    narrow = min(rng.choice((1.1, 1.3, 1.5)), usable / width)
    room = usable - narrow * (width - label_cols)
    first = min(1.6, room / max(1, label_cols))
    last = max(1.5, room - first * (label_cols - 1))
    t.autofit = False
    for c, (column, grid_col) in enumerate(zip(t.columns, t._tbl.tblGrid.gridCol_lst, strict=True)):
        w = Cm(narrow if c >= label_cols else last if c == label_cols - 1 else first)
        grid_col.w = w
        for cell in column.cells:
            cell.width = w
    head_rows = _header_rows(table)
    for r, row in enumerate(layout):
        if repeat_header and r < head_rows:
            tr_pr = t.rows[r]._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:tblHeader"))
        for c, (kind, cell) in enumerate(row):
            if kind != "cell":
                continue
            target = t.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(t.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            _cell_text(rng, target, cell, style)
            for paragraph in target.paragraphs:
                for run in paragraph.runs:
                    run.font.size = size


def _label_columns(table: synth.Table, layout) -> int:
    """Columns before the first value column of the last row (labels are wide, numbers narrow)."""
    last = layout[-1]
    for c, (_kind, cell) in enumerate(last):
        if not cell.head:
            return c
    return 0


def _header_rows(table: synth.Table) -> int:
    for r, row in enumerate(table):
        if any(not c.head for c in row):
            return r
    return 0


FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _cell_text(rng: random.Random, target, cell: synth.Cell, style: synth.Style) -> None:
    p = target.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text = cell.text
    if cell.head:
        lines = text.split("\n")
        as_paragraphs = rng.random() < 0.5
        for i, line in enumerate(lines):
            if i and as_paragraphs:
                p = target.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif i:
                p.runs[-1].add_break()
            p.add_run(line)
        return
    if not text:
        if rng.random() < 0.2:
            p.add_run(" ")
        return
    if style.fullwidth_digits:
        text = text.translate(FULLWIDTH)
    if style.digit_runs and len(text) > 1:  # Word splits a number into runs
        cut = rng.randint(1, len(text) - 1)
        p.add_run(text[:cut])
        p.add_run(text[cut:])
    else:
        p.add_run(text)


# --- LibreOffice -----------------------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(paths: list[Path], fmt: str, outdir: Path, timeout: float = 600) -> list[Path]:
    """Convert files in one soffice call; returns the output paths (in input order)."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-test-") as profile:
        subprocess.run(
            [binary, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation=file://{profile}",
             "--convert-to", fmt, "--outdir", str(outdir), *map(str, paths)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout,
            env={**os.environ, "HOME": profile},
        )
    ext = fmt.split(":")[0]
    return [outdir / f"{p.stem}.{ext}" for p in paths]
