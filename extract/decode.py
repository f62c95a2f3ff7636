"""Bytes → text without mojibake (domain.md §5.5).

Order: BOM; strict UTF-8 (valid UTF-8 is almost never GBK by accident, and a meta tag
that says gb2312 over UTF-8 bytes is a common lie); the charsets the HTTP header and the
meta tag declare (any GB label read as GB18030, its superset, for names outside GB2312);
GB18030; Big5; then charset-normalizer. A decoded text that still looks like
double-encoded mojibake is repaired by re-encoding when that gives more common characters.
"""

import codecs
import re

from .errors import ExtractionError
from .labels import COMMON_CHARS

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([-\w]+)", re.I)
_GB_LABELS = {"gb2312", "gbk", "gb_2312-80", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
_COMMON = set(COMMON_CHARS)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def charset_alias(label: str) -> str:
    label = label.strip().lower()
    return "gb18030" if label in _GB_LABELS else label


def declared_charsets(data: bytes, content_type: str | None) -> list[str]:
    found = []
    if content_type and (m := _HEADER_CHARSET.search(content_type)):
        found.append(charset_alias(m[1]))
    if m := _META_CHARSET.search(data[:4096]):
        found.append(charset_alias(m[1].decode("ascii", "ignore")))
    return found


def decode_bytes(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Raises ExtractionError for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if b"\x00" in data[:2048]:
        raise ExtractionError("binary data, not a text or HTML document")
    candidates = ["utf-8", *declared_charsets(data, content_type), "gb18030", "big5"]
    for encoding in dict.fromkeys(candidates):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        return repair_mojibake(text), encoding
    return _sniffed(data)


def _sniffed(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ExtractionError("cannot decode the document: no text encoding fits its bytes")
    return str(best), best.encoding


def common_score(text: str) -> float:
    """Share of CJK characters that are common in reports: mojibake scores near 0."""
    cjk = _CJK.findall(text[:5000])
    return sum(ch in _COMMON for ch in cjk) / len(cjk) if cjk else 0.0


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 bytes that were read as GBK or Latin-1 and saved again."""
    score = common_score(text)
    if score > 0.3 or not text:
        return text
    best, best_score = text, score
    for wrong in ("gb18030", "latin-1", "cp1252"):
        try:
            # The first wrong decoding often dropped a byte here and there: allow a few holes.
            candidate = text.encode(wrong).decode("utf-8", errors="replace")
        except UnicodeEncodeError:
            continue
        if candidate.count("\ufffd") > len(candidate) * 0.1:
            continue
        if (cand_score := common_score(candidate)) > best_score + 0.2:
            best, best_score = candidate, cand_score
    return best
