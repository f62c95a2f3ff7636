"""The exceptions extract/ raises; the CLI turns them into one-line messages."""


class ExtractionError(Exception):
    """The document cannot be read (empty, binary junk, undecodable)."""


class NotAReportError(ExtractionError):
    """The document was read but is not a government information-disclosure annual report."""
