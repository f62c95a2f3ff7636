"""Title, agency and covered year (domain.md §5.3)."""

import re

from . import labels as L
from .layout import Row
from .normalize import norm_label, norm_text

_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_YEAR = re.compile(r"([二][〇零○O][一二三四五六七八九〇零○O]{2})年")
_MASKED_YEAR = re.compile(r"(?:19|20)\d?[*＊×Xx?？]+")
_WINDOW = re.compile(r"((?:19|20)\d{2})年\s*1\s*月\s*1\s*日\S{0,4}?至\s*(?:\d{4}年)?\s*12\s*月\s*31\s*日")
_YEAR_PHRASE = re.compile(r"(?:公布|现将|本报告|发布)((?:19|20)\d{2})年度?")
_REPORT_WORDS = re.compile(r"(关于)?((?:19|20)\d{2}|[二][〇零○O][一二三四五六七八九〇零○O]{2}|(?:19|20)\d?[*＊×]+)?\s*年度?")
_CN_YEAR_TEXT = r"二[〇零○O][一二三四五六七八九〇零○O]{2}"
_AGENCY_END = re.compile(rf"(关于|(?:19|20)\d{{2}}\s*年|{_CN_YEAR_TEXT}年|(?:19|20)\d?[*＊×]+\s*年|"
                         r"政府信息公开|政务信息公开|政务公开|信息公开)")
_NAME_LINE = re.compile(r"^[\u4e00-\u9fff()（）]{3,30}(局|厅|府|室|会|委|院|处|中心|办|部|署|所|站|队|区|县|市|街道|镇|乡)$")


def is_title_line(text: str) -> bool:
    label = norm_label(text)
    if re.search(L.NOT_TITLE_LINE_PATTERN, label):
        return False
    return 6 <= len(label) <= 80 and bool(re.search(L.TITLE_PATTERN, label)) and not label.endswith(("。", ";", "；"))


def is_negative_title(text: str) -> bool:
    return bool(re.search(L.NOT_REPORT_TITLE_PATTERN, norm_label(text)))


def find_title(rows: list[Row], page_titles: list[str]) -> tuple[str | None, int]:
    """The report title and the index of its row (-1 when it came from the page's own title).

    Candidates are the title lines near the top of the text and the titles the page
    declares; one naming both its agency and its year beats a generic one ("政府信息公开
    年度报告" is often all a CMS puts in <title>), and the text beats the page.
    """
    candidates = [(title, index) for index, row in enumerate(rows[:_TITLE_SEARCH_ROWS])
                  if (title := _title_at(rows, index))]
    candidates += [(norm_text(t).strip(), -1) for t in page_titles if is_title_line(t)]
    if not candidates:
        return None, -1
    return max(candidates, key=lambda c: (_title_score(c[0]), c[1] >= 0, -abs(c[1])))


_TITLE_SEARCH_ROWS = 40


def _title_at(rows: list[Row], index: int) -> str | None:
    row = rows[index]
    if row.table or not is_title_line(row.text):
        return None
    title = norm_text(row.text).strip()
    prev = rows[index - 1].text.strip() if index else ""
    if prev and _NAME_LINE.match(norm_label(prev)) and norm_label(title).startswith(("关于", "20", "19")):
        title = prev + title  # agency on line 1, "关于2020年…的报告" on line 2 (seed 002)
    return re.sub(r"\s+", "", title) if _mostly_cjk(title) else title


def _title_score(title: str) -> int:
    year, masked = title_year(title)
    return 2 * bool(year or masked) + 2 * bool(agency_from_title(title))


def _mostly_cjk(text: str) -> bool:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text) > len(text) / 2


def title_year(title: str) -> tuple[int | None, bool]:
    """(year, masked): the covered year named in the title; masked when it prints 201*."""
    text = norm_label(title)
    if _MASKED_YEAR.search(text):
        return None, True
    if m := _YEAR.search(text):
        return int(m[1]), False
    if m := _CN_YEAR.search(text):
        return int("".join(_CN_DIGITS[ch] for ch in m[1])), False
    return None, False


def body_year(text: str) -> int | None:
    """The covered year stated in the body: the statistics window, or "公布2023年度…"."""
    head = norm_label(text[:3000])
    for pattern in (_WINDOW, _YEAR_PHRASE):
        if m := pattern.search(head):
            return int(m[1])
    return None


_OPENING_YEAR = re.compile(r"^((?:19|20)\d{2})年(?:度)?[,，、以来]")


def find_year(title: str | None, text: str, overview: str = "") -> int | None:
    """The covered year: from the title, else the statistics window, else the year the
    overview opens with ("2023年，我局…"), which is the covered year in these reports."""
    if title:
        year, masked = title_year(title)
        if year or masked:
            return year
    if _MASKED_YEAR.search(norm_label(text[:600])):
        return None
    if year := body_year(text):
        return year
    m = _OPENING_YEAR.match(norm_label(overview[:40]))
    return int(m[1]) if m else None


def agency_from_title(title: str | None) -> str | None:
    if not title:
        return None
    label = norm_label(title)
    label = re.sub(rf"^[(（]?(?:(?:19|20)\d{{2}}|{_CN_YEAR_TEXT})年度?[)）]?", "", label)  # 上海 style: year first
    m = _AGENCY_END.search(label)
    candidate = label[: m.start()] if m else ""
    if m and candidate.endswith(("市", "县", "区", "省", "州", "旗", "镇", "乡")) and m[1] == "政府信息公开":
        candidate += "人民政府"  # "上海市政府信息公开…" is the city government's report
    return candidate if is_agency_name(candidate) else None


def is_agency_name(name: str | None) -> bool:
    if not name or len(name) < 3 or len(name) > 40:
        return False
    return bool(re.search(L.AGENCY_PLACE_MARKERS, name) or re.search(L.AGENCY_NATIONAL_SUFFIX, name))


def find_agency(title: str | None, meta: dict[str, str]) -> str | None:
    if agency := agency_from_title(title):
        return agency
    for field in ("发布机构", "发文机关", "发布单位", "信息来源"):
        if is_agency_name(name := norm_label(meta.get(field, ""))):
            return name
    return None
