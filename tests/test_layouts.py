"""The same report in the other text layouts real exports produce gives the same cells."""

import json

import pytest
from conftest import SEEDS

from extract import extract_reports

SEED_001 = (SEEDS / "001_f43bdfd2c3091197.txt").read_text(encoding="utf-8")
GOLDEN_001 = json.loads((SEEDS / "expected" / "001_f43bdfd2c3091197.json").read_text(encoding="utf-8"))["cells"]


def one_cell_per_line_without_tabs(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        lines += [c for c in line.split("\t") if c.strip()] if "\t" in line else [line]
    return "\n".join(lines)


def space_separated(text: str) -> str:
    return "\n".join(" ".join(c for c in line.split("\t") if c.strip()) for line in text.split("\n"))


def label_wrapped_before_its_numbers(text: str) -> str:
    label = "(二) 部分公开（区分处理的，只计这一情形，不计其他情形）"
    return text.replace(label, "(二) 部分公开（区分处理的，只计这一情形，不计\n其他情形）")


def whole_tables_on_one_line(text: str) -> str:
    """Each table flattened into a single line of words and numbers."""
    out, table = [], []
    for line in text.split("\n"):
        if "\t" in line:
            table += [c for c in line.split("\t") if c.strip()]
            continue
        if table:
            out.append(" ".join(table))
            table = []
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize(
    "variant",
    [one_cell_per_line_without_tabs, space_separated, label_wrapped_before_its_numbers, whole_tables_on_one_line],
)
def test_seed_001_in_another_layout_gives_every_cell(variant):
    report = extract_reports(variant(SEED_001))[0]
    assert {k: c.value for k, c in report.cells.items()} == GOLDEN_001
    assert report.year == 2023 and report.template == "2021"
    assert report.failed_checks == []


def test_year_missing_from_title_is_read_from_the_opening_of_the_overview():
    text = SEED_001.replace("驻马店市公安局 2023 年政府信息公开工作年度报告", "政府信息公开工作年度报告")
    assert extract_reports(text)[0].year == 2023


def test_masked_year_stays_unknown():
    text = SEED_001.replace("2023", "202*")
    assert extract_reports(text)[0].year is None
