"""Report pages, split by concern."""
