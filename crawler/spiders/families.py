"""One spider per CMS family; how each family pages its listings is in crawler/cms.py."""

from .base import ReportSpider


class TrsSpider(ReportSpider):
    """TRS/WCM sites: index.html, index_1.html … counted by createPageHTML / countPage."""

    name = "trs"
    family = "trs"


class HanwebSpider(ReportSpider):
    """Hanweb/大汉 JCMS: <datastore> records on the column page, the rest from dataproxy.jsp."""

    name = "hanweb"
    family = "hanweb"


class PlatformSpider(ReportSpider):
    """Provincial 集约化 platforms: numbered list pages, content/post_N.html articles."""

    name = "platform"
    family = "platform"


class GenericSpider(ReportSpider):
    """Any site: the CMS is fingerprinted and the report column found from the root by link text."""

    name = "generic"
    family = None


SPIDERS = {spider.name: spider for spider in (TrsSpider, HanwebSpider, PlatformSpider, GenericSpider)}
