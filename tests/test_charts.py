"""archive.charts: the agency history chart as SVG (well-formed, gaps not zeros) and PNG."""

import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from conftest import ROOT, SEEDS

from archive.charts import OUTCOMES, PNG_SCALE, history_png, history_svg, png_font, svg_size
from archive.export import KEY_FIGURES

NS = "{http://www.w3.org/2000/svg}"
FIGURES = {key: None for key in KEY_FIGURES}


def year(y: int, **figures) -> dict:
    """A history row as `history_rows` makes it: a report's row has report_id and every figure."""
    return {"agency": "某某市公安局", "year": y, "report_id": y, "title": f"{y}年度报告", "template": "2021",
            "version": 1, "failed_checks": ""} | FIGURES | figures


def blank(y: int) -> dict:
    return {"agency": "某某市公安局", "year": y} | FIGURES


FULL = dict(requests_received=55, granted=30, partially_granted=5, denied=3, unable_to_provide=10, not_processed=2,
            other_handling=1, review_total=4, review_corrected=1, litigation_direct_total=2,
            litigation_after_review_total=0)
ROWS = [
    year(2019, **FULL),
    year(2020, **(FULL | {"requests_received": 60, "denied": None})),  # denied not printed
    blank(2021),                                                        # no report at all
    year(2022, **{k: 0 for k in FULL}),                                 # every figure printed as 0
    year(2023),                                                         # a report without figures
    year(2024, **FULL),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def with_class(root: ET.Element, cls: str, tag: str | None = None) -> list[ET.Element]:
    return [e for e in root.iter(f"{NS}{tag}" if tag else None) if cls in e.get("class", "").split()]


def test_svg_is_well_formed_and_titled():
    root = parse(history_svg(ROWS, "某某市公安局"))
    assert root.tag == f"{NS}svg"
    assert root.find(f"{NS}title").text == "某某市公安局 政府信息公开年度报告 2019–2024"
    width, height = svg_size(history_svg(ROWS, "某某市公安局"))
    assert (root.get("width"), root.get("height")) == (str(width), str(height)) and width > 600 and height > 400
    assert "Noto Sans CJK SC" in root.get("font-family")
    assert not list(root.iter(f"{NS}script")) and "http" not in history_svg(ROWS, "x").replace(
        "http://www.w3.org/2000/svg", "")


def test_one_point_per_year_with_a_received_figure():
    root = parse(history_svg(ROWS, "x"))
    points = with_class(root, "received", "circle")
    assert [(p.get("data-year"), p.get("data-value")) for p in points] == [
        ("2019", "55"), ("2020", "60"), ("2022", "0"), ("2024", "55")]


def test_one_bar_per_printed_outcome_and_none_for_an_unprinted_one():
    root = parse(history_svg(ROWS, "x"))
    for y in ("2019", "2024"):
        bars = [e for e in with_class(root, "outcome", "rect") if e.get("data-year") == y]
        assert [b.get("class").split()[-1] for b in bars] == [key for key, *_ in OUTCOMES]
    bars_2020 = [e.get("class").split()[-1] for e in with_class(root, "outcome", "rect") if e.get("data-year") == "2020"]
    assert "denied" not in bars_2020 and len(bars_2020) == len(OUTCOMES) - 1


def test_a_year_without_a_report_is_a_visible_gap_not_a_zero():
    root = parse(history_svg(ROWS, "x"))
    gaps = with_class(root, "gap", "g")
    assert [g.get("data-year") for g in gaps] == ["2021", "2021"]  # requests panel, review panel
    assert all(g.find(f"{NS}rect").get("fill") == "url(#nianbao-gap)" and float(g.find(f"{NS}rect").get("height")) > 50
               for g in gaps)
    assert "无报告" in "".join(gaps[0].itertext())
    marks_2021 = [e for e in root.iter() if e.get("data-year") == "2021" and e not in gaps]
    assert marks_2021 == []
    # the received line breaks at the gap: 2019–2020 joined, 2022 and 2024 alone
    lines = with_class(root, "received", "polyline")
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2


def test_printed_zeros_are_drawn_on_the_axis_and_missing_figures_are_not():
    root = parse(history_svg(ROWS, "x"))
    zero = [e for e in with_class(root, "zero", "rect") if e.get("data-year") == "2022"]
    assert len(zero) == 1
    nothing = [e for e in root.iter() if e.get("data-year") == "2023" and e.tag in (f"{NS}rect", f"{NS}circle")]
    assert nothing == []
    assert "无数据" in "".join(t for g in root.iter(f"{NS}g") if g.get("data-year") == "2023" for t in g.itertext())


def test_review_bars_mark_the_corrected_part():
    root = parse(history_svg(ROWS, "x"))
    review = {e.get("class").split()[-1]: float(e.get("height")) for e in root.iter(f"{NS}rect")
              if e.get("data-year") == "2019" and e.get("class", "").startswith("bar review")}
    # 4 reviews, 1 corrected: the corrected part is a third of the rest
    assert set(review) == {"review_total", "review_corrected"}
    assert review["review_total"] == pytest.approx(3 * review["review_corrected"], rel=0.02)


def test_pre_2019_totals_stand_in_for_received_and_reviews():
    rows = [year(2017, legacy_requests_total=40, legacy_review_total=2, legacy_litigation_total=1, template="pre2019")]
    root = parse(history_svg(rows, "x"))
    assert [p.get("data-value") for p in with_class(root, "received", "circle")] == ["40"]
    assert [e.get("data-value") for e in with_class(root, "legacy_litigation_total", "rect")] == ["1"]


def test_text_is_escaped():
    root = parse(history_svg([year(2020, **FULL)], 'A&B <script>"'))
    assert root.find(f"{NS}title").text.startswith('A&B <script>"')
    assert not list(root.iter(f"{NS}script"))


def test_png_has_the_signature_and_the_svg_size_times_the_scale():
    png = history_png(ROWS, "某某市公安局")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    svg_w, svg_h = svg_size(history_svg(ROWS, "某某市公安局"))
    assert (width, height) == (svg_w * PNG_SCALE, svg_h * PNG_SCALE)
    assert len(png) > 20_000


def test_png_draws_the_chart_colours():
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(history_png(ROWS, "x"))).convert("RGB")
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20)}
    granted = tuple(int(OUTCOMES[0][3][i:i + 2], 16) for i in (1, 3, 5))
    assert granted in colours and len(colours) > 50


def test_a_cjk_font_is_installed_for_png_text():
    # Debian: apt-get install fonts-noto-cjk (or fonts-wqy-microhei); without one the PNG's
    # Chinese is drawn as empty boxes.
    assert png_font(), "no CJK font: install fonts-noto-cjk"


def test_cli_exports_the_chart_as_svg_and_png(tmp_path):
    nianbao = [sys.executable, "-c", "from nianbao_cli import main; main()"]
    db = tmp_path / "a.db"
    subprocess.run([*nianbao, "ingest", str(SEEDS / "000_760391771cb97ddd.txt"), "--db", str(db)], cwd=ROOT,
                   check=True, capture_output=True)
    for fmt in ("svg", "png"):
        out = tmp_path / f"tx.{fmt}"
        result = subprocess.run([*nianbao, "export", "history", "--agency", "桐乡市公安局", "--format", fmt,
                                 "--out", str(out), "--db", str(db)], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    root = parse((tmp_path / "tx.svg").read_text(encoding="utf-8"))
    assert [(p.get("data-year"), p.get("data-value")) for p in with_class(root, "received", "circle")] == [("2023", "23")]
    assert (tmp_path / "tx.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
