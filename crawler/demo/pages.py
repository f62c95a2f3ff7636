"""Page chrome of the demo sites: how each CMS family prints its site root, report column
(listing and pagination) and articles (domain.md §5.2). Functions return HTML text; links
are root-relative or relative, so pages do not depend on the port a site is served on.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import date

DEMO_NOTE = "本站为 nianbao 离线演示站点，内容与数据均为随机生成。"


@dataclass
class Item:
    """One entry of a report column."""

    title: str
    href: str  # as printed in the list (relative or root-relative)
    day: date
    text: str | None = None  # shown link text when it differs from the title (truncated, short)


@dataclass
class Article:
    title: str
    body: str  # HTML
    day: date
    publisher: str
    index_no: str
    attachments: list[tuple[str, str]]  # (href, link text)
    column: str  # column name for the breadcrumb
    column_href: str


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def shown(item: Item, limit: int | None = None) -> str:
    text = item.text or item.title
    return text if not limit or len(text) <= limit else text[:limit] + "…"


def attachment_block(article: Article) -> str:
    if not article.attachments:
        return ""
    links = "".join(f'<p><a href="{esc(href)}" target="_blank">{esc(text)}</a></p>' for href, text in article.attachments)
    return f'<div class="fujian"><p>附件：</p>{links}</div>'


# --- TRS WCM ------------------------------------------------------------------------------------

def trs_head(title: str, site: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{esc(title)}</title>
<meta name="SiteName" content="{esc(site)}" />
{extra}<link href="/images/xcgov2019/css/style.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/images/xcgov2019/js/jquery-1.11.3.min.js"></script>
</head>
<body>
<div class="header"><div class="logo"><a href="/">{esc(site)}</a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li></ul>
<form action="/was5/web/search" method="get"><input type="text" name="searchword" /><input type="submit" value="搜索" /></form></div>
"""


def trs_foot(site: str) -> str:
    return f"""<div class="footer"><p>主办：{esc(site)}办公室　版权所有</p><p>{DEMO_NOTE}</p>
<p>技术支持：拓尔思信息技术股份有限公司</p></div>
</body>
</html>
"""


TRS_PAGER = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a> ");
  for(var i=1;i<_nPageCount;i++){ document.write("<a href=\\""+_sPageName+"_"+i+"."+_sPageExt+"\\">"+(i+1)+"</a> "); }
}
</script>
"""


def trs_listing(site: str, column: str, items: list[Item], page: int, pages: int) -> str:
    rows = "\n".join(f'<li><span class="date">{i.day:%Y-%m-%d}</span><a href="{esc(i.href)}" target="_blank" '
                     f'title="{esc(i.title)}">{esc(shown(i, 28))}</a></li>' for i in items)
    return (trs_head(f"{column}_{site}", site, f'<meta name="ColumnName" content="{esc(column)}" />\n') + f"""
<div class="position">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <span>{esc(column)}</span></div>
<div class="main"><div class="title">{esc(column)}</div>
<ul class="list">
{rows}
</ul>
<div class="page">{TRS_PAGER}<script type="text/javascript">createPageHTML({pages}, {page}, "index", "html");</script></div>
</div>
""" + trs_foot(site))


def trs_article(site: str, a: Article) -> str:
    meta = (f'<meta name="ColumnName" content="{esc(a.column)}" />\n<meta name="ArticleTitle" content="{esc(a.title)}" />\n'
            f'<meta name="PubDate" content="{a.day:%Y-%m-%d} 16:30" />\n<meta name="ContentSource" content="{esc(a.publisher)}" />\n')
    return (trs_head(f"{a.title}_{a.column}_{site}", site, meta) + f"""
<div class="position">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="{esc(a.column_href)}">{esc(a.column)}</a></div>
<table class="xxgk_info" width="100%"><tr><td>索引号：{esc(a.index_no)}</td><td>发布机构：{esc(a.publisher)}</td></tr>
<tr><td>发布日期：{a.day:%Y-%m-%d}</td><td>主题分类：综合政务/政务公开</td></tr></table>
<div class="article"><h1>{esc(a.title)}</h1>
<div class="info">发布时间：{a.day:%Y-%m-%d} 来源：{esc(a.publisher)}</div>
<div class="TRS_Editor" id="zoom">
{a.body}
</div>
{attachment_block(a)}
</div>
""" + trs_foot(site))


def trs_root(site: str, columns: list[tuple[str, str]]) -> str:
    links = "".join(f'<li><a href="{esc(href)}">{esc(text)}</a></li>' for text, href in columns)
    return trs_head(site, site) + f"""
<div class="main"><div class="news"><h3>政务要闻</h3><ul><li><a href="/zwgk/zwyw/">市政府召开第十二次常务会议</a></li></ul></div>
<div class="xxgk"><h3>政府信息公开</h3><ul>{links}<li><a href="/zwgk/xxgkzn/">政府信息公开指南</a></li></ul></div></div>
""" + trs_foot(site)


def pdf_viewer() -> str:
    return """<!DOCTYPE html>
<html dir="ltr" mozdisallowselectionprint>
<head><meta charset="utf-8"><title>PDF.js viewer</title>
<link rel="stylesheet" href="viewer.css"><script src="../build/pdf.js"></script><script src="viewer.js"></script></head>
<body tabindex="1"><div id="outerContainer"><div id="mainContainer"><div id="viewerContainer"><div id="viewer" class="pdfViewer"></div></div></div></div></body>
</html>
"""


# --- Hanweb 大汉 JCMS -------------------------------------------------------------------------

def hanweb_record(item: Item) -> str:
    return (f'<li><a href="{esc(item.href)}" target="_blank" title="{esc(item.title)}">{esc(shown(item, 24))}</a>'
            f"<span>{item.day:%Y-%m-%d}</span></li>")


def hanweb_head(title: str, site: str, webid: int, extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<meta name="SiteName" content="{esc(site)}">
{extra}<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
<script type="text/javascript" src="/module/jslib/urite/urite.min.js"></script>
<link href="/images/{webid}/css/index.css" rel="stylesheet">
</head>
<body>
<div class="top"><a href="/">{esc(site)}</a> <a href="/col/col1229000001/index.html">无障碍</a></div>
<div class="nav"><a href="/">首页</a> <a href="/col/col1229000002/index.html">政务公开</a>
<a href="/col/col1229000003/index.html">政务服务</a> <a href="/col/col1229000004/index.html">互动交流</a></div>
"""


def hanweb_foot(site: str) -> str:
    return f"""<div class="foot"><p>主办单位：{esc(site)}办公室</p><p>{DEMO_NOTE}</p>
<p>技术支持：南京大汉网络有限公司</p></div>
</body>
</html>
"""


def hanweb_listing(site: str, column: str, columnid: int, unitid: int, webid: int, records: list[str],
                   total: int, per_page: int) -> str:
    """The column page: the first page of records in <datastore>, the rest from dataproxy.jsp."""
    pages = max(1, -(-total // per_page))
    store = "\n".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records)
    params = {"col": "1", "appid": "1", "webid": str(webid), "path": "/", "columnid": str(columnid),
              "sourceContentType": "1", "unitid": str(unitid), "webname": site, "permissiontype": "0"}
    proxy = "/module/web/jpage/dataproxy.jsp?page=1&" + "&".join(f"{k}={v}" for k, v in params.items())
    ajax = ", ".join(f"{k}: '{v}'" for k, v in params.items())
    return hanweb_head(f"{column} {site}", site, webid,
                       f'<meta name="ColumnName" content="{esc(column)}">\n') + f"""
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/col/col1229000002/index.html">政务公开</a> &gt; {esc(column)}</div>
<div class="main"><div class="lm-title">{esc(column)}</div>
<div id="{unitid}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{esc(proxy)}"></a>]]></nextgroup>
<recordset>
{store}
</recordset>
<totalrecord>{total}</totalrecord><totalpage>{pages}</totalpage>
</datastore></script></div>
<script type="text/javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
$(document).ready(function(){{
  $('#{unitid}').jpage({{ dataStore: $('#{unitid} script[type="text/xml"]'), proxyUrl: '/module/web/jpage/dataproxy.jsp',
    perPage: {per_page}, totalRecord: {total}, groupSize: 3, barPosition: 'bottom',
    ajaxParam: {{ {ajax} }} }});
}});
</script>
</div>
""" + hanweb_foot(site)


def hanweb_proxy_reply(records: list[str], total: int) -> str:
    store = "".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore><totalrecord>{total}</totalrecord>'
            f"<recordset>{store}</recordset></datastore>")


def hanweb_article(site: str, webid: int, a: Article) -> str:
    meta = (f'<meta name="ColumnName" content="{esc(a.column)}">\n<meta name="ArticleTitle" content="{esc(a.title)}">\n'
            f'<meta name="pubdate" content="{a.day:%Y-%m-%d}">\n<meta name="ContentSource" content="{esc(a.publisher)}">\n')
    return hanweb_head(f"{a.title}", site, webid, meta) + f"""
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="{esc(a.column_href)}">{esc(a.column)}</a></div>
<table class="xxgk-table"><tr><td>索引号：</td><td>{esc(a.index_no)}</td><td>发布机构：</td><td>{esc(a.publisher)}</td></tr>
<tr><td>生成日期：</td><td>{a.day:%Y-%m-%d}</td><td>公开方式：</td><td>主动公开</td></tr></table>
<div class="article"><div class="title">{esc(a.title)}</div>
<div class="info">发布日期：{a.day:%Y-%m-%d} 信息来源：{esc(a.publisher)} 浏览次数：<script>_showDynClickBatch(['dynclicks_wz'],['wz'],'wz', 1)</script></div>
<div class="main-txt" id="zoom">
<!--<$[信息内容]>begin-->
{a.body}
<!--<$[信息内容]>end-->
</div>
{attachment_block(a)}
</div>
""" + hanweb_foot(site)


def hanweb_root(site: str, webid: int, columns: list[tuple[str, str]]) -> str:
    links = "".join(f'<li><a href="{esc(href)}">{esc(text)}</a></li>' for text, href in columns)
    return hanweb_head(site, site, webid) + f"""
<div class="main"><div class="news"><ul><li><a href="/col/col1229000005/index.html">今日{esc(site[:3])}</a></li></ul></div>
<div class="zwgk"><h3>政府信息公开</h3><ul>{links}</ul></div></div>
""" + hanweb_foot(site)


# --- 集约化 platform (广东 style) --------------------------------------------------------------

def platform_head(title: str, site: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(title)}</title>
<meta name="SiteName" content="{esc(site)}">
{extra}<link rel="stylesheet" href="/global/css/global.css">
<script src="/global/js/jquery.min.js"></script>
</head>
<body>
<div class="gd-header"><span>广东省人民政府 | {esc(site)}</span> <a href="/">首页</a> <a href="/zwgk/">政务公开</a>
<a href="/zfxxgkml/">政府信息公开目录</a> <a href="/hdjl/">互动交流</a></div>
"""


def platform_foot(site: str) -> str:
    return f"""<div class="gd-footer"><p>主办：{esc(site)}办公室　承办：广东省政务服务和数据管理局（政府网站集约化平台）</p>
<p>{DEMO_NOTE}</p></div>
</body>
</html>
"""


def platform_pager(page: int, pages: int) -> str:
    """Numbered page links and 下一页 (pages are 1-based: index.html, index_2.html …)."""
    if pages <= 1:
        return '<div class="pagination"><span class="current">1</span></div>'

    def name(n: int) -> str:
        return "index.html" if n == 1 else f"index_{n}.html"

    parts = [f'<a href="{name(1)}">首页</a>']
    if page > 1:
        parts.append(f'<a href="{name(page - 1)}" class="prev">上一页</a>')
    for n in range(1, pages + 1):
        parts.append(f'<span class="current">{n}</span>' if n == page else f'<a href="{name(n)}">{n}</a>')
    if page < pages:
        parts.append(f'<a href="{name(page + 1)}" class="next">下一页</a>')
    parts.append(f'<a href="{name(pages)}">尾页</a>')
    return f'<div class="pagination">{" ".join(parts)}<span>共{pages}页</span></div>'


def platform_listing(site: str, agency: str, column: str, items: list[Item], page: int, pages: int) -> str:
    rows = "\n".join(f'<li><a href="{esc(i.href)}" target="_blank" title="{esc(i.title)}">{esc(shown(i))}</a>'
                     f'<span class="time">{i.day:%Y-%m-%d}</span></li>' for i in items)
    return platform_head(f"{column}-{agency}-{site}", site) + f"""
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgkml/">政府信息公开目录</a> &gt; <a href="../">{esc(agency)}</a> &gt; {esc(column)}</div>
<div class="list-box"><h2>{esc(agency)} · {esc(column)}</h2>
<ul class="list">
{rows}
</ul>
{platform_pager(page, pages)}
</div>
""" + platform_foot(site)


def platform_article(site: str, a: Article) -> str:
    meta = (f'<meta name="ArticleTitle" content="{esc(a.title)}">\n<meta name="PubDate" content="{a.day:%Y-%m-%d}">\n'
            f'<meta name="ContentSource" content="{esc(a.publisher)}">\n')
    return platform_head(f"{a.title}-{site}", site, meta) + f"""
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgkml/">政府信息公开目录</a> &gt; <a href="{esc(a.column_href)}">{esc(a.column)}</a></div>
<div class="classify"><table><tr><td class="td-label">索引号：</td><td>{esc(a.index_no)}</td><td class="td-label">分类：</td><td>综合政务、其他</td></tr>
<tr><td class="td-label">发布机构：</td><td>{esc(a.publisher)}</td><td class="td-label">成文日期：</td><td>{a.day:%Y-%m-%d}</td></tr>
<tr><td class="td-label">名称：</td><td colspan="3">{esc(a.title)}</td></tr></table></div>
<div class="article-content"><h1 class="zw-title">{esc(a.title)}</h1>
<div class="zw-info">发布日期：{a.day:%Y-%m-%d}　来源：{esc(a.publisher)}</div>
<div class="zw" id="zoom">
{a.body}
</div>
{attachment_block(a)}
</div>
""" + platform_foot(site)


def platform_root(site: str, columns: list[tuple[str, str]]) -> str:
    links = "".join(f'<li><a href="{esc(href)}">{esc(text)}</a></li>' for text, href in columns)
    return platform_head(site, site) + f"""
<div class="zfxxgkml"><h3>部门信息公开目录</h3><ul>{links}</ul></div>
""" + platform_foot(site)


# --- an old generic site in GBK -----------------------------------------------------------------

GBK_CONTACT = "联系人：陈堃　电话：0663-2212345"  # 堃 is GBK but not GB2312


def generic_page(title: str, site: str, inner: str) -> str:
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{esc(title)}</title>
<link href="/css/css.css" rel="stylesheet" type="text/css">
</head>
<body topmargin="0" leftmargin="0">
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td class="top"><img src="/images/banner.jpg" width="980" height="120" alt="{esc(site)}"></td></tr>
<tr><td class="menu"><a href="/">首页</a> | <a href="/jggk/index.html">机构概况</a> | <a href="/zwgk/index.html">政府信息公开</a> | <a href="/tzgg/index.html">通知公告</a> | <a href="/bszn/index.html">办事指南</a></td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td class="content">
{inner}
</td></tr></table>
<table width="980" border="0" align="center"><tr><td class="bottom">版权所有：{esc(site)}　{GBK_CONTACT}<br>{DEMO_NOTE}</td></tr></table>
</body>
</html>
"""


def generic_root(site: str) -> str:
    news = ["关于开展2024年度土地变更调查工作的通知", "我局召开党风廉政建设工作会议", "关于公布第一批不动产登记便民服务点的公告"]
    rows = "".join(f'<tr><td>·<a href="/tzgg/show.asp?id={900 + n}">{esc(t)}</a></td></tr>' for n, t in enumerate(news))
    return generic_page(site, site, f'<table width="100%"><tr><td class="lmtitle">通知公告</td></tr>{rows}</table>')


def generic_ogi(site: str, column_href: str) -> str:
    links = [("政府信息公开指南", "/zwgk/list.asp?classid=10"), ("政府信息公开制度", "/zwgk/list.asp?classid=11"),
             ("法定主动公开内容", "/zwgk/list.asp?classid=13"), ("政府信息公开年报", column_href)]
    rows = "".join(f'<tr><td>·<a href="{esc(href)}">{esc(text)}</a></td></tr>' for text, href in links)
    return generic_page(f"政府信息公开-{site}", site,
                        f'<table width="100%"><tr><td class="lmtitle">政府信息公开</td></tr>{rows}</table>')


def generic_listing(site: str, column: str, items: list[Item], page: int, pages: int, base: str) -> str:
    rows = "".join(f'<tr><td width="85%">·<a href="{esc(i.href)}" target="_blank">{esc(shown(i))}</a></td>'
                   f"<td>[{i.day:%Y-%m-%d}]</td></tr>" for i in items)

    def href(n: int) -> str:
        return base if n == 1 else f"{base}&page={n}"

    pager = [f"第{page}/{pages}页"]
    pager.append(f'<a href="{esc(href(1))}">首页</a>')
    if page > 1:
        pager.append(f'<a href="{esc(href(page - 1))}">上一页</a>')
    if page < pages:
        pager.append(f'<a href="{esc(href(page + 1))}">下一页</a>')
    pager.append(f'<a href="{esc(href(pages))}">尾页</a>')
    return generic_page(f"{column}-{site}", site, f"""<table width="100%"><tr><td class="lmtitle" colspan="2">当前位置：<a href="/">首页</a> &gt;&gt; <a href="/zwgk/index.html">政府信息公开</a> &gt;&gt; {esc(column)}</td></tr>
{rows}
<tr><td colspan="2" align="center">{" ".join(pager)}</td></tr></table>""")


def generic_article(site: str, a: Article) -> str:
    return generic_page(f"{a.title}-{site}", site, f"""<table width="100%"><tr><td class="lmtitle">当前位置：<a href="/">首页</a> &gt;&gt; <a href="{esc(a.column_href)}">{esc(a.column)}</a></td></tr>
<tr><td align="center" class="title"><b>{esc(a.title)}</b></td></tr>
<tr><td align="center">发布时间：{a.day:%Y-%m-%d}　来源：{esc(a.publisher)}</td></tr>
<tr><td class="text">
{a.body}
{attachment_block(a)}
</td></tr></table>""")


# --- the 瑞数-style challenge ---------------------------------------------------------------

def challenge(token: str) -> str:
    """An obfuscated JS challenge as a 412 body: a meta token, $_ts, a script that sets cookies."""
    ts = json.dumps(token[::-1] * 6)
    return f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta id="9DhefwqGPrzGxEp9hPaoag" content="{token}" r='m'>
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={{}};$_ts.nsd=48213;$_ts.cd={ts};$_ts.lcd=_$Vz;</script>
<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js" r='m'></script>
<script type="text/javascript" r='m'>(function(){{var _$Wt=0,_$kI=[[3,0,5],[8,6,1]];function _$xT(){{return _$kI[_$Wt++]}};_$xT();}})();</script>
</head><body></body></html>"""
