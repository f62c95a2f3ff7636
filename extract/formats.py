"""Documents that are not text or HTML: recognised by their bytes, read into rows.

`read_binary` returns None for text and HTML (read by decode/htmldoc/layout), else a
Document whose rows go through the same table, section and check code as HTML.
"""

from dataclasses import dataclass, field

from .errors import ExtractionError
from .layout import Row

# Magic numbers → format.
_MAGIC = (
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # DOC, XLS, WPS, ET (Compound File)
    (b"PK\x03\x04", "zip"),  # DOCX, XLSX, OFD
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
)


@dataclass
class Document:
    rows: list[Row]
    format: str
    encoding: str = ""
    page_titles: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    ocr: bool = False


def sniff(data: bytes) -> str | None:
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


def read_binary(data: bytes, url: str | None = None, content_type: str | None = None) -> Document | None:
    kind = sniff(data)
    if kind is None:
        return None
    raise ExtractionError(f"unsupported format: {kind} documents are archived but not read yet")
