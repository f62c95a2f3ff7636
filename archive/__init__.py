"""SQLite archive of documents, fetches and extracted cells (arrives with the archive issue)."""
