"""One WARC file per run, so the archive can be replayed by standard tools (pywb, replayweb.page)."""

from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


class WarcRecorder:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "ab")  # noqa: SIM115 - closed by close()
        self._writer = WARCWriter(self._file, gzip=True)

    def write(self, fetched) -> None:
        """An HTTP fetch becomes a response record; a local file a resource record."""
        date = fetched.fetched_at.replace("+00:00", "Z")
        headers = {"WARC-Date": date, "WARC-Payload-Digest": f"sha256:{fetched.sha256}"}
        if fetched.method == "file":
            record = self._writer.create_warc_record(
                fetched.url, "resource", payload=BytesIO(fetched.body),
                warc_content_type=fetched.content_type or "application/octet-stream", warc_headers_dict=headers)
        else:
            status = f"{fetched.status or 200} OK"
            http = StatusAndHeaders(status, list(fetched.headers.items()), protocol="HTTP/1.1")
            record = self._writer.create_warc_record(
                fetched.final_url or fetched.url, "response", payload=BytesIO(fetched.body),
                http_headers=http, warc_headers_dict=headers)
        self._writer.write_record(record)

    def close(self) -> None:
        self._file.close()


def warc_dir_for(db_path) -> Path:
    """WARC files live in a folder beside the database: nianbao.db → nianbao.warc/."""
    return Path(db_path).with_suffix(".warc")
