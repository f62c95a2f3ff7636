"""Saved-response tests: each spider family on pages shaped like its CMS; registry; middlewares."""

import pytest
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from crawler import cms
from crawler.middlewares import BlockedHosts, LocalAddressGuard, is_private_host
from crawler.recognize import is_report_link
from crawler.registry import RegistryError, parse_registry
from crawler.spiders.families import GenericSpider, HanwebSpider, PlatformSpider, TrsSpider


def page(url: str, body: str, meta: dict | None = None, cls=HtmlResponse):
    request = Request(url, meta={"agency": "某某市公安局"} | (meta or {}))
    return cls(url, body=body.encode("utf-8"), encoding="utf-8", request=request)


def spider(cls):
    crawler = get_crawler(cls)
    return cls.from_crawler(crawler, agencies=[])


def requests_of(results):
    return [r for r in results if isinstance(r, scrapy.Request)]


TRS_LIST = """<html><body><ul>
<li><a href="./202401/t20240126_1.html">某某市公安局2023年政府信息公开工作年度报告</a></li>
<li><a href="./202301/t20230120_9.html" title="某某市公安局2022年政府信息公开工作年度报告">某某市公安局2022年政府信息…</a></li>
<li><a href="./202401/t20240301_2.html">某某市公安局2023年法治政府建设年度报告</a></li>
<li><a href="./202402/t20240201_3.html">关于做好2023年政府信息公开工作年度报告编制发布工作的通知</a></li>
</ul><script>createPageHTML(3, 0, "index", "html");</script></body></html>"""


def test_trs_listing_follows_reports_and_counted_pages_but_not_decoys():
    results = list(spider(TrsSpider).parse_listing(page("https://www.a.gov.cn/zfxxgknb/index.html", TRS_LIST,
                                                         {"family": "trs", "column": True})))
    urls = [r.url for r in requests_of(results)]
    assert "https://www.a.gov.cn/zfxxgknb/202401/t20240126_1.html" in urls
    assert "https://www.a.gov.cn/zfxxgknb/202301/t20230120_9.html" in urls  # full title in @title
    assert not any("t20240301_2" in u or "t20240201_3" in u for u in urls)
    assert "https://www.a.gov.cn/zfxxgknb/index_1.html" in urls and "https://www.a.gov.cn/zfxxgknb/index_2.html" in urls
    assert not any("index_3" in u for u in urls)


def test_trs_page_counter_is_read_from_both_script_forms():
    assert cms.trs_pages("https://a/x/index.shtml", "var countPage = 2//共多少页") == ["https://a/x/index_1.shtml"]
    assert cms.trs_pages("https://a/x/index_1.html", "createPageHTML(5, 1, 'index', 'html')") == []


HANWEB_COLUMN = """<html><body><div id="56741">
<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=21&path=/&columnid=1229427474&unitid=5625581&webname=桐乡&permissiontype=0"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href="/art/2024/1/19/art_1229427474_59063030.html" title="桐乡市公安局2023年度政府信息公开工作年度报告">桐乡市公安局2023年度…</a><span>2024-01-19</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2023/5/1/art_1229427474_1.html">桐乡市公安局关于开展夏季治安打击整治行动的通告</a></li>]]></record>
</recordset></datastore></script>
<script>var columnid = '1229427474'; var unitid = '5625581'; var webid = '21';</script>
<totalrecord>40</totalrecord></div></body></html>"""


def test_hanweb_column_reads_datastore_records_and_asks_dataproxy_for_the_rest():
    s = spider(HanwebSpider)
    response = page("https://www.tx.gov.cn/col/col1229427474/index.html", HANWEB_COLUMN,
                    {"family": "hanweb", "column": True})
    results = requests_of(s.parse_listing(response))
    gets = [r.url for r in results if r.method == "GET"]
    posts = [r for r in results if r.method == "POST"]
    assert gets == ["https://www.tx.gov.cn/art/2024/1/19/art_1229427474_59063030.html"]
    assert posts and all("/module/web/jpage/dataproxy.jsp" in r.url for r in posts)
    assert b"columnid=1229427474" in posts[0].body and b"unitid=5625581" in posts[0].body
    assert "startrecord=16" in posts[0].url


def test_hanweb_dataproxy_reply_records_become_report_requests():
    xml = ("<datastore><recordset><record><![CDATA[<li><a href='/art/2022/1/20/art_1229427474_7.html'>"
           "桐乡市公安局2021年政府信息公开工作年度报告</a></li>]]></record></recordset></datastore>")
    response = page("https://www.tx.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=16", xml,
                    {"family": "hanweb", "column": True}, cls=TextResponse)
    urls = [r.url for r in requests_of(spider(HanwebSpider).parse_records(response))]
    assert urls == ["https://www.tx.gov.cn/art/2022/1/20/art_1229427474_7.html"]


PLATFORM_LIST = """<html><body><ul class="list">
<li><a href="content/post_828386.html">普宁市公安局2023年政府信息公开工作年度报告</a></li>
<li><a href="content/post_700001.html">2022年度报告</a></li>
</ul><div class="page"><a href="index.html">1</a><a href="index_2.html">2</a><a href="index_2.html">下一页</a></div></body></html>"""


def test_platform_listing_follows_numbered_pages_and_short_titles_inside_the_column():
    base = "http://www.puning.gov.cn/zfxxgkmlfg/jyspnsgaj/zfxxgkgzndbg/"
    urls = [r.url for r in requests_of(spider(PlatformSpider).parse_listing(
        page(base + "index.html", PLATFORM_LIST, {"family": "platform", "column": True})))]
    assert base + "content/post_828386.html" in urls and base + "content/post_700001.html" in urls
    assert base + "index_2.html" in urls


GENERIC_ROOT = """<html><head><meta charset="gb2312"></head><body>
<a href="/zwgk/">政府信息公开</a><a href="/xwzx/">新闻中心</a><a href="/zwgk/nb/">政府信息公开年报</a></body></html>"""


def test_generic_root_goes_straight_to_the_report_column_by_link_text():
    results = requests_of(spider(GenericSpider).parse_root(page("http://www.x.gov.cn/", GENERIC_ROOT,
                                                                  {"depth_left": 3})))
    assert [r.url for r in results] == ["http://www.x.gov.cn/zwgk/nb/"]
    assert results[0].callback.__name__ == "parse_listing"


def test_report_page_yields_itself_and_follows_attachments_and_viewer_links():
    body = """<html><body><h1>某某市公安局2023年政府信息公开工作年度报告</h1><p>详见附件</p>
    <a href="/module/download/downfile.jsp?classid=0&filename=abc.pdf">附件：年报.pdf</a>
    <a href="/pdfjs/web/viewer.html?file=/uploads/2024/report.pdf">在线预览</a>
    <a href="/art/2024/1/1/art_1_2.html">相关新闻</a></body></html>"""
    s = spider(GenericSpider)
    results = list(s.parse_report(page("https://www.a.gov.cn/art/2024/1/20/art_1_1.html", body)))
    assert results[0].kind == "report_page" and results[0].agency == "某某市公安局"
    urls = [r.url for r in requests_of(results)]
    assert urls == ["https://www.a.gov.cn/module/download/downfile.jsp?classid=0&filename=abc.pdf",
                    "https://www.a.gov.cn/uploads/2024/report.pdf"]


@pytest.mark.parametrize(
    ("text", "in_column", "expected"),
    [
        ("某某县人民政府2023年政府信息公开工作年度报告", False, True),
        ("2023年度报告", True, True),
        ("2023年度报告", False, False),
        ("2023年法治政府建设年度报告", True, False),
        ("政务公开工作要点", True, False),
        ("我市发布2023年政府信息公开工作年度报告", True, False),
        ("某局2016年政府信息公开工作年度报告", False, True),
    ],
)
def test_report_links_are_recognised_from_their_text(text, in_column, expected):
    assert is_report_link(text, in_column) is expected


def test_since_skips_older_reports():
    assert not is_report_link("某局2016年政府信息公开工作年度报告", since=2019)
    assert is_report_link("某局2021年政府信息公开工作年度报告", since=2019)


def test_registry_needs_only_name_and_site_and_rejects_unknown_keys():
    agencies = parse_registry([{"name": "某某市公安局", "site": "https://www.a.gov.cn/"}])
    assert agencies[0].start_url == "https://www.a.gov.cn/" and agencies[0].cms is None
    with pytest.raises(RegistryError, match="unknown key"):
        parse_registry([{"name": "A", "site": "https://a.gov.cn/", "url": "x"}])
    with pytest.raises(RegistryError, match="'site' is required"):
        parse_registry([{"name": "A"}])
    with pytest.raises(RegistryError, match="cms must be one of"):
        parse_registry([{"name": "A", "site": "https://a.gov.cn/", "cms": "wordpress"}])
    with pytest.raises(RegistryError, match="listed twice"):
        parse_registry([{"name": "A", "site": "https://a.gov.cn/"}, {"name": "A", "site": "https://b.gov.cn/"}])


def test_example_registry_loads():
    from conftest import ROOT

    from crawler.registry import load_registry

    assert len(load_registry(ROOT / "crawler" / "agencies.example.yaml")) >= 5


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.1.2.3", "192.168.0.9", "::1", "169.254.1.1"])
def test_private_and_loopback_hosts_are_refused(host):
    assert is_private_host(host)
    guard = LocalAddressGuard(get_crawler().stats)
    url = f"http://[{host}]/" if ":" in host else f"http://{host}/"
    with pytest.raises(IgnoreRequest, match="--allow-local"):
        guard.process_request(Request(url))


def test_public_addresses_pass():
    assert not is_private_host("8.8.8.8")


def test_a_412_pauses_the_host_for_the_rest_of_the_run():
    crawler = get_crawler()
    middleware = BlockedHosts(crawler)
    request = Request("https://www.hubei.gov.cn/zwgk/index_24.shtml")
    with pytest.raises(IgnoreRequest, match="412"):
        middleware.process_response(request, HtmlResponse(request.url, status=412, body=b"<script>x</script>"))
    with pytest.raises(IgnoreRequest, match="paused"):
        middleware.process_request(Request("https://www.hubei.gov.cn/other.html"))
    assert middleware.process_request(Request("https://www.other.gov.cn/")) is None
    assert crawler.stats.get_value("nianbao/blocked_hosts") == 1


def test_retries_back_off_exponentially():
    from crawler.middlewares import BackoffRetry

    crawler = get_crawler(GenericSpider, {"RETRY_BACKOFF_BASE": 1.5, "RETRY_BACKOFF_MAX": 5, "RETRY_TIMES": 5})
    crawler.spider = GenericSpider.from_crawler(crawler, agencies=[])
    middleware = BackoffRetry.from_crawler(crawler)
    request, delays = Request("https://www.a.gov.cn/x"), []
    for _ in range(4):
        request = middleware.process_response(request, HtmlResponse(request.url, status=503, body=b""))
        delays.append(request.meta["backoff_seconds"])
    assert delays == [1.5, 3.0, 5, 5]


class ArchiveStandIn:
    """What ConditionalRequests asks of the crawl recorder, with one archived page and one PDF."""

    def __init__(self, archived: dict):
        self.archived_pages = archived

    def validators(self, url):
        return {"If-None-Match": '"v1"'} if url in self.archived_pages else {}

    def archived(self, url):
        return self.archived_pages.get(url)


def test_a_304_is_answered_with_the_archived_page_readable_as_it_was():
    from scrapy.http import Response

    from crawler.middlewares import ConditionalRequests

    listing = "https://www.a.gov.cn/zfxxgknb/index.html"
    pdf = "https://www.a.gov.cn/zfxxgknb/P0201.pdf"
    gbk = TRS_LIST.replace("<html>", '<html><meta charset="gbk">').encode("gbk")
    middleware = ConditionalRequests(get_crawler(), ArchiveStandIn({
        listing: (gbk, {"Content-Type": "text/html; charset=GBK", "ETag": '"v1"'}),
        pdf: (b"%PDF-1.7 ...", {"content-type": "application/pdf"}),
    }))
    request = Request(listing, meta={"agency": "某某市公安局", "family": "trs", "column": True})
    middleware.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"v1"'
    # Scrapy makes a bare Response of a 304: no Content-Type, no body, no links.
    answered = middleware.process_response(request, Response(listing, status=304, request=request))
    assert isinstance(answered, HtmlResponse) and answered.status == 200 and "not_modified" in answered.flags
    assert "某某市公安局2023年政府信息公开工作年度报告" in answered.text
    followed = [r.url for r in requests_of(spider(TrsSpider).parse_listing(answered))]
    assert "https://www.a.gov.cn/zfxxgknb/202401/t20240126_1.html" in followed
    pdf_request = Request(pdf)
    answered_pdf = middleware.process_response(pdf_request, Response(pdf, status=304, request=pdf_request))
    assert not isinstance(answered_pdf, HtmlResponse) and answered_pdf.body.startswith(b"%PDF")


def test_listing_pages_are_archived_once_each_and_not_read():
    from crawler.items import DocumentItem

    trs = spider(TrsSpider)
    results = list(trs.parse_listing(page("https://www.a.gov.cn/zfxxgknb/index.html", TRS_LIST,
                                          {"family": "trs", "column": True})))
    items = [r for r in results if isinstance(r, DocumentItem)]
    assert [(i.kind, i.url) for i in items] == [("listing", "https://www.a.gov.cn/zfxxgknb/index.html")]
    root = page("https://www.a.gov.cn/", '<a href="/zfxxgknb/index.html">政府信息公开年报</a>', {"depth_left": 3})
    items = [r for r in spider(GenericSpider).parse_root(root) if isinstance(r, DocumentItem)]
    assert [i.kind for i in items] == ["listing"]  # the root read as a listing too, archived once


@pytest.mark.parametrize("distributed", [False, True], ids=["crawl", "redis worker"])
def test_a_crawl_opens_no_console_into_itself(distributed):
    from scrapy.utils.conf import build_component_list

    from crawler.distributed import redis_settings
    from crawler.run import crawl_settings

    settings = crawl_settings(None, allow_local=False,
                              overrides=redis_settings("redis://127.0.0.1:6379/0") if distributed else None)
    assert not settings.getbool("TELNETCONSOLE_ENABLED") and not settings.getbool("REMOTE_CONTROL_ENABLED")
    extensions = build_component_list(settings.getwithbase("EXTENSIONS"))
    assert "scrapy.extensions.corestats.CoreStats" in extensions
    assert not any("remote_control" in name for name in extensions)
    assert ("crawler.distributed.WaitForPeers" in extensions) == distributed
