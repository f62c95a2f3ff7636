"""An agency's history as a chart: inline SVG built here (no JS, no CDN), PNG via cairosvg.

`history_svg(rows, agency)` takes the rows of `archive.export.history_rows` (one per year,
a year without a report being a row without `report_id`) and draws two panels:

- requests: the year's outcomes stacked (granted, partially granted, denied, unable to
  provide, not processed, other), with the number of new requests received as a point;
- review and litigation: administrative reviews (the corrected part marked) and lawsuits
  (direct, after review).

A year without a report is drawn as a hatched gap labelled 无报告 / no report, never as a
zero; a figure the report did not print is not drawn at all (a printed 0 is drawn as a
flat mark on the axis). The same SVG is inlined in the agency page and written by
`nianbao export history --format svg`; `history_png` renders it with cairosvg.
"""

import functools
import math
import re
import shutil
import subprocess
from xml.sax.saxutils import escape, quoteattr

# cairosvg only uses the first family of the list, so a CJK font comes first; browsers
# take the first one they have. Debian: fonts-noto-cjk (Noto Sans CJK SC) or
# fonts-wqy-microhei (WenQuanYi Micro Hei).
FONT_FAMILY = ("Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, PingFang SC, "
               "Microsoft YaHei, SimHei, sans-serif")
PNG_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Noto Sans CJK JP", "Droid Sans Fallback", "AR PL UMing CN")
PNG_SCALE = 2

# (history column, 中文, English, colour), in the order the template prints them.
OUTCOMES = (
    ("granted", "予以公开", "granted", "#1b7837"),
    ("partially_granted", "部分公开", "partially granted", "#7fbf7b"),
    ("denied", "不予公开", "denied", "#d6604d"),
    ("unable_to_provide", "无法提供", "unable to provide", "#f4a582"),
    ("not_processed", "不予处理", "not processed", "#8073ac"),
    ("other_handling", "其他处理", "other", "#bababa"),
)
RECEIVED = ("requests_received", "本年新收申请", "new requests received", "#2166ac")
REVIEW = ("review_total", "行政复议", "administrative review", "#4393c3")
REVIEW_CORRECTED = ("review_corrected", "复议纠正", "review: corrected", "#b2182b")
LIT_DIRECT = ("litigation_direct_total", "直接起诉", "lawsuits (direct)", "#762a83")
LIT_AFTER = ("litigation_after_review_total", "复议后起诉", "lawsuits after review", "#c2a5cf")
LEGACY_LIT = ("legacy_litigation_total", "行政诉讼（旧条例）", "lawsuits (pre-2019 report)", "#878787")
# Reports under the 2008 regulation print only totals; they stand in when the 2019/2021
# figure is absent.
FALLBACKS = {"requests_received": "legacy_requests_total", "review_total": "legacy_review_total"}

SLOT, LEFT, RIGHT, MIN_WIDTH = 68, 70, 24, 680
PANEL_A, PANEL_B = 230, 130
TEXT, MUTED, GRID = "#222222", "#666666", "#e3e3e3"


def history_svg(rows: list[dict], agency: str) -> str:
    """The agency's history (rows from `history_rows`) as a standalone, well-formed SVG."""
    years = [row["year"] for row in rows]
    n = max(len(rows), 1)
    width = max(MIN_WIDTH, LEFT + RIGHT + n * SLOT)
    plot_w = width - LEFT - RIGHT
    slot = plot_w / n
    x_of = {row["year"]: LEFT + slot * (i + 0.5) for i, row in enumerate(rows)}
    out: list[str] = []

    span = "" if not years else str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
    title = f"{agency} 政府信息公开年度报告 {span}".strip()
    out.append(_text(LEFT, 26, title, size=16, weight="bold", cls="chart-title"))
    out.append(_text(LEFT, 44, "依申请公开办理情况、行政复议与诉讼 / requests, how they were answered, review and "
                     "litigation", size=11, fill=MUTED))

    # Panel A: requests.
    y = 62
    legend = [(c, f"{zh} {en}", "rect") for _, zh, en, c in OUTCOMES] + [(RECEIVED[3], f"{RECEIVED[1]} {RECEIVED[2]}", "dot")]
    y = _legend(out, legend, LEFT, y, width - RIGHT)
    a_top, a_bottom = y + 12, y + 12 + PANEL_A
    stacks = {row["year"]: [(key, zh, en, colour, _value(row, key)) for key, zh, en, colour in OUTCOMES] for row in rows}
    received = {row["year"]: _value(row, RECEIVED[0]) for row in rows}
    a_max = max([sum(v for *_, v in s if v is not None) for s in stacks.values()]
                + [v for v in received.values() if v is not None] + [0])
    a_scale = _axis(out, LEFT, width - RIGHT, a_top, a_bottom, a_max, _integral(rows))
    bar_w = min(36.0, slot * 0.55)
    line_at = len(out)
    for row in rows:
        year, x = row["year"], x_of[row["year"]]
        if not _has_report(row):
            _gap(out, x, slot, a_top, a_bottom, year)
            continue
        group = [f'<g class="year" data-year="{year}">']
        base, drawn = 0.0, 0
        for key, zh, en, colour, value in stacks[year]:
            if value is None:
                continue
            drawn += 1
            h = a_scale(value)
            top = a_bottom - a_scale(base) - h
            if value:
                group.append(_rect(x - bar_w / 2, top, bar_w, h, colour, f"bar outcome {key}", year, value,
                                   f"{year} {zh} {en}: {_fmt(value)}"))
            base += value
        if drawn and base == 0:
            group.append(_rect(x - bar_w / 2, a_bottom - 1.5, bar_w, 1.5, TEXT, "bar zero", year, 0,
                               f"{year}: 办理结果均为 0 / all outcomes 0"))
        value = received[year]
        legacy = row.get(RECEIVED[0]) is None and value is not None
        if value is not None:
            cy = a_bottom - a_scale(value)
            group.append(f'<circle class="point received" data-year="{year}" data-value="{_fmt(value)}" '
                         f'cx="{x:.1f}" cy="{cy:.1f}" r="4.5" fill="{RECEIVED[3]}" stroke="#ffffff" stroke-width="1.5">'
                         f'<title>{escape(f"{year} {RECEIVED[1]} {RECEIVED[2]}: {_fmt(value)}")}'
                         f'{" (申请总数, 2008年条例报告 / total requests, pre-2019 report)" if legacy else ""}</title></circle>')
            group.append(_text(x, cy - 9, _fmt(value), size=11, anchor="middle", weight="bold",
                               fill=RECEIVED[3], cls="value received"))
        if not drawn and value is None:
            group.append(_text(x, a_bottom - 8, "无数据", size=10, anchor="middle", fill=MUTED, cls="nodata"))
        group.append("</g>")
        out.extend(group)
    out[line_at:line_at] = _received_line(rows, received, x_of, a_bottom, a_scale)
    _year_labels(out, rows, x_of, a_bottom + 16)

    # Panel B: review and litigation.
    y = a_bottom + 34
    out.append(_text(LEFT, y + 4, "行政复议与行政诉讼 / administrative review and litigation", size=12, weight="bold"))
    legend = [(c, f"{zh} {en}", "rect") for _, zh, en, c in (REVIEW, REVIEW_CORRECTED, LIT_DIRECT, LIT_AFTER)]
    if any(_value(row, LEGACY_LIT[0]) is not None for row in rows):
        legend.append((LEGACY_LIT[3], f"{LEGACY_LIT[1]} {LEGACY_LIT[2]}", "rect"))
    y = _legend(out, legend, LEFT, y + 14, width - RIGHT)
    b_top, b_bottom = y + 12, y + 12 + PANEL_B
    review = {row["year"]: _value(row, REVIEW[0]) for row in rows}
    corrected = {row["year"]: _value(row, REVIEW_CORRECTED[0]) for row in rows}
    lawsuits = {row["year"]: [(spec, _value(row, spec[0])) for spec in (LIT_DIRECT, LIT_AFTER)] for row in rows}
    for row in rows:
        if all(v is None for _, v in lawsuits[row["year"]]):
            lawsuits[row["year"]] = [(LEGACY_LIT, _value(row, LEGACY_LIT[0]))]
    b_max = max([v for v in [*review.values(), *corrected.values()] if v is not None]
                + [sum(v for _, v in s if v is not None) for s in lawsuits.values()] + [0])
    b_scale = _axis(out, LEFT, width - RIGHT, b_top, b_bottom, b_max, True)
    w = min(18.0, slot * 0.3)
    for row in rows:
        year, x = row["year"], x_of[row["year"]]
        if not _has_report(row):
            _gap(out, x, slot, b_top, b_bottom, year)
            continue
        out.append(f'<g class="year" data-year="{year}">')
        shown = _bar_stack(out, x - w - 1, w, b_bottom, b_scale, year,
                           [(REVIEW, review[year])] if corrected[year] is None or review[year] is None else
                           [(REVIEW_CORRECTED, min(corrected[year], review[year])),
                            (REVIEW, review[year] - min(corrected[year], review[year]))],
                           label=review[year] if review[year] is not None else corrected[year])
        if review[year] is None and corrected[year] is not None:
            shown += _bar_stack(out, x - w - 1, w, b_bottom, b_scale, year, [(REVIEW_CORRECTED, corrected[year])],
                                label=corrected[year])
        shown += _bar_stack(out, x + 1, w, b_bottom, b_scale, year, lawsuits[year],
                            label=_sum([v for _, v in lawsuits[year]]))
        if not shown:
            out.append(_text(x, b_bottom - 8, "无数据", size=10, anchor="middle", fill=MUTED, cls="nodata"))
        out.append("</g>")
    _year_labels(out, rows, x_of, b_bottom + 16)

    note_y = b_bottom + 38
    out.append(_text(LEFT, note_y, "斜线 = 该年无报告（不是 0）；报告未填的数字不画（不当作 0）。", size=10, fill=MUTED,
                     cls="note"))
    out.append(_text(LEFT, note_y + 14, "Hatched = no report that year (not zero); a figure the report did not "
                     "print is not drawn (not taken as 0).", size=10, fill=MUTED, cls="note"))
    height = note_y + 26

    summary = "; ".join(_summary(row) for row in rows) or "no reports"
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="nianbao-history" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="nianbao-chart-title nianbao-chart-desc" '
            f'font-family={quoteattr(FONT_FAMILY)} font-size="12">'
            f'<title id="nianbao-chart-title">{escape(title)}</title>'
            f'<desc id="nianbao-chart-desc">{escape(summary)}</desc>'
            '<defs><pattern id="nianbao-gap" width="8" height="8" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="8" height="8" fill="#fafafa"/>'
            '<line x1="0" y1="0" x2="0" y2="8" stroke="#c8c8c8" stroke-width="3"/></pattern></defs>'
            f'<rect class="background" width="{width}" height="{height}" fill="#ffffff"/>')
    return head + "".join(out) + "</svg>\n"


def history_png(rows: list[dict], agency: str, scale: int = PNG_SCALE) -> bytes:
    """The same chart as PNG (`scale` × the SVG's size), with a CJK font that is installed."""
    import cairosvg

    svg = history_svg(rows, agency)
    font = png_font()
    if font:
        svg = svg.replace(f"font-family={quoteattr(FONT_FAMILY)}", f"font-family={quoteattr(font)}", 1)
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)


@functools.cache
def png_font() -> str | None:
    """The first CJK font fontconfig knows, preferring PNG_FONTS; None if there is none."""
    if not shutil.which("fc-list"):
        return None
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                                timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families = {name.strip() for line in listed.splitlines() for name in line.split(",") if name.strip()}
    for name in PNG_FONTS:
        if name in families:
            return name
    return min(families) if families else None


def svg_size(svg: str) -> tuple[int, int]:
    match = re.search(r'<svg[^>]* width="(\d+)" height="(\d+)"', svg)
    return (int(match[1]), int(match[2])) if match else (0, 0)


# --- pieces ---------------------------------------------------------------------------

def _value(row: dict, key: str):
    value = row.get(key)
    if value is None and key in FALLBACKS:
        value = row.get(FALLBACKS[key])
    return value


def _has_report(row: dict) -> bool:
    return row.get("report_id") is not None


def _integral(rows: list[dict]) -> bool:
    return all(float(v).is_integer() for row in rows for v in row.values()
               if isinstance(v, int | float) and not isinstance(v, bool))


def _sum(values: list):
    printed = [v for v in values if v is not None]
    return sum(printed) if printed else None


def _fmt(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def _text(x, y, text, size=12, anchor="start", weight=None, fill=TEXT, cls=None) -> str:
    attrs = f'x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if cls:
        attrs += f' class="{cls}"'
    return f"<text {attrs}>{escape(str(text))}</text>"


def _rect(x, y, w, h, fill, cls, year, value, tip) -> str:
    return (f'<rect class="{cls}" data-year="{year}" data-value="{_fmt(value)}" x="{x:.1f}" y="{y:.1f}" '
            f'width="{w:.1f}" height="{h:.1f}" fill="{fill}"><title>{escape(tip)}</title></rect>')


def _text_width(text: str, size: float) -> float:
    return sum(size if ord(ch) > 0x2E80 else size * 0.56 for ch in text)


def _legend(out: list[str], items, left: float, y: float, right: float) -> float:
    """Swatches and labels flowing left to right; returns the y below the legend."""
    x = left
    for colour, label, kind in items:
        w = 16 + _text_width(label, 11) + 14
        if x + w > right and x > left:
            x, y = left, y + 18
        if kind == "dot":
            out.append(f'<circle cx="{x + 5:.1f}" cy="{y + 5:.1f}" r="4.5" fill="{colour}"/>')
        else:
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="10" height="10" fill="{colour}"/>')
        out.append(_text(x + 15, y + 9.5, label, size=11, cls="legend"))
        x += w
    return y + 14


def _nice_step(raw: float, integral: bool) -> float:
    if raw <= 0:
        return 1
    e = 10 ** math.floor(math.log10(raw))
    step = next(m * e for m in (1, 2, 5, 10) if m * e >= raw)
    return max(step, 1) if integral else step


def _axis(out: list[str], left, right, top, bottom, vmax, integral):
    """Gridlines and tick labels; returns value → height above the baseline (as a y offset)."""
    step = _nice_step(vmax / 4, integral) if vmax > 0 else 1
    top_value = max(step, math.ceil(vmax / step) * step)
    scale = (bottom - top) / top_value

    def height(value):
        return value * scale

    ticks = int(round(top_value / step))
    for i in range(ticks + 1):
        value = i * step
        y = bottom - height(value)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID if i else "#999999"}" '
                   'stroke-width="1"/>')
        out.append(_text(left - 6, y + 4, _fmt(value), size=10, anchor="end", fill=MUTED, cls="tick"))
    return height


def _gap(out: list[str], x, slot, top, bottom, year) -> None:
    w = slot * 0.8
    out.append(f'<g class="gap" data-year="{year}"><rect x="{x - w / 2:.1f}" y="{top:.1f}" width="{w:.1f}" '
               f'height="{bottom - top:.1f}" fill="url(#nianbao-gap)" stroke="#bbbbbb" stroke-dasharray="4 3">'
               f'<title>{year}: 无报告 / no report archived</title></rect>'
               + _text(x, (top + bottom) / 2 - 2, "无报告", size=11, anchor="middle", fill=MUTED)
               + _text(x, (top + bottom) / 2 + 12, "no report", size=10, anchor="middle", fill=MUTED)
               + "</g>")


def _bar_stack(out: list[str], x, w, bottom, scale, year, parts, label) -> int:
    """A stacked bar of (spec, value) parts from the baseline; returns how many were printed."""
    base, printed = 0.0, 0
    for (key, zh, en, colour), value in parts:
        if value is None:
            continue
        printed += 1
        h = scale(value) if value else 1.5
        fill = colour if value else TEXT
        out.append(_rect(x, bottom - scale(base) - h, w, h, fill, f"bar {key}", year, value,
                         f"{year} {zh} {en}: {_fmt(value)}"))
        base += value
    if printed and label is not None:
        out.append(_text(x + w / 2, bottom - scale(base) - (4 if base else 6), _fmt(label), size=10,
                         anchor="middle", fill=MUTED, cls="value"))
    return printed


def _received_line(rows, received, x_of, bottom, scale) -> list[str]:
    """Join the received points of consecutive years; a year without the figure breaks the line."""
    lines, run = [], []
    for row in [*rows, None]:
        value = received.get(row["year"]) if row else None
        if value is not None:
            run.append((x_of[row["year"]], bottom - scale(value)))
            continue
        if len(run) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            lines.append(f'<polyline class="line received" points="{points}" fill="none" stroke="{RECEIVED[3]}" '
                         'stroke-width="2"/>')
        run = []
    return lines


def _year_labels(out: list[str], rows, x_of, y) -> None:
    for row in rows:
        out.append(_text(x_of[row["year"]], y, row["year"], size=11, anchor="middle",
                         fill=TEXT if _has_report(row) else MUTED, cls="year-label"))


def _summary(row: dict) -> str:
    if not _has_report(row):
        return f"{row['year']}: no report"
    parts = [f"{en} {_fmt(v)}" for key, _, en, _ in (RECEIVED, *OUTCOMES, REVIEW, REVIEW_CORRECTED, LIT_DIRECT, LIT_AFTER)
             if (v := _value(row, key)) is not None]
    return f"{row['year']}: " + (", ".join(parts) or "no figures")
