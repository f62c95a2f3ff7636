"""What the demo web holds, as data: its sites, the agencies on them, and each report column.

A column entry is one line of the column's listing:

- ``R(year, form)``: the agency's report; ``form`` says how it is published —
  ``html`` (the report in the page), ``html+pdf`` / ``html+doc`` / ``html+docx`` (the page and
  the same report attached), ``pdf`` / ``doc`` / ``docx`` (a page saying 详见附件 that links the
  attachment), ``html+viewer`` (the page and its PDF behind a pdf.js viewer link).
  ``redirect``: the list links an old address that answers 301 to the article;
  ``wrong_charset``: a GBK page served with ``charset=UTF-8`` in its HTTP header;
  ``dead_attachment``: the page also links an attachment that answers 404.
- ``Repost(agency, year)``: another agency's report (the same numbers) re-posted here.
- ``Decoy(kind, year)``: a page that is not a report (reports.decoy).
- ``Broken(year)``: a report-like link that answers 404.
- ``Forbidden(year)``: a report-like page under a path robots.txt disallows.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class R:
    year: int
    form: str = "html"
    redirect: bool = False
    wrong_charset: bool = False
    dead_attachment: bool = False
    text: str | None = None  # the list's link text when it is not the title


@dataclass(frozen=True)
class Repost:
    agency: str
    year: int


@dataclass(frozen=True)
class Decoy:
    kind: str  # fazhi | yaodian | news | baobiao | guide
    year: int


@dataclass(frozen=True)
class Broken:
    year: int


@dataclass(frozen=True)
class Forbidden:
    year: int


@dataclass(frozen=True)
class Site:
    key: str
    family: str  # trs | hanweb | platform | generic | blocked
    name: str  # who runs it (page chrome)
    place: str  # the city or county, for decoy titles
    robots: str | None = None  # robots.txt, None: 404


@dataclass(frozen=True)
class AgencySpec:
    name: str
    site: str  # Site.key
    level: str | None
    region: str | None
    column: str | None  # path of the report column's first page
    column_name: str = "政府信息公开年报"
    registry: tuple[str, ...] = ("name", "site", "level", "region", "cms", "column")
    page_size: int = 10
    entries: tuple = field(default_factory=tuple)
    columnid: int = 0  # Hanweb
    unitid: int = 0  # Hanweb
    slug: str = ""  # platform: the agency's folder


SITES = (
    Site("trs", "trs", "宣城市人民政府", "宣城市",
         robots="User-agent: *\nDisallow: /zwgk/zfxxgknb/nbsh/\nDisallow: /was5/\n"),
    Site("hanweb", "hanweb", "桐乡市人民政府", "桐乡市"),
    Site("platform", "platform", "普宁市人民政府", "普宁市", robots="User-agent: *\nAllow: /\n"),
    Site("generic", "generic", "普宁市自然资源局", "普宁市"),
    Site("blocked", "blocked", "孝感市人民政府", "孝感市", robots="User-agent: *\nAllow: /\n"),
)

AGENCIES = (
    AgencySpec(
        "宣城市人民政府", "trs", "prefecture", "安徽省", "/zwgk/zfxxgknb/index.html", page_size=5,
        entries=(R(2023), R(2022, "html+pdf"), R(2021, "docx"), R(2020), R(2019, text="2019年政府信息公开工作年度报告"),
                 R(2018), R(2017), R(2016, "doc"), R(2015), R(2014),
                 Decoy("fazhi", 2023), Decoy("yaodian", 2024), Forbidden(2023))),
    AgencySpec(
        "宣城市财政局", "trs", "prefecture", "安徽省宣城市", "/bmxxgk/czj/zfxxgknb/index.html",
        registry=("name", "site", "level", "region", "column"),
        entries=(R(2023, "html+viewer"), R(2022), R(2021), R(2020, redirect=True), R(2016), Broken(2015))),
    AgencySpec(
        "桐乡市人民政府", "hanweb", "county", "浙江省嘉兴市", "/col/col1229427474/index.html",
        columnid=1229427474, unitid=7452360,
        entries=(R(2023), R(2022, "doc"), R(2021, dead_attachment=True), R(2020, "html+doc"), R(2019),
                 *(R(y) for y in range(2018, 2009, -1)),
                 Decoy("news", 2023), Decoy("fazhi", 2023), Decoy("yaodian", 2024))),
    AgencySpec(
        "桐乡市公安局", "hanweb", "county", "浙江省嘉兴市", "/col/col1229427480/index.html",
        columnid=1229427480, unitid=7452377,
        entries=(R(2023), R(2022, "html+docx"), R(2021), R(2019))),
    AgencySpec(
        "普宁市人民政府", "platform", "county", "广东省揭阳市", "/zfxxgkmlfg/pnsrmzf/zfxxgkgzndbg/index.html",
        slug="pnsrmzf", page_size=4,
        entries=(R(2023), R(2022), R(2021, "html+pdf"), R(2020), R(2019), Repost("普宁市自然资源局", 2023),
                 Decoy("baobiao", 2023))),
    AgencySpec(
        "普宁市公安局", "platform", "county", "广东省揭阳市", "/zfxxgkmlfg/jyspnsgaj/zfxxgkgzndbg/index.html",
        slug="jyspnsgaj", page_size=4,
        entries=(R(2023), R(2022), R(2021), R(2020), Decoy("guide", 2022))),
    AgencySpec(
        "普宁市教育局", "platform", "county", "广东省揭阳市", "/zfxxgkmlfg/pnsjyj/zfxxgkgzndbg/index.html",
        slug="pnsjyj", registry=("name", "site", "level", "region", "column"),
        entries=(R(2023), R(2022, "pdf"), R(2021), Broken(2020))),
    AgencySpec(
        "普宁市卫生健康局", "platform", "county", "广东省揭阳市", "/zfxxgkmlfg/pnswsjkj/zfxxgkgzndbg/index.html",
        slug="pnswsjkj",
        entries=(R(2023, "docx"), R(2022), R(2020), R(2019))),
    AgencySpec(
        "普宁市自然资源局", "generic", "county", "广东省揭阳市", "/zwgk/list.asp?classid=12", page_size=4,
        registry=("name", "site"),
        entries=(R(2023), R(2022, wrong_charset=True), R(2021), R(2020), R(2017), R(2015))),
    AgencySpec("孝感市人民政府", "blocked", "prefecture", "湖北省", None, registry=("name", "site", "level", "region")),
)
