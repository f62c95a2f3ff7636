"""Reports as Word documents (python-docx), and PDF / Word 97 copies made by LibreOffice.

A DOCX is written the way an agency types its report in Word: a centred title, bold
headings, indented paragraphs and the three tables with their real merged cells. PDF and
DOC are converted from the DOCX with ``soffice --headless --convert-to``, all files of one
format in one call (LibreOffice is slow to start), and cached by the DOCX's hash under the
temporary folder, so only the first start of a demo pays for it.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import zipfile
from datetime import datetime
from pathlib import Path

from . import synth
from .reports import DemoReport

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "nianbao-demo-cache"


def have_docx() -> bool:
    try:
        import docx  # noqa: F401
    except ImportError:
        return False
    return True


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_bytes(report: DemoReport) -> bytes:
    """The report as a DOCX; the same report gives the same bytes (fixed zip times)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)
    normal.font.name = "Times New Roman"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")
    stamp = datetime(report.published.year, report.published.month, report.published.day, 9, 0)
    doc.core_properties.created = doc.core_properties.modified = stamp
    doc.core_properties.author = report.agency
    doc.core_properties.title = report.title
    for line in report.title_lines or [report.title]:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(line)
        run.bold = True
        run.font.size = Pt(20)
    for kind, item in report.blocks:
        if kind == "table":
            _table(doc, item)
        elif kind == "heading":
            p = doc.add_paragraph()
            p.add_run(item).bold = True
        else:
            doc.add_paragraph(item).paragraph_format.first_line_indent = Pt(28)
    out = io.BytesIO()
    doc.save(out)
    return _fixed_zip_times(out.getvalue(), stamp)


def _table(doc, table: synth.Table) -> None:
    """A Word table with the report's merged cells, written as Word stores them (gridSpan on
    the first cell of a row span, vMerge restart/continue down a column span): python-docx's
    own cell()/merge() are quadratic in the table size."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt
    from docx.table import _Cell

    layout = synth.grid(table)
    width = len(layout[0])
    labels = next((c for c, (_, cell) in enumerate(layout[-1]) if not cell.head), 0)
    narrow = 1.4 if labels else 16 / width
    widths = [Cm((16 - narrow * (width - labels)) / labels if c < labels else narrow) for c in range(width)]
    out = doc.add_table(rows=len(layout), cols=width)
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    out.autofit = False
    for grid_col, w in zip(out._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = w
    for r, row in enumerate(layout):
        tr = out.rows[r]._tr
        for c, (tc, (where, cell)) in enumerate(zip(list(tr.tc_lst), row, strict=True)):
            if where in ("h", "vh"):  # covered by the gridSpan of the cell to the left
                tr.remove(tc)
                continue
            tc.width = sum(widths[c:c + cell.colspan], Cm(0))
            if cell.colspan > 1:
                tc.grid_span = cell.colspan
            if cell.rowspan > 1:
                tc.vMerge = "restart" if where == "cell" else "continue"
            if where != "cell":
                continue
            paragraph = _Cell(tc, out).paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for i, line in enumerate(cell.text.split("\n")):
                if i:
                    paragraph.runs[-1].add_break()
                paragraph.add_run(line).font.size = Pt(10.5)


def _fixed_zip_times(data: bytes, stamp: datetime) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


RENDERER_VERSION = "1"  # change with docx_bytes: cached files are keyed by it


def report_key(report: DemoReport) -> str:
    """What the Word file is made from; cached files are named by it."""
    made_of = repr((RENDERER_VERSION, report.agency, report.title, report.title_lines, report.published,
                    report.blocks))
    return hashlib.sha256(made_of.encode()).hexdigest()[:32]


def cached_docx(report: DemoReport, cache_dir: Path = DEFAULT_CACHE) -> tuple[str, bytes]:
    """(key, DOCX bytes) of a report, rendered once per content."""
    key = report_key(report)
    path = cache_dir / f"{key}.docx"
    if path.exists():
        return key, path.read_bytes()
    data = docx_bytes(report)
    _store(path, data)
    return key, data


def _store(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def convert(docs: dict[str, tuple[str, bytes]], fmt: str, cache_dir: Path = DEFAULT_CACHE) -> dict[str, bytes]:
    """name → (key, DOCX bytes) in, name → ``fmt`` (pdf | doc) bytes out; cached by key.

    One LibreOffice run converts every missing file. Its profile is kept in the cache folder
    (a fresh profile costs seconds) and guarded by a lock, so demo webs started side by side
    never share a running profile.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    keys = {name: key for name, (key, _) in docs.items()}

    def missing() -> list[str]:
        return sorted(name for name, key in keys.items() if not (cache_dir / f"{key}.{fmt}").exists())

    if missing():
        binary = soffice()
        if binary is None:
            raise RuntimeError("LibreOffice (soffice) is not installed: run scripts/setup")
        with open(cache_dir / f"libreoffice-{fmt}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if todo := missing():  # another process may have made them meanwhile
                _run_soffice(binary, {keys[name]: docs[name][1] for name in todo}, fmt, cache_dir)
                log.info("converted %d document(s) to %s with LibreOffice", len(todo), fmt)
    return {name: (cache_dir / f"{key}.{fmt}").read_bytes() for name, key in keys.items()}


def _run_soffice(binary: str, docs: dict[str, bytes], fmt: str, cache_dir: Path) -> None:
    profile = cache_dir / f"libreoffice-profile-{fmt}"
    with tempfile.TemporaryDirectory(prefix="nianbao-demo-lo-") as work:
        work_dir = Path(work)
        inputs = []
        for key, data in docs.items():
            path = work_dir / f"{key}.docx"
            path.write_bytes(data)
            inputs.append(path)
        done = subprocess.run(
            [binary, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation=file://{profile}",
             "--convert-to", fmt, "--outdir", str(work_dir / "out"), *map(str, inputs)],
            capture_output=True, timeout=600, env={**os.environ, "HOME": str(profile)})
        for path in inputs:
            made = work_dir / "out" / f"{path.stem}.{fmt}"
            if not made.exists():
                raise RuntimeError(f"LibreOffice did not convert {path.name} to {fmt} "
                                   f"(exit {done.returncode}): {done.stderr.decode(errors='replace')[-500:]}")
            _store(cache_dir / f"{path.stem}.{fmt}", made.read_bytes())
