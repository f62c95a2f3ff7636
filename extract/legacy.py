"""Numbers stated in the prose of pre-2019 reports, under `legacy.*` keys (domain.md §4).

Each key has phrasings as data: a regex whose group "n" is the number, or a sentence that
says there were none ("未发生…行政复议" → 0). The first phrasing found wins; the raw text
kept is the matched phrase, so a reader can see exactly what was read.
"""

import re

from .normalize import norm_text

_N = r"(?P<n>\d{1,3}(?:,\d{3})+|\d+)"
_GAP = r"[^。；;，,]{0,16}?"

PHRASINGS: tuple[tuple[str, str], ...] = (
    ("requests_total", rf"(?:共|累计|全年)(?:受理|收到|接到|接收|办理){_GAP}申请{_GAP}{_N}\s*(?:件|条|个|宗)"),
    ("requests_total", rf"(?:受理|收到|接到){_GAP}(?:政府信息公开|依申请公开)申请{_N}\s*件"),
    ("requests_total", r"(?P<zero>(?:没有|未收到|未受理|无)(?:依申请公开|政府信息公开申请))"),
    ("granted", rf"(?:同意公开|予以公开|全部公开)(?:的)?{_N}\s*件"),
    ("partially_granted", rf"(?:同意部分公开|部分公开)(?:的)?{_N}\s*件"),
    ("denied", rf"(?:按规定)?(?:不予公开|不同意公开)(?:的)?{_N}\s*件"),
    ("inquiries", rf"共[^。；;，,]{{0,30}}?咨询[^。；;，,]{{0,8}}?{_N}\s*(?:件|人次|次)"),
    ("review_total", rf"行政复议(?:申请)?{_N}\s*(?:件|起)"),
    ("review_total", r"(?P<zero>(?:未|没有|不存在)(?:受理|发生|收到)?[^。；]{0,20}?行政复议)"),
    ("litigation_total", rf"行政诉讼(?:案件)?{_N}\s*(?:件|起)"),
    ("litigation_total", r"(?P<zero>(?:未|没有|不存在)(?:发生|受理|收到)?[^。；]{0,24}?行政诉讼)"),
    ("fees_yuan", rf"收取(?:了)?(?:费用|信息处理费){_GAP}{_N}\s*元"),
)


def legacy_cells(text: str) -> dict[str, tuple[int, str]]:
    """legacy key → (value, raw phrase)."""
    text = norm_text(text)
    found: dict[str, tuple[int, str]] = {}
    for name, pattern in PHRASINGS:
        key = f"legacy.{name}"
        if key in found:
            continue
        if m := re.search(pattern, text):
            value = 0 if m.groupdict().get("zero") else int(m["n"].replace(",", ""))
            found[key] = (value, m[0])
    return found
