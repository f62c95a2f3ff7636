"""nianbao's Datasette plugin (work in progress)."""
