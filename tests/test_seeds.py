"""The five seed reports against their hand-checked goldens (../shared/seeds/expected)."""

import json

import pytest
from conftest import SEEDS

from extract import extract_reports

SEED_FILES = sorted(SEEDS.glob("*.txt"))

# Keys the goldens leave out but the seed text states; each checked by hand against the text.
EXTRA_KEYS_CHECKED_BY_HAND = {
    # "不存在因政府信息公开申请行政复议、提起行政诉讼的情况"
    ("004_e00a3d7553d4c109", 0): {"legacy.review_total": 0, "legacy.litigation_total": 0},
    # "按规定不予公开的4件"
    ("004_e00a3d7553d4c109", 1): {"legacy.denied": 4},
}


def expected_reports(path):
    golden = json.loads((SEEDS / "expected" / f"{path.stem}.json").read_text(encoding="utf-8"))
    return golden["reports"] if "reports" in golden else [golden]


def test_there_are_five_seeds():
    assert len(SEED_FILES) == 5


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem[:3])
def test_seed_matches_golden(path):
    reports = extract_reports(path.read_bytes())
    goldens = expected_reports(path)
    assert len(reports) == len(goldens)
    for number, (report, golden) in enumerate(zip(reports, goldens, strict=True)):
        assert report.title == golden["title"]
        assert report.agency == golden.get("agency")
        assert report.year == golden["year"]
        assert report.template == golden["template"]
        got = {key: cell.value for key, cell in report.cells.items()}
        expected = golden["cells"] | EXTRA_KEYS_CHECKED_BY_HAND.get((path.stem, number), {})
        assert got == expected
        assert report.failed_checks == sorted(golden.get("expect_failed_checks", []))


def test_seed_000_names_the_bad_cell_and_its_repair():
    report = extract_reports((SEEDS / "000_760391771cb97ddd.txt").read_bytes())[0]
    failed = {(c["id"], c["scope"]): c for c in report.checks if c["status"] == "fail"}
    assert set(failed) == {("I2", "requests.total"), ("I3", "requests.unable_not_held")}
    for check in failed.values():
        assert check["repair"] == {"requests.unable_not_held.total": 4}
    # The printed value is kept: the repair is a suggestion, never applied.
    assert report.cells["requests.unable_not_held.total"].value == 0
    assert report.cells["requests.unable_not_held.total"].raw == "0"


def test_seed_002_keeps_blank_applicant_cells_null_not_zero():
    report = extract_reports((SEEDS / "002_ef504471c9854329.txt").read_bytes())[0]
    cell = report.cells["requests.new_received.natural_person"]
    assert cell.value is None and cell.blank
    assert report.cells["requests.new_received.total"].value == 0
    assert "requests.other_total.total" in report.cells
    assert "requests.other_misc.total" not in report.cells
    assert report.cells["proactive.art20_9.centralized_procurement.amount_wan_yuan"].raw == "94.52万元"


def test_seed_003_flags_the_lost_column_and_marks_inferred_cells():
    report = extract_reports((SEEDS / "003_226aef2534b3d20a.txt").read_bytes())[0]
    warns = [c for c in report.checks if c["id"] == "columns_missing"]
    assert warns and warns[0]["status"] == "warn"
    assert report.cells["requests.new_received.org_research"].inferred
    assert not report.cells["requests.new_received.natural_person"].inferred


def test_seed_004_junk_footer_is_not_report_text():
    reports = extract_reports((SEEDS / "004_e00a3d7553d4c109.txt").read_bytes())
    assert all("友情提示" not in r.text and "免责声明" not in r.text for r in reports)
    assert "广东省公安厅" not in reports[0].text.split("\n")[0]
    assert reports[1].text.count("省公安厅") > 10


@pytest.mark.parametrize("path", SEED_FILES[:4], ids=lambda p: p.stem[:3])
def test_modern_seeds_have_all_six_sections(path):
    report = extract_reports(path.read_bytes())[0]
    assert list(report.sections) == ["overview", "proactive", "requests", "review_litigation", "problems", "other"]
    assert all(text.strip() for text in report.sections.values())
