"""Reading parts of a zip container (DOCX, XLSX, OFD) within the limits (no zip bombs)."""

import io
import zipfile
import zlib

from . import limits
from .errors import ExtractionError


class SafeZip:
    """A zip archive whose parts are read with their declared and actual sizes checked."""

    def __init__(self, data: bytes, kind: str):
        self.kind = kind
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
            raise ExtractionError(f"corrupt {kind}: not a readable zip container ({err})") from None
        limits.check(len(infos) <= limits.MAX_ZIP_MEMBERS, f"{kind} holds {len(infos)} parts "
                     f"(limit {limits.MAX_ZIP_MEMBERS})")
        self.infos = {info.filename: info for info in infos}
        self.read_bytes = 0

    def check_all(self) -> None:
        """Check every part's sizes without reading (before handing the zip to a library)."""
        total = 0
        for name, info in self.infos.items():
            size = info.file_size
            limits.check(size <= limits.MAX_PART_BYTES,
                         f"{self.kind} part {name} inflates to {size} bytes (limit {limits.MAX_PART_BYTES}; zip bomb?)")
            limits.check(size <= max(info.compress_size, 1) * limits.MAX_COMPRESSION_RATIO or size < 2**20,
                         f"{self.kind} part {name} inflates {size // max(info.compress_size, 1)}-fold (zip bomb?)")
            total += size
        limits.check(total <= limits.MAX_UNZIPPED_BYTES,
                     f"{self.kind} inflates to {total} bytes (limit {limits.MAX_UNZIPPED_BYTES}; zip bomb?)")

    def names(self) -> list[str]:
        return list(self.infos)

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        info = self.infos.get(name)
        if info is None:
            raise ExtractionError(f"corrupt {self.kind}: part {name} is missing")
        size = info.file_size
        limits.check(size <= limits.MAX_PART_BYTES,
                     f"{self.kind} part {name} inflates to {size} bytes (limit {limits.MAX_PART_BYTES}; zip bomb?)")
        limits.check(size <= max(info.compress_size, 1) * limits.MAX_COMPRESSION_RATIO or size < 2**20,
                     f"{self.kind} part {name} inflates {size // max(info.compress_size, 1)}-fold (zip bomb?)")
        limits.check(self.read_bytes + size <= limits.MAX_UNZIPPED_BYTES,
                     f"{self.kind} inflates past {limits.MAX_UNZIPPED_BYTES} bytes (zip bomb?)")
        try:
            with self.zip.open(info) as part:
                # zipfile stops at the declared size; one byte more would mean a lying header.
                data = part.read(size + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError) as err:
            raise ExtractionError(f"corrupt {self.kind}: part {name} cannot be read ({err})") from None
        limits.check(len(data) <= size, f"{self.kind} part {name} is larger than its header says")
        self.read_bytes += len(data)
        return data
