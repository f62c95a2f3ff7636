"""Document → annual-report records. Pure functions: no Scrapy, no database.

    from extract import extract_reports
    for report in extract_reports(open("report.html", "rb").read(), url=...):
        report.to_json()   # the JSON of ../shared/spec/cells.md
"""

from .errors import ExtractionError, NotAReportError
from .report import EXTRACTOR_VERSION, Cell, Extraction, Report, extract_document, extract_reports

__all__ = [
    "EXTRACTOR_VERSION",
    "Cell",
    "Extraction",
    "ExtractionError",
    "NotAReportError",
    "Report",
    "extract_document",
    "extract_reports",
]
