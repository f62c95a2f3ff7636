"""nianbao's Datasette plugin: agency history pages, safe originals, links in tables.

Routes (read-only, on the first database that holds a `reports` table, or `?db=NAME`):

- `/-/nianbao/agency/{name}` — the agency's history: an inline SVG chart drawn by
  `archive.charts` (no JS, nothing from a CDN), the table of key figures year by year
  (a year without a report is a gap, an unprinted figure is "—", never 0) and its reports;
  `…/{name}.svg` and `…/{name}.png` are the chart alone.
- `/-/nianbao/original/{sha256}` — an archived document byte for byte. Text and HTML are
  served as `text/plain` (an archived page is shown as source, its scripts never run),
  anything else as an attachment; always with `Content-Security-Policy: sandbox` and
  `X-Content-Type-Options: nosniff`. `?download=1` makes any original a download.

`render_cell` links agency names to their page, report sources to their URL, and sha256
columns to the archived original.
"""

import asyncio
import re
from urllib.parse import quote, unquote

import sqlite_utils
from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from .charts import history_png, history_svg
from .errors import ArchiveError
from .export import KEY_FIGURES, history_rows
from .metadata import FIGURE_LABELS

SHA256 = re.compile(r"[0-9a-f]{64}")
ORIGINAL_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "public, max-age=31536000, immutable",  # content-addressed: never changes
}
# Text encodings a browser knows by the same name (documents.encoding is Python's name).
WEB_CHARSETS = {"utf-8": "utf-8", "utf_8": "utf-8", "utf-8-sig": "utf-8", "ascii": "utf-8", "gb18030": "gb18030",
                "gbk": "gbk", "gb2312": "gbk", "big5": "big5", "utf-16": "utf-16", "utf-16-le": "utf-16le",
                "utf-16-be": "utf-16be"}
TEXT_FORMATS = {"html", "text", "data", "xml", "json"}
SHA_COLUMNS = {"document_sha256", "sha256"}
URL_COLUMNS = {"source_url", "url", "final_url"}


def agency_path(datasette, name: str) -> str:
    return datasette.urls.path(f"/-/nianbao/agency/{quote(name, safe='')}")


def original_path(datasette, sha256: str, download: bool = False) -> str:
    return datasette.urls.path(f"/-/nianbao/original/{sha256}" + ("?download=1" if download else ""))


@hookimpl
def register_routes():
    return [
        (r"^/-/nianbao/original/(?P<sha256>[0-9a-f]{64})$", original),
        (r"^/-/nianbao/agency/(?P<name>[^/]+?)(?P<ext>\.svg|\.png)?$", agency_page),
        (r"^/-/nianbao/nianbao\.css$", stylesheet),
    ]


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/nianbao/nianbao.css")]


async def stylesheet(request):
    return Response(CSS, content_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


# The bilingual column labels as a compact grid instead of a long list above each table.
CSS = """dl.column-descriptions { display: grid; grid-template-columns: repeat(3, max-content minmax(8em, 1fr));
  gap: 0.15em 0.8em; font-size: 0.85em; align-items: baseline; }
dl.column-descriptions dt, dl.column-descriptions dd { margin: 0; padding: 0; }
@media (max-width: 900px) { dl.column-descriptions { grid-template-columns: max-content 1fr; } }
"""


async def archive_database(datasette, request):
    """The database to read: `?db=NAME`, else the first one that is a nianbao archive."""
    wanted = request.args.get("db")
    for name, db in datasette.databases.items():
        if name == "_internal" or (wanted and name != wanted):
            continue
        if await db.table_exists("reports"):
            return db
    raise NotFound("no nianbao archive is being served" + (f" under the name {wanted}" if wanted else ""))


async def original(datasette, request):
    sha256 = request.url_vars["sha256"]
    db = await archive_database(datasette, request)
    row = (await db.execute(
        "select blobs.content, documents.format, documents.content_type, documents.encoding from blobs "
        "left join documents on documents.sha256 = blobs.sha256 where blobs.sha256 = ?", [sha256])).first()
    if row is None:
        raise NotFound(f"no archived document {sha256}")
    content, fmt, content_type, encoding = row
    if isinstance(content, str):
        content = content.encode("utf-8")
    headers = dict(ORIGINAL_HEADERS, ETag=f'"{sha256}"')
    is_text = (fmt or "") in TEXT_FORMATS or (content_type or "").startswith("text/")
    if is_text:
        charset = WEB_CHARSETS.get((encoding or "").lower())
        served_as = "text/plain" + (f"; charset={charset}" if charset else "")
    else:
        served_as = "application/octet-stream"
    if not is_text or request.args.get("download"):
        extension = {"html": "html", "text": "txt", "data": "json"}.get(fmt or "", fmt or "bin")
        headers["Content-Disposition"] = f'attachment; filename="{sha256[:16]}.{extension}"'
    return Response(content, status=200, headers=headers, content_type=served_as)


def load_agency(conn, name: str):
    """Everything the page shows, read in one go on Datasette's read-only connection."""
    db = sqlite_utils.Database(conn)
    known = conn.execute("select 1 from agencies where name = ?", [name]).fetchone() is not None
    try:
        rows, problem = history_rows(db, name), None
    except ArchiveError as err:
        rows, problem = [], str(err)
    reports = [dict(zip(("id", "year", "title", "template", "version", "status", "failed_checks", "source_url",
                         "sha256", "fetched_at"), r, strict=True)) for r in conn.execute(
        "select id, year, title, template, version, status, failed_checks, source_url, document_sha256, "
        "fetched_at from reports where agency = ? order by year, id", [name])]
    suggestions = [] if known else [r[0] for r in conn.execute(
        "select name from agencies where name like ? order by name limit 10", [f"%{name}%"])]
    return known, rows, problem, reports, suggestions


async def agency_page(datasette, request):
    raw = request.url_vars["name"]
    # A %-encoded name Datasette did not route is redirected to its ~-encoded form.
    name = unquote(raw) if "%" in raw or "~" not in raw else tilde_decode(raw)
    ext = request.url_vars.get("ext")
    db = await archive_database(datasette, request)
    known, rows, problem, reports, suggestions = await db.execute_fn(lambda conn: load_agency(conn, name))
    status = 200 if known or reports else 404
    if ext and not rows:
        return Response.text(problem or f"unknown agency: {name}", status=404)
    if ext == ".svg":
        return Response(history_svg(rows, name), content_type="image/svg+xml; charset=utf-8",
                        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                                 "X-Content-Type-Options": "nosniff"})
    if ext == ".png":
        png = await asyncio.to_thread(history_png, rows, name)
        return Response(png, content_type="image/png", headers={"X-Content-Type-Options": "nosniff"})
    figures = [k for k in KEY_FIGURES if not k.startswith("legacy_") or any(r.get(k) is not None for r in rows)]
    context = {
        "agency": name,
        "database": db.name,
        "problem": problem or (None if status == 200 else f"unknown agency: {name}"),
        "suggestions": [(s, agency_path(datasette, s)) for s in suggestions] if status == 404 else [],
        "svg": Markup(history_svg(rows, name)) if rows else None,
        "figures": [(k, *split_label(FIGURE_LABELS.get(k, k))) for k in figures],
        "history": [history_view(datasette, db.name, row, figures) for row in rows],
        "reports": [report_view(datasette, db.name, r) for r in reports],
        "self_path": agency_path(datasette, name),
        "reports_path": datasette.urls.table(db.name, "reports") + f"?agency={quote(name)}",
        "csv_path": datasette.urls.database(db.name) + f"/agency_history.csv?agency={quote(name)}&_size=max",
        "query_path": datasette.urls.database(db.name) + f"/agency_history?agency={quote(name)}",
    }
    html = await datasette.render_template(page_template(datasette), context, request=request)
    return Response.html(html, status=status)


def page_template(datasette):
    """PAGE compiled once per Datasette instance (its Jinja environment extends base.html)."""
    template = getattr(datasette, "_nianbao_page", None)
    if template is None:
        template = datasette._nianbao_page = datasette.jinja_env.from_string(PAGE)
    return template


def history_view(datasette, database: str, row: dict, figures: list[str]) -> dict:
    report_id = row.get("report_id")
    view = {"year": row["year"], "report": report_id is not None, "report_id": report_id,
            "numbers": {k: row.get(k) for k in figures}}
    if report_id is not None:
        view |= {
            "title": row.get("title") or f"report {report_id}",
            "template": row.get("template"),
            "report_path": datasette.urls.row(database, "reports", str(report_id)),
            "failed_checks": row.get("failed_checks"),
            "checks_path": datasette.urls.table(database, "checks") + f"?report_id={report_id}&status=fail",
            "source_url": row.get("source_url"),
            "web_source": is_web_url(row.get("source_url")),
            "original_path": original_path(datasette, row["sha256"]) if row.get("sha256") else None,
        }
    return view


def split_label(label: str) -> tuple[str, str]:
    zh, _, en = label.partition(" / ")
    return zh, en


def report_view(datasette, database: str, report: dict) -> dict:
    return report | {
        "report_path": datasette.urls.row(database, "reports", str(report["id"])),
        "web_source": is_web_url(report["source_url"]),
        "original_path": original_path(datasette, report["sha256"]) if report["sha256"] else None,
    }


def is_web_url(value) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if isinstance(value, dict):  # an expanded foreign key: Datasette links it, unless it is a document
        if column not in SHA_COLUMNS:
            return None
        value = value.get("value")
    if not isinstance(value, str) or not value:
        if table == "documents" and column == "size" and value is not None:
            return size_with_original(datasette, row, value)
        return None
    if column == "agency" or (table == "agencies" and column == "name"):
        return Markup(f'<a href="{escape(agency_path(datasette, value))}" title="历年情况 / history">'
                      f"{escape(value)}</a>")
    if column in URL_COLUMNS and is_web_url(value):
        return Markup(f'<a href="{escape(value)}" rel="nofollow noopener noreferrer">{escape(value)}</a>')
    if column in SHA_COLUMNS and SHA256.fullmatch(value) and table not in ("documents", "blobs"):
        row_path = datasette.urls.row(database, "documents", value)
        return Markup(f'<a href="{escape(row_path)}" title="{value}">{value[:12]}…</a> · '
                      f'<a href="{escape(original_path(datasette, value))}" class="nianbao-original">原件 original</a>')
    if table == "cells" and column == "key":
        path = datasette.urls.database(database) + f"/cells_by_key?key={quote(value)}"
        return Markup(f'<a href="{escape(path)}" title="各机关的这一格 / this key across agencies">{escape(value)}</a>')
    return None


def size_with_original(datasette, row, size):
    try:
        sha256 = row["sha256"]
    except (KeyError, IndexError, TypeError):
        return None
    if isinstance(sha256, dict):  # documents.sha256 is also a foreign key to blobs
        sha256 = sha256.get("value")
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        return None
    return Markup(f'{escape(size)} · <a href="{escape(original_path(datasette, sha256))}" '
                  'class="nianbao-original">原件 original</a>')


PAGE = """{% extends "base.html" %}
{% block title %}{{ agency }} · 历年情况 / history{% endblock %}
{% block extra_head %}
<style>
.nianbao-chart { overflow-x: auto; margin: 1em 0; }
.nianbao-chart svg { max-width: none; }  /* natural size; a long history scrolls sideways */
.nianbao-scroll { overflow-x: auto; }
table.nianbao-history th, table.nianbao-history td { padding: 4px 8px; line-height: 1.4; vertical-align: baseline;
  white-space: nowrap; }
table.nianbao-history td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.nianbao-history td.null { color: #999; text-align: center; }
table.nianbao-history th[scope=row] { text-align: left; font-weight: normal; white-space: nowrap; }
table.nianbao-history th[scope=row] small { color: #666; }
table.nianbao-history .no-report { color: #777; text-align: center; vertical-align: middle;
  background: repeating-linear-gradient(45deg, #fafafa, #fafafa 6px, #e8e8e8 6px, #e8e8e8 9px); }
.nianbao-downloads a { margin-right: 1em; }
</style>
{% endblock %}
{% block crumbs %}
<p class="crumbs"><a href="{{ urls.instance() }}">home</a> /
<a href="{{ urls.database(database) }}">{{ database }}</a> /
<a href="{{ urls.table(database, 'agencies') }}">agencies</a></p>
{% endblock %}
{% block content %}
<h1>{{ agency }}</h1>
<p>政府信息公开工作年度报告 · 历年情况 / annual disclosure reports, year by year</p>
{% if problem %}<p class="message-warning">{{ problem }}</p>{% endif %}
{% if suggestions %}<p>您要找的是 / did you mean: {% for s, path in suggestions %}<a href="{{ path }}">{{ s }}</a>{% if not loop.last %}, {% endif %}{% endfor %}</p>{% endif %}
{% if svg %}
<div class="nianbao-chart" id="nianbao-chart">{{ svg }}</div>
<p class="nianbao-downloads">
<a href="{{ self_path }}.svg">图表 SVG</a>
<a href="{{ self_path }}.png">图表 PNG</a>
<a href="{{ csv_path }}">历年数字 CSV / history CSV</a>
<a href="{{ query_path }}">查询 / as a query</a>
<a href="{{ reports_path }}">全部报告 / all reports</a>
</p>
<h2>历年主要数字 / key figures by year</h2>
<p>“—” = 报告未填（不是 0）/ not printed (not 0). 斜线列 = 该年无报告 / hatched column = no report archived for that year.</p>
<div class="nianbao-scroll">
<table class="rows-and-columns nianbao-history">
<thead><tr><th scope="col">年度 / year</th>
{% for y in history %}<th scope="col" class="num{% if not y.report %} no-report{% endif %}" data-year="{{ y.year }}">{{ y.year }}</th>{% endfor %}
</tr></thead>
<tbody>
{% set body_rows = figures|length + 5 %}
<tr><th scope="row">报告 / report</th>
{% for y in history %}{% if y.report %}<td class="num"><a href="{{ y.report_path }}" title="{{ y.title }}">#{{ y.report_id }}</a></td>{% else %}<td class="no-report" rowspan="{{ body_rows }}" data-year="{{ y.year }}">无报告<br>no report</td>{% endif %}{% endfor %}
</tr>
<tr><th scope="row">模板 / template</th>{% for y in history if y.report %}<td class="num">{{ y.template or "" }}</td>{% endfor %}</tr>
{% for key, zh, en in figures %}
<tr data-figure="{{ key }}"><th scope="row" title="{{ key }}">{{ zh }} <small>{{ en }}</small></th>
{% for y in history if y.report %}{% set value = y.numbers[key] %}{% if value is none %}<td class="null" title="未填 / not printed">—</td>{% else %}<td class="num">{{ "{:,}".format(value) }}</td>{% endif %}{% endfor %}
</tr>
{% endfor %}
<tr><th scope="row">未通过校验 / failed checks</th>{% for y in history if y.report %}<td class="num">{% if y.failed_checks %}<a href="{{ y.checks_path }}">{{ y.failed_checks }}</a>{% endif %}</td>{% endfor %}</tr>
<tr><th scope="row">来源 / source</th>{% for y in history if y.report %}<td class="num">{% if y.web_source %}<a href="{{ y.source_url }}" rel="nofollow noopener noreferrer" title="{{ y.source_url }}">链接 link</a>{% elif y.source_url %}<span title="{{ y.source_url }}">{{ y.source_url.split(":")[0] }}</span>{% endif %}</td>{% endfor %}</tr>
<tr><th scope="row">原件 / original</th>{% for y in history if y.report %}<td class="num">{% if y.original_path %}<a href="{{ y.original_path }}">原件</a>{% endif %}</td>{% endfor %}</tr>
</tbody>
</table>
</div>
{% endif %}
<h2>报告 / reports ({{ reports|length }})</h2>
<div class="nianbao-scroll">
<table class="rows-and-columns">
<thead><tr><th>id</th><th>年度 / year</th><th>标题 / title</th><th>模板 / template</th><th>版本 / version</th>
<th>状态 / status</th><th>未通过校验 / failed checks</th><th>抓取时间 / fetched</th><th>来源 / source</th><th>原件 / original</th></tr></thead>
<tbody>
{% for r in reports %}
<tr><td><a href="{{ r.report_path }}">{{ r.id }}</a></td><td>{{ r.year if r.year is not none else "?" }}</td>
<td>{{ r.title or "" }}</td><td>{{ r.template or "" }}</td><td>{{ r.version }}</td><td>{{ r.status }}</td>
<td>{{ r.failed_checks or "" }}</td><td>{{ r.fetched_at or "" }}</td>
<td>{% if r.web_source %}<a href="{{ r.source_url }}" rel="nofollow noopener noreferrer">{{ r.source_url }}</a>{% else %}{{ r.source_url or "" }}{% endif %}</td>
<td>{% if r.original_path %}<a href="{{ r.original_path }}">原件 original</a>{% endif %}</td></tr>
{% endfor %}
</tbody>
</table>
</div>
{% endblock %}
"""
