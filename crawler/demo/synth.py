"""Synthetic 政府信息公开工作年度报告 with known cells, for round-trip tests of the extractor.

``generate(seed, layout, template)`` renders one random but arithmetically consistent report
of the 2021 or the 2019 national template (domain.md §2.2–2.5, cells.md) and returns a
``SynthReport``; it unpacks as ``(document, expected_cells)``, where ``expected_cells`` maps
every canonical key of that template to its value (``None`` for a blank cell).

The data is built so that I1–I6 (domain.md §3.1) hold with blanks read as 0: the requests
table is drawn column by column from outcome counts, then the 总计 column is summed.

Layouts imitate how real copies reach the extractor:

- ``html``  a full CMS page (bytes, utf-8 or GBK-family with a matching <meta charset>), the
  tables with the official rowspan/colspan structure;
- ``pipe``  pipe-joined rows, spanned cells dropped and pipes padded at the row end (seed 000);
- ``tab``   tab-separated grid rows, a few rows losing their leading empty cells (seeds 001/003);
- ``lines`` one cell per line, rows as blocks separated by blank lines (docx export, seed 002);
- ``flat``  each table flattened into one line of tokens (only for reports without blanks).

Everything is drawn from one ``random.Random(f"{seed}:{layout}:{template}")``, so a seed
reproduces its document exactly.
"""

from __future__ import annotations

import html
import math
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

LAYOUTS = ("html", "pipe", "tab", "lines", "flat")
TEMPLATES = ("2021", "2019")
YEARS = {"2021": (2021, 2022, 2023, 2024), "2019": (2019, 2020)}

# --- section 三: requests ---------------------------------------------------------------------

REQUEST_COLUMNS = (
    "natural_person", "org_commercial", "org_research",
    "org_public_welfare", "org_legal_service", "org_other", "total",
)
APPLICANTS = REQUEST_COLUMNS[:6]
# Relative weight of each applicant column in a report's request volume.
APPLICANT_WEIGHT = {
    "natural_person": 1.0, "org_commercial": 0.3, "org_research": 0.03,
    "org_public_welfare": 0.03, "org_legal_service": 0.12, "org_other": 0.1,
}
APPLICANT_ACTIVE = {
    "natural_person": 0.92, "org_commercial": 0.45, "org_research": 0.1,
    "org_public_welfare": 0.1, "org_legal_service": 0.3, "org_other": 0.25,
}

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
HEAD_ROWS = (
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
)
RESULTS_LABEL = "三、本年度办理结果"
CARRIED_FORWARD = ("carried_forward", "四、结转下年度继续办理")

# (group label or None, ((row key, label), ...)). A group label is a rowspan cell beside its
# numbered sub-rows; a row without a group spans both label columns.
RESULT_GROUPS_COMMON = (
    (None, (("granted", "（一）予以公开"),)),
    (None, (("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),)),
    ("（三）不予公开", (
        ("denied_state_secret", "1.属于国家秘密"),
        ("denied_other_law", "2.其他法律行政法规禁止公开"),
        ("denied_security_stability", "3.危及“三安全一稳定”"),
        ("denied_third_party", "4.保护第三方合法权益"),
        ("denied_internal_affairs", "5.属于三类内部事务信息"),
        ("denied_process_info", "6.属于四类过程性信息"),
        ("denied_enforcement_file", "7.属于行政执法案卷"),
        ("denied_admin_query", "8.属于行政查询事项"),
    )),
    ("（四）无法提供", (
        ("unable_not_held", "1.本机关不掌握相关政府信息"),
        ("unable_needs_creation", "2.没有现成信息需要另行制作"),
        ("unable_unclear", "3.补正后申请内容仍不明确"),
    )),
    ("（五）不予处理", (
        ("np_petition_complaint", "1.信访举报投诉类申请"),
        ("np_repeated", "2.重复申请"),
        ("np_publication", "3.要求提供公开出版物"),
        ("np_excessive", "4.无正当理由大量反复申请"),
        ("np_confirm_reissue", "5.要求行政机关确认或重新出具已获取信息"),
    )),
)
OTHER_GROUP = {
    "2021": ("（六）其他处理", (
        ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other_misc", "3.其他"),
    )),
    "2019": (None, (("other_total", "（六）其他处理"),)),
}
TOTAL_GROUP = (None, (("results_total", "（七）总计"),))

# Chance that an outcome row is non-zero in an active applicant column.
OUTCOME_NONZERO = {
    "granted": 0.75, "partially_granted": 0.35, "unable_not_held": 0.55,
    "np_repeated": 0.2, "np_petition_complaint": 0.2, "other_misc": 0.2,
    "other_no_correction": 0.15, "other_total": 0.25,
}
OUTCOME_NONZERO_DEFAULT = 0.08

# --- section 二: proactive disclosure --------------------------------------------------------


@dataclass(frozen=True)
class Block:
    heading: str
    item: str  # art20_N
    headers: tuple[str, ...]
    cols: tuple[str, ...]
    rows: tuple[tuple[str, str], ...]  # (row key, label)


PROACTIVE = {
    "2021": (
        Block("第二十条第（一）项", "art20_1", ("本年制发件数", "本年废止件数", "现行有效件数"),
              ("issued", "repealed", "valid"), (("regulations", "规章"), ("normative_docs", "行政规范性文件"))),
        Block("第二十条第（五）项", "art20_5", ("本年处理决定数量",), ("decisions",),
              (("admin_license", "行政许可"),)),
        Block("第二十条第（六）项", "art20_6", ("本年处理决定数量",), ("decisions",),
              (("admin_penalty", "行政处罚"), ("admin_coercion", "行政强制"))),
        Block("第二十条第（八）项", "art20_8", ("本年收费金额（单位：万元）",), ("amount_wan_yuan",),
              (("admin_fees", "行政事业性收费"),)),
    ),
    "2019": (
        Block("第二十条第（一）项", "art20_1", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
              ("new_made", "new_published", "total_published"),
              (("regulations", "规章"), ("normative_docs", "规范性文件"))),
        Block("第二十条第（五）项", "art20_5", ("上一年项目数量", "本年增/减", "处理决定数量"),
              ("prev_year_items", "change", "decisions"),
              (("admin_license", "行政许可"), ("other_external_services", "其他对外管理服务事项"))),
        Block("第二十条第（六）项", "art20_6", ("上一年项目数量", "本年增/减", "处理决定数量"),
              ("prev_year_items", "change", "decisions"),
              (("admin_penalty", "行政处罚"), ("admin_coercion", "行政强制"))),
        Block("第二十条第（八）项", "art20_8", ("上一年项目数量", "本年增/减"), ("prev_year_items", "change"),
              (("admin_fees", "行政事业性收费"),)),
        Block("第二十条第（九）项", "art20_9", ("采购项目数量", "采购总金额"), ("items", "amount_wan_yuan"),
              (("centralized_procurement", "政府集中采购"),)),
    ),
}
FEE_HEADERS = ("本年收费金额（单位：万元）", "本年收费金额（单位：万元）", "本年收费金额（单位：万元，保留4位小数）")

# --- section 四: review and litigation ------------------------------------------------------

REVIEW_BLOCKS = (("review", "行政复议"), ("lit_direct", "未经复议直接起诉"), ("lit_after_review", "复议后起诉"))
REVIEW_COLS = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
               ("pending", "尚未审结"), ("total", "总计"))

# Header cells printed over two lines. Text extraction of the first set may keep only the
# first line (seed 000: "结果 | 结果 | 其他 | 尚未"); the second set is joined with a space.
SPLIT_TRUNCATABLE = {
    "结果维持": "结果\n维持", "结果纠正": "结果\n纠正", "其他结果": "其他\n结果", "尚未审结": "尚未\n审结",
    "本年新制作数量": "本年新\n制作数量", "本年新公开数量": "本年新\n公开数量",
    "上一年项目数量": "上一年\n项目数量", "处理决定数量": "处理决定\n数量",
}
# Long row labels wrapped inside their cell (<br> in HTML, a continuation line in docx).
LABEL_WRAPS = (
    ("（区分处理的", "\n（区分处理的"), ("(区分处理的", "\n(区分处理的"),
    ("逾期不补正、", "逾期不补正、\n"), ("缴纳费用、", "缴纳费用、\n"),
    ("勾稽关系为：", "勾稽关系为：\n"), ("勾稽关系为:", "勾稽关系为:\n"),
)
SPLIT_JOINED = {
    "商业企业": "商业\n企业", "科研机构": "科研\n机构", "社会公益组织": "社会公益\n组织",
    "法律服务机构": "法律服务\n机构", "未经复议直接起诉": "未经复议\n直接起诉",
}

# --- headings, agencies -----------------------------------------------------------------

HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
HEADING_VARIANTS = {4: ("五、政府信息公开工作存在的主要问题及改进情况",)}

CITIES = (
    "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "丽水市", "台州市", "驻马店市", "新乡市",
    "安康市", "宣城市", "揭阳市", "宜春市", "益阳市", "孝感市", "吉林市", "泰州市", "南平市",
)
COUNTIES = (
    "桐乡市", "海宁市", "平湖市", "嘉善县", "德清县", "长兴县", "安吉县", "诸暨市", "嵊州市",
    "新昌县", "临海市", "温岭市", "玉环市", "瑞安市", "乐清市", "义乌市", "东阳市", "永康市",
    "江山市", "龙游县", "庆元县", "遂昌县", "宁国市", "广德市", "绩溪县", "平度市", "莱西市",
    "普宁市", "惠来县", "永靖县", "和政县", "紫阳县", "汉阴县", "石泉县", "岚皋县", "卫辉市",
    "辉县市", "南昌县", "进贤县", "浏阳市", "宁乡市", "醴陵市", "攸县", "茶陵县", "舒兰市",
)
DISTRICTS = (
    "杭州市西湖区", "宁波市鄞州区", "温州市鹿城区", "绍兴市柯桥区", "长沙市岳麓区", "广州市天河区",
    "成都市武侯区", "西安市雁塔区", "郑州市金水区", "济南市历下区", "合肥市蜀山区", "福州市晋安区",
)
DEPARTMENTS = (
    "公安局", "公安局", "公安局", "人民政府办公室", "市场监督管理局", "自然资源和规划局",
    "住房和城乡建设局", "财政局", "教育局", "卫生健康局", "人力资源和社会保障局", "交通运输局",
    "民政局", "司法局", "农业农村局", "应急管理局", "水利局", "商务局", "审计局", "统计局",
    "退役军人事务局", "医疗保障局", "发展和改革局", "综合行政执法局", "行政审批服务局", "人民政府",
)
TOWNS = ("濮院镇", "崇福镇", "洲泉镇", "石门镇", "新塍镇", "临平街道", "梧桐街道", "凤鸣街道", "城关镇")
FEE_ITEMS = (
    "驾驶许可考试费", "机动车号牌工本费", "机动车行驶证工本费", "机动车驾驶证工本费",
    "居民身份证工本费", "户口簿工本费", "出入境证件费", "不动产登记费", "土地复垦费", "污水处理费",
)


def agency_name(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.06:
        town = rng.choice(TOWNS)
        return rng.choice(COUNTIES) + town + ("办事处" if town.endswith("街道") else "人民政府")
    if kind < 0.1:
        return f"国家税务总局{rng.choice(COUNTIES)}税务局"
    if kind < 0.13:
        return f"{rng.choice(CITIES)}住房公积金管理中心"
    place = rng.choice((CITIES, COUNTIES, COUNTIES, DISTRICTS))
    return rng.choice(place) + rng.choice(DEPARTMENTS)


# --- the data model -----------------------------------------------------------------------


@dataclass
class Cell:
    """One printed table cell; ``text`` may hold a newline (a header split over two lines)."""

    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    head: bool = False


Table = list  # list[list[Cell]]: the real cells of each row, as in HTML (no placeholders)


@dataclass
class Style:
    """How one report prints its labels and headers; drawn once per report."""

    parens: str = "full"  # full （一）| half (一) with half-width punctuation | spaced "(一) 予以公开"
    ascii_quotes: bool = False
    split_headers: bool = False
    truncate_split: bool = False  # text extraction keeps the first line of a split header
    total_in_top_header: bool = False  # 总计 spans the three header rows (seed 001)
    fee_header: str = FEE_HEADERS[0]
    repealed_typo: bool = False  # 本年度止件数 (seed 003)
    thousands: bool = False  # "2,878,911" in section 二
    wrap_labels: bool = False  # long labels over two lines
    # HTML only
    th_headers: bool = False  # header cells as <th>
    digit_runs: bool = False  # Word splits a number into runs: <span>1</span><span>0</span>
    fullwidth_digits: bool = False  # typed with a full-width IME: ２３
    padded_numbers: bool = False  # "&nbsp;23 " and line breaks inside the cell

    def label(self, text: str) -> str:
        if self.ascii_quotes:
            text = text.replace("“", '"').replace("”", '"')
        if self.parens == "half":
            text = text.translate(str.maketrans("（）：，", "():,"))
        elif self.parens == "spaced":
            text = re.sub(r"^（([一二三四五六七])）", r"(\1) ", text)
        if self.wrap_labels:
            for old, new in LABEL_WRAPS:
                text = text.replace(old, new, 1)
        return text

    def header(self, text: str) -> str:
        if not self.split_headers:
            return text
        return SPLIT_TRUNCATABLE.get(text) or SPLIT_JOINED.get(text) or text


@dataclass
class SynthReport:
    """A generated report: the document, the cells it must yield, and its identity."""

    seed: int
    layout: str
    template: str
    year: int
    agency: str
    title: str
    document: str | bytes
    cells: dict[str, int | float | None]
    raw: dict[str, str] = field(repr=False, default_factory=dict)
    blank_mode: str = "printed"
    content_type: str | None = None
    url: str | None = None

    def __iter__(self):
        return iter((self.document, self.cells))


# --- random values ------------------------------------------------------------------------


def count(rng: random.Random, p_nonzero: float, hi: int) -> int:
    """0 with probability 1 - p, else log-uniform in [1, hi]."""
    if hi < 1 or rng.random() >= p_nonzero:
        return 0
    return min(hi, int(math.exp(rng.uniform(0, math.log(hi + 1)))))


def applicant_column(rng: random.Random, template: str, scale: int) -> dict[str, int]:
    """One applicant column satisfying I1 and I2: outcomes first, then the flow rows."""
    col = {key: count(rng, OUTCOME_NONZERO.get(key, OUTCOME_NONZERO_DEFAULT), scale)
           for key in outcome_rows(template)}
    col["results_total"] = sum(col.values())
    col["carried_forward"] = count(rng, 0.3, max(1, scale // 8) if scale else 0)
    flow = col["results_total"] + col["carried_forward"]
    col["carried_over"] = rng.randint(0, flow) if rng.random() < 0.35 else 0
    col["new_received"] = flow - col["carried_over"]
    return col


def make_requests(rng: random.Random, template: str, volume: int) -> dict[str, dict[str, int]]:
    """row -> column -> count, the 总计 column summed from the six applicant columns (I3)."""
    columns = {}
    for name in APPLICANTS:
        active = volume > 0 and rng.random() < APPLICANT_ACTIVE[name]
        scale = max(1, round(volume * APPLICANT_WEIGHT[name])) if active else 0
        columns[name] = applicant_column(rng, template, scale)
    table = {row: {c: columns[c][row] for c in APPLICANTS} for row in request_rows(template)}
    for row in table.values():
        row["total"] = sum(row.values())
    return table


def outcome_rows(template: str) -> list[str]:
    groups = RESULT_GROUPS_COMMON + (OTHER_GROUP[template],)
    return [key for _, items in groups for key, _ in items]


def request_rows(template: str) -> list[str]:
    return ["new_received", "carried_over", *outcome_rows(template), "results_total", "carried_forward"]


def make_review(rng: random.Random) -> dict[str, dict[str, int]]:
    busy = rng.random() < 0.35
    table = {}
    for block, _ in REVIEW_BLOCKS:
        row = {col: count(rng, 0.3 if busy else 0.03, 12) for col, _ in REVIEW_COLS[:4]}
        row["total"] = sum(row.values())
        table[block] = row
    return table


def count_raw(value: int, thousands: bool = False) -> str:
    return f"{value:,}" if thousands and value >= 1000 else str(value)


def wan_yuan(rng: random.Random, p_zero: float) -> tuple[str, float]:
    """A fee in 万元 with up to 4 decimals, sometimes with the unit in the cell, now and then
    wrongly entered in 元 (converted to 万元, cells.md)."""
    if rng.random() < p_zero:
        return rng.choice(("0", "0", "0.0000", "0.00")), 0.0
    decimals = rng.choice((4, 4, 4, 3, 2, 1, 0))
    step = 10 ** (4 - decimals)
    yuan = max(step, int(math.exp(rng.uniform(math.log(100), math.log(3e8)))) // step * step)
    wan = Decimal(yuan) / 10000
    unit = rng.random()
    if unit < 0.05:
        return f"{yuan}元", float(wan)
    return f"{wan:.{decimals}f}" + ("万元" if unit < 0.3 else ""), float(wan)


def procurement_amount(rng: random.Random, items: int) -> tuple[str, float]:
    """政府集中采购 总金额: "94.52万元" or "251000元" (converted to 万元)."""
    if items == 0:
        return rng.choice(("0", "0万元", "0元")), 0.0
    yuan = int(math.exp(rng.uniform(math.log(2000), math.log(5e7))))
    if rng.random() < 0.5:
        yuan = yuan // 100 * 100
        return f"{yuan}元", float(Decimal(yuan) / 10000)
    decimals = rng.choice((2, 2, 4, 3))
    yuan = yuan // 10 ** (4 - decimals) * 10 ** (4 - decimals)
    wan = Decimal(yuan) / 10000
    return f"{wan:.{decimals}f}万元", float(wan)


def signed_change(rng: random.Random) -> tuple[str, int]:
    roll = rng.random()
    if roll < 0.55:
        return "0", 0
    if roll < 0.8:
        value = -count(rng, 1, 20)
        return str(value), value
    value = count(rng, 1, 40)
    return (f"+{value}" if rng.random() < 0.2 else str(value)), value


def proactive_values(rng: random.Random, template: str, agency: str, style: Style) -> dict[str, tuple]:
    """Canonical key -> (raw text, value) for section 二."""
    makes_rules = agency.endswith(("人民政府", "人民政府办公室"))  # only governments issue 规章
    drawn = (proactive_2021 if template == "2021" else proactive_2019)(rng, makes_rules)
    return {f"proactive.{key}": (raw if raw is not None else count_raw(value, style.thousands), value)
            for key, (raw, value) in drawn.items()}


def proactive_2021(rng: random.Random, makes_rules: bool) -> dict[str, tuple]:
    """Key -> (raw or None for a plain count, value)."""
    out = {}
    for row, p in (("regulations", 0.5 if makes_rules else 0.03), ("normative_docs", 0.6)):
        issued, repealed = count(rng, p, 30), count(rng, p * 0.6, 15)
        out[f"art20_1.{row}.issued"] = (None, issued)
        out[f"art20_1.{row}.repealed"] = (None, repealed)
        out[f"art20_1.{row}.valid"] = (None, issued + count(rng, p, 400))
    out["art20_5.admin_license.decisions"] = (None, count(rng, 0.7, 10**6))
    out["art20_6.admin_penalty.decisions"] = (None, count(rng, 0.7, 10**6))
    out["art20_6.admin_coercion.decisions"] = (None, count(rng, 0.7, 10**5))
    out["art20_8.admin_fees.amount_wan_yuan"] = wan_yuan(rng, 0.3)
    return out


def proactive_2019(rng: random.Random, makes_rules: bool) -> dict[str, tuple]:
    """Key -> (raw or None for a plain count, value); S3 holds (new_published <= total_published)."""
    out = {}
    for row, p in (("regulations", 0.5 if makes_rules else 0.03), ("normative_docs", 0.6)):
        made = count(rng, p, 40)
        published = rng.randint(0, made)
        out[f"art20_1.{row}.new_made"] = (None, made)
        out[f"art20_1.{row}.new_published"] = (None, published)
        out[f"art20_1.{row}.total_published"] = (None, published + count(rng, p, 500))
    for item, row in (("art20_5", "admin_license"), ("art20_5", "other_external_services"),
                      ("art20_6", "admin_penalty"), ("art20_6", "admin_coercion")):
        out[f"{item}.{row}.prev_year_items"] = (None, count(rng, 0.6, 300))
        out[f"{item}.{row}.change"] = signed_change(rng)
        out[f"{item}.{row}.decisions"] = (None, count(rng, 0.7, 10**6))
    out["art20_8.admin_fees.prev_year_items"] = (None, count(rng, 0.5, 20))
    out["art20_8.admin_fees.change"] = signed_change(rng)
    items = count(rng, 0.7, 60)
    out["art20_9.centralized_procurement.items"] = (None, items)
    out["art20_9.centralized_procurement.amount_wan_yuan"] = procurement_amount(rng, items)
    return out


BLANK_MODES = (("printed", 0.62), ("zero_cells", 0.13), ("zero_columns", 0.1), ("applicants_blank", 0.15))


def blank_mode(rng: random.Random, layout: str) -> str:
    if layout == "flat":  # blanks cannot be recovered from a flattened line
        return "printed"
    return rng.choices([m for m, _ in BLANK_MODES], [w for _, w in BLANK_MODES])[0]


def request_cells(rng: random.Random, table: dict, mode: str) -> dict[str, tuple]:
    """Canonical key -> (raw, value); applicant cells left blank per the report's blank mode.

    Only zero cells are blanked, so I1–I3 still hold when a blank is read as 0.
    """
    zero_cols = [c for c in APPLICANTS if not any(table[r][c] for r in table)]
    k = 1 if rng.random() < 0.5 else rng.randint(1, max(1, len(zero_cols)))  # often a single column
    blank_cols = set(rng.sample(zero_cols, k)) if zero_cols else set()
    q = rng.choice((0.5, 1.0))
    out = {}
    for row, values in table.items():
        for col, value in values.items():
            blank = col != "total" and value == 0 and (
                mode == "applicants_blank"
                or (mode == "zero_cells" and rng.random() < q)
                or (mode == "zero_columns" and col in blank_cols))
            out[f"requests.{row}.{col}"] = ("", None) if blank else (str(value), value)
    return out


def review_cells(table: dict) -> dict[str, tuple]:
    return {f"review_litigation.{b}.{c}": (str(v), v) for b, row in table.items() for c, v in row.items()}


# --- narrative -----------------------------------------------------------------------------


def short_name(agency: str) -> str:
    for suffix, short in (("人民政府办公室", "我办"), ("委员会", "我委"), ("中心", "我中心"), ("局", "我局")):
        if agency.endswith(suffix):
            return short
    return "本机关"


def overview(rng: random.Random, template: str, year: int, agency: str, req: dict) -> list[str]:
    me = short_name(agency)
    new, over = req["new_received"]["total"], req["carried_over"]["total"]
    items = rng.randint(20, 3000)
    if new + over:
        requests = f"{year}年，{me}共收到政府信息公开申请{new}件，上年结转{over}件，均已在法定期限内答复。"
        if rng.random() < 0.35:
            done = req["results_total"]["total"]
            requests += (f"办结{done}件，其中予以公开{req['granted']['total']}件、"
                         f"部分公开{req['partially_granted']['total']}件。")
    else:
        requests = f"{year}年，{me}未收到政府信息公开申请。"
    if template == "2019":
        return [f"{year}年，{agency}认真贯彻落实新修订的《中华人民共和国政府信息公开条例》，"
                f"全年主动公开政府信息{items}条。" + requests,
                "一是加强组织领导。调整政府信息公开工作领导小组，明确专人负责日常工作。"]
    return [
        f"（一）主动公开情况。{year}年，{me}通过政府门户网站主动公开政府信息{items}条，"
        f"其中工作动态{rng.randint(1, items)}条、政策文件{rng.randint(0, 40)}条。",
        "（二）依申请公开情况。" + requests,
        "（三）政府信息管理情况。严格落实“先审查、后公开”和“一事一审”原则，全年未发生泄密事件。",
        f"（四）政府信息公开平台建设情况。持续加强政务新媒体管理，全年发布政务微博、微信信息{rng.randint(10, 900)}条。",
        "（五）监督保障情况。成立政务公开工作领导小组，将政府信息公开工作纳入年度绩效考核。",
    ]


def problems(rng: random.Random) -> list[str]:
    return [
        "（一）存在的主要问题。一是信息公开的及时性有待提高；二是政策解读形式较为单一。",
        rng.choice(("（二）改进情况。下一步，将加强业务培训，进一步规范依申请公开办理流程。",
                    "（二）改进情况。针对上年度报告指出的问题，已完成政府信息公开目录的梳理和更新。")),
    ]


def other_matters(rng: random.Random, template: str, year: int, fee: float | None) -> list[str]:
    if template == "2019":
        return [rng.choice(("无。", "本年度无其他需要报告的事项。"))]
    lines = [rng.choice(("本年度无收取信息处理费的情况。", "依申请公开收费为零。",
                         f"{year}年，本机关未收取政府信息公开信息处理费。"))]
    if fee and rng.random() < 0.4:
        lines.append("本年度行政事业性收费情况：" + fee_items(rng, round(fee * 10000)))
    return lines


def fee_items(rng: random.Random, yuan: int) -> str:
    """An itemised fee list in 元 that sums to the table's fee (S5)."""
    k = min(len(FEE_ITEMS), rng.randint(1, 6), yuan)
    cuts = sorted(rng.sample(range(1, yuan), k - 1)) if k > 1 else []
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, yuan], strict=True)]
    names = rng.sample(FEE_ITEMS, k)
    return "；".join(f"{i}、{n}{p}元" for i, (n, p) in enumerate(zip(names, parts, strict=True), 1)) + "。"


def chinese_year(year: int) -> str:
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(year))


def make_title(rng: random.Random, agency: str, year: int, layout: str) -> tuple[str, list[str]]:
    """The title and the lines it is printed on (seed 002 puts the agency on its own line);
    a few titles write the year in Chinese numerals (二〇二三年)."""
    roll = rng.random()
    if rng.random() < 0.04:
        year = chinese_year(year)
    if roll < 0.45:
        title = f"{agency}{year}年政府信息公开工作年度报告"
    elif roll < 0.6:
        title = f"{agency}{year}年度政府信息公开工作年度报告"
    elif roll < 0.75:
        title = f"{year}年{agency}政府信息公开工作年度报告"
    elif roll < 0.88:
        title = f"{agency}政府信息公开工作年度报告（{year}年度）"
    else:
        tail = f"关于{year}年政府信息公开工作的报告"
        title = agency + tail
        if layout in ("lines", "tab", "pipe"):
            return title, [agency, tail]
    return title, [title]


def pdf_spacing(text: str) -> str:
    """PDF text layers put spaces between CJK and digits ("驻马店市公安局 2023 年", seed 001)."""
    return re.sub(r"(?<=[\u4e00-\u9fff])(?=\d)|(?<=\d)(?=[\u4e00-\u9fff])", " ", text)


# --- tables as grids ------------------------------------------------------------------------


def value_cells(cells: dict, keys: list[str], last_colspan: int = 1) -> list[Cell]:
    out = [Cell(cells[k][0]) for k in keys]
    out[-1].colspan = last_colspan
    return out


def proactive_table(template: str, cells: dict, style: Style) -> Table:
    rows = []
    for block in PROACTIVE[template]:
        fill = 4 - len(block.cols)  # the last column spans what the block does not use
        headers = [Cell(style.header(proactive_header(h, style)), head=True) for h in block.headers]
        headers[-1].colspan = fill
        rows.append([Cell(style.label(block.heading), colspan=4, head=True)])
        rows.append([Cell("信息内容", head=True), *headers])
        for row, label in block.rows:
            keys = [f"proactive.{block.item}.{row}.{c}" for c in block.cols]
            rows.append([Cell(label, head=True), *value_cells(cells, keys, fill)])
    return rows


def proactive_header(text: str, style: Style) -> str:
    if text.startswith("本年收费金额"):
        return style.label(style.fee_header)
    if text == "本年废止件数" and style.repealed_typo:
        return "本年度止件数"
    return text


def requests_header(style: Style) -> Table:
    orgs = [Cell(style.header(h), head=True) for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")]
    note = Cell(style.label(NOTE), rowspan=3, colspan=3, head=True)
    if style.total_in_top_header:
        return [[note, Cell("申请人情况", colspan=6, head=True), Cell("总计", rowspan=3, head=True)],
                [Cell("自然人", rowspan=2, head=True), Cell("法人或其他组织", colspan=5, head=True)],
                orgs]
    return [[note, Cell("申请人情况", colspan=7, head=True)],
            [Cell("自然人", rowspan=2, head=True), Cell("法人或其他组织", colspan=5, head=True),
             Cell("总计", rowspan=2, head=True)],
            orgs]


def requests_table(template: str, cells: dict, style: Style) -> Table:
    def values(row):
        return value_cells(cells, [f"requests.{row}.{c}" for c in REQUEST_COLUMNS])

    rows = requests_header(style)
    for key, label in HEAD_ROWS:
        rows.append([Cell(style.label(label), colspan=3, head=True), *values(key)])
    groups = (*RESULT_GROUPS_COMMON, OTHER_GROUP[template], TOTAL_GROUP)
    span = sum(len(items) for _, items in groups)
    first = True
    for group, items in groups:
        for i, (key, label) in enumerate(items):
            row = [Cell(RESULTS_LABEL, rowspan=span, head=True)] if first else []
            first = False
            if group is None:
                row.append(Cell(style.label(label), colspan=2, head=True))
            else:
                if i == 0:
                    row.append(Cell(style.label(group), rowspan=len(items), head=True))
                row.append(Cell(style.label(label), head=True))
            rows.append([*row, *values(key)])
    key, label = CARRIED_FORWARD
    rows.append([Cell(label, colspan=3, head=True), *values(key)])
    return rows


def review_table(cells: dict, style: Style) -> Table:
    sub = [Cell(style.header(h), head=True) for _, h in REVIEW_COLS]
    keys = [f"review_litigation.{b}.{c}" for b, _ in REVIEW_BLOCKS for c, _ in REVIEW_COLS]
    return [
        [Cell("行政复议", colspan=5, head=True), Cell("行政诉讼", colspan=10, head=True)],
        [*(Cell(c.text, rowspan=2, head=True) for c in sub),
         Cell(style.header("未经复议直接起诉"), colspan=5, head=True), Cell("复议后起诉", colspan=5, head=True)],
        [Cell(c.text, head=True) for c in sub * 2],
        value_cells(cells, keys),
    ]


def grid(table: Table) -> list[list[tuple[str, Cell]]]:
    """Expand spans: each position is ("cell", c) at a cell's origin, ("h", c) to the right of
    it in its first row, ("v", c) below its first column, or ("vh", c) below and to the right."""
    width = sum(c.colspan for c in table[0])
    out = [[None] * width for _ in table]
    for r, row in enumerate(table):
        col = 0
        for cell in row:
            while out[r][col] is not None:
                col += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    kind = "cell" if dr == dc == 0 else "h" if dr == 0 else "v" if dc == 0 else "vh"
                    out[r + dr][col + dc] = (kind, cell)
            col += cell.colspan
    return out


# --- text layouts ---------------------------------------------------------------------------


def flat_text(cell: Cell, style: Style, truncatable: bool = True) -> str:
    """A cell as text extraction prints it on one line."""
    if "\n" not in cell.text:
        return cell.text
    first, rest = cell.text.split("\n", 1)
    if style.truncate_split and truncatable and (first + rest) in SPLIT_TRUNCATABLE:
        return first
    return f"{first} {rest}"


def render_pipe_table(table: Table, style: Style) -> list[str]:
    """Seed 000: a row's real cells joined by " | ", padded with pipes to the table width."""
    width = sum(c.colspan for c in table[0])
    lines = []
    for i, row in enumerate(table):
        pad = 0 if i == len(table) - 1 else width - len(row)
        line = " | ".join(flat_text(c, style) for c in row) + " | " + "|" * pad
        lines.append(line.rstrip())
    return lines


def render_tab_table(rng: random.Random, table: Table, style: Style) -> list[str]:
    """Seeds 001/003: every grid position a tab field; a few rows lose their leading empties.

    Seed 001 also pushes colspan placeholders to the row end. Both shifts are only applied
    where every value is printed: with blank cells they would make the row ambiguous.
    """
    has_blanks = any(not c.head and not c.text for row in table for c in row)
    spans_at_end = not has_blanks and rng.random() < 0.3
    mangled = set(rng.sample(range(len(table)), k=min(len(table), rng.choice((0, 1, 2, 3)))))
    lines = []
    for r, slots in enumerate(grid(table)):
        fields = [flat_text(c, style) if kind == "cell" else "" for kind, c in slots]
        if spans_at_end:
            keep = [f for (kind, _), f in zip(slots, fields, strict=True) if kind != "h"]
            fields = keep + [""] * (len(fields) - len(keep))
        lead = next((i for i, f in enumerate(fields) if f), 0)
        if r in mangled and lead and all(c.head or c.text for c in table[r]):
            fields = fields[lead:] + ([""] * lead if rng.random() < 0.5 else [])
        lines.append("\t".join(fields))
    return lines


LINE_VALUE_PADS = ("{}", "{}\xa0", "\xa0{}", "\u3000\u3000{}", "\u3000{}")
LINE_BLANKS = ("\xa0", " ", "\xa0")


def render_lines_table(rng: random.Random, table: Table) -> list[str]:
    """Seed 002 (docx → text): one cell per line after a tab, rows as blocks; a vertically
    merged cell repeats as an empty cell, a split header continues on a line without tab."""
    pad = rng.choice(LINE_VALUE_PADS)
    blank = rng.choice(LINE_BLANKS)
    lines = []
    for slots in grid(table):
        for kind, cell in slots:
            if kind == "v":
                lines.append("\t")
            elif kind == "cell" and cell.head:
                lines.append("\t" + cell.text)
            elif kind == "cell":
                lines.append("\t" + (pad.format(cell.text) if cell.text else blank))
        lines.append("")
    return lines


def render_flat_table(table: Table, style: Style) -> list[str]:
    tokens = [flat_text(c, style, truncatable=False) for row in table for c in row if c.text]
    return [" ".join(tokens)]


# --- document assembly ----------------------------------------------------------------------


@dataclass
class Content:
    """The report as an ordered list of blocks: ("title"|"heading"|"para", text) or ("table", Table)."""

    title: str
    title_lines: list[str]
    agency: str
    year: int
    blocks: list[tuple[str, object]]


def build_content(rng, template, year, agency, title, title_lines, cells, req, style) -> Content:
    fee = cells.get("proactive.art20_8.admin_fees.amount_wan_yuan", (None, None))[1]
    headings = [rng.choice(HEADING_VARIANTS[i]) if i in HEADING_VARIANTS and rng.random() < 0.15 else h
                for i, h in enumerate(HEADINGS)]
    blocks = [("heading", headings[0]), *(("para", p) for p in overview(rng, template, year, agency, req)),
              ("heading", headings[1]), ("table", proactive_table(template, cells, style)),
              ("heading", headings[2]), ("table", requests_table(template, cells, style)),
              ("heading", headings[3]), ("table", review_table(cells, style)),
              ("heading", headings[4]), *(("para", p) for p in problems(rng)),
              ("heading", headings[5]), *(("para", p) for p in other_matters(rng, template, year, fee))]
    if rng.random() < 0.5:
        blocks += [("para", agency), ("para", f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日")]
    return Content(title, title_lines, agency, year, blocks)


PAGE_MARKS = ("- {} -", "— {} —", "第{}页 共{}页", "第 {} 页")


def page_marks(rng: random.Random, lines: list[str], first: int) -> list[str]:
    """A PDF text layer prints the page number where a page breaks, tables included; the
    first page holds at least the title and the lines up to ``first``."""
    pages = rng.randint(2, 6)
    cuts = sorted(rng.sample(range(first, len(lines)), min(pages - 1, len(lines) - first)))
    form = rng.choice(PAGE_MARKS)
    out, last = [], 0
    for page, cut in enumerate(cuts, 1):
        out += [*lines[last:cut], form.format(page, pages)]
        last = cut
    return out + lines[last:]


def render_text(rng: random.Random, content: Content, layout: str, style: Style) -> str:
    pdf = layout == "tab" and rng.random() < 0.5
    gap = layout in ("tab",) or (layout == "flat" and rng.random() < 0.5)
    bookmark = layout == "lines" and rng.random() < 0.3  # docx artifact (seed 002)
    lines = [pdf_spacing(t) if pdf else t for t in content.title_lines]
    for kind, item in content.blocks:
        if kind == "table":
            lines += table_lines(rng, item, layout, style)
        elif kind == "para":
            lines.append(("[bookmark: _GoBack]" if bookmark else "") + (pdf_spacing(item) if pdf else item))
            bookmark = False
        else:
            lines.append(item)
        if gap:
            lines.append("")
    if pdf and rng.random() < 0.5:
        lines = page_marks(rng, lines, first=len(content.title_lines) + 6)
    text = "\n".join(lines)
    return ("\n\n" + text) if layout == "tab" else text


def table_lines(rng: random.Random, table: Table, layout: str, style: Style) -> list[str]:
    if layout == "pipe":
        return render_pipe_table(table, style)
    if layout == "tab":
        return render_tab_table(rng, table, style)
    if layout == "lines":
        return render_lines_table(rng, table)
    return render_flat_table(table, style)


# --- html -------------------------------------------------------------------------------------

TD_FLAVOURS = ("word", "plain", "ueditor")


FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def html_value(rng: random.Random, text: str, flavour: str, style: Style) -> str:
    """A printed number as CMS editors leave it."""
    if style.fullwidth_digits:
        text = text.translate(FULLWIDTH)
    if style.digit_runs and flavour == "word" and len(text) > 1:
        cut = rng.randint(1, len(text) - 1)
        text = f'{text[:cut]}</span><span lang="EN-US" style="font-size:10.5pt">{text[cut:]}'
    if style.padded_numbers:
        text = rng.choice(("&nbsp;{}", "{}&nbsp;", "\n    {}\n  ", " {} ")).format(text)
    return text


def html_cell(rng: random.Random, cell: Cell, flavour: str, blank: str, style: Style) -> str:
    tag = "th" if cell.head and style.th_headers else "td"
    attrs = "".join(f' {a}="{n}"' for a, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if n > 1)
    if flavour == "word":
        attrs += ' valign="middle" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
    elif flavour == "ueditor":
        attrs += ' style="word-break: break-all;" valign="middle" align="center"'
    if not cell.text:
        return f"<{tag}{attrs}>{blank}</{tag}>"
    if cell.head:
        inner = "<br/>".join(html.escape(line, quote=False) for line in cell.text.split("\n"))
    else:
        inner = html_value(rng, html.escape(cell.text, quote=False), flavour, style)
    if flavour == "word":
        inner = ('<p class="MsoNormal" align="center" style="text-align:center">'
                 f'<span lang="EN-US" style="font-size:10.5pt;font-family:宋体">{inner}</span></p>')
    elif flavour == "ueditor" and rng.random() < 0.5:
        inner = f'<p style="text-align:center"><span style="font-size:14px">{inner}</span></p>'
    return f"<{tag}{attrs}>{inner}</{tag}>"


def html_table(rng: random.Random, table: Table, flavour: str, style: Style) -> str:
    blank = {"word": '<p class="MsoNormal" align="center"><span lang="EN-US"><o:p></o:p></span></p>',
             "plain": "", "ueditor": rng.choice(("", "", "&nbsp;"))}[flavour]
    rows = ["<tr>" + "".join(html_cell(rng, c, flavour, blank, style) for c in row) + "</tr>" for row in table]
    return ('<table border="1" cellspacing="0" cellpadding="0" width="100%" '
            'style="border-collapse:collapse;border:none">\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>")


def html_body(rng: random.Random, content: Content, style: Style) -> str:
    flavour = rng.choice(TD_FLAVOURS)
    out = []
    for kind, item in content.blocks:
        if kind == "table":
            out.append(html_table(rng, item, flavour, style))
        elif kind == "heading":
            out.append(rng.choice(('<p style="text-indent:2em"><strong>{}</strong></p>',
                                   '<h3 style="text-align:left">{}</h3>',
                                   '<p style="text-indent:2em;font-family:黑体">{}</p>'))
                       .format(html.escape(item, quote=False)))
        else:
            out.append(f'<p style="text-indent:2em;line-height:1.75em">{html.escape(item, quote=False)}</p>')
    return "\n".join(out)


def credit_code(rng: random.Random) -> str:
    return "11" + "".join(rng.choice("0123456789") for _ in range(15)) + rng.choice("0123456789XHKM")


def site_name(agency: str) -> str:
    place = re.match(r"(?:国家税务总局)?(.+?[市县区州])", agency)
    return place.group(1) if place else agency


def html_page(rng: random.Random, content: Content, charset: str, style: Style) -> str:
    """A CMS article page: head, navigation and breadcrumb, the 信息公开 metadata table, the
    report in #zoom, share links, sometimes related links, footer and scripts."""
    site = site_name(content.agency)
    published = f"{content.year + 1}-01-{rng.randint(5, 30):02d}"
    meta = (f'<meta charset="{charset}">' if rng.random() < 0.5 else
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />')
    related = related_links(rng, content, site)
    body = html_body(rng, content, style)
    if rng.random() < 0.2:  # old TRS pages lay the article out in a table
        body = f'<table width="100%" border="0"><tr><td class="bt_content">{body}</td></tr></table>'
    return (page_head(rng, content, meta, site, published) + page_top(site)
            + metadata_table(rng, content, published) + article(rng, content, published, body)
            + related + "\n" + page_footer(rng, site))


def related_links(rng: random.Random, content: Content, site: str) -> str:
    if rng.random() >= 0.3:
        return ""
    return ('<div class="related"><h4>相关阅读</h4><ul>'
            f'<li><a href="../{content.year}/index.html">{content.agency}{content.year - 1}年政府信息公开工作年度报告</a></li>'
            f'<li><a href="/zfxxgk/zn/">{site}政府信息公开指南</a></li></ul></div>')


def page_head(rng: random.Random, content: Content, meta: str, site: str, published: str) -> str:
    title = html.escape(content.title)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{meta}
<title>{title}_{site}人民政府门户网站</title>
<meta name="SiteName" content="{site}人民政府门户网站">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{published} 09:{rng.randint(10, 59)}">
<meta name="ContentSource" content="{content.agency}">
<link rel="stylesheet" href="/images/2021/css/style.css">
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
<script>var webid = {rng.randint(1, 99)}; var columnid = {rng.randint(1229000000, 1229999999)};</script>
</head>
<body>
"""


def page_top(site: str) -> str:
    return f"""<div class="top"><span>欢迎访问{site}人民政府门户网站</span><a href="/wza/">无障碍</a> | <a href="/zzb/">长者模式</a>
<form action="/jrobotfront/search.action"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zj/">走进{site}</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zfxxgk/">政府信息公开</a> &gt; <a href="/zfxxgk/nb/">政府信息公开年报</a></div>
"""


def metadata_table(rng: random.Random, content: Content, published: str) -> str:
    index = f"{credit_code(rng)}/{content.year + 1}-{rng.randint(1, 99999):05d}"
    return f"""<table class="xxgk_table" width="100%">
<tr><td>索引号：</td><td>{index}</td><td>发布机构：</td><td>{content.agency}</td></tr>
<tr><td>成文日期：</td><td>{published}</td><td>发布日期：</td><td>{published}</td></tr>
<tr><td>主题分类：</td><td>综合政务/政务公开</td><td>文号：</td><td></td></tr>
</table>
"""


def article(rng: random.Random, content: Content, published: str, body: str) -> str:
    hits = rng.randint(10, 9999)
    return f"""<div class="article">
<h1 class="title">{html.escape(content.title)}</h1>
<div class="info">发布时间：{published} 来源：{content.agency} 浏览次数：<span id="hits">{hits}</span> 字号：[<a>大</a> <a>中</a> <a>小</a>]</div>
<div id="zoom" class="TRS_Editor">
{body}
</div>
</div>
<div class="share">分享到：<a>微信</a> <a>微博</a> <a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
"""


def page_footer(rng: random.Random, site: str) -> str:
    return f"""<div class="footer"><p>主办单位：{site}人民政府办公室 网站标识码：{rng.randint(10**9, 10**10 - 1)}</p>
<p><a href="https://beian.miit.gov.cn/">浙ICP备{rng.randint(10**7, 10**8 - 1)}号</a> 浙公网安备 {rng.randint(10**13, 10**14 - 1)}号</p></div>
<script>$(function(){{ $("#hits").load("/module/visit/count.jsp?id={rng.randint(1, 10**6)}"); }});</script>
</body>
</html>
"""


# --- entry point ------------------------------------------------------------------------------


def make_style(rng: random.Random) -> Style:
    return Style(
        parens=rng.choice(("full", "full", "half", "spaced")),
        ascii_quotes=rng.random() < 0.1,
        split_headers=rng.random() < 0.5,
        truncate_split=rng.random() < 0.4,
        total_in_top_header=rng.random() < 0.2,
        fee_header=rng.choice(FEE_HEADERS),
        repealed_typo=rng.random() < 0.05,
        thousands=rng.random() < 0.05,
        wrap_labels=rng.random() < 0.15,
        th_headers=rng.random() < 0.15,
        digit_runs=rng.random() < 0.15,
        fullwidth_digits=rng.random() < 0.03,
        padded_numbers=rng.random() < 0.2,
    )


VOLUMES = ((0, 0.1), (3, 0.25), (20, 0.3), (200, 0.22), (2000, 0.1), (5000, 0.03))


def generate(seed: int, layout: str = "html", template: str | None = None) -> SynthReport:
    """One synthetic report; ``template`` None picks one from the seed."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    rng = random.Random(f"{seed}:{layout}:{template}")
    template = template or rng.choice(TEMPLATES)
    year, agency, style = rng.choice(YEARS[template]), agency_name(rng), make_style(rng)
    mode = blank_mode(rng, layout)
    volume = 0 if mode == "applicants_blank" else rng.choices(*zip(*VOLUMES, strict=True))[0]
    req = make_requests(rng, template, volume)
    cells = {**proactive_values(rng, template, agency, style),
             **request_cells(rng, req, mode), **review_cells(make_review(rng))}
    title, title_lines = make_title(rng, agency, year, layout)
    content = build_content(rng, template, year, agency, title, title_lines, cells, req, style)
    report = SynthReport(seed, layout, template, year, agency, title, "", {k: v for k, (_, v) in cells.items()},
                         {k: r for k, (r, _) in cells.items()}, mode)
    if layout == "html":
        charset = rng.choice(("utf-8", "UTF-8", "utf-8", "gb2312", "gbk"))
        page = html_page(rng, content, charset, style)
        report.document = page.encode("gb18030" if charset.startswith("gb") else "utf-8")
        # a GBK page is sometimes served under a wrong UTF-8 header (domain.md §5.5)
        report.content_type = rng.choice(("text/html", f"text/html; charset={charset}", None,
                                          "text/html; charset=UTF-8"))
        report.url = f"http://www.example.gov.cn/art/{year + 1}/1/{rng.randint(1, 28)}/art_{rng.randint(1000, 9999)}_{seed}.html"
    else:
        report.document = render_text(rng, content, layout, style)
    return report


# Seeds of rare but real cases, run by the round trip whatever N is (test_synth checks that
# they still hit their case after a change to the generator).
EDGE_SEEDS = {
    # only the 自然人 column is blank: each row prints 6 contiguous numbers under 7 headings
    "blank_natural_person_column": {
        ("html", "2021"): (225, 497), ("html", "2019"): (214, 1022),
        ("pipe", "2021"): (858, 1085), ("pipe", "2019"): (19, 1815),
        ("tab", "2021"): (772, 1032), ("tab", "2019"): (3952, 3956),
        ("lines", "2021"): (2121, 3638), ("lines", "2019"): (1875, 2339),
    },
}


def edge_seeds(layout: str, template: str) -> list[int]:
    return sorted({seed for case in EDGE_SEEDS.values() for seed in case.get((layout, template), ())})


def corpus(n: int, layout: str, template: str | None = None, start: int = 0):
    """``n`` reports of one layout (templates alternating when ``template`` is None)."""
    for seed in range(start, start + n):
        yield generate(seed, layout, template or TEMPLATES[seed % 2])
