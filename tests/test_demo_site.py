"""The offline demo web (crawler/demo/site.py) against real local servers, fetched with the
standard library: each CMS family pages its column as the real ones do, the HTTP behaviour a
polite crawler relies on, and every report extracts to exactly the cells expected() promises.
"""

import http.client
import json
import re
import subprocess
import sys
import time
import urllib.robotparser
from collections import Counter
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
import yaml
from conftest import ROOT
from lxml import html as lxml_html

from crawler.demo.agencies import AGENCIES
from crawler.demo.site import DemoWeb
from crawler.registry import parse_registry
from extract import ExtractionError, NotAReportError, extract_reports


def get(url: str, headers: dict | None = None, data: bytes | None = None, method: str | None = None):
    """(status, headers, body) without following redirects."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    conn.request(method or ("POST" if data is not None else "GET"), target, body=data, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def links(url: str, body: bytes, encoding: str = "utf-8") -> list[tuple[str, str]]:
    """(text, absolute URL) of the page's <a> links; a title attribute beats a truncated text."""
    tree = lxml_html.fromstring(body.decode(encoding))
    out = []
    for a in tree.iter("a"):
        if a.get("href"):
            out.append((a.get("title") or a.text_content().strip(), urljoin(url, a.get("href"))))
    return out


def text(body: bytes) -> str:
    """A page's text: UTF-8, or GB18030 on the old site."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("gb18030")


def agency(name: str):
    return next(a for a in AGENCIES if a.name == name)


def reports_of(web, name: str) -> list[dict]:
    return [e for e in web.expected() if e["agency"] == name]


# --- the demo web as a whole -----------------------------------------------------------------


def test_registry_lists_every_agency_and_loads_as_the_crawler_reads_it(web, tmp_path):
    registry = web.registry()
    agencies = parse_registry(registry)
    assert len(agencies) >= 8 and len({a.name for a in agencies}) == len(agencies)
    families = {e.get("cms") for e in registry} - {None}
    assert {"trs", "hanweb", "platform"} <= families
    generic = next(e for e in registry if e["name"] == "普宁市自然资源局")
    assert set(generic) == {"name", "site"}
    assert all(e["site"].startswith("http://127.0.0.1:") and e["site"].endswith("/") for e in registry)
    path = web.write_registry(tmp_path / "agencies.yaml")
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == registry


def test_reports_cover_every_template_and_format_across_agencies(web):
    expected = web.expected()
    assert len(expected) >= 30
    assert len({(e["agency"], e["year"]) for e in expected}) == len(expected)
    assert len({e["agency"] for e in expected}) >= 8
    templates = Counter(e["template"] for e in expected)
    assert templates["2021"] and templates["2019"] and templates["pre2019"]
    formats = Counter(f for e in expected for f in e["formats"].values())
    assert {"html", "pdf", "docx", "doc"} <= set(formats), formats
    both = [e for e in expected if "html" in e["formats"].values() and len(set(e["formats"].values())) > 1]
    assert both, "a report posted both as a page and as an attachment"
    assert any(len({urlsplit(u).netloc for u in e["urls"]}) > 1 for e in expected), "a report posted on two sites"
    for e in expected:
        assert e["urls"] and set(e["urls"]) == set(e["formats"])


def test_every_published_document_is_served_with_validators(web):
    for e in web.expected():
        for url in e["urls"]:
            status, headers, body = get(url)
            assert status == 200 and body, url
            assert headers["etag"].startswith('"') and headers["last-modified"].endswith("GMT"), url


# --- TRS -------------------------------------------------------------------------------------


def test_trs_column_pages_are_counted_by_create_page_html(web):
    spec = agency("宣城市人民政府")
    first = web.url(spec.site, spec.column)
    status, _, body = get(first)
    assert status == 200
    count = int(re.search(r'createPageHTML\((\d+),\s*0,\s*"index",\s*"html"\)', body.decode())[1])
    assert count == -(-len(spec.entries) // spec.page_size) > 1
    found, pages = [], [first] + [urljoin(first, f"index_{n}.html") for n in range(1, count)]
    for n, page in enumerate(pages):
        status, _, body = get(page)
        assert status == 200, page
        assert f'createPageHTML({count}, {n}, "index", "html")' in body.decode()
        found += [u for _, u in links(page, body) if re.search(r"/\d{6}/t\d{8}_\d+\.html$|/xxgk/", u)]
    assert get(urljoin(first, f"index_{count}.html"))[0] == 404
    assert len(found) == len(spec.entries)
    pages_of_reports = {u for e in reports_of(web, spec.name) for u in e["urls"] + e["via"] if u.endswith(".html")}
    assert pages_of_reports <= set(found)
    assert re.search(r"/zwgk/zfxxgknb/\d{6}/t\d{8}_\d+\.html$", found[0])


def test_trs_attachments_sit_in_the_article_month_folder(web):
    report = next(e for e in reports_of(web, "宣城市人民政府") if "pdf" in e["formats"].values())
    page = next(u for u, f in report["formats"].items() if f == "html")
    pdf = next(u for u, f in report["formats"].items() if f == "pdf")
    assert re.search(r"/(\d{6})/P0\d+\.pdf$", pdf) and pdf.rsplit("/", 1)[0] == page.rsplit("/", 1)[0]
    status, _, body = get(page)
    assert (pdf.rsplit("/", 1)[1], 1) == next((u.rsplit("/", 1)[1], 1) for _, u in links(page, body) if u == pdf)
    status, headers, body = get(pdf)
    assert status == 200 and headers["content-type"] == "application/pdf" and body.startswith(b"%PDF")


def test_a_pdf_viewer_link_names_the_attachment(web):
    (report,) = [e for e in web.expected() if any("viewer.html?file=" in u for u in e["via"])]
    viewer = next(u for u in report["via"] if "viewer" in u)
    pdf = urljoin(viewer, viewer.split("file=", 1)[1])
    assert pdf in report["urls"] and get(pdf)[2].startswith(b"%PDF")
    status, _, body = get(viewer)
    assert status == 200 and b"pdf.js" in body.lower()
    page = next(u for u, f in report["formats"].items() if f == "html")
    assert viewer in [u for _, u in links(page, get(page)[2])]


def test_an_old_article_address_answers_301_to_the_new_one(web):
    (report,) = [e for e in web.expected() if any("/xxgk/" in u for u in e["via"])]
    old = next(u for u in report["via"] if "/xxgk/" in u)
    status, headers, _ = get(old)
    assert status == 301 and headers["location"] in report["urls"]
    column = web.url(agency(report["agency"]).site, agency(report["agency"]).column)
    assert old in [u for _, u in links(column, get(column)[2])]


def test_robots_txt_disallows_the_report_like_drafts(web):
    forbidden = web.forbidden_urls()
    assert forbidden
    for url in forbidden:
        origin = f"http://{urlsplit(url).netloc}"
        status, _, body = get(origin + "/robots.txt")
        assert status == 200
        robots = urllib.robotparser.RobotFileParser()
        robots.parse(body.decode().splitlines())
        assert not robots.can_fetch("nianbao", url)
        allowed = [u for e in web.expected() for u in e["urls"] if u.startswith(origin)]
        assert allowed and all(robots.can_fetch("nianbao", u) for u in allowed)
        status, _, body = get(url)  # the page exists: only robots.txt keeps a crawler out
        assert status == 200 and "年度报告" in body.decode()
    spec = agency("宣城市人民政府")
    column_links = []
    for n in range(-(-len(spec.entries) // spec.page_size)):
        page = web.url(spec.site, spec.column if n == 0 else spec.column.replace("index.html", f"index_{n}.html"))
        column_links += [u for _, u in links(page, get(page)[2])]
    assert set(forbidden) & set(column_links)


# --- Hanweb ----------------------------------------------------------------------------------


def test_hanweb_column_embeds_the_first_records_and_dataproxy_serves_the_rest(web):
    spec = agency("桐乡市人民政府")
    column = web.url(spec.site, spec.column)
    status, _, body = get(column)
    text = body.decode()
    total = int(re.search(r"<totalrecord>(\d+)</totalrecord>", text)[1])
    assert total == len(spec.entries) > 15
    first = re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", text, re.S)
    assert len(first) == 15 and all(re.search(r"<li><a href=.*title=.*</a><span>\d{4}-\d\d-\d\d</span></li>", r)
                                     for r in first)
    form = dict(re.findall(r"(columnid|unitid|webid|webname|path|permissiontype|sourceContentType|appid|col): '([^']*)'",
                           text))
    assert form["columnid"] == str(spec.columnid) and form["unitid"] == str(spec.unitid)
    proxy = web.url(spec.site, "/module/web/jpage/dataproxy.jsp?" + urlencode(
        {"startrecord": 16, "endrecord": 45, "perpage": 15}))
    status, headers, reply = get(proxy, {"Content-Type": "application/x-www-form-urlencoded"},
                                 urlencode(form).encode())
    assert status == 200 and "xml" in headers["content-type"]
    rest = re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", reply.decode(), re.S)
    assert len(rest) == total - 15
    hrefs = {urljoin(column, re.search(r'href="([^"]+)"', r)[1]) for r in first + rest}
    assert {u for e in reports_of(web, spec.name) for u in e["urls"] + e["via"] if "/art/" in u} <= hrefs
    old = {urljoin(column, re.search(r'href="([^"]+)"', r)[1]) for r in rest}
    assert any(u in old for e in reports_of(web, spec.name) for u in e["urls"]), "some reports only via dataproxy"
    assert get(proxy)[0] == 405  # records come only from POST
    wrong = urlencode(form | {"columnid": "1"}).encode()
    assert "<record>" not in get(proxy, {"Content-Type": "application/x-www-form-urlencoded"}, wrong)[2].decode()
    assert get(web.url(spec.site, spec.column.replace("index.html", "index_1.html")))[0] == 404


def test_hanweb_attachments_download_through_downfile_jsp(web):
    report = next(e for e in reports_of(web, "桐乡市人民政府") if "doc" in e["formats"].values())
    url = next(u for u, f in report["formats"].items() if f == "doc")
    assert "/module/download/downfile.jsp?classid=0&filename=" in url
    status, headers, body = get(url)
    assert status == 200 and body.startswith(b"\xd0\xcf\x11\xe0") and "attachment" in headers["content-disposition"]


# --- the 集约化 platform ------------------------------------------------------------------------


def test_platform_columns_page_with_numbers_and_next_links(web):
    for spec in [a for a in AGENCIES if a.site == "platform"]:
        page, seen, items = web.url(spec.site, spec.column), [], []
        while page:
            status, _, body = get(page)
            assert status == 200, page
            seen.append(page)
            found = links(page, body)
            items += [u for _, u in found if "/content/post_" in u]
            page = next((u for t, u in found if t == "下一页"), None)
        pages = -(-len(spec.entries) // spec.page_size)
        assert len(seen) == pages and len(items) == len(spec.entries)
        if pages > 1:
            numbered = [t for t, _ in links(seen[0], get(seen[0])[2]) if re.fullmatch(r"\d+", t)]
            assert numbered == [str(n) for n in range(2, pages + 1)] and seen[1].endswith("/index_2.html")
        assert {u for e in reports_of(web, spec.name) for u in e["urls"] + e["via"] if "/content/" in u} <= set(items)


# --- the old GBK site ----------------------------------------------------------------------------


def test_generic_gbk_site_column_is_found_from_its_home_page_by_link_text(web):
    spec = agency("普宁市自然资源局")
    root = web.origin(spec.site) + "/"
    status, headers, body = get(root)
    assert "charset" not in headers["content-type"] and b"charset=gb2312" in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")  # 堃 is outside GB2312: the page must be read as GB18030
    assert "陈堃" in body.decode("gb18030")
    texts = [t for t, _ in links(root, body, "gb18030")]
    assert "政府信息公开" in texts and not any("年报" in t or "年度报告" in t for t in texts)
    ogi = next(u for t, u in links(root, body, "gb18030") if t == "政府信息公开")
    status, _, body = get(ogi)
    column = next(u for t, u in links(ogi, body, "gb18030") if t == "政府信息公开年报")
    assert column == web.url(spec.site, spec.column)
    page, items = column, []
    while page:
        body = get(page)[2]
        found = links(page, body, "gb18030")
        items += [u for _, u in found if "show.asp" in u]
        page = next((u for t, u in found if t == "下一页"), None)
    assert len(items) == len(spec.entries)
    assert {u for e in reports_of(web, spec.name) for u in e["urls"] if "show.asp" in u} == set(items)


# --- HTTP behaviour ---------------------------------------------------------------------------


def test_conditional_requests_answer_304(web):
    url = web.expected()[0]["urls"][0]
    status, headers, body = get(url)
    assert status == 200
    assert get(url, {"If-None-Match": headers["etag"]})[0] == 304
    assert get(url, {"If-Modified-Since": headers["last-modified"]})[0] == 304
    assert get(url, {"If-None-Match": '"stale"', "If-Modified-Since": headers["last-modified"]})[0] == 200
    assert get(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
    status, headers304, body304 = get(url, {"If-None-Match": headers["etag"]})
    assert body304 == b"" and headers304["etag"] == headers["etag"]


def test_the_blocked_host_answers_412_with_a_js_challenge_except_robots_txt(web):
    (host,) = web.blocked_hosts()
    name = next(e["name"] for e in web.registry() if host in e["site"])
    for path in ("/", "/xxgk/zfxxgknb/index.shtml", "/favicon.ico"):
        status, headers, body = get(f"http://{host}{path}")
        assert status == 412 and b"$_ts" in body and "<script" in body.decode()
        assert re.match(r"\w+80S=", headers["set-cookie"])
    status, _, body = get(f"http://{host}/robots.txt")
    assert status == 200 and b"User-agent" in body
    assert not [e for e in web.expected() if e["agency"] == name]


def test_dead_links_answer_404(web):
    assert len(web.broken_urls()) >= 2
    for url in web.broken_urls():
        assert get(url)[0] == 404


def test_every_request_is_logged_with_its_headers(web):
    url = web.expected()[1]["urls"][0]
    before = len(web.requests())
    get(url, {"User-Agent": "nianbao-test", "If-None-Match": '"x"'})
    host, method, path, status, headers = web.requests()[before]
    assert (f"http://{host}{path}", method, status) == (url, "GET", 200)
    assert headers["user-agent"] == "nianbao-test" and headers["if-none-match"] == '"x"'


# --- extraction: exactly the expected cells ---------------------------------------------------


def extraction_problems(entry: dict, url: str) -> list[str]:
    status, headers, body = get(url)
    reports = extract_reports(body, url=url, content_type=headers.get("content-type"))
    problems = [] if len(reports) == 1 else [f"{len(reports)} reports"]
    report = reports[0]
    if (report.agency, report.year, report.template) != (entry["agency"], entry["year"], entry["template"]):
        problems.append(f"read as {report.agency} {report.year} {report.template}")
    cells = {k: c.value for k, c in report.cells.items()}
    if cells != entry["cells"]:
        diff = {k: (cells.get(k), entry["cells"].get(k)) for k in set(cells) | set(entry["cells"])
                if cells.get(k) != entry["cells"].get(k)}
        problems.append(f"{len(diff)} cells differ (got, want): {dict(list(sorted(diff.items()))[:4])}")
    return [f"{entry['agency']} {entry['year']} {url}: {p}" for p in problems]


def test_every_html_report_extracts_to_exactly_its_expected_cells(web):
    problems, seen = [], 0
    for entry in web.expected():
        for url, fmt in entry["formats"].items():
            if fmt == "html":
                seen += 1
                problems += extraction_problems(entry, url)
    assert seen >= 40 and not problems, "\n".join(problems)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "doc"])
def test_every_attachment_extracts_to_exactly_its_expected_cells(web, fmt):
    urls = [(e, u) for e in web.expected() for u, f in e["formats"].items() if f == fmt]
    assert urls
    problems = []
    for entry, url in urls:
        try:
            problems += extraction_problems(entry, url)
        except ExtractionError as err:
            if "unsupported" in str(err) or "not read yet" in str(err):
                pytest.xfail(f"extract/formats.py cannot read {fmt.upper()} yet: {err}")
            problems.append(f"{entry['agency']} {entry['year']} {url}: {err}")
    assert not problems, "\n".join(problems)


def test_decoys_drafts_and_attachment_notices_are_not_reports(web):
    decoys = web.decoy_urls()
    kinds = " ".join(text(get(u)[2]) for u in decoys)
    for word in ("法治政府建设年度报告", "政务公开工作要点", "我市发布", "年度报表", "政府信息公开指南"):
        assert word in kinds, word
    notices = [u for e in web.expected() for u in e["via"] if "/xxgk/" not in u and "viewer" not in u]
    assert notices
    for url in decoys + notices:
        status, headers, body = get(url)
        assert status == 200
        with pytest.raises(NotAReportError):
            extract_reports(body, url=url, content_type=headers.get("content-type"))
    assert "详见附件" in get(notices[0])[2].decode()


# --- change_report, the CLI -----------------------------------------------------------------


def test_change_report_rerenders_one_number_everywhere_with_new_validators():
    web = DemoWeb(seed=0)
    web.start()
    try:
        target = next(e for e in web.expected() if e["template"] == "2021" and len(e["urls"]) > 1)
        before = {u: get(u)[1] for u in target["urls"]}
        cells = web.change_report(target["agency"], target["year"])
        changed = {k for k in cells if cells[k] != target["cells"][k]}
        assert len(changed) == 1 and set(cells) == set(target["cells"])
        (after,) = [e for e in web.expected() if (e["agency"], e["year"]) == (target["agency"], target["year"])]
        assert after["cells"] == cells and after["urls"] == target["urls"]
        for url, headers in before.items():
            status, new, _ = get(url, {"If-None-Match": headers["etag"]})
            assert status == 200 and new["etag"] != headers["etag"]
            assert get(url, {"If-Modified-Since": headers["last-modified"]})[0] == 200
        page = next(u for u, f in after["formats"].items() if f == "html")
        assert not extraction_problems(after, page)
        prose = next(e for e in web.expected() if e["template"] == "pre2019")
        cells = web.change_report(prose["agency"], prose["year"])
        assert len({k for k in cells if cells[k] != prose["cells"].get(k)}) == 1
        (after,) = [e for e in web.expected() if (e["agency"], e["year"]) == (prose["agency"], prose["year"])]
        assert not extraction_problems(after, after["urls"][0])
    finally:
        web.stop()


def test_demo_site_command_serves_until_stopped(tmp_path):
    registry, manifest = tmp_path / "demo.yaml", tmp_path / "demo.json"
    command = [sys.executable, "-c", "from nianbao_cli import main; main()", "demo-site",
               "--registry", str(registry), "--expected", str(manifest)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(line.startswith("Ctrl-C") for line in lines):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
        assert any(str(registry.resolve()) in line for line in lines), lines
        entries = yaml.safe_load(registry.read_text(encoding="utf-8"))
        assert get(entries[0]["column"])[0] == 200
        data = json.loads(manifest.read_text(encoding="utf-8"))
        assert data["reports"] and data["registry"] == entries and data["decoys"]
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0, process.stderr.read()[-2000:]
