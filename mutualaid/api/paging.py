"""The one page shape of mutual aid's lists (needs, offers, claims, campaigns)."""

from core.api import NewestFirstCursorPagination


class NewestPagination(NewestFirstCursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20
