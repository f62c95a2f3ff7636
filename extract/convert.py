"""DOC / WPS / XLS / ET (Compound File documents) → DOCX / XLSX bytes with LibreOffice.

soffice runs headless with a private profile (never the user's), in its own process group,
killed with everything it started when it passes the time limit. One profile is kept per
process and conversions are serialised on it (two soffice instances cannot share one).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from . import limits
from .errors import ExtractionError

_LOCK = threading.Lock()
_PROFILE: str | None = None


def ole_kind(data: bytes) -> str | None:
    """doc | xls | ppt for a Compound File, from the names of its streams (UTF-16LE)."""
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("WordDocument"):
        return "doc"  # Word 97–2003 and Kingsoft WPS text documents
    if has("Workbook") or has("Book"):
        return "xls"  # Excel 97–2003 and Kingsoft ET spreadsheets
    if has("PowerPoint Document"):
        return "ppt"
    return None


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_ole(data: bytes) -> tuple[bytes, str]:
    """(converted bytes, source kind): a DOC/WPS becomes DOCX, an XLS/ET becomes XLSX."""
    kind = ole_kind(data)
    if kind not in ("doc", "xls"):
        raise ExtractionError(f"unsupported format: a {kind or 'Compound File'} document (not DOC/WPS/XLS/ET)")
    binary = soffice()
    if binary is None:
        raise ExtractionError(f"unsupported format: {kind.upper()} needs LibreOffice (soffice), which is not installed")
    target = "docx" if kind == "doc" else "xlsx"
    return convert_file(binary, data, kind, target), kind


def _profile() -> str:
    global _PROFILE
    if _PROFILE is None or not os.path.isdir(_PROFILE):
        _PROFILE = tempfile.mkdtemp(prefix="nianbao-lo-profile-")
        atexit.register(shutil.rmtree, _PROFILE, True)
    return _PROFILE


def convert_file(binary: str, data: bytes, kind: str, target: str) -> bytes:
    with _LOCK, tempfile.TemporaryDirectory(prefix="nianbao-convert-") as tmp:
        source = Path(tmp) / f"document.{kind}"
        source.write_bytes(data)
        outdir = Path(tmp) / "out"
        profile = _profile()
        command = [binary, "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nofirststartwizard",
                   f"-env:UserInstallation=file://{profile}", "--convert-to", target, "--outdir", str(outdir),
                   str(source)]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True,
                                   env={**os.environ, "HOME": profile})
        try:
            _, err = process.communicate(timeout=limits.CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise limits.LimitExceeded(
                f"refused: converting the {kind.upper()} took over {limits.CONVERT_TIMEOUT:.0f} s") from None
        result = outdir / f"document.{target}"
        if not result.exists():
            detail = (err or b"").decode("utf-8", "replace").strip().splitlines()
            raise ExtractionError(f"unreadable {kind.upper()}: LibreOffice could not convert it"
                                  + (f" ({detail[-1]})" if detail else ""))
        size = result.stat().st_size
        limits.check(size <= limits.MAX_DOCUMENT_BYTES, f"the converted {target.upper()} has {size} bytes")
        return result.read_bytes()


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
