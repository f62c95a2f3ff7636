"""Which links on a listing page are annual reports (domain.md §5.3), from their text alone."""

import re

from extract.metadata import agency_from_title, is_negative_title, is_title_line, title_year
from extract.normalize import norm_label

# In a column known to hold the reports, shorter link texts name them too ("2023年度报告").
_COLUMN_ENTRY = re.compile(r"((?:19|20)\d{2}|二[〇零○]).{0,30}(年度报告|年报|工作报告)")


def is_report_link(text: str, in_report_column: bool = False, since: int | None = None) -> bool:
    label = norm_label(text)
    if not label or is_negative_title(label):
        return False
    if not (is_title_line(label) or (in_report_column and _COLUMN_ENTRY.search(label))):
        return False
    year, masked = title_year(label)
    if not (year or masked or agency_from_title(label)):
        return False  # "政府信息公开年报" names the column, not a report
    return not (since and year and year < since)
