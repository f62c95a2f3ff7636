"""The `nianbao` command: one program for extract, demo (and later crawl, serve, export).

Library code raises its own exceptions; this module is the only place that turns them
into one-line messages and exit codes.
"""

import json
import sqlite3
import sys
from pathlib import Path

import click

from archive.errors import ArchiveError
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
@click.option("--db", "db_path", default="nianbao-demo.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The demo archive (made afresh).")
@click.option("--seed", default=0, show_default=True, help="Draws the demo reports' numbers.")
def demo_command(db_path: Path, seed: int) -> None:
    """Start the offline demo web, crawl it into a fresh archive, and say how to browse and export.

    No network is needed: the demo web is a set of local sites (TRS, Hanweb, a provincial
    platform, an old GBK site, a host that answers 412) serving annual reports as pages and
    as PDF/DOCX/DOC attachments, with decoys, broken links and a robots.txt.
    """
    import tempfile

    from crawler.demo.check import compare, summary
    from crawler.demo.site import DemoWeb
    from crawler.registry import load_registry
    from crawler.run import run_crawl

    for stale in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        stale.unlink(missing_ok=True)
    open_archive(db_path, create=True)
    click.echo("starting the demo web…")
    with DemoWeb(seed=seed) as web, tempfile.TemporaryDirectory() as tmp:
        web.start()
        registry = Path(tmp) / "demo-agencies.yaml"
        web.write_registry(registry)
        click.echo(f"crawling {len(web.registry())} agencies on {len(set(a['site'] for a in web.registry()))} "
                   "local sites (politeness delays off, robots.txt obeyed)…")
        result = run_crawl(load_registry(registry), db_path, allow_local=True, overrides=FAST_CRAWL)
        click.echo(crawl_summary(result, db_path))
        click.echo(summary(compare(db_path, web.manifest())))
    db = open_archive(db_path)
    agency = next(db.query("select agency, count(*) n from reports where status = 'current' and year is not null "
                           "group by agency order by n desc limit 1"))["agency"]
    click.echo(f"\nBrowse:  nianbao serve --db {db_path}   (then open http://127.0.0.1:8001/)")
    click.echo(f"Export:  nianbao export history --agency {agency} --format csv --db {db_path}")
    click.echo("One document as JSON:  nianbao extract FILE")


def db_option(fn):
    return click.option("--db", "db_path", envvar="NIANBAO_DB", default="nianbao.db", show_default=True,
                        type=click.Path(dir_okay=False, path_type=Path),
                        help="The archive file (default: $NIANBAO_DB, else nianbao.db here).")(fn)


def open_archive(db_path: Path, create: bool = False):
    from archive.db import open_db

    try:
        return open_db(db_path, create=create)
    except ArchiveError as err:
        fail(str(err), EXIT_UNREADABLE)


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", help="The address the (single) file was downloaded from.")
@click.option("--agency", help="The agency that published the file(s), when the documents do not say.")
@db_option
def ingest_command(paths: tuple[Path, ...], url: str | None, agency: str | None, db_path: Path) -> None:
    """Archive local files (reports, a folder of downloads) through the crawler's write path.

    \b
    Example:
        nianbao ingest ../shared/seeds --db nianbao.db
        nianbao ingest report.pdf --url https://www.example.gov.cn/x/report.pdf --agency 某某市公安局
    """
    from archive.ingest import expand, ingest_files
    from archive.warc import warc_dir_for

    db = open_archive(db_path, create=True)
    try:
        files = expand(list(paths))
        counts = ingest_files(db, files, url=url, agency=agency, warc_dir=warc_dir_for(db_path),
                              on_each=lambda path, outcome: click.echo(_describe(path, outcome)))
    except sqlite3.OperationalError as err:
        fail(f"cannot write the archive {db_path}: {err}; the document being written was not stored, "
             "those listed above were", EXIT_UNREADABLE)
    except ArchiveError as err:
        fail(str(err), EXIT_UNREADABLE)
    click.echo(f"run {counts['run_id']}: {counts['documents']} documents ({counts['documents_new']} new), "
               f"{counts['reports_new']} new reports, {counts['reports_changed']} changed, "
               f"{counts['reports_unchanged']} unchanged, {counts['not_reports']} not reports, "
               f"{counts['errors']} unreadable → {db_path}")


def _describe(path: Path, outcome) -> str:
    what = outcome.status if outcome.status != "report" else ", ".join(
        f"report {rid} {change}" for rid, change in outcome.report_changes)
    reason = f" ({outcome.reason})" if outcome.reason else ""
    return f"  {path.name}: {what}{reason}"


@main.command("reextract")
@click.option("--outdated", is_flag=True, help="Only documents read by an older extractor version.")
@db_option
def reextract_command(outdated: bool, db_path: Path) -> None:
    """Re-derive every report's cells from the stored documents (nothing is fetched)."""
    from archive.reextract import reextract_all

    db = open_archive(db_path)
    try:
        counts = reextract_all(db, only_outdated=outdated)
    except ArchiveError as err:
        fail(str(err), EXIT_UNREADABLE)
    click.echo(f"re-extracted {sum(counts.values())} documents: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


@main.command("crawl")
@click.option("--agencies", "registry_path", default="agencies.yaml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The agency registry (YAML).")
@db_option
@click.option("--since", type=int, help="Only reports covering this year or later.")
@click.option("--allow-local", is_flag=True, help="Allow private and loopback addresses (demo, tests).")
@click.option("--fast", is_flag=True, hidden=True, help="No politeness delays (benchmarks and tests on localhost).")
@click.option("--redis", "redis_url", help="Work as one of several crawlers sharing this Redis; "
              "documents go to `nianbao archive-writer` instead of --db.")
@click.option("--delay", type=click.FloatRange(0), help="Seconds between requests to one host (default 1, adaptive).")
@click.option("--extraction-processes", type=click.IntRange(0, 64),
              help="Worker processes reading documents (default: one per CPU, up to 4; 0 reads them in the "
                   "crawl's own process).")
def crawl_command(registry_path: Path, db_path: Path, since: int | None, allow_local: bool, fast: bool,
                  redis_url: str | None, delay: float | None, extraction_processes: int | None) -> None:
    """Crawl the registry's sites into the archive: find, fetch, archive and extract every report.

    \b
    Example:
        nianbao crawl --agencies agencies.yaml --db nianbao.db --since 2019
    An agency needs only `name` and `site`; see crawler/agencies.example.yaml.
    """
    from crawler.registry import RegistryError, load_registry
    from crawler.run import run_crawl

    try:
        agencies = load_registry(registry_path)
    except RegistryError as err:
        fail(str(err), EXIT_UNREADABLE)
    from archive.lock import ArchiveLock

    overrides = FAST_CRAWL if fast else {}
    if delay is not None:
        overrides = overrides | {"DOWNLOAD_DELAY": delay, "AUTOTHROTTLE_START_DELAY": delay}
    if extraction_processes is not None:
        overrides = overrides | {"NIANBAO_EXTRACTION_PROCESSES": extraction_processes}
    if redis_url:
        from crawler.run import run_worker

        try:
            summary = run_worker(agencies, redis_url, allow_local=allow_local, since=since, overrides=overrides)
        except ConnectionError as err:
            fail(str(err), EXIT_UNREADABLE)
        click.echo(f"worker done: {summary['requests']} requests, {summary['documents_sent']} documents sent "
                   f"to the archive writer, {summary['fetch_errors']} fetch errors")
        return
    open_archive(db_path, create=True)
    try:
        with ArchiveLock(db_path, "nianbao crawl"):
            summary = run_crawl(agencies, db_path, allow_local=allow_local, since=since, overrides=overrides)
    except ArchiveError as err:
        fail(str(err), EXIT_UNREADABLE)
    click.echo(crawl_summary(summary, db_path))


FAST_CRAWL = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}


def crawl_summary(summary: dict, db_path: Path) -> str:
    blocked = ", ".join(f"{h} ({why})" for h, why in summary.get("blocked", {}).items()) or "none"
    return (f"run {summary['run_id']}: {summary['requests']} requests, {summary['pages']} documents archived "
            f"({summary['not_modified']} not modified) and {summary.get('listings', 0)} listing pages, {summary['reports_new']} new reports, "
            f"{summary['reports_changed']} changed, {summary['reports_unchanged']} unchanged, "
            f"{summary['vanished']} vanished, {summary['not_reports']} not reports, "
            f"{summary['errors']} errors; "
            f"blocked hosts: {blocked} → {db_path}")


@main.group("schedule")
def schedule_group() -> None:
    """Install, show or remove the nightly crawl (systemd user timer or crontab)."""


@schedule_group.command("install")
@click.option("--at", "at", default="02:30", show_default=True, help="Time of day (HH:MM).")
@click.option("--systemd", "kind", flag_value="systemd", help="A systemd user service + timer (default where systemd runs).")
@click.option("--cron", "kind", flag_value="cron", help="A line in the user's crontab.")
@click.option("--agencies", "registry_path", default="agencies.yaml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path))
@db_option
def schedule_install(at: str, kind: str | None, registry_path: Path, db_path: Path) -> None:
    """Run `nianbao crawl` every night for this registry and archive.

    \b
    Example:
        nianbao schedule install --at 02:30 --systemd --agencies agencies.yaml --db /srv/nianbao.db
    """
    from crawler import schedule

    if not registry_path.exists():
        fail(f"no agency registry at {registry_path}", EXIT_UNREADABLE)
    kind = kind or ("systemd" if Path("/run/systemd/system").exists() else "cron")
    command = schedule.crawl_command(registry_path, db_path)
    try:
        if kind == "systemd":
            for path in schedule.install_systemd(command, at, Path.cwd()):
                click.echo(f"wrote {path}")
            click.echo(f"enabled {schedule.UNIT}.timer (systemctl --user list-timers shows it)")
        else:
            line = schedule.cron_line(command, at, Path.cwd(), db_path.resolve().with_suffix(".crawl.log"))
            schedule.install_cron(line)
            click.echo(f"crontab: {line}")
    except schedule.ScheduleError as err:
        fail(str(err), EXIT_UNREADABLE)


@schedule_group.command("show")
def schedule_show() -> None:
    """Print the installed schedule."""
    from crawler import schedule

    try:
        found = schedule.installed()
    except schedule.ScheduleError as err:
        fail(str(err), EXIT_UNREADABLE)
    if not found:
        click.echo("no nightly crawl is installed")
    for where, text in found.items():
        click.echo(f"== {where}\n{text.rstrip()}")


@schedule_group.command("uninstall")
def schedule_uninstall() -> None:
    """Remove the nightly crawl (systemd units and crontab line)."""
    from crawler import schedule

    removed = [str(p) for p in schedule.uninstall_systemd()]
    try:
        if schedule.uninstall_cron():
            removed.append("crontab line")
    except schedule.ScheduleError:
        pass
    click.echo("removed: " + (", ".join(removed) or "nothing was installed"))


@main.command("archive-writer")
@click.option("--redis", "redis_url", required=True, help="The Redis the crawl workers send documents to.")
@click.option("--idle-exit", type=float,
              help="Stop this many seconds after the last document (default: run until Ctrl-C).")
@db_option
def archive_writer_command(redis_url: str, idle_exit: float | None, db_path: Path) -> None:
    """The one process that writes the archive for `nianbao crawl --redis` workers."""
    from archive.lock import ArchiveLock
    from crawler.distributed import run_writer

    open_archive(db_path, create=True)
    try:
        with ArchiveLock(db_path, "nianbao archive-writer"):
            summary = run_writer(db_path, redis_url, idle_exit=idle_exit,
                                 on_document=lambda outcome, item: click.echo(f"{outcome:<10} {item.agency}  {item.url}"))
    except (ArchiveError, ConnectionError) as err:
        fail(str(err), EXIT_UNREADABLE)
    click.echo(crawl_summary(summary | {"requests": summary["pages"]}, db_path))


@main.command("runs")
@click.option("--limit", default=20, show_default=True, help="How many of the latest runs.")
@db_option
def runs_command(limit: int, db_path: Path) -> None:
    """List the latest crawl and ingest runs with their counts."""
    db = open_archive(db_path)
    rows = list(db.query("select * from runs order by id desc limit ?", [limit]))
    if not rows:
        click.echo("no runs yet")
    for run in rows:
        blocked = ", ".join(json.loads(run.get("blocked_hosts") or "{}")) or "-"
        kinds = ", ".join(f"{k} {n}" for k, n in json.loads(run.get("error_kinds") or "{}").items())
        click.echo(f"{run['id']:>4} {run['kind']:<7} {run['status']:<8} {run['started_at']} → {run['ended_at'] or '…'}  "
                   f"docs {run['documents'] or 0} (new {run['documents_new'] or 0}), listings {run.get('listings') or 0}, reports new "
                   f"{run['reports_new'] or 0} / changed {run['reports_changed'] or 0} / unchanged "
                   f"{run['reports_unchanged'] or 0}, errors {run['errors'] or 0}{f' ({kinds})' if kinds else ''}, "
                   f"blocked {blocked}")


@main.command("report")
@click.option("--since", default="1d", show_default=True, help="How far back: 12h, 1d, 2w.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--webhook", help="Also POST the summary as JSON to this URL.")
@click.option("--mail-command", help='Also pipe the text into this command, e.g. \'mail -s "nianbao" me@example.org\'.')
@db_option
def report_command(since: str, fmt: str, webhook: str | None, mail_command: str | None, db_path: Path) -> None:
    """The morning summary of recent runs, with alerts (text or JSON, optionally sent on)."""
    from archive import morning

    db = open_archive(db_path)
    try:
        summary = morning.morning_report(db, morning.parse_since(since))
    except ValueError as err:
        fail(str(err), EXIT_UNREADABLE)
    text = morning.as_text(summary)
    click.echo(json.dumps(summary, ensure_ascii=False, indent=1) if fmt == "json" else text)
    try:
        if webhook:
            morning.send_webhook(webhook, summary)
        if mail_command:
            morning.send_mail(mail_command, text)
    except Exception as err:  # noqa: BLE001 - a failed delivery is reported, the summary was printed
        fail(f"could not deliver the summary: {err}", EXIT_UNREADABLE)


@main.group("export")
def export_group() -> None:
    """Export per-agency histories and cells."""


@export_group.command("history")
@click.option("--agency", required=True, help="The agency's name as archived.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx", "png", "svg"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout for csv/json).")
@click.option("--all-cells", is_flag=True, help="Add a column for every cell key.")
@db_option
def export_history_command(agency: str, fmt: str, out: Path | None, all_cells: bool, db_path: Path) -> None:
    """One row per covered year for an agency, with the source of each year's numbers.

    \b
    Example:
        nianbao export history --agency 桐乡市公安局 --format xlsx --out tongxiang.xlsx
    """
    from archive import export

    db = open_archive(db_path)
    try:
        rows = export.history_rows(db, agency, all_cells=all_cells)
    except ArchiveError as err:
        fail(str(err), EXIT_UNREADABLE)
    if fmt in ("xlsx", "png", "svg") and out is None:
        out = Path(f"{agency}-history.{fmt}")
    if fmt in ("png", "svg"):
        from archive.charts import history_png, history_svg

        data = history_svg(rows, agency).encode() if fmt == "svg" else history_png(rows, agency)
        _write_atomically(out, lambda path: path.write_bytes(data))
    elif fmt == "xlsx":
        _write_atomically(out, lambda path: export.write_xlsx(rows, export.history_columns(rows), path))
    else:
        _write_text(out, lambda f: export.write_csv(rows, export.history_columns(rows), f) if fmt == "csv"
                    else export.write_json(rows, f))
    if out:
        click.echo(f"wrote {len(rows)} years to {out}", err=True)


@export_group.command("cells")
@click.option("--agency", help="Only this agency.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
@db_option
def export_cells_command(agency: str | None, fmt: str, out: Path | None, db_path: Path) -> None:
    """Every cell in long format: agency, year, key, value, raw, source_url, sha256, …"""
    from archive import export

    db = open_archive(db_path)
    try:
        rows = export.cell_rows(db, agency)
        first = next(rows, None)
    except ArchiveError as err:
        fail(str(err), EXIT_UNREADABLE)
    stream = _prepend(first, rows)
    _write_text(out, lambda f: export.write_csv(stream, list(export.CELL_COLUMNS), f) if fmt == "csv"
                else export.write_json(stream, f))


def _prepend(first, rows):
    if first is not None:
        yield first
    yield from rows


def _write_text(out: Path | None, write) -> None:
    if out is None:
        write(sys.stdout)
        return
    _write_atomically(out, lambda path: _with_open(path, write))


def _with_open(path: Path, write) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        write(f)


def _write_atomically(out: Path, write) -> None:
    """Write beside the target and rename: a failed export leaves no half-written file."""
    tmp = out.with_name(f".{out.name}.partial")
    try:
        write(tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


@main.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
def serve_command(db_path: Path, host: str, port: int) -> None:
    """Browse the archive in Datasette, read-only: tables, facets, canned queries, agency charts.

    \b
    Example:
        nianbao serve --db nianbao.db --port 8001
    Then open http://127.0.0.1:8001/ (agency pages: /-/nianbao/agency/NAME).
    """
    from archive.serve import check_archive, database_name, serve

    try:
        check_archive(db_path)
    except ArchiveError as err:
        fail(str(err), EXIT_UNREADABLE)
    click.echo(f"nianbao: serving {db_path} read-only at http://{host}:{port}/{database_name(db_path)} "
               "(Ctrl-C to stop)", err=True)
    serve(db_path, host=host, port=port)


@main.command("demo-site")
@click.option("--seed", default=0, show_default=True, help="Draws the reports' numbers.")
@click.option("--port-base", type=click.IntRange(1, 65530), help="Serve the sites on N, N+1, … (default: free ports).")
@click.option("--registry", "registry_path", default="demo-agencies.yaml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Where to write the demo agency registry.")
@click.option("--expected", "expected_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write what a perfect crawl finds (JSON, for nianbao demo-check).")
def demo_site_command(seed: int, port_base: int | None, registry_path: Path, expected_path: Path | None) -> None:
    """Serve the offline demo web: government sites with annual reports, on local ports.

    \b
    Example:
        nianbao demo-site --port-base 8600 --registry demo.yaml --expected demo.json
        nianbao crawl --agencies demo.yaml --allow-local --db demo-crawl.db     (in another terminal)
        nianbao demo-check --expected demo.json --db demo-crawl.db
    Serves until Ctrl-C.
    """
    from crawler.demo.site import serve

    try:
        serve(seed, port_base, registry_path, expected_path, echo=click.echo)
    except OSError as err:
        fail(f"cannot serve the demo web: {err.strerror or err}", EXIT_UNREADABLE)
    except RuntimeError as err:
        fail(str(err), EXIT_UNREADABLE)


@main.command("demo-check")
@click.option("--expected", "expected_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The manifest nianbao demo-site --expected wrote.")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
def demo_check_command(expected_path: Path, db_path: Path, as_json: bool) -> None:
    """Compare an archive with the demo web: reports found with exactly their cells, missing,
    wrong, not in the demo web, decoys archived. Exit status 1 unless the crawl is perfect."""
    from crawler.demo.check import compare, load_manifest, perfect, summary

    try:
        manifest = load_manifest(expected_path)
    except (OSError, ValueError) as err:
        fail(f"cannot read the manifest {expected_path}: {err}", EXIT_UNREADABLE)
    open_archive(db_path)
    result = compare(db_path, manifest)
    click.echo(json.dumps(result, ensure_ascii=False, indent=1) if as_json else summary(result))
    if not perfect(result):
        sys.exit(1)


if __name__ == "__main__":
    main()
