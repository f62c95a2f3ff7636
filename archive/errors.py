"""The exceptions archive/ raises; the CLI turns them into one-line messages."""


class ArchiveError(Exception):
    """The archive cannot do what was asked (missing or corrupt file, unknown agency, …)."""
