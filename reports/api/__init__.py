"""The dashboards\x27 API."""
