"""The spiders under a real scrapyd: deploy the project egg, schedule a crawl, read the archive."""

import functools
import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ROOT, free_port

SITE = ROOT / "tests" / "fixtures" / "site"


# The site's two report pages are HTML fixtures, placed where its listing links to them.
REPORT_PAGES = {"t20240126_1.html": "trs_2021_dongbao_scjgj.html", "t20240126_3.html": "hanweb_2019_tonglu_jtysj.html"}


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    (root / "zfxxgknb" / "202401").mkdir(parents=True)
    for name, fixture in REPORT_PAGES.items():
        shutil.copy(ROOT / "tests" / "fixtures" / "html" / fixture, root / "zfxxgknb" / "202401" / name)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture
def scrapyd(tmp_path):
    port = free_port()
    (tmp_path / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {tmp_path}/eggs\n"
        f"logs_dir = {tmp_path}/logs\ndbs_dir = {tmp_path}/dbs\nitems_dir =\njobs_to_keep = 5\n"
        "max_proc = 1\npoll_interval = 0.5\n")
    scrapyd_bin = Path(sys.executable).with_name("scrapyd")
    process = subprocess.Popen([str(scrapyd_bin)], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "daemonstatus.json", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("scrapyd did not start: " + process.stderr.read().decode()[-2000:])
    yield url
    process.terminate()
    process.wait(10)


def call(url: str, data: dict | None = None, files: dict | None = None) -> dict:
    if files:
        boundary = "nianbao-boundary"
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in (data or {}).items()]
        for name, content in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.egg"\r\n'
                         "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    else:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data else None
        request = urllib.request.Request(url, body)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_a_crawl_scheduled_through_scrapyd_fills_the_archive(scrapyd, site, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(ROOT, build, ignore=shutil.ignore_patterns(".venv", ".git", "*.db*", "test-artifacts", "__pycache__"))
    egg = tmp_path / "nianbao.egg"
    done = subprocess.run([str(Path(sys.executable).with_name("scrapyd-deploy")), "--build-egg", str(egg)],
                          cwd=build, capture_output=True, text=True)
    assert done.returncode == 0 and egg.exists(), done.stderr[-2000:]
    added = call(scrapyd + "addversion.json", {"project": "nianbao", "version": "1"}, {"egg": egg.read_bytes()})
    assert added["status"] == "ok", added
    assert "generic" in call(scrapyd + "listspiders.json?project=nianbao")["spiders"]

    registry = tmp_path / "agencies.yaml"
    registry.write_text(f"- name: 某某区人民政府\n  site: {site}\n", encoding="utf-8")
    db = tmp_path / "scrapyd.db"
    job = call(scrapyd + "schedule.json", {"project": "nianbao", "spider": "generic", "registry": str(registry),
                                           "setting": [f"NIANBAO_DB={db}", "NIANBAO_ALLOW_LOCAL=1",
                                                       "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=0"]})
    assert job["status"] == "ok", job
    for _ in range(240):
        jobs = call(scrapyd + "listjobs.json?project=nianbao")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the scrapyd job did not finish: {jobs}")
    agencies = {row[0] for row in sqlite3.connect(db).execute("select agency from reports where status = 'current'")}
    assert agencies == {"荆门市东宝区市场监督管理局", "桐庐县交通运输局"}
