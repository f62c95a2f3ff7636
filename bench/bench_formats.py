"""Seconds per document for the binary formats, and the PDF library comparison.

    .venv/bin/python bench/bench_formats.py [--n 10] [--repeat 3]

Synthetic reports (tests/render_docx.py) are rendered as DOCX and converted by LibreOffice
to PDF and DOC (not timed). Then, in the same run:

- ``pdf (nianbao)``: extract_reports on the PDF (pypdfium2 glyphs and ruling lines,
  pagelayout.py grids), the whole pipeline to cells and checks;
- ``pdf (pdfplumber plain)``: pdfplumber opening the PDF and running extract_tables and
  extract_text on every page, nothing else (the usual way to read PDF tables);
- ``pdf (pdfplumber → nianbao)``: pdfplumber's tables (merged cells dropped as covered)
  and its text lines outside them fed to the same rows → cells pipeline, to compare
  correctness: documents whose every cell comes back, and cells right;
- ``docx`` and ``doc`` (LibreOffice conversion included) through extract_reports.
"""

import argparse
import io
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import render_docx  # noqa: E402

from extract import extract_reports  # noqa: E402
from extract.formats import Document  # noqa: E402
from extract.layout import Row  # noqa: E402
from extract.report import _reports_of  # noqa: E402


def right_cells(expected, report) -> int:
    good = 0
    for key, want in expected.cells.items():
        cell = report.cells.get(key)
        got = None if cell is None else cell.value
        if cell is not None and ((want is None and got is None) or (
                want is not None and got is not None and math.isclose(float(got), want, abs_tol=1e-9))):
            good += 1
    return good


def pdfplumber_plain(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.extract_text()


def pdfplumber_reports(data: bytes):
    import pdfplumber

    rows: list[Row] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            tables = page.find_tables()
            items = []
            for table in tables:
                for cells in table.extract():
                    printed = [(c or "").replace("\n", "") for c in cells if c is not None]
                    items.append((table.bbox[1], Row(printed, table=True, page=number, exact=True)))
            boxes = [t.bbox for t in tables]

            def outside(obj, boxes=boxes):
                x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            for line in page.filter(outside).extract_text_lines():
                items.append((line["top"], Row([line["text"]], page=number)))
            rows += [row for _, row in sorted(items, key=lambda item: item[0])]
    return _reports_of(Document(rows, "pdf")).reports


def timed(fn, data, repeat):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(data)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10, help="reports per template")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per document (the best is kept)")
    parser.add_argument("--filler", type=int, default=14, help="extra paragraphs in every other report (longer PDFs)")
    parser.add_argument("--doc", type=int, default=3, help="DOC documents (each starts LibreOffice)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        expected, paths = {}, []
        for seed in range(args.n):
            for template in ("2021", "2019"):
                report = render_docx.docx_report(seed, template, filler=args.filler if seed % 2 else 0)
                path = tmp / f"r{seed}_{template}.docx"
                path.write_bytes(report.document)
                expected[path.stem] = report
                paths.append(path)
        pdfs = render_docx.convert(paths, "pdf", tmp / "pdf")
        docs = render_docx.convert(paths[: args.doc], "doc:MS Word 97", tmp / "doc")
        import pypdfium2 as pdfium

        pages = {p.stem: len(pdfium.PdfDocument(p.read_bytes())) for p in pdfs}
        extract_reports(pdfs[0].read_bytes())  # warm imports
        pdfplumber_plain(pdfs[0].read_bytes())
        lines = []
        for name, fn in (("pdf (nianbao)", extract_reports), ("pdf (pdfplumber plain)", pdfplumber_plain),
                         ("pdf (pdfplumber → nianbao)", pdfplumber_reports)):
            times, per_page, whole, cells, total = [], [], 0, 0, 0
            six = []
            for pdf in pdfs:
                seconds, result = timed(fn, pdf.read_bytes(), args.repeat)
                times.append(seconds)
                per_page.append(seconds / pages[pdf.stem])
                if pages[pdf.stem] == 6:
                    six.append(seconds)
                if result:
                    good = right_cells(expected[pdf.stem], result[0])
                    cells += good
                    total += len(expected[pdf.stem].cells)
                    whole += good == len(expected[pdf.stem].cells)
            line = (f"{name:28s} {statistics.mean(times):6.3f} s/doc (median {statistics.median(times):.3f}, "
                    f"max {max(times):.3f}), {statistics.mean(per_page) * 1000:5.1f} ms/page, "
                    + (f"6-page docs {statistics.mean(six):.3f} s (max {max(six):.3f})" if six else "no 6-page doc"))
            if total:
                line += f"; all cells right in {whole}/{len(pdfs)} docs, cells right {cells}/{total}"
            lines.append(line)
        for name, files in (("docx", paths), ("doc (native reader)", docs)):
            times, whole = [], 0
            for path in files:
                seconds, result = timed(extract_reports, path.read_bytes(), 1 if path.suffix == ".doc" else args.repeat)
                times.append(seconds)
                whole += right_cells(expected[path.stem], result[0]) == len(expected[path.stem].cells)
            lines.append(f"{name:28s} {statistics.mean(times):6.3f} s/doc (median {statistics.median(times):.3f}, "
                         f"max {max(times):.3f}); all cells right in {whole}/{len(files)} docs")
        print(f"{len(pdfs)} PDFs of {min(pages.values())}-{max(pages.values())} pages "
              f"(mean {statistics.mean(pages.values()):.1f}), best of {args.repeat} runs each")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
