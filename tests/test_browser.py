"""The agency history page in a real browser: headless Chromium renders the chart offline.

Needs Debian's `chromium` (apt-get install -y chromium) and a CJK font (fonts-noto-cjk);
a missing browser fails the test rather than skipping it. The screenshot is kept in
test-artifacts/agency-history.png.
"""

import re
import shutil
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
from conftest import ROOT
from PIL import Image
from test_serve import TONGXIANG, build_archive, running_server

from archive.charts import OUTCOMES, RECEIVED

ARTIFACTS = ROOT / "test-artifacts"
NS = "{http://www.w3.org/2000/svg}"
WIDTH, HEIGHT = 1200, 1600


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("headless Chromium is needed for this test: apt-get install -y chromium")
    return found


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def test_agency_history_page_renders_its_chart_in_headless_chromium(tmp_path):
    browser = chromium()
    archive = build_archive(tmp_path / "nianbao.db")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "agency-history.png"
    shot.unlink(missing_ok=True)
    with running_server(archive) as (base, _):
        url = f"{base}/-/nianbao/agency/{urllib.parse.quote(TONGXIANG, safe='')}"
        result = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--dump-dom",
             f"--window-size={WIDTH},{HEIGHT}", url],
            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]

    # The DOM Chromium built holds the chart: 2021 and 2023 with 23 requests, 2022 a gap.
    dom = result.stdout
    match = re.search(r'<svg[^>]*class="nianbao-history".*?</svg>', dom, re.S)
    assert match, dom[:2000]
    svg = ET.fromstring(match[0])
    points = [e for e in svg.iter(f"{NS}circle") if "received" in e.get("class", "")]
    assert [(p.get("data-year"), p.get("data-value")) for p in points] == [("2021", "23"), ("2023", "23")]
    assert {g.get("data-year") for g in svg.iter(f"{NS}g") if "gap" in g.get("class", "")} == {"2022"}
    assert TONGXIANG in dom and "<script src=" not in dom  # nothing loaded from elsewhere

    # The screenshot is a real rendering: full size, many colours, the chart's own colours.
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000
    image = Image.open(BytesIO(data)).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    colours = {c for _, c in image.getcolors(maxcolors=1 << 22)}
    assert len(colours) > 100
    for colour in (OUTCOMES[0][3], OUTCOMES[4][3], RECEIVED[3]):  # granted, not processed, received
        assert any(max(abs(a - b) for a, b in zip(c, rgb(colour), strict=True)) <= 3 for c in colours), colour
