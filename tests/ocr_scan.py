"""Generated reports as scans: print the report (tests/synth.py) with headless Chromium,
rasterise the pages, degrade them like a scanner would (slight rotation, noise, blur, JPEG
compression, grey paper), and pack the images into an image-only PDF or image files.

Used by tests/test_ocr.py and bench/bench_ocr.py. Chromium (Debian ``chromium``) prints;
pypdfium2 rasterises; Pillow and NumPy degrade.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import synth
from PIL import Image, ImageFilter

from extract.decode import decode_bytes

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")

PRINT_CSS = """
@page {{ size: A4; margin: 18mm 16mm; }}
body {{ font-family: {font}; font-size: {size}px; line-height: 1.6; color: #000; }}
h1 {{ font-size: {title}px; text-align: center; font-weight: bold; }}
p {{ margin: 0.3em 0; }}
table {{ border-collapse: collapse; width: 100%; margin: 0.6em 0; }}
table[border="1"] td, table[border="1"] th {{ border: {border}px solid #000; padding: {pad}px {hpad}px; text-align: {align};
          vertical-align: middle; font-weight: normal; }}
tr {{ page-break-inside: avoid; }}
"""


@dataclass
class Scan:
    """One generated report as scanned pages, with the cells it must yield."""

    report: synth.SynthReport
    pages: list[Image.Image]  # degraded grayscale page images
    dpi: int

    @property
    def expected(self) -> dict:
        return self.report.cells

    def pdf(self) -> bytes:
        """An image-only PDF (what a 扫描件 / 图片版 attachment is)."""
        out = io.BytesIO()
        first, *rest = [p.convert("L") for p in self.pages]
        first.save(out, "PDF", save_all=True, append_images=rest, resolution=float(self.dpi))
        return out.getvalue()

    def image(self, index: int = 0, fmt: str = "PNG") -> bytes:
        out = io.BytesIO()
        self.pages[index].save(out, fmt, **({"quality": 80} if fmt == "JPEG" else {}))
        return out.getvalue()

    def tiff(self) -> bytes:
        """All pages in one multi-page TIFF (as some scanners deliver)."""
        out = io.BytesIO()
        first, *rest = self.pages
        first.save(out, "TIFF", save_all=True, append_images=rest, compression="tiff_deflate")
        return out.getvalue()


def print_html(report: synth.SynthReport, rng: random.Random) -> str:
    """The report as a printed document: its title and body, without the CMS page around it."""
    page = report.document
    text = decode_bytes(page, report.content_type)[0] if isinstance(page, bytes) else page
    body = re.search(r'<div id="zoom"[^>]*>(.*?)</div>\s*</div>\s*<div class="share"', text, re.S)
    content = body.group(1) if body else text
    # old TRS pages wrap the article in a layout table: not printed as a box
    content = re.sub(r'^\s*<table width="100%" border="0"><tr><td class="bt_content">(.*)</td></tr></table>\s*$',
                     r"\1", content, flags=re.S)
    css = PRINT_CSS.format(
        font=rng.choice(('"Noto Serif CJK SC", serif', '"Noto Sans CJK SC", sans-serif')),
        size=rng.choice((14, 15, 16)),
        title=rng.choice((20, 22, 24)),
        border=rng.choice((1, 1, 2)),
        pad=rng.choice((1, 3, 5)),
        hpad=rng.choice((2, 4, 6)),
        align=rng.choice(("center", "center", "left")),
    )
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{css}</style></head><body>'
            f"<h1>{report.title}</h1>{content}</body></html>")


def print_pdf(html: str) -> bytes:
    if CHROMIUM is None:
        raise RuntimeError("chromium is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        src.write_text(html, encoding="utf-8")
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", src.as_uri()],
                       check=True, capture_output=True, timeout=120)
        return out.read_bytes()


def rasterise(pdf: bytes, dpi: int) -> list[Image.Image]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


def degrade(image: Image.Image, rng: random.Random, angle: float | None = None, poor: bool = False) -> Image.Image:
    """A scanner's page: grey paper, a slight rotation, blur, noise and JPEG artefacts; a poor
    scan (a fax, a photocopy of a copy) has more of each."""
    angle = rng.uniform(-2.5 if poor else -1.5, 2.5 if poor else 1.5) if angle is None else angle
    paper = rng.randint(205, 235) if poor else rng.randint(225, 250)
    img = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if poor or rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 1.2) if poor else rng.uniform(0.3, 0.8)))
    arr = np.asarray(img, dtype=np.float32)
    arr = arr * (paper / 255.0)  # grey paper, ink stays dark
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(10, 16) if poor else rng.uniform(3, 9),
                                                                arr.shape)
    arr = np.clip(arr + noise, 0, 255)
    specks = np.random.default_rng(rng.randint(0, 2**31)).random(arr.shape) < (0.002 if poor else 0.0004)
    arr[specks] = rng.randint(0, 90)
    img = Image.fromarray(arr.astype(np.uint8), "L")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=rng.randint(30, 45) if poor else rng.randint(55, 85))
    return Image.open(io.BytesIO(out.getvalue())).convert("L")


def scan(seed: int, template: str | None = None, dpi: int | None = None, angle: float | None = None,
         poor: bool = False) -> Scan:
    """Report ``seed`` of the html layout, printed, scanned and degraded (reproducible)."""
    report = synth.generate(seed, "html", template)
    rng = random.Random(f"scan:{seed}:{template}:{poor}")
    dpi = dpi or (rng.choice((120, 150)) if poor else rng.choice((150, 200, 200, 300)))
    pages = [degrade(p, rng, angle, poor) for p in rasterise(print_pdf(print_html(report, rng)), dpi)]
    return Scan(report, pages, dpi)
