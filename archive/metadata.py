"""What a Datasette user reads beside the archive: titles, column labels (中文 / English),
licence and source notes, facets, and the canned queries.

`metadata(db_name)` returns Datasette's metadata dict for a database served under
`db_name` (Datasette names a file's database after its stem: nianbao.db → "nianbao").
The agency-history query is generated from `archive.export.KEY_FIGURES`, so the browser,
`nianbao export history` and the charts always compute a figure the same way.
"""

from .export import KEY_FIGURES

# Labels of the history figures, shared by the agency page and the canned query's docs.
FIGURE_LABELS: dict[str, str] = {
    "requests_received": "本年新收申请 / new requests received",
    "requests_carried_over": "上年结转 / carried over from last year",
    "granted": "予以公开 / granted",
    "partially_granted": "部分公开 / partially granted",
    "denied": "不予公开 / denied",
    "unable_to_provide": "无法提供 / unable to provide",
    "not_processed": "不予处理 / not processed",
    "other_handling": "其他处理 / other handling",
    "results_total": "办理结果总计 / results total",
    "carried_forward": "结转下年 / carried forward",
    "review_total": "行政复议 / administrative reviews",
    "review_corrected": "复议纠正 / reviews corrected",
    "litigation_direct_total": "直接起诉 / lawsuits (direct)",
    "litigation_after_review_total": "复议后起诉 / lawsuits after review",
    "legacy_requests_total": "申请总数（2008年条例）/ requests (pre-2019 report)",
    "legacy_review_total": "行政复议（2008年条例）/ reviews (pre-2019 report)",
    "legacy_litigation_total": "行政诉讼（2008年条例）/ lawsuits (pre-2019 report)",
}

LICENSE = ("代码 MIT；报告原文是各机关主动公开的政府信息，版权与责任归发布机关 / code MIT; the reports are "
           "government information published by each agency")
SOURCE = "各机关门户网站的政府信息公开专栏（每份报告的 source_url） / each agency's disclosure column (source_url of every report)"

TABLES: dict[str, dict] = {
    "reports": {
        "title": "年度报告 / annual reports",
        "description": "每份政府信息公开工作年度报告一行；改动过的报告保留旧版本（status = superseded）。"
                       " One row per annual report; a report changed at its source keeps its old versions.",
        "facets": ["agency", "year", "template", "status"],
        "sort_desc": "year",
        "columns": {
            "id": "报告编号 / report id",
            "agency_id": "机关编号 / agency id",
            "agency": "机关 / agency (links to the agency's history page)",
            "year": "报告年度 / year covered",
            "template": "模板 / template: 2021 | 2019 | pre2019 | unknown",
            "title": "标题 / title",
            "version": "版本 / version (1 = first seen)",
            "status": "状态 / status: current | superseded",
            "identity": "报告身份键 / report identity",
            "source_url": "来源网址 / source URL",
            "document_sha256": "原件 / archived original (sha256 of the bytes)",
            "doc_index": "文档内序号 / index within a document holding several reports",
            "fetched_at": "抓取时间 / fetched at (UTC)",
            "extractor_version": "提取程序版本 / extractor version",
            "fingerprint": "数值指纹 / fingerprint of the extracted numbers",
            "failed_checks": "未通过的校验 / failed checks (I1–I7)",
            "cell_count": "单元格数 / number of cells",
            "first_seen": "首次发现 / first seen",
            "superseded_at": "被取代时间 / superseded at",
            "ocr": "扫描件识别 / read by OCR (1 = numbers read from images)",
        },
    },
    "agencies": {
        "title": "机关 / agencies",
        "description": "发布报告的机关；名称链接到该机关的历年图表。 Agencies; each name links to its history page.",
        "label_column": "name",
        "sort": "name",
        "columns": {
            "id": "机关编号 / agency id",
            "name": "机关名称 / agency name",
            "level": "层级 / level",
            "region": "地区 / region",
            "site": "网站 / website",
            "code": "机构代码 / agency code",
        },
    },
    "cells": {
        "title": "单元格 / cells",
        "description": "报告表格中的每个数字，按规范键存放；空白为 null，绝不当作 0。"
                       " Every number of a report's tables under its canonical key; blank is null, never 0.",
        "columns": {
            "report_id": "报告 / report",
            "key": "单元格键 / cell key",
            "value": "数值 / value (null: blank, '/' or unreadable)",
            "raw": "原文 / text as printed",
            "section": "部分 / section",
            "blank": "空白 / blank (1 = left empty in the report)",
            "unsure": "不确定 / unsure (1 = could not be placed for sure)",
            "inferred": "推断 / inferred (how a value lost in the source was deduced)",
            "page": "页码 / page",
            "confidence": "识别置信度 / OCR confidence (0–1; empty for text documents)",
        },
    },
    "checks": {
        "title": "勾稽校验 / arithmetic checks",
        "description": "每份报告的算术校验 I1–I7。 The arithmetic identities I1–I7 checked on each report.",
        "facets": ["check_id", "status"],
        "columns": {
            "report_id": "报告 / report",
            "check_id": "校验 / check (I1–I7)",
            "scope": "范围 / scope (column or block checked)",
            "status": "结果 / status: pass | fail | not_assessable",
            "detail": "说明 / detail",
            "repair": "建议修正 / suggested single-cell repair",
        },
    },
    "sections": {
        "title": "报告正文 / report sections",
        "description": "报告的六个部分的文字，可全文检索（见 search_sections）。 The six sections as text.",
        "facets": ["name"],
        "columns": {
            "id": "编号 / id",
            "report_id": "报告 / report",
            "name": "部分 / section (overview, proactive, requests, review_litigation, problems, other)",
            "text": "正文 / text",
        },
    },
    "documents": {
        "title": "文档 / documents",
        "description": "按内容哈希保存的原始文件；“原件”链接以纯文本或下载方式提供，页面脚本不会运行。"
                       " Original files by content hash; the original is served as text or a download, never rendered.",
        "facets": ["format", "status"],
        "columns": {
            "sha256": "内容哈希 / sha256 of the bytes",
            "size": "大小 / size in bytes (links to the archived original)",
            "content_type": "内容类型 / content type",
            "format": "格式 / format",
            "encoding": "编码 / text encoding",
            "status": "状态 / status: report | not_report | unreadable | listing (a list page kept as evidence, not read)",
            "reason": "原因 / reason",
            "extractor_version": "提取程序版本 / extractor version",
            "first_seen": "首次发现 / first seen",
            "extracted_at": "提取时间 / extracted at",
        },
    },
    "fetches": {
        "title": "抓取记录 / fetches",
        "description": "每次取得文档的地址、时间和响应。 Where and when each document was fetched.",
        "facets": ["method", "status"],
        "columns": {
            "run_id": "批次 / run",
            "url": "网址 / URL requested",
            "final_url": "最终网址 / final URL after redirects",
            "status": "HTTP 状态 / HTTP status",
            "headers": "响应头 / response headers (JSON)",
            "fetched_at": "抓取时间 / fetched at (UTC)",
            "sha256": "原件 / archived original (sha256)",
            "size": "大小 / size in bytes",
            "method": "方式 / method (http, file, …)",
        },
    },
    "runs": {
        "title": "批次 / runs",
        "description": "抓取、导入和重新提取的批次。 Crawl, ingest and re-extract runs.",
        "facets": ["kind", "status"],
        "columns": {
            "kind": "类型 / kind", "started_at": "开始 / started at", "ended_at": "结束 / ended at",
            "status": "状态 / status", "warc_path": "WARC 文件 / WARC file", "documents": "文档数 / documents",
            "documents_new": "新文档 / new documents", "reports_new": "新报告 / new reports",
            "reports_changed": "变更报告 / changed reports", "reports_unchanged": "未变报告 / unchanged reports",
            "not_reports": "非报告 / not reports", "errors": "错误 / errors", "note": "备注 / note",
            "listings": "栏目页 / listing pages archived (evidence of where reports were linked)",
        },
    },
    "report_documents": {
        "title": "报告与文档 / report documents",
        "description": "报告的每个版本来自哪些文档。 The documents each report was read from.",
        "columns": {"report_id": "报告 / report", "document_sha256": "原件 / archived original (sha256)",
                    "source_url": "来源网址 / source URL", "fetched_at": "抓取时间 / fetched at"},
    },
    "blobs": {"title": "原始字节 / original bytes", "hidden": True},
    "cell_provenance": {
        "title": "数字出处 / cell provenance",
        "description": "每个数字及其来源文档、网址和时间。 Every number with the document, URL and time it came from.",
        "columns": {"key": "单元格键 / cell key", "value": "数值 / value", "raw": "原文 / text as printed",
                    "sha256": "原件 / archived original"},
    },
    "failing_checks": {
        "title": "未通过的校验 / failing checks",
        "description": "当前报告中每个未通过的校验。 Every failed check of a current report.",
        "facets": ["check_id", "year"],
    },
}


def figure_sql(name: str, keys: tuple[str, ...]) -> str:
    """One history figure from the cells: the printed cell, or the sum of the printed ones."""
    if len(keys) == 1:
        return f"max(case when key = '{keys[0]}' then value end) as {name}"
    listed = ", ".join(f"'{k}'" for k in keys)
    return f"sum(case when key in ({listed}) then value end) as {name}"


def agency_history_sql() -> str:
    figures = ",\n    ".join(figure_sql(name, keys) for name, keys in KEY_FIGURES.items())
    names = ", ".join(f"f.{name}" for name in KEY_FIGURES)
    return f"""with recursive
  r as (select id, year, title, template, version, failed_checks, source_url, document_sha256
        from reports where agency = :agency and status = 'current' and year is not null),
  span(year) as (select min(year) from r
                 union all select year + 1 from span where year < (select max(year) from r)),
  f as (select report_id,
    {figures}
    from cells where report_id in (select id from r) group by report_id)
select span.year, r.id as report_id, r.template, r.failed_checks,
  {names},
  r.source_url, r.document_sha256 as sha256, r.title
from span left join r on r.year = span.year left join f on f.report_id = r.id
where span.year is not null
order by span.year, r.id"""


QUERIES: dict[str, dict] = {
    "agency_history": {
        "title": "机关历年情况 / an agency's history",
        "description": "一个机关每年一行：主要数字及其来源；没有报告的年份是空行（不是 0）。"
                       " One row per year for an agency (:agency, its exact name) with the key figures; "
                       "a year without a report is an empty row, not zeros. Same figures as "
                       "`nianbao export history`. Figures: "
                       + "; ".join(f"{k} = {FIGURE_LABELS.get(k, k)}" for k in KEY_FIGURES),
        "sql": agency_history_sql(),
        "params": ["agency"],
        "hide_sql": True,
    },
    "reports_failing_checks": {
        "title": "算术校验未通过的报告 / reports failing checks",
        "description": "当前报告中至少一个勾稽校验未通过的报告，附失败的校验。"
                       " Current reports where at least one arithmetic check (I1–I7) fails, with the failures.",
        "sql": """select reports.id as report_id, reports.agency, reports.year, reports.template,
  reports.failed_checks, count(checks.check_id) as failing,
  group_concat(checks.check_id || ' ' || checks.scope || ': ' || checks.detail, char(10)) as details,
  reports.source_url, reports.document_sha256 as sha256
from reports left join checks on checks.report_id = reports.id and checks.status = 'fail'
where reports.status = 'current'
  and (coalesce(reports.failed_checks, '') != '' or checks.report_id is not null)
group by reports.id
order by reports.agency, reports.year""",
    },
    "cells_by_key": {
        "title": "按单元格键比较各机关 / one cell key across agencies",
        "description": "一个单元格键（如 requests.new_received.total）在所有当前报告中的值。"
                       " The value of one cell key (:key, e.g. requests.new_received.total or "
                       "review_litigation.review.corrected) in every current report.",
        "sql": """select reports.agency, reports.year, cells.value, cells.raw, cells.blank, cells.unsure,
  cells.inferred, reports.template, reports.id as report_id, reports.source_url,
  reports.document_sha256 as sha256
from cells join reports on reports.id = cells.report_id
where cells.key = :key and reports.status = 'current'
order by reports.agency, reports.year""",
        "params": ["key"],
    },
    "search_sections": {
        "title": "全文检索报告正文 / search the reports' text",
        "description": "在报告正文中查找一个词（中文可用）：三个字及以上用 FTS5 trigram 索引，一两个字逐段匹配。"
                       " Find a word or phrase (:q) in the reports' text, Chinese included: three or more "
                       "characters use the FTS5 trigram index, one or two characters a substring scan.",
        "sql": """with hits(id) as (
  select rowid from sections_fts
  where length(:q) >= 3 and sections_fts match '"' || replace(:q, '"', '""') || '"'
  union all
  select id from sections
  where length(:q) between 1 and 2
    and text like '%' || replace(replace(replace(:q, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' escape '\\'
)
select sections.report_id, reports.agency, reports.year, sections.name as section,
  substr(sections.text, max(1, instr(sections.text, :q) - 40), 120) as excerpt,
  reports.source_url, reports.document_sha256 as sha256
from hits join sections on sections.id = hits.id join reports on reports.id = sections.report_id
where reports.status = 'current'
order by reports.year desc, reports.agency, sections.id""",
        "params": ["q"],
    },
}


def metadata(db_name: str) -> dict:
    return {
        "title": "nianbao 年报 · 政府信息公开工作年度报告档案",
        "description_html": (
            "<p>政府信息公开工作年度报告的原件、出处和逐格数字。Government information-disclosure annual "
            "reports (政府信息公开工作年度报告): the originals, where and when they were fetched, and every "
            "number in them.</p><p>机关历年图表：在 <code>agencies</code> 表中点机关名称，或打开 "
            "<code>/-/nianbao/agency/机关名称</code>。 Each agency's history as charts: click a name in "
            "<code>agencies</code> or <code>reports</code>. 原件以纯文本或下载方式提供，不会运行其中脚本。"
            " Archived originals are served as plain text or downloads, never rendered.</p>"),
        "license": LICENSE,
        "source": SOURCE,
        "databases": {
            db_name: {
                "title": "年报档案 / the archive",
                "description": "报告、单元格、校验、正文与原件。 Reports, cells, checks, text and originals.",
                "tables": TABLES,
                "queries": QUERIES,
            }
        },
    }
