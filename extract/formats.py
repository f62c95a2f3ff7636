"""Documents that are not text or HTML: recognised by their bytes, read into rows.

`read_binary` returns None for text and HTML (read by decode/htmldoc/layout), else a
Document whose rows go through the same table, section and check code as HTML.
"""

from dataclasses import dataclass, field

from . import limits
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
    limits.check(len(data) <= limits.MAX_DOCUMENT_BYTES, f"a file of {len(data)} bytes")
    if kind == "pdf":
        return read_pdf_document(data)
    if kind == "zip":
        return read_zip_document(data)
    if kind == "ole":
        return read_ole_document(data)
    if kind == "image":  # a scan or a photographed page: OCR (extract/ocr.py)
        from .ocr import ocr_image_document

        return ocr_image_document(data)
    raise ExtractionError(f"unsupported format: {kind} documents are archived but not read yet")


def read_pdf_document(data: bytes) -> Document:
    """Pages with a text layer are read from their geometry; pages without one (scans) go to
    OCR, when extract/ocr.py provides ``ocr_pdf_pages(data, pages) -> list[Row]``."""
    from .pdf import read_pdf

    read = read_pdf(data)
    rows, used_ocr = read.rows, False
    if read.textless:
        ocr = _ocr_module()
        if ocr is None or not hasattr(ocr, "ocr_pdf_pages"):
            if not rows:
                raise ExtractionError("scanned PDF: no page has a text layer and OCR is not available")
        else:
            rows = sorted(rows + list(ocr.ocr_pdf_pages(data, read.textless)), key=lambda r: r.page or 0)
            used_ocr = True
    if not rows:
        raise ExtractionError("empty PDF: no text on any page")
    return Document(rows, "pdf", "", [read.title] if read.title else [], {}, ocr=used_ocr)


def _ocr_module():
    try:
        from . import ocr
    except ImportError:
        return None
    return ocr


def read_zip_document(data: bytes) -> Document:
    from .ziputil import SafeZip

    container = SafeZip(data, "zip")
    if container.has("word/document.xml"):
        from .word import read_docx

        return read_docx(container)
    if container.has("xl/workbook.xml"):
        from .sheet import read_xlsx

        return read_xlsx(data)
    if container.has("OFD.xml"):
        from .ofd import read_ofd

        return read_ofd(container)
    raise ExtractionError("unsupported format: a zip archive that is no DOCX, XLSX or OFD document")


def read_ole_document(data: bytes) -> Document:
    """DOC / WPS (Compound File) read from their own structure (extract/doc.py); what that
    reader does not handle, and XLS / ET, converted by LibreOffice and read as DOCX/XLSX."""
    from .convert import convert_ole, ole_kind

    native_failure = None
    if ole_kind(data) == "doc":
        from .doc import NotNative, read_doc

        try:
            return read_doc(data)
        except NotNative:
            pass
        except limits.LimitExceeded:
            raise
        except ExtractionError as err:
            native_failure = err  # LibreOffice may still recover a damaged file
    try:
        converted, kind = convert_ole(data)
    except ExtractionError as err:
        if native_failure is None:
            raise
        raise ExtractionError(f"{native_failure}; {err}") from None
    document = read_zip_document(converted)
    document.format = kind
    return document
