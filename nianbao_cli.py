"""The `nianbao` command: one program for extract, demo (and later crawl, serve, export).

Library code raises its own exceptions; this module is the only place that turns them
into one-line messages and exit codes.
"""

import json
import sys
from pathlib import Path

import click

from extract import ExtractionError, NotAReportError, extract_reports

PROJECT_ROOT = Path(__file__).resolve().parent
EXIT_UNREADABLE, EXIT_NOT_A_REPORT = 1, 3


def fail(message: str, code: int) -> None:
    click.echo(f"nianbao: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nianbao")
def main() -> None:
    """nianbao: find, archive and read government information-disclosure annual reports."""


@main.command("extract")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", help="Where the document came from (helps decoding and metadata).")
@click.option("--content-type", help="The HTTP Content-Type it was served with, if known.")
def extract_command(file: Path, url: str | None, content_type: str | None) -> None:
    """Print the cells, sections and checks of the report(s) in FILE as JSON.

    \b
    Example:
        nianbao extract report.html --url https://www.example.gov.cn/art/2024/1/20/art_1_2.html
    A document holding several reports prints a JSON array.
    """
    reports = read_reports(file, url, content_type)
    payload = [r.to_json() for r in reports]
    click.echo(json.dumps(payload[0] if len(payload) == 1 else payload, ensure_ascii=False, indent=1))


def read_reports(file: Path, url: str | None = None, content_type: str | None = None):
    try:
        data = file.read_bytes()
    except OSError as err:
        fail(f"cannot read {file}: {err.strerror or err}", EXIT_UNREADABLE)
    try:
        return extract_reports(data, url=url, content_type=content_type)
    except NotAReportError as err:
        fail(f"{file}: {err}", EXIT_NOT_A_REPORT)
    except ExtractionError as err:
        fail(f"{file}: {err}", EXIT_UNREADABLE)


@main.command("demo")
@click.option("--seeds", type=click.Path(file_okay=False, path_type=Path),
              default=PROJECT_ROOT.parent / "shared" / "seeds", show_default="../shared/seeds",
              help="A folder of report documents to extract.")
def demo_command(seeds: Path) -> None:
    """Extract every report document in a folder and print a summary (no network needed)."""
    files = sorted(p for p in seeds.glob("*") if p.is_file())
    if not files:
        fail(f"no documents in {seeds}", EXIT_UNREADABLE)
    click.echo(f"{'document':<28} {'agency':<16} {'year':>5} {'tmpl':<8} {'cells':>5} {'received':>8}  failed checks")
    for path in files:
        try:
            reports = extract_reports(path.read_bytes(), url=path.as_uri())
        except ExtractionError as err:
            click.echo(f"{path.name[:28]:<28} -- {err}")
            continue
        for report in reports:
            received = report.cells.get("requests.new_received.total") or report.cells.get("legacy.requests_total")
            click.echo(
                f"{path.name[:28]:<28} {(report.agency or '?')[:16]:<16} {report.year or '?':>5} "
                f"{report.template:<8} {len(report.cells):>5} "
                f"{'' if received is None or received.value is None else received.value:>8}  "
                f"{','.join(report.failed_checks) or '-'}"
            )
    click.echo("\nFull output of one document: nianbao extract FILE")


if __name__ == "__main__":
    main()
