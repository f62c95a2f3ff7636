"""The offline demo web: local government sites serving generated annual reports (site.py)."""
