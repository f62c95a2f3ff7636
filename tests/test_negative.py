"""Documents that are not annual reports, or are broken (tests/fixtures/negative).

expected.json says which exception each file must raise. The truncated report may either raise
ExtractionError or return a report that keeps the cells printed before the cut and never invents
the ones after it (see truncated_in_requests_table.json).
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NEG_DIR = pathlib.Path(__file__).parent / "fixtures" / "negative"
EXPECTED = json.loads((NEG_DIR / "expected.json").read_text(encoding="utf-8"))
RAISES = EXPECTED["raises"]
TRUNCATED = EXPECTED["truncated"]

try:
    from extract import ExtractionError, NotAReportError, extract_reports
except ImportError:
    if (ROOT / "extract" / "__init__.py").exists():
        raise
    pytest.skip("extract package not written yet", allow_module_level=True)

EXCEPTIONS = {"NotAReportError": NotAReportError, "ExtractionError": ExtractionError}


def test_manifest_covers_every_file():
    files = {p.name for p in NEG_DIR.iterdir() if p.suffix != ".json"}
    assert files == set(RAISES) | set(TRUNCATED)
    assert all((NEG_DIR / name).with_suffix(".json").exists() for name in TRUNCATED)


def test_not_a_report_is_a_kind_of_extraction_error():
    assert issubclass(NotAReportError, ExtractionError)


@pytest.mark.parametrize("name", sorted(RAISES))
def test_library_raises(name):
    expected = EXCEPTIONS[RAISES[name]]
    with pytest.raises(expected):
        extract_reports((NEG_DIR / name).read_bytes())


@pytest.mark.parametrize("name", sorted(n for n, e in RAISES.items() if e == "NotAReportError"))
def test_library_raises_on_decoded_text_too(name):
    with pytest.raises(NotAReportError):
        extract_reports((NEG_DIR / name).read_text(encoding="utf-8"))


def nianbao_command():
    for candidate in (pathlib.Path(sys.executable).parent / "nianbao", ROOT / ".venv" / "bin" / "nianbao"):
        if candidate.exists():
            return [str(candidate)]
    found = shutil.which("nianbao")
    if found:
        return [found]
    pytest.skip("nianbao console script not installed")


def run_cli(path):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(nianbao_command() + ["extract", str(path)], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=120, cwd=ROOT, env=env)


def assert_clean_cli_failure(proc):
    assert proc.returncode != 0, f"exit 0, stdout {proc.stdout[:200]!r}"
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, f"stderr must be one line, got {len(lines)}: {proc.stderr[:500]!r}"
    assert "Traceback" not in proc.stderr
    assert proc.stdout.strip() == ""


@pytest.mark.parametrize("name", sorted(RAISES))
def test_cli_fails_with_one_line(name):
    assert_clean_cli_failure(run_cli(NEG_DIR / name))


def test_cli_missing_file_fails_with_one_line(tmp_path):
    assert_clean_cli_failure(run_cli(tmp_path / "no_such_report.html"))


def _value(cell):
    return cell.get("value") if isinstance(cell, dict) else cell


def _truncated_problems(rep, spec):
    """Cells of a report read from the truncated page that break the no-invention rule."""
    cells = rep.get("cells") or {}
    problems = []
    for key, expected in {**spec["cells_before_cut"], **spec["cells_in_cut_row"]}.items():
        got = _value(cells.get(key))
        if got is not None and got != expected:
            problems.append(f"{key}: printed {expected!r}, got {got!r}")
    for key in spec["cells_after_cut"]:
        if _value(cells.get(key)) is not None:
            problems.append(f"{key}: not on the page, got {_value(cells[key])!r}")
    return problems


@pytest.mark.parametrize("name", TRUNCATED)
def test_truncated_report_raises_or_invents_nothing(name):
    spec = json.loads((NEG_DIR / name).with_suffix(".json").read_text(encoding="utf-8"))
    try:
        reports = extract_reports((NEG_DIR / name).read_bytes())
    except ExtractionError:
        return
    assert len(reports) == 1
    rep = reports[0].to_json()
    assert (rep.get("year"), rep.get("template")) == (spec["year"], spec["template"])
    problems = _truncated_problems(rep, spec)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", TRUNCATED)
def test_truncated_report_cli(name):
    spec = json.loads((NEG_DIR / name).with_suffix(".json").read_text(encoding="utf-8"))
    proc = run_cli(NEG_DIR / name)
    if proc.returncode != 0:
        assert_clean_cli_failure(proc)
        return
    printed = json.loads(proc.stdout)
    assert isinstance(printed, dict)
    assert not _truncated_problems(printed, spec)
