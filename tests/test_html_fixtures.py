"""Hand-checked HTML report pages (tests/fixtures/html) read back cell by cell.

Each ``<name>.html`` has a golden ``<name>.json`` in the seed-golden format
(title, agency, year, template, cells, expect_failed_checks, notes) plus optional keys:

- ``url`` / ``content_type``: passed to ``extract_reports`` as a crawler would;
- ``expect_warn_checks``: check ids that must be present with status ``warn``;
- ``expect_repairs``: the exact single-cell repair the failed checks must propose;
- ``expect_raw``: printed text of a few cells (compared after NFKC and trimming);
- ``expect_absent``: keys that must be absent or null (never a number).
"""

import functools
import json
import os
import pathlib
import shutil
import subprocess
import sys
import unicodedata

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
HTML_DIR = pathlib.Path(__file__).parent / "fixtures" / "html"
GOLDENS = sorted(HTML_DIR.glob("*.json"))
NUMERIC_PREFIXES = ("proactive.", "requests.", "review_litigation.")

try:
    from extract import extract_reports
except ImportError:
    if (ROOT / "extract" / "__init__.py").exists():
        raise
    pytest.skip("extract package not written yet", allow_module_level=True)


def _ids(paths):
    return [p.stem for p in paths]


def _norm(text):
    return "".join(unicodedata.normalize("NFKC", text or "").split())


@functools.cache
def _golden(stem):
    return json.loads((HTML_DIR / f"{stem}.json").read_text(encoding="utf-8"))


@functools.cache
def _report(stem):
    """The single report extracted from the fixture, as its JSON contract dict."""
    gold = _golden(stem)
    data = (HTML_DIR / f"{stem}.html").read_bytes()
    reports = extract_reports(data, url=gold.get("url"), content_type=gold.get("content_type"))
    assert len(reports) == 1, f"{stem}: expected one report, got {len(reports)}"
    return json.loads(json.dumps(reports[0].to_json(), ensure_ascii=False))


def _same(key, expected, got):
    """Exact equality; money and other decimals compared to 4 places; counts must be ints."""
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(got, bool) or not isinstance(got, int | float):
        return False
    if isinstance(expected, float) or isinstance(got, float) or "amount" in key:
        return round(float(got), 4) == round(float(expected), 4)
    return got == expected


def _value(cell):
    return cell.get("value") if isinstance(cell, dict) else cell


def _checks(report):
    return report.get("checks") or []


@pytest.fixture(params=_ids(GOLDENS))
def case(request):
    return request.param, _golden(request.param), _report(request.param)


def test_every_fixture_has_page_and_golden():
    pages = {p.stem for p in HTML_DIR.glob("*.html")}
    assert pages == set(_ids(GOLDENS))
    assert len(pages) >= 8


def test_title_agency_year_template(case):
    _, gold, rep = case
    got = {k: rep.get(k) for k in ("title", "agency", "year", "template")}
    got["title"], got["agency"] = _norm(got["title"]), _norm(got["agency"])
    exp = {"title": _norm(gold["title"]), "agency": _norm(gold["agency"]),
           "year": gold["year"], "template": gold["template"]}
    assert got == exp


def test_cells_match_golden(case):
    stem, gold, rep = case
    cells = rep.get("cells") or {}
    wrong = []
    for key, expected in gold["cells"].items():
        if key not in cells:
            wrong.append(f"{key}: expected {expected!r}, missing")
            continue
        got = _value(cells[key])
        if not _same(key, expected, got):
            raw = cells[key].get("raw") if isinstance(cells[key], dict) else None
            wrong.append(f"{key}: expected {expected!r}, got {got!r} (raw {raw!r})")
    assert not wrong, f"{stem}: {len(wrong)} of {len(gold['cells'])} cells wrong:\n" + "\n".join(wrong)


def test_no_invented_numbers(case):
    """A table key the page does not print (or prints blank) is absent or null, never a number."""
    stem, gold, rep = case
    cells = rep.get("cells") or {}
    invented = [f"{k} = {_value(v)!r}" for k, v in cells.items()
                if k.startswith(NUMERIC_PREFIXES) and k not in gold["cells"] and _value(v) is not None]
    invented += [f"{k} = {_value(cells[k])!r} (must be absent or null)" for k in gold.get("expect_absent", [])
                 if k in cells and _value(cells[k]) is not None]
    assert not invented, f"{stem}: numbers for keys the page does not print:\n" + "\n".join(invented)


def test_failed_checks(case):
    stem, gold, rep = case
    failed = {c.get("id") for c in _checks(rep) if c.get("status") == "fail"}
    details = [c for c in _checks(rep) if c.get("status") == "fail"]
    assert failed == set(gold["expect_failed_checks"]), f"{stem}: failed checks {details}"


def test_repairs(case):
    stem, gold, rep = case
    proposed = {}
    for check in _checks(rep):
        for key, value in (check.get("repair") or {}).items():
            assert proposed.get(key, value) == value, f"{stem}: conflicting repairs for {key}"
            proposed[key] = value
    assert proposed == gold.get("expect_repairs", {})


def test_warn_checks(case):
    stem, gold, rep = case
    warned = {c.get("id") for c in _checks(rep) if c.get("status") == "warn"}
    expected = set(gold.get("expect_warn_checks", []))
    assert expected <= warned, f"{stem}: warn checks {sorted(warned)}"
    if "mixed_template" not in expected:
        assert "mixed_template" not in {c.get("id") for c in _checks(rep)}


def test_raw_text_kept(case):
    stem, gold, rep = case
    cells = rep.get("cells") or {}
    for key, raw in gold.get("expect_raw", {}).items():
        assert key in cells, f"{stem}: {key} missing"
        assert _norm(cells[key].get("raw")) == _norm(raw), f"{stem}: {key} raw {cells[key].get('raw')!r}"


def nianbao_command():
    """The installed console script, wherever this interpreter's venv keeps it."""
    for candidate in (pathlib.Path(sys.executable).parent / "nianbao", ROOT / ".venv" / "bin" / "nianbao"):
        if candidate.exists():
            return [str(candidate)]
    found = shutil.which("nianbao")
    if found:
        return [found]
    pytest.skip("nianbao console script not installed")


def run_cli(path, *args):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(nianbao_command() + ["extract", str(path), *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=120, cwd=ROOT, env=env)


@pytest.mark.parametrize("stem", _ids(GOLDENS))
def test_cli_prints_the_same_report(stem):
    gold = _golden(stem)
    args = ["--url", gold["url"]] if gold.get("url") else []
    proc = run_cli(HTML_DIR / f"{stem}.html", *args)
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    assert isinstance(printed, dict), "one report prints one JSON object"
    lib = _report(stem)
    for key in ("title", "agency", "year", "template"):
        assert printed.get(key) == lib.get(key)
    assert {k: _value(v) for k, v in printed["cells"].items()} == {k: _value(v) for k, v in lib["cells"].items()}


def _utf8_stems():
    stems = []
    for stem in _ids(GOLDENS):
        try:
            (HTML_DIR / f"{stem}.html").read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        stems.append(stem)
    return stems


@pytest.mark.parametrize("stem", _utf8_stems())
def test_decoded_text_gives_the_same_report(stem):
    """extract_reports accepts str as well as bytes; the already-decoded page reads the same."""
    gold = _golden(stem)
    text = (HTML_DIR / f"{stem}.html").read_text(encoding="utf-8")
    reports = extract_reports(text, url=gold.get("url"))
    assert len(reports) == 1
    rep = reports[0].to_json()
    from_bytes = _report(stem)
    assert (rep["title"], rep["agency"], rep["year"], rep["template"]) == \
        (from_bytes["title"], from_bytes["agency"], from_bytes["year"], from_bytes["template"])
    assert {k: _value(v) for k, v in rep["cells"].items()} == {k: _value(v) for k, v in from_bytes["cells"].items()}
