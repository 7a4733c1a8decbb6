"""Report reads, split by concern."""
