"""`nianbao serve`: Datasette on a real archive, in process and as a real server over HTTP."""

import asyncio
import hashlib
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

from archive.db import open_db
from archive.ingest import expand, ingest_files
from archive.serve import database_name, make_datasette
from archive.store import Fetched, Run

TONGXIANG = "桐乡市公安局"
HTML_FIXTURE = ROOT / "tests" / "fixtures" / "html" / "arith_error_2021_yongqiao_zfb.html"
SVG_NS = "{http://www.w3.org/2000/svg}"


def build_archive(path: Path) -> Path:
    """The seeds and the HTML fixtures, plus 桐乡市公安局's report republished as 2021 (so
    its history is 2021, a blank 2022, 2023)."""
    db = open_db(path)
    ingest_files(db, expand([SEEDS, ROOT / "tests" / "fixtures" / "html"]))
    text = (SEEDS / "000_760391771cb97ddd.txt").read_text(encoding="utf-8")
    run = Run(db, "test")
    run.record(Fetched("https://www.tx.gov.cn/art/2022/1/20/art_1_2021.html", text.replace("2023", "2021").encode()))
    run.finish("done")
    db.conn.close()
    return path


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return build_archive(tmp_path_factory.mktemp("serve") / "nianbao.db")


@pytest.fixture
def ds(archive):
    return make_datasette(archive)


def get(ds, path: str):
    async def fetch():
        return await ds.client.get(path)

    return asyncio.run(fetch())


def q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def agency_url(name: str) -> str:
    return f"/-/nianbao/agency/{q(name)}"


def chart_of(html: str) -> ET.Element:
    match = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="nianbao-history".*?</svg>', html, re.S)
    assert match, "no history chart in the page"
    return ET.fromstring(match[0])


def marks(svg: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in svg.iter(f"{SVG_NS}{tag}") if cls in e.get("class", "").split()]


def query_rows(ds, query: str, **params) -> list[dict]:
    response = get(ds, f"/nianbao/{query}.json?_shape=array&" + urllib.parse.urlencode(params))
    assert response.status_code == 200, response.text
    return response.json()


# --- in process --------------------------------------------------------------------------


def test_database_is_named_after_the_file_and_served_read_only(ds, archive):
    assert database_name(archive) == "nianbao" and "nianbao" in ds.databases

    async def write():
        await ds.invoke_startup()
        await ds.get_database("nianbao").execute("insert into agencies (name) values ('x')")

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        asyncio.run(write())


def test_agency_page_shows_tongxiang_2023_with_23_requests_in_chart_and_table(ds):
    response = get(ds, agency_url(TONGXIANG))
    assert response.status_code == 200
    html = response.text
    svg = chart_of(html)
    received = {e.get("data-year"): e.get("data-value") for e in marks(svg, "circle", "received")}
    assert received == {"2021": "23", "2023": "23"}
    assert [g.get("data-year") for g in marks(svg, "g", "gap")] == ["2022", "2022"]  # both panels
    assert not [e for e in svg.iter() if e.get("data-year") == "2022" and "gap" not in e.get("class", "")]
    row = re.search(r'<tr data-figure="requests_received">.*?</tr>', html, re.S)[0]
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["23", "23"]
    assert 'class="no-report" rowspan=' in html and 'data-year="2022">无报告' in html
    assert "<script" not in html.split('class="nianbao-chart"')[1].split("</svg>")[0]


def test_agency_page_links_reports_sources_and_originals(ds, archive):
    html = get(ds, agency_url(TONGXIANG)).text
    sha = hashlib.sha256((SEEDS / "000_760391771cb97ddd.txt").read_bytes()).hexdigest()
    assert f'href="/-/nianbao/original/{sha}"' in html
    assert 'href="https://www.tx.gov.cn/art/2022/1/20/art_1_2021.html" rel="nofollow noopener noreferrer"' in html
    assert re.search(r'href="/nianbao/reports/\d+"', html)
    assert f'href="/nianbao/agency_history.csv?agency={q(TONGXIANG)}' in html


def test_agency_chart_alone_as_svg_and_png(ds):
    svg = get(ds, agency_url(TONGXIANG) + ".svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert ET.fromstring(svg.text).tag == f"{SVG_NS}svg"
    png = get(ds, agency_url(TONGXIANG) + ".png")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_unknown_agency_is_a_404_with_suggestions(ds):
    response = get(ds, agency_url("桐乡市"))
    assert response.status_code == 404
    assert TONGXIANG in response.text  # "did you mean"


def test_agency_without_a_dated_report_still_lists_its_reports(ds):
    response = get(ds, agency_url("广东省公安厅"))
    assert response.status_code == 200
    assert "no report with a known year" in response.text and 'class="nianbao-history"' not in response.text
    assert "/-/nianbao/original/" in response.text


def test_agency_names_are_escaped_everywhere(tmp_path):
    db = open_db(tmp_path / "evil.db")
    evil = '<script>alert(1)</script>"局'
    # --agency names the publisher of a document that does not name itself.
    anonymous = tmp_path / "report.txt"
    anonymous.write_text((SEEDS / "000_760391771cb97ddd.txt").read_text(encoding="utf-8")
                         .replace("桐乡市公安局2023年度", "2023年度", 1), encoding="utf-8")
    ingest_files(db, [anonymous], agency=evil)
    name = db.execute("select agency from reports").fetchone()[0]
    db.conn.close()
    ds_ = make_datasette(tmp_path / "evil.db")
    for path in (agency_url(name), "/evil/reports", "/evil/agencies", agency_url(name) + ".svg"):
        response = get(ds_, path)
        assert response.status_code == 200, path
        assert "<script>alert(1)" not in response.text, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in get(ds_, agency_url(name)).text


def test_search_finds_a_long_phrase_through_the_trigram_index(ds, archive):
    rows = query_rows(ds, "search_sections", q="依申请公开")
    assert rows and all("依申请公开" in r["excerpt"] for r in rows)
    conn = sqlite3.connect(archive)
    expected = conn.execute("select count(*) from sections join reports on reports.id = sections.report_id "
                            "where reports.status = 'current' and text like '%依申请公开%'").fetchone()[0]
    assert len(rows) == expected


def test_search_finds_two_character_words_that_trigrams_cannot(ds, archive):
    rows = query_rows(ds, "search_sections", q="复议")
    conn = sqlite3.connect(archive)
    assert conn.execute("select count(*) from sections_fts where sections_fts match '复议'").fetchone()[0] == 0
    assert len(rows) > 5 and all("复议" in r["excerpt"] for r in rows)
    assert {r["section"] for r in rows} >= {"review_litigation"}


def test_search_treats_wildcards_and_quotes_as_text(ds, archive):
    conn = sqlite3.connect(archive)
    for wildcard in ("%", "_", "%%"):
        rows = query_rows(ds, "search_sections", q=wildcard)
        literal = conn.execute("select count(*) from sections join reports on reports.id = sections.report_id "
                               "where reports.status = 'current' and instr(text, ?) > 0", [wildcard]).fetchone()[0]
        assert len(rows) == literal < 60, wildcard
    assert query_rows(ds, "search_sections", q='"依申请') == []
    assert query_rows(ds, "search_sections", q="") == []


def test_original_html_is_served_as_text_never_rendered(ds):
    data = HTML_FIXTURE.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    response = get(ds, f"/-/nianbao/original/{sha}")
    assert response.status_code == 200
    assert response.content == data  # byte for byte
    content_type = response.headers["content-type"]
    assert content_type.startswith("text/plain") and "html" not in content_type
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    download = get(ds, f"/-/nianbao/original/{sha}?download=1")
    assert download.headers["content-disposition"].startswith("attachment")
    assert get(ds, "/-/nianbao/original/" + "0" * 64).status_code == 404


def test_gbk_original_keeps_its_bytes_and_says_its_charset(ds):
    data = (ROOT / "tests" / "fixtures" / "html" / "gbk_2019_huyi_zjj.html").read_bytes()
    response = get(ds, f"/-/nianbao/original/{hashlib.sha256(data).hexdigest()}")
    assert response.content == data
    assert response.headers["content-type"] == "text/plain; charset=gb18030"


def test_facets_from_metadata(ds):
    reports = get(ds, "/nianbao/reports.json").json()
    assert {"agency", "year", "template", "status"} <= set(reports["facet_results"])
    years = {f["value"]: f["count"] for f in reports["facet_results"]["year"]["results"]}
    assert years[2023] == 5 and years[2021] == 5  # 4 + 桐乡市公安局's 2021
    checks = get(ds, "/nianbao/checks.json").json()
    assert {"check_id", "status"} <= set(checks["facet_results"])
    statuses = {f["value"] for f in checks["facet_results"]["status"]["results"]}
    assert {"pass", "fail"} <= statuses


def test_canned_queries_exist_and_answer(ds):
    queries = {q_["name"] for q_ in get(ds, "/nianbao.json").json()["queries"]}
    assert {"agency_history", "reports_failing_checks", "cells_by_key", "search_sections"} <= queries
    failing = query_rows(ds, "reports_failing_checks")
    assert {r["agency"] for r in failing} >= {"宿州市埇桥区人民政府办公室", TONGXIANG}
    assert all(r["failing"] >= 1 and r["details"] for r in failing)
    by_key = query_rows(ds, "cells_by_key", key="requests.new_received.total")
    assert {(r["agency"], r["year"]): r["value"] for r in by_key}[(TONGXIANG, 2023)] == 23


def test_agency_history_query_matches_the_history_export(ds, archive):
    from archive.export import KEY_FIGURES, history_rows

    rows = query_rows(ds, "agency_history", agency=TONGXIANG)
    expected = history_rows(open_db(archive), TONGXIANG)
    assert [r["year"] for r in rows] == [2021, 2022, 2023]
    for got, want in zip(rows, expected, strict=True):
        assert got["report_id"] == want.get("report_id")
        assert {k: got[k] for k in KEY_FIGURES} == {k: want[k] for k in KEY_FIGURES}
    assert rows[1]["requests_received"] is None  # the blank year is empty, not zero


def test_labels_and_notes_in_two_languages(ds):
    html = get(ds, "/nianbao/cells").text
    assert "单元格键 / cell key" in html
    meta = get(ds, "/-/metadata.json").json()
    assert meta["license"] and meta["source"]
    assert meta["databases"]["nianbao"]["tables"]["reports"]["columns"]["agency"].startswith("机关 / agency")


def test_report_rows_link_to_agency_page_source_and_original(ds):
    html = get(ds, "/nianbao/reports?agency=" + q(TONGXIANG)).text
    assert f'href="{agency_url(TONGXIANG)}"' in html
    assert re.search(r'href="/-/nianbao/original/[0-9a-f]{64}"', html)
    assert 'href="https://www.tx.gov.cn/art/2022/1/20/art_1_2021.html"' in html
    agencies = get(ds, "/nianbao/agencies").text
    assert f'href="{agency_url(TONGXIANG)}"' in agencies
    row = get(ds, "/nianbao/reports/1").text
    assert f'href="{agency_url(TONGXIANG)}"' in row and re.search(r'href="/-/nianbao/original/[0-9a-f]{64}"', row)
    documents = get(ds, "/nianbao/documents?format=html").text
    assert len(re.findall(r'href="/-/nianbao/original/[0-9a-f]{64}"', documents)) == 12
    cells = get(ds, "/nianbao/cells?report_id=1&key=requests.new_received.total").text
    assert 'href="/nianbao/cells_by_key?key=requests.new_received.total"' in cells


# --- the real server ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nianbao_command() -> list[str]:
    script = Path(sys.executable).parent / "nianbao"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from nianbao_cli import main; main()"]


@contextmanager
def running_server(db_path: Path):
    """`nianbao serve` as a subprocess on 127.0.0.1; yields (base URL, seconds until it answered)."""
    port = free_port()
    started = time.monotonic()
    proc = subprocess.Popen([*nianbao_command(), "serve", "--db", str(db_path), "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"nianbao serve exited {proc.returncode}: {proc.stderr.read().decode()}")
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() - started > 20:
                    pytest.fail("nianbao serve did not answer within 20 s")
                time.sleep(0.05)
        yield base, time.monotonic() - started
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def fetch(url: str):
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
        return response.status, response.headers, body, time.monotonic() - started


def test_nianbao_serve_over_http(archive):
    before = hashlib.sha256(archive.read_bytes()).hexdigest()
    with running_server(archive) as (base, startup):
        status, _, body, _ = fetch(base + "/")
        assert status == 200 and "nianbao 年报" in body.decode()
        status, headers, body, took = fetch(base + agency_url(TONGXIANG))
        page = body.decode()
        assert status == 200 and headers["content-type"].startswith("text/html")
        received = marks(chart_of(page), "circle", "received")
        assert [(e.get("data-year"), e.get("data-value")) for e in received] == [("2021", "23"), ("2023", "23")]
        status, headers, body, _ = fetch(base + "/nianbao/search_sections.json?_shape=array&q=" + q("复议"))
        assert status == 200 and all("复议" in r["excerpt"] for r in json.loads(body))
        sha = hashlib.sha256(HTML_FIXTURE.read_bytes()).hexdigest()
        status, headers, body, _ = fetch(f"{base}/-/nianbao/original/{sha}")
        assert headers["Content-Type"].startswith("text/plain") and "sandbox" in headers["Content-Security-Policy"]
        assert body == HTML_FIXTURE.read_bytes()
        with pytest.raises(urllib.error.HTTPError) as missing:
            fetch(base + agency_url("不存在的机关"))
        assert missing.value.code == 404
    print(f"\nserver answered after {startup:.2f} s; agency page {took * 1000:.0f} ms")
    assert startup < 15 and took < 5
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == before  # read-only


def test_nianbao_serve_refuses_a_file_that_is_not_an_archive(tmp_path):
    bogus = tmp_path / "notes.db"
    sqlite3.connect(bogus).execute("create table notes (text)").connection.commit()
    result = subprocess.run([*nianbao_command(), "serve", "--db", str(bogus), "--port", str(free_port())],
                            capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert result.returncode == 1 and "not a nianbao archive" in result.stderr
    missing = subprocess.run([*nianbao_command(), "serve", "--db", str(tmp_path / "none.db")],
                             capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert missing.returncode == 1 and "no archive at" in missing.stderr
    assert not (tmp_path / "none.db").exists()
