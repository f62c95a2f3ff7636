"""Text normalisation and the reading of one printed number.

Labels are compared after NFKC (full-width digits and brackets become ASCII), with
quotes unified and all white space removed ("商业 企业" == "商业企业"). Numbers are read
from the raw cell text; the raw text itself is never changed.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"',
                         "‘": "'", "’": "'", "〔": "[", "〕": "]", "【": "[", "】": "]",
                         "—": "-", "－": "-", "–": "-", "―": "-", "─": "-", "／": "/"})
_SPACE = re.compile(r"[\s\u200b\u3000\xa0]+")

# Characters that appear in Traditional but not in Simplified Chinese report text.
_TRADITIONAL_HINTS = re.compile("[資訊開與處報務機關國區縣門類請結實總體複應達據權級]")


def norm_text(text: str) -> str:
    """NFKC with unified quotes and dashes; keeps white space (lines, cells)."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


@lru_cache(maxsize=65536)
def norm_label(text: str) -> str:
    """A label for matching: normalised and with every white space removed."""
    return _SPACE.sub("", norm_text(text))


def looks_traditional(text: str) -> bool:
    sample = text[:20000]
    return len(_TRADITIONAL_HINTS.findall(sample)) >= 5


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified (繁体版 pages and mirrors), only where the text is traditional."""
    return _t2s().convert(text) if looks_traditional(text) else text


# --- numbers -------------------------------------------------------------------------------

# Printed markers that stand for "nothing here": kept raw, value null (cells.md).
NULL_MARKERS = {"", "/", "-", "--", "---", "无", "空", "N/A", "n/a", "\\", "×", "*"}

_NUMBER = re.compile(
    r"^(?P<sign>[+-]|增|减|增加|减少)?\s*(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?\s*"
    r"(?P<unit>万元|元|件|条|个|项|人次|次|份|家|起|人)?$"
)


@dataclass(frozen=True)
class Number:
    value: int | Decimal
    unit: str  # "", "元", "万元", "件", ...


@lru_cache(maxsize=65536)
def parse_number(raw: str) -> Number | None:
    """Read one printed number ("1,036", "+3", "减3", "94.52万元"); None if it is not one."""
    text = norm_label(raw)
    m = _NUMBER.match(text)
    if not m:
        return None
    digits = m["num"].replace(",", "")
    try:
        value: int | Decimal = Decimal(digits + m["frac"]) if m["frac"] else int(digits)
    except InvalidOperation:
        return None
    if m["sign"] in ("-", "减", "减少"):
        value = -value
    return Number(value, m["unit"] or "")


def is_null_marker(raw: str) -> bool:
    return norm_label(raw) in NULL_MARKERS


@lru_cache(maxsize=65536)
def is_value_cell(raw: str) -> bool:
    """A cell of a table's number area: a number, a blank, or a null marker."""
    return is_null_marker(raw) or parse_number(raw) is not None


def to_wan_yuan(number: Number) -> Decimal:
    """Money in 万元: a cell printed in 元 is converted, a bare number is taken as 万元."""
    value = Decimal(number.value)
    return value / Decimal(10000) if number.unit == "元" else value


def json_number(value: int | Decimal) -> int | float:
    """JSON wants int or float; Decimal → the float nearest to the printed decimal."""
    return float(value) if isinstance(value, Decimal) else value
