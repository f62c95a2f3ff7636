"""One spider per CMS family."""
