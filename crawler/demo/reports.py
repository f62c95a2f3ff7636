"""The reports and decoy documents the demo sites publish, with the cells extraction must give.

``template_report`` draws a 2021 or 2019 template report exactly as ``synth.generate`` draws
its ``html`` layout (same helpers), but for a given agency and year; ``prose_report`` writes a
pre-2019 report in free prose whose numbers use the phrasings ``extract/legacy.py`` reads, so
its expected ``legacy.*`` cells are known. ``version`` > 0 re-renders a report with one number
changed (``change_report``). Decoys are documents that look like reports but are not.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from datetime import date

from . import synth

CHANGED_CELL = "proactive.art20_5.admin_license.decisions"  # in both templates, in no identity


@dataclass
class DemoReport:
    agency: str
    year: int
    template: str  # 2021 | 2019 | pre2019
    title: str
    body_html: str  # the report as pasted into a CMS article
    blocks: list  # ("heading" | "para", text) or ("table", synth.Table): what Word prints
    cells: dict[str, int | float | None]
    published: date
    version: int = 0
    title_lines: list[str] = field(default_factory=list)


def template_for(year: int) -> str:
    return "2021" if year >= 2021 else "2019" if year >= 2019 else "pre2019"


def published_on(rng: random.Random, year: int) -> date:
    """Reports are due by 31 January (since 2019) or 31 March (before)."""
    if year >= 2019:
        return date(year + 1, 1, rng.randint(8, 30))
    return date(year + 1, rng.randint(1, 3), rng.randint(1, 28))


def make_report(seed: int, agency: str, year: int, plain: bool = False, version: int = 0) -> DemoReport:
    """``plain``: no blank cells (the report is also printed to PDF/Word, whose text layer
    cannot show where a blank cell was)."""
    if template_for(year) == "pre2019":
        return prose_report(seed, agency, year, version)
    return template_report(seed, agency, year, plain, version)


def template_report(seed: int, agency: str, year: int, plain: bool = False, version: int = 0) -> DemoReport:
    template = template_for(year)
    rng = random.Random(f"demo:{seed}:{agency}:{year}")
    published = published_on(rng, year)
    style = synth.make_style(rng)
    mode = synth.blank_mode(rng, "flat" if plain else "html")
    volume = 0 if mode == "applicants_blank" else rng.choices(*zip(*synth.VOLUMES, strict=True))[0]
    req = synth.make_requests(rng, template, volume)
    cells = {**synth.proactive_values(rng, template, agency, style),
             **synth.request_cells(rng, req, mode), **synth.review_cells(synth.make_review(rng))}
    if version:
        value = cells[CHANGED_CELL][1] + version
        cells[CHANGED_CELL] = (synth.count_raw(value, style.thousands), value)
    title, title_lines = synth.make_title(rng, agency, year, "html")
    content = synth.build_content(rng, template, year, agency, title, title_lines, cells, req, style)
    body = synth.html_body(rng, content, style)
    return DemoReport(agency, year, template, title, body, content.blocks,
                      {k: v for k, (_, v) in cells.items()}, published, version, title_lines)


# --- pre-2019 prose ----------------------------------------------------------------------------

PROSE_SECTIONS = ("概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开咨询处理情况",
                  "政府信息公开的收费及减免情况", "因政府信息公开申请行政复议、提起行政诉讼的情况",
                  "存在的主要问题和改进措施")
ORDINALS = "一二三四五六七八九十"
REVIEW_SECTION = PROSE_SECTIONS[5]


def prose_report(seed: int, agency: str, year: int, version: int = 0) -> DemoReport:
    """A 492号-era report: prose in numbered parts, numbers only in sentences."""
    rng = random.Random(f"demo:{seed}:{agency}:{year}")
    published = published_on(rng, year)
    me = synth.short_name(agency)
    title = rng.choice((f"{agency}{year}年政府信息公开工作年度报告", f"{agency}{year}年度政府信息公开工作年度报告",
                        f"{agency}政府信息公开工作年度报告（{year}年度）"))
    cells: dict[str, int] = {}
    requests = synth.count(rng, 0.8, 120)
    parts: dict[str, list[str]] = {}
    parts["概述"] = [
        f"{year}年，{me}认真贯彻落实《中华人民共和国政府信息公开条例》（以下简称《条例》），"
        "进一步健全政府信息公开工作机制，调整充实了政府信息公开工作领导小组，明确一名分管领导和专人负责日常工作。",
        rng.choice(("及时更新政府信息公开指南和目录，规范政府信息公开查阅场所。",
                    "组织开展政府信息公开业务培训，提高工作人员业务水平。")),
    ]
    items = rng.randint(40, 3000)
    parts["主动公开政府信息情况"] = [
        f"{year}年，{me}主动公开政府信息{items}条，其中通过门户网站公开{rng.randint(1, items)}条，"
        f"通过政府公报、公开栏等其他方式公开{rng.randint(0, 60)}条。"]
    if requests:
        outcomes = _split(rng, requests, 5)
        granted, partial, denied, missing, remit = outcomes
        cells["legacy.requests_total"] = requests
        sentence = rng.choice((f"{year}年，{me}共受理政府信息公开申请{requests}件",
                               f"全年共收到政府信息公开申请{requests}件"))
        channels = _split(rng, requests, 3)
        text = (f"{sentence}，其中当面申请{channels[0]}件、网上申请{channels[1]}件、信函申请{channels[2]}件。"
                f"已全部按期答复，其中同意公开的{granted}件，同意部分公开的{partial}件，不予公开的{denied}件，"
                f"申请的信息不存在的{missing}件，不属于本机关职责范围的{remit}件。")
        cells |= {"legacy.granted": granted, "legacy.partially_granted": partial, "legacy.denied": denied}
    else:
        cells["legacy.requests_total"] = 0
        text = f"{year}年，{me}未收到政府信息公开申请。"
    parts["依申请公开政府信息情况"] = [text]
    if rng.random() < 0.75:
        inquiries = rng.randint(5, 900)
        cells["legacy.inquiries"] = inquiries
        on_site = rng.randint(0, inquiries)
        parts["政府信息公开咨询处理情况"] = [
            f"全年共接受公众咨询{inquiries}人次，其中现场咨询{on_site}人次，其余为电话和网上咨询，均及时予以答复。"]
    if rng.random() < 0.25:
        fees = rng.randint(10, 800)
        cells["legacy.fees_yuan"] = fees
        parts["政府信息公开的收费及减免情况"] = [f"本年度共收取费用{fees}元（检索费、复制费），无减免情况。"]
    else:
        parts["政府信息公开的收费及减免情况"] = ["本年度未收取任何费用。"]
    review, litigation = synth.count(rng, 0.3, 4), synth.count(rng, 0.15, 3)
    cells["legacy.review_total"], cells["legacy.litigation_total"] = review, litigation
    parts[REVIEW_SECTION] = [_review_text(review, litigation)]
    parts["存在的主要问题和改进措施"] = [
        "一是公开内容的全面性有待提高；二是信息更新不够及时。",
        "下一步，我们将进一步完善政府信息公开制度，加强对工作人员的培训，不断提高政府信息公开工作水平。"]
    if version:  # one number changed
        if "legacy.inquiries" in cells:
            old, cells["legacy.inquiries"] = cells["legacy.inquiries"], cells["legacy.inquiries"] + version
            parts["政府信息公开咨询处理情况"] = [p.replace(f"咨询{old}人次", f"咨询{old + version}人次")
                                               for p in parts["政府信息公开咨询处理情况"]]
        else:
            cells["legacy.review_total"] += version
            parts[REVIEW_SECTION] = [_review_text(cells["legacy.review_total"], litigation)]
    preface = (f"本报告根据《条例》要求，由{agency}编制。全文包括概述，主动公开政府信息情况，依申请公开政府信息情况，"
               "政府信息公开咨询处理情况，政府信息公开的收费及减免情况，因政府信息公开申请行政复议、提起行政诉讼的情况，"
               f"存在的主要问题和改进措施等。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
               f"如对本报告有任何疑问，请与{agency}办公室联系。")
    blocks: list = [("para", preface)]
    for n, name in enumerate(s for s in PROSE_SECTIONS if s in parts):
        blocks.append(("heading", f"{ORDINALS[n]}、{name}"))
        blocks += [("para", p) for p in parts[name]]
    blocks += [("para", agency), ("para", f"{published.year}年{published.month}月{published.day}日")]
    body = "\n".join(
        f'<p style="text-indent:2em"><strong>{html.escape(t)}</strong></p>' if kind == "heading"
        else f'<p style="text-indent:2em;line-height:1.8em">{html.escape(t)}</p>' for kind, t in blocks)
    return DemoReport(agency, year, "pre2019", title, body, blocks, cells, published, version, [title])


def _review_text(review: int, litigation: int) -> str:
    if review and litigation:
        return f"全年因政府信息公开被申请行政复议{review}件、被提起行政诉讼{litigation}件，均已依法办结。"
    if review:
        return f"全年因政府信息公开被申请行政复议{review}件，经复议维持原答复，未发生行政诉讼。"
    if litigation:
        return f"全年因政府信息公开被提起行政诉讼{litigation}件，未发生行政复议。"
    return "全年未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` as ``parts`` non-negative counts, the first the largest share."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    shares = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    return sorted(shares, reverse=True)


# --- decoys: not reports ------------------------------------------------------------------------


def decoy(seed: int, kind: str, publisher: str, place: str, year: int) -> tuple[str, str, date]:
    """(title, body HTML, date) of a page that is not an annual report."""
    rng = random.Random(f"decoy:{seed}:{kind}:{publisher}:{year}")
    day = date(year + 1 if kind != "yaodian" else year, rng.randint(2, 4), rng.randint(1, 28))
    paras: list[str]
    if kind == "fazhi":
        title = f"{publisher}{year}年法治政府建设年度报告"
        paras = [f"{year}年，在市委、市政府的坚强领导下，{publisher}深入学习贯彻习近平法治思想，扎实推进法治政府建设，"
                 "现将有关情况报告如下。",
                 "一、主要举措和成效",
                 f"（一）深化“放管服”改革。全年办理行政许可事项{rng.randint(1000, 90000)}件。",
                 f"（二）严格规范公正文明执法。全年办理行政复议案件{rng.randint(5, 300)}件，"
                 f"行政机关负责人出庭应诉率达{rng.randint(90, 100)}%。",
                 "二、存在的不足和原因", "法治宣传教育的针对性有待增强。",
                 "三、下一步工作安排", "持续推进严格规范公正文明执法。"]
    elif kind == "yaodian":
        title = f"{place}{year}年政务公开工作要点"
        paras = [f"为深入贯彻落实《中华人民共和国政府信息公开条例》，做好{year}年政务公开工作，制定本要点。",
                 "一、围绕推动高质量发展做好政务公开", "二、围绕政策解读回应做好政务公开",
                 f"三、夯实政务公开工作基础。各单位要于{year + 1}年1月31日前向社会公布本单位{year}年政府信息公开工作年度报告。"]
    elif kind == "news":
        title = f"我市发布{year}年政府信息公开工作年度报告"
        requests = rng.randint(200, 3000)
        paras = [f"近日，{publisher}发布{year}年政府信息公开工作年度报告。报告显示，{year}年全市主动公开政府信息"
                 f"{rng.randint(10000, 90000)}条，共收到政府信息公开申请{requests}件，"
                 f"予以公开{rng.randint(1, requests // 2)}件。",
                 "报告全文可在市政府门户网站“政府信息公开年报”栏目查阅。", f"（来源：{place}融媒体中心）"]
    elif kind == "baobiao":
        title = f"{place}{year}年度政府信息公开统计年度报表"
        rows = "".join(f"<tr><td>{html.escape(name)}</td><td>{rng.randint(0, 400)}</td><td>{rng.randint(0, 90)}</td>"
                       f"<td>{rng.randint(0, 9)}</td></tr>"
                       for name in ("市政府办公室", "市公安局", "市教育局", "市财政局", "市自然资源局", "市卫生健康局"))
        return title, (f"<p>{html.escape(place)}{year}年度各部门政府信息公开情况统计表</p>"
                       '<table border="1"><tr><td>单位</td><td>主动公开信息数（条）</td><td>收到申请数（件）</td>'
                       f"<td>行政复议数（件）</td></tr>{rows}</table>"
                       f"<p>填报单位：{html.escape(publisher)}</p>"), day
    elif kind == "guide":
        title = f"{publisher}政府信息公开指南"
        paras = [f"为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制{publisher}政府信息公开指南。",
                 "一、主动公开", "（一）公开范围。本机关主动公开的政府信息包括机构职能、政策文件、政府信息公开工作年度报告等。",
                 "二、依申请公开", "（一）申请方式。申请人可以通过当面、信函、网上等方式提出申请。",
                 "三、收费标准", "本机关依申请提供政府信息，不收取费用；确需收取信息处理费的，按照国办函〔2020〕109号执行。"]
    else:
        raise ValueError(f"unknown decoy kind {kind!r}")
    return title, "\n".join(f"<p>{html.escape(p)}</p>" for p in paras), day
