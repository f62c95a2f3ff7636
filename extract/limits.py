"""Limits against hostile or broken files: a document past one is refused with the reason.

Annual reports are small: a few to a few dozen pages, well under 20 MB. The limits leave
room for the largest real ones (bound volumes of a city's departments) and stop what is
built to exhaust a reader: zip bombs, absurd page counts, pages of millions of objects,
images of billions of pixels, converters that never return.
"""

from .errors import ExtractionError

MAX_DOCUMENT_BYTES = 200 * 2**20  # the file as fetched
MAX_PDF_PAGES = 500
MAX_PAGE_SIDE_PT = 14400  # the PDF spec's largest page (200 inches)
MAX_CHARS_PER_PAGE = 60_000
MAX_PATHS_PER_PAGE = 20_000  # path objects inspected for ruling lines
MAX_SEGMENTS_PER_PAGE = 100_000
MAX_SECONDS = 60.0  # reading one document (PDF pages, OFD pages), besides conversion

MAX_ZIP_MEMBERS = 5_000
MAX_UNZIPPED_BYTES = 300 * 2**20  # all the parts read from one zip container
MAX_PART_BYTES = 100 * 2**20  # one part (word/document.xml, a sheet, an OFD page)
MAX_COMPRESSION_RATIO = 200  # a part inflating more than this is a bomb (XML rarely passes 30)

MAX_TABLE_CELLS = 200_000  # cells read from one table or sheet
MAX_SHEET_ROWS = 20_000
MAX_SHEET_COLS = 200

MAX_DOC_CHARS = 5_000_000  # main text of a Word 97–2003 file (a 500-page report has about a million)

CONVERT_TIMEOUT = 90.0  # seconds for LibreOffice to convert one DOC/WPS/XLS/ET file

MAX_IMAGE_PIXELS = 60_000_000  # an image (or a page rendered for OCR) larger than this is refused


class LimitExceeded(ExtractionError):
    """A document beyond one of the limits above."""


def check(condition: bool, reason: str) -> None:
    if not condition:
        raise LimitExceeded(f"refused: {reason}")
