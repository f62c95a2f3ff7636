"""Small pure functions of extract/: numbers, decoding, layouts, alignment, checks."""

from decimal import Decimal

import opencc
import pytest
from conftest import SEEDS

from extract import ExtractionError, extract_reports
from extract.checks import run_checks
from extract.decode import decode_bytes
from extract.labels import OTHER_ROWS_2021
from extract.layout import text_rows
from extract.normalize import is_value_cell, parse_number
from extract.tables import align

SEED_000 = (SEEDS / "000_760391771cb97ddd.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [
        ("23", 23, ""),
        ("１２", 12, ""),  # full-width digits
        ("32,150", 32150, ""),
        ("3，160", 3160, ""),  # full-width comma as thousands separator
        ("+1036", 1036, ""),
        ("-2", -2, ""),
        ("减3", -3, ""),
        ("1428.9656万元", Decimal("1428.9656"), "万元"),
        ("251000元", 251000, "元"),
        ("　　0", 0, ""),
        ("47 件", 47, "件"),
    ],
)
def test_parse_number_reads_printed_forms(raw, value, unit):
    number = parse_number(raw)
    assert number is not None and number.value == value and number.unit == unit


@pytest.mark.parametrize("raw", ["1.属于国家秘密", "2023年", "第二十条第(一)项", "约100", "1.8万余条", "12-3"])
def test_labels_with_digits_are_not_numbers(raw):
    assert parse_number(raw) is None
    assert not is_value_cell(raw)


@pytest.mark.parametrize("raw", ["", " ", "\xa0", "/", "—", "-", "无"])
def test_blank_and_null_markers_are_value_cells(raw):
    assert is_value_cell(raw)


def test_align_takes_all_printed_values_in_order_despite_padding():
    assert align(["", "47", "0", "0", "0", "0", "0", "47", ""], 7) == ["47", "0", "0", "0", "0", "0", "47"]


def test_align_keeps_blank_positions_when_the_row_has_exactly_the_columns():
    slots = ["\xa0"] * 6 + ["0"]
    assert align(slots, 7) == slots


def test_align_trims_padding_only_down_to_the_column_count():
    assert align(["", "", "", "", "", "", "", "23", "", ""], 7) == ["", "", "", "", "", "", "23"]
    assert align(["5", "", "", "", "", "", "", "", ""], 7) == ["5", "", "", "", "", "", ""]


def test_align_refuses_rows_it_cannot_place():
    assert align(["1", "2", "3", "4", "5", "6", "7", "8"], 7) is None
    assert align(["1", "2"], 7) is None


def test_utf8_page_whose_meta_claims_gb2312_is_read_as_utf8():
    html = '<html><head><meta charset="gb2312"></head><body>鄠邑区</body></html>'
    text, encoding = decode_bytes(html.encode("utf-8"))
    assert "鄠邑区" in text and encoding == "utf-8"


def test_gbk_bytes_with_a_name_outside_gb2312_decode_as_gb18030():
    html = '<html><head><meta charset="gb2312"></head><body>张喆 堃 鄠邑区住房和城乡建设局</body></html>'
    text, encoding = decode_bytes(html.encode("gb18030"), "text/html; charset=gb2312")
    assert "张喆 堃" in text and encoding == "gb18030"


def test_utf8_read_as_gbk_and_saved_again_is_repaired():
    mojibake = SEED_000.encode("utf-8").decode("gb18030", errors="ignore")  # lossy, as in the wild
    text, _ = decode_bytes(mojibake.encode("utf-8"))
    assert "桐乡市公安局" in text


def test_utf8_read_as_latin1_and_saved_again_gives_the_same_cells():
    mojibake = SEED_000.encode("utf-8").decode("latin-1")
    report = extract_reports(mojibake.encode("utf-8"))[0]
    assert report.cells["requests.new_received.total"].value == 23
    assert len(report.cells) == 200


def test_bom_decides_the_encoding():
    text, encoding = decode_bytes("\ufeff政府信息公开".encode("utf-8"))
    assert text == "政府信息公开" and encoding == "utf-8-sig"


def test_binary_junk_is_an_extraction_error():
    with pytest.raises(ExtractionError):
        extract_reports(bytes(range(256)) * 20)


def test_traditional_chinese_page_gives_the_same_cells():
    traditional = opencc.OpenCC("s2t").convert(SEED_000)
    simplified_report = extract_reports(SEED_000)[0]
    report = extract_reports(traditional)[0]
    assert report.agency == "桐乡市公安局"
    assert {k: c.value for k, c in report.cells.items()} == {k: c.value for k, c in simplified_report.cells.items()}


def test_one_cell_per_line_block_becomes_one_row_with_wrapped_cells_joined():
    rows = text_rows("\t信息内容\n\t本年新\n制作数量\n\t本年新\n公开数量\n\n\t规章\n\t\xa0\n\t0\n")
    assert rows[0].cells == ["信息内容", "本年新制作数量", "本年新公开数量"]
    assert rows[1].cells == ["规章", "\xa0", "0"]


def test_prose_numbers_never_become_table_cells():
    rows = text_rows("2023 年共接受依申请公开 47 件，其中 1 件结转下年度继续办理。")
    assert len(rows) == 1 and not rows[0].table


def test_flattened_table_line_is_split_into_label_and_number_cells():
    rows = text_rows("一、本年新收政府信息公开申请数量 47 0 0 0 0 0 47 二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0")
    assert rows[0].table
    assert rows[0].cells[:3] == ["一、本年新收政府信息公开申请数量", "47", "0"]


def _consistent_requests(total_new=5):
    values = {}
    for col in ("natural_person", "org_commercial", "org_research", "org_public_welfare", "org_legal_service", "org_other", "total"):
        n = total_new if col in ("natural_person", "total") else 0
        rows = {"new_received": n, "carried_over": 0, "granted": n, "results_total": n, "carried_forward": 0}
        for row in ("partially_granted", "denied_state_secret", "denied_other_law", "denied_security_stability",
                    "denied_third_party", "denied_internal_affairs", "denied_process_info", "denied_enforcement_file",
                    "denied_admin_query", "unable_not_held", "unable_needs_creation", "unable_unclear",
                    "np_petition_complaint", "np_repeated", "np_publication", "np_excessive", "np_confirm_reissue",
                    *OTHER_ROWS_2021):
            rows[row] = 0
        values |= {f"requests.{row}.{col}": v for row, v in rows.items()}
    return values


def test_consistent_table_passes_every_identity():
    values = _consistent_requests()
    checks = run_checks(values, set(values), OTHER_ROWS_2021)
    statuses = {c["status"] for c in checks if c["id"] in ("I1", "I2", "I3")}
    assert statuses == {"pass"}


def test_one_wrong_total_gives_a_single_repair():
    values = _consistent_requests() | {"requests.granted.total": 4}
    checks = run_checks(values, set(values), OTHER_ROWS_2021)
    failed = [c for c in checks if c["status"] == "fail"]
    assert {(c["id"], c["scope"]) for c in failed} == {("I2", "requests.total"), ("I3", "requests.granted")}
    assert all(c["repair"] == {"requests.granted.total": 5} for c in failed)


def test_two_wrong_cells_give_no_repair():
    values = _consistent_requests() | {"requests.granted.total": 4, "requests.new_received.natural_person": 9}
    checks = run_checks(values, set(values), OTHER_ROWS_2021)
    failed = [c for c in checks if c["status"] == "fail"]
    assert failed and all("repair" not in c for c in failed)


def test_missing_cells_make_identities_not_assessable():
    checks = run_checks({}, set(), OTHER_ROWS_2021)
    assert {c["status"] for c in checks if c["id"] != "I7"} == {"not_assessable"}


def test_negative_count_fails_i7_but_negative_change_does_not():
    checks = run_checks({"requests.granted.total": -1}, set(), OTHER_ROWS_2021)
    assert next(c for c in checks if c["id"] == "I7")["status"] == "fail"
    checks = run_checks({"proactive.art20_5.admin_license.change": -3}, set(), OTHER_ROWS_2021)
    assert next(c for c in checks if c["id"] == "I7")["status"] == "pass"
