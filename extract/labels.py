"""The templates as data: row labels, column orders, section headings, title filters.

Everything here is matched against normalised text (normalize.norm_label: NFKC, no spaces,
simplified characters), so patterns use half-width parentheses and no spaces.
Adding a label variant seen in the wild is a one-line change here.
"""

# --- section 三: requests (申请人情况 matrix) ---------------------------------------------

REQUEST_COLUMNS = (
    "natural_person",
    "org_commercial",
    "org_research",
    "org_public_welfare",
    "org_legal_service",
    "org_other",
    "total",
)
ORG_COLUMNS = REQUEST_COLUMNS[1:6]

# Row key -> regex on the joined row label. Order matters: the first match wins, so the
# distinctive rows come before the generic ones (部分公开 contains 其他, 总计 is generic).
REQUEST_ROW_PATTERNS = (
    ("new_received", r"新收"),
    ("carried_over", r"上年结转|上年度结转"),
    ("carried_forward", r"结转下年|转下年度"),
    ("denied_state_secret", r"国家秘密"),
    ("denied_other_law", r"禁止公开"),
    ("denied_security_stability", r"三安全"),
    ("denied_third_party", r"第三方"),
    ("denied_internal_affairs", r"内部事务"),
    ("denied_process_info", r"过程性"),
    ("denied_enforcement_file", r"执法案卷"),
    ("denied_admin_query", r"行政查询"),
    ("unable_not_held", r"不掌握"),
    ("unable_needs_creation", r"另行制作"),
    ("unable_unclear", r"仍不明确|内容不明确"),
    ("np_petition_complaint", r"信访|举报投诉"),
    ("np_repeated", r"重复申请"),
    ("np_publication", r"出版物"),
    ("np_excessive", r"大量反复"),
    ("np_confirm_reissue", r"确认或重新出具|重新出具"),
    ("other_no_correction", r"不补正"),
    ("other_fee_unpaid", r"缴纳费用|收费通知"),
    ("partially_granted", r"部分公开"),
    ("granted", r"予以公开"),
    ("results_total", r"(总计|合计)$"),
    # "3.其他" under （六）其他处理 (2021) versus （六）其他处理 printed as one row (2019).
    ("other_misc", r"(其他处理)?\(?[3三][)).、]?其他$|^其他$"),
    ("other_total", r"\(六\)其他处理$|^六?[、.]?其他处理$"),
)

# Header cells of the requests table: a row whose label holds one of these is no data row.
REQUEST_HEADER_LABEL = r"勾稽|申请人情况|自然人|法人或其他组织|商业企业|科研机构"

# The rows each template prints, in order (cells.md).
REQUEST_ROWS_COMMON = (
    "new_received", "carried_over", "granted", "partially_granted",
    "denied_state_secret", "denied_other_law", "denied_security_stability",
    "denied_third_party", "denied_internal_affairs", "denied_process_info",
    "denied_enforcement_file", "denied_admin_query",
    "unable_not_held", "unable_needs_creation", "unable_unclear",
    "np_petition_complaint", "np_repeated", "np_publication", "np_excessive",
    "np_confirm_reissue",
)
OTHER_ROWS_2021 = ("other_no_correction", "other_fee_unpaid", "other_misc")
OTHER_ROWS_2019 = ("other_total",)
REQUEST_ROWS_TAIL = ("results_total", "carried_forward")

DENIED_ROWS = REQUEST_ROWS_COMMON[4:12]
UNABLE_ROWS = REQUEST_ROWS_COMMON[12:15]
NOT_PROCESSED_ROWS = REQUEST_ROWS_COMMON[15:20]

# --- section 二: proactive disclosure ---------------------------------------------------

# Row key -> (block, regex). 规范性文件 must not swallow 规章.
PROACTIVE_ROW_PATTERNS = (
    ("regulations", "art20_1", r"^规章$|^规章[(（]|^\d?[.、]?规章$"),
    ("normative_docs", "art20_1", r"规范性文件"),
    ("other_external_services", "art20_5", r"其他对外管理服务"),
    ("admin_license", "art20_5", r"行政许可"),
    ("admin_penalty", "art20_6", r"行政处罚"),
    ("admin_coercion", "art20_6", r"行政强制"),
    ("admin_fees", "art20_8", r"行政事业性收费"),
    ("centralized_procurement", "art20_9", r"政府集中采购|集中采购"),
)

# Template -> row -> column keys in printed order.
PROACTIVE_COLUMNS = {
    "2021": {
        "regulations": ("issued", "repealed", "valid"),
        "normative_docs": ("issued", "repealed", "valid"),
        "admin_license": ("decisions",),
        "admin_penalty": ("decisions",),
        "admin_coercion": ("decisions",),
        "admin_fees": ("amount_wan_yuan",),
    },
    "2019": {
        "regulations": ("new_made", "new_published", "total_published"),
        "normative_docs": ("new_made", "new_published", "total_published"),
        "admin_license": ("prev_year_items", "change", "decisions"),
        "other_external_services": ("prev_year_items", "change", "decisions"),
        "admin_penalty": ("prev_year_items", "change", "decisions"),
        "admin_coercion": ("prev_year_items", "change", "decisions"),
        "admin_fees": ("prev_year_items", "change"),
        "centralized_procurement": ("items", "amount_wan_yuan"),
    },
}
PROACTIVE_BLOCKS = {row: block for row, block, _ in PROACTIVE_ROW_PATTERNS}

# Columns that hold money (万元) and may be signed.
MONEY_COLUMNS = ("amount_wan_yuan",)
SIGNED_COLUMNS = ("change",)

# Template signals (domain.md §2.6), matched on normalised section-二 text.
SIGNALS_2019 = r"本年新制作|新制作数量|对外公开总数|上一年项目数量|其他对外管理服务|第二十条第\(九\)项|政府集中采购"
SIGNALS_2021 = r"本年制发|现行有效件数|本年收费金额|本年废止|本年度止件数|行政规范性文件|本年处理决定数量"

# --- section 四: review and litigation --------------------------------------------------

REVIEW_BLOCKS = ("review", "lit_direct", "lit_after_review")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
REVIEW_KEYS = tuple(
    f"review_litigation.{block}.{col}" for block in REVIEW_BLOCKS for col in REVIEW_COLUMNS
)

# --- sections ----------------------------------------------------------------------------

SECTION_KEYS = ("overview", "proactive", "requests", "review_litigation", "problems", "other")

# Heading stem (after the ordinal) -> section key. Checked in this order.
SECTION_STEMS = (
    ("review_litigation", r"复议|诉讼"),
    ("requests", r"收到和处理|依申请|申请公开|受理.{0,6}申请"),
    ("proactive", r"主动公开"),
    ("overview", r"总体情况|概述|基本情况|总体工作|工作情况$|工作概况"),
    ("problems", r"问题|改进"),
    ("other", r"其他需要报告|其他事项|需要说明"),
)
CHINESE_ORDINALS = "一二三四五六七八九十"

# --- titles and documents ---------------------------------------------------------------

# A line is a report title when it names the report; the agency and year sit around it.
TITLE_PATTERN = (
    r"(政府|政务)(信息)?公开(工作)?(年度)?(报告|年报)|"
    r"关于.{0,12}(政府|政务)(信息)?公开工作(情况)?的报告|"
    r"信息公开(工作)?年度报告"
)
# Lines that name a report without being its title: breadcrumbs, column names, links.
NOT_TITLE_LINE_PATTERN = r">|»|当前位置|现在的位置|首页|位置[:：]|^\[?(上一篇|下一篇)"
# Titles of documents that are not OGI annual reports, however similar they look.
NOT_REPORT_TITLE_PATTERN = (
    r"法治政府建设|依法行政|工作总结|工作要点|年度报告格式|报告格式|做好.{0,30}年度报告|"
    r"年度报告制度|预算|决算|统计公报|公开指南|公开目录|评估报告|第三方评估|"
    r"大学|学院|医院|企业环境信息|年度报表|的通知|的批复|发布.{0,20}年度报告|"
    r"召开|印发|解读"
)
# Where a page or scraped document stops being report text.
TRAILER_MARKERS = (
    r"^(友情提示|免责声明|来源[:：]网络|相关阅读|相关链接|相关文章|相关新闻|推荐阅读|"
    r"上一篇|下一篇|打印本页|关闭窗口|【打印】|分享到|扫一扫)"
)
# A marker that introduces another document glued onto the first.
APPENDED_DOCUMENT_MARKERS = r"^(扩展阅读|延伸阅读|附录?[:：]|参考范文)"

# Words that mark a generic body without a place: such a name is no agency.
AGENCY_PLACE_MARKERS = r"[省市县区州旗盟镇乡]|街道|国家|中国|中华|国务院|自治|特区|兵团"
AGENCY_NATIONAL_SUFFIX = r"(部|署|总局|委员会|银行|办公厅)$"

# Characters common in reports, to score decoding candidates (mojibake scores low).
COMMON_CHARS = (
    "的一是在不了有和人这中大为上个国我以要时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都"
    "两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重"
    "新线内数正心反明看原又么利比或但质气第向道命此变条只没结解问意建月公无系很情者最立代想已通"
    "并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将"
    "组见计别手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热"
    "领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花"
    "带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土"
    "许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委"
    "素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲"
    "快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
    "申请予以复议诉讼局厅"
)
