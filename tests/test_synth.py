"""The synthetic report generator itself: consistent data, the canonical keys, faithful layouts.

These tests keep the round trip honest: if the generator produced trivial or inconsistent
reports, test_roundtrip could pass (or fail) for the wrong reason.
"""

import re
import unicodedata
from collections import Counter
from functools import cache

import pytest
import synth
from bs4 import BeautifulSoup

SEEDS = range(300)

# The canonical keys, written out independently of synth's label tables (cells.md).
APPLICANTS = ("natural_person", "org_commercial", "org_research", "org_public_welfare",
              "org_legal_service", "org_other")
COLUMNS = (*APPLICANTS, "total")
DENIED = ("denied_state_secret", "denied_other_law", "denied_security_stability", "denied_third_party",
          "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_admin_query")
UNABLE = ("unable_not_held", "unable_needs_creation", "unable_unclear")
NOT_PROCESSED = ("np_petition_complaint", "np_repeated", "np_publication", "np_excessive", "np_confirm_reissue")
OTHER = {"2021": ("other_no_correction", "other_fee_unpaid", "other_misc"), "2019": ("other_total",)}
PROACTIVE_2021 = (
    *(f"art20_1.{r}.{c}" for r in ("regulations", "normative_docs") for c in ("issued", "repealed", "valid")),
    "art20_5.admin_license.decisions", "art20_6.admin_penalty.decisions", "art20_6.admin_coercion.decisions",
    "art20_8.admin_fees.amount_wan_yuan",
)
PROACTIVE_2019 = (
    *(f"art20_1.{r}.{c}" for r in ("regulations", "normative_docs")
      for c in ("new_made", "new_published", "total_published")),
    *(f"{i}.{r}.{c}" for i, r in (("art20_5", "admin_license"), ("art20_5", "other_external_services"),
                                  ("art20_6", "admin_penalty"), ("art20_6", "admin_coercion"))
      for c in ("prev_year_items", "change", "decisions")),
    "art20_8.admin_fees.prev_year_items", "art20_8.admin_fees.change",
    "art20_9.centralized_procurement.items", "art20_9.centralized_procurement.amount_wan_yuan",
)
REVIEW = tuple(f"review_litigation.{b}.{c}" for b in ("review", "lit_direct", "lit_after_review")
               for c in ("upheld", "corrected", "other", "pending", "total"))


def expected_keys(template):
    rows = ("new_received", "carried_over", "granted", "partially_granted", *DENIED, *UNABLE,
            *NOT_PROCESSED, *OTHER[template], "results_total", "carried_forward")
    proactive = PROACTIVE_2021 if template == "2021" else PROACTIVE_2019
    return {*(f"proactive.{k}" for k in proactive), *(f"requests.{r}.{c}" for r in rows for c in COLUMNS), *REVIEW}


def a(cells, row, col):
    """A requests cell with a blank read as 0, as the identities are checked."""
    return cells[f"requests.{row}.{col}"] or 0


@cache
def reports(layout="pipe"):
    return tuple(synth.generate(seed, layout, template) for seed in SEEDS for template in ("2021", "2019"))


@pytest.mark.parametrize("template,n", [("2021", 200), ("2019", 198)])
def test_every_canonical_key_of_the_template_is_expected(template, n):
    report = synth.generate(1, "pipe", template)
    assert set(report.cells) == expected_keys(template)
    assert len(report.cells) == n


def test_flow_identity_I1_holds_in_every_column():
    for r in reports():
        for c in COLUMNS:
            inflow = a(r.cells, "new_received", c) + a(r.cells, "carried_over", c)
            assert inflow == a(r.cells, "results_total", c) + a(r.cells, "carried_forward", c), (r.seed, c)


def test_results_identity_I2_holds_in_every_column():
    for r in reports():
        outcomes = ("granted", "partially_granted", *DENIED, *UNABLE, *NOT_PROCESSED, *OTHER[r.template])
        for c in COLUMNS:
            assert a(r.cells, "results_total", c) == sum(a(r.cells, o, c) for o in outcomes), (r.seed, c)


def test_applicant_identity_I3_holds_in_every_row():
    for r in reports():
        for key in r.cells:
            if key.startswith("requests.") and key.endswith(".total"):
                row = key.split(".")[1]
                assert a(r.cells, row, "total") == sum(a(r.cells, row, c) for c in APPLICANTS), (r.seed, row)


def test_review_identities_I4_to_I6_hold():
    for r in reports():
        for block in ("review", "lit_direct", "lit_after_review"):
            parts = [r.cells[f"review_litigation.{block}.{c}"] for c in ("upheld", "corrected", "other", "pending")]
            assert r.cells[f"review_litigation.{block}.total"] == sum(parts), (r.seed, block)


def test_counts_are_non_negative_integers_except_signed_change_and_money():
    for r in reports():
        for key, value in r.cells.items():
            if value is None:
                continue
            if key.endswith("amount_wan_yuan"):
                assert isinstance(value, float) and value >= 0 and round(value, 4) == value, (r.seed, key)
            else:
                assert isinstance(value, int) and not isinstance(value, bool), (r.seed, key)
                assert value >= 0 or key.endswith(".change"), (r.seed, key)


def test_data_is_varied_not_trivial():
    values = Counter()
    for r in reports():
        cells = r.cells
        values["reports"] += 1
        values["busy"] += (cells["requests.new_received.total"] or 0) > 0
        values["big"] += (cells["requests.results_total.total"] or 0) > 1000
        values["million"] += any((v or 0) >= 10**5 for k, v in cells.items() if k.startswith("proactive"))
        values["blanks"] += any(v is None for v in cells.values())
        values["org"] += any((cells[f"requests.new_received.{c}"] or 0) > 0 for c in APPLICANTS[1:])
        values["negative_change"] += any(k.endswith(".change") and (v or 0) < 0 for k, v in cells.items())
        values["review"] += cells["review_litigation.review.total"] > 0
        values["fee_unit"] += r.raw.get("proactive.art20_8.admin_fees.amount_wan_yuan", "").endswith("万元")
        values["fee_yuan"] += bool(re.fullmatch(r"[1-9]\d*元", r.raw.get("proactive.art20_8.admin_fees.amount_wan_yuan", "")))
        values["chinese_year"] += synth.chinese_year(r.year) in r.title
        values["fee_4dp"] += bool(re.fullmatch(r"\d+\.\d{4}(万元)?",
                                               r.raw.get("proactive.art20_8.admin_fees.amount_wan_yuan", "")))
        raw = r.raw.get("proactive.art20_9.centralized_procurement.amount_wan_yuan", "")
        values["yuan"] += raw.endswith("元") and not raw.endswith("万元") and raw != "0元"
        values["wan"] += raw.endswith("万元") and raw != "0万元"
    n = values.pop("reports")
    for name, k in values.items():
        assert 3 <= k < 0.98 * n, (name, k, n)  # present, but not everywhere


def test_blank_cells_are_only_applicant_cells_and_the_total_column_is_printed():
    modes = Counter()
    for r in reports("html"):
        modes[r.blank_mode] += 1
        for key, value in r.cells.items():
            if value is None:
                assert key.startswith("requests.") and not key.endswith(".total"), (r.seed, key)
    assert set(modes) == {"printed", "zero_cells", "zero_columns", "applicants_blank"}


def test_yuan_amounts_are_converted_to_wan_yuan():
    for r in reports():
        for key in ("proactive.art20_9.centralized_procurement.amount_wan_yuan",
                    "proactive.art20_8.admin_fees.amount_wan_yuan"):
            raw = r.raw.get(key)
            if raw and raw.endswith("元") and not raw.endswith("万元"):
                assert r.cells[key] * 10000 == pytest.approx(int(raw[:-1]))


@pytest.mark.parametrize("layout", synth.LAYOUTS)
def test_generation_is_deterministic(layout):
    first, second = synth.generate(42, layout, "2021"), synth.generate(42, layout, "2021")
    assert first.document == second.document and first.cells == second.cells


def test_year_follows_the_template():
    for r in reports():
        assert r.year in ((2019, 2020) if r.template == "2019" else (2021, 2022, 2023, 2024))
        assert (str(r.year) in r.title or synth.chinese_year(r.year) in r.title) and r.agency in r.title


def test_flat_layout_never_has_blanks():
    for seed in SEEDS:
        assert None not in synth.generate(seed, "flat").cells.values()


def html_grid(table):
    """Positions of an HTML table after rowspan/colspan, as a browser lays them out."""
    taken = {}
    for r, tr in enumerate(table.find_all("tr")):
        col = 0
        for td in tr.find_all(["td", "th"]):
            while (r, col) in taken:
                col += 1
            for dr in range(int(td.get("rowspan", 1))):
                for dc in range(int(td.get("colspan", 1))):
                    assert (r + dr, col + dc) not in taken, "overlapping spans"
                    taken[(r + dr, col + dc)] = unicodedata.normalize("NFKC", td.get_text()).strip()
            col += int(td.get("colspan", 1))
    rows = 1 + max(r for r, _ in taken)
    width = 1 + max(c for _, c in taken)
    assert len(taken) == rows * width, "ragged table"
    return [[taken[(r, c)] for c in range(width)] for r in range(rows)]


@pytest.mark.parametrize("template", ["2021", "2019"])
def test_html_tables_are_complete_rectangles_with_the_official_spans(template):
    for seed in range(40):
        r = synth.generate(seed, "html", template)
        soup = BeautifulSoup(r.document, "html.parser")
        tables = [t for t in soup.select("#zoom table") if not t.find("table")]  # innermost: the data tables
        proactive, requests, review = (html_grid(t) for t in tables)
        assert len(proactive[0]) == 4 and len(requests[0]) == 10 and len(review[0]) == 15
        assert len(requests) == (28 if template == "2021" else 26)  # 3 header rows + 25 / 23 data rows
        assert len(review) == 4
        assert [row[0] for row in requests[5:5 + (22 if template == "2021" else 20)]] == ["三、本年度办理结果"] * (
            22 if template == "2021" else 20)
        denied = [row[1] for row in requests if "不予公开" in row[1] and "部分" not in row[1]]
        assert len(denied) == 8
        values = [v for row in requests[3:] for v in row[3:]]
        want = [r.raw[f"requests.{row}.{c}"] for row in synth.request_rows(template) for c in COLUMNS]
        assert values == want
        assert [v for v in review[3]] == [r.raw[k] for k in REVIEW]


def test_pipe_rows_are_padded_to_the_table_width_like_seed_000():
    r = synth.generate(3, "pipe", "2021")
    lines = r.document.splitlines()
    new = next(line for line in lines if line.startswith("一、本年新收"))
    assert new.endswith(" | ||") and new.count(" | ") == 8
    results = next(line for line in lines if line.startswith("三、本年度办理结果"))
    assert results.endswith(" | |")
    carried = next(line for line in lines if line.startswith("四、结转下年度"))
    assert carried.endswith(" |") and not carried.endswith("||")


def test_lines_layout_puts_one_cell_per_line_in_blocks():
    r = synth.generate(5, "lines", "2019")
    blocks = r.document.split("\n\n")
    block = next(b for b in blocks if "一、本年新收" in b)
    lines = block.splitlines()[-8:]
    assert lines[0].endswith("一、本年新收政府信息公开申请数量")
    assert all(line.startswith("\t") for line in lines)
    assert len(lines[1:]) == 7


def test_tab_layout_drops_leading_empty_cells_in_some_rows():
    dropped = 0
    for seed in range(60):
        doc = synth.generate(seed, "tab", "2021").document
        dropped += any(re.match(r"\d\.", line) and "\t" in line for line in doc.splitlines())
    assert 5 < dropped < 60


def test_blank_cells_render_as_empty_cells():
    for seed in range(200):
        r = synth.generate(seed, "tab", "2021")
        if r.blank_mode == "applicants_blank":
            row = next(line for line in r.document.splitlines() if line.startswith("一、本年新收"))
            assert row.split("\t")[-7:] == ["", "", "", "", "", "", "0"]
            return
    pytest.fail("no applicants_blank report in 200 seeds")


def test_flat_layout_prints_each_table_on_one_line():
    r = synth.generate(8, "flat", "2021")
    line = next(x for x in r.document.splitlines() if x.startswith("（本列") or x.startswith("(本列"))
    numbers = re.findall(r"(?<![\d.])\d+(?![\d.])", line.split("四、结转下年度继续办理")[0].split("其他 ", 1)[1])
    assert len([n for n in numbers]) >= 24 * 7  # 25 rows of 7, less what the labels' digits hide


def test_html_declares_the_charset_it_is_encoded_in():
    seen = set()
    for seed in range(60):
        doc = synth.generate(seed, "html").document
        charset = re.search(rb'charset="?([\w-]+)', doc).group(1).decode().lower()
        seen.add(charset)
        doc.decode("gb18030" if charset.startswith("gb") else "utf-8")
    assert {"utf-8", "gbk", "gb2312"} <= seen


def test_edge_seeds_still_hit_their_case():
    for (layout, template), seeds in synth.EDGE_SEEDS["blank_natural_person_column"].items():
        for seed in seeds:
            r = synth.generate(seed, layout, template)
            blank = [c for c in APPLICANTS
                     if all(r.cells[f"requests.{row}.{c}"] is None for row in synth.request_rows(template))]
            assert blank == ["natural_person"] and r.cells["requests.new_received.total"], (layout, template, seed)
