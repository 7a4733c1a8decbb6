"""What every API view shares: cursor paging and the documented error responses (the handler
that makes the error shape is in exceptions.py, the throttles the pages share in throttles.py)."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.pagination import CursorPagination


class ErrorSerializer(serializers.Serializer):
    """The one error shape (core/exceptions.py): a stable code, a sentence a person can act on,
    and for invalid input the messages per field."""

    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField(required=False, help_text="Only for `invalid`: per field")


# The error responses every endpoint may give, for the schema: `**ERRORS` beside the 2xx
# (core.schema.ApiSchema adds them, and the others below, to operations that do not name them).
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input: `{code, detail, fields}`"),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed: `{code, detail}`"),
    404: OpenApiResponse(ErrorSerializer, description="Not found or out of scope"),
}
DEFAULT_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(ErrorSerializer, description="Refused in the current state"),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests: see `Retry-After`"),
    503: OpenApiResponse(ErrorSerializer, description="Busy: try again after `Retry-After`"),
}


# The largest id a BigAutoField holds: a list of ids beyond it fails in the database.
ID_MAX = 2**63 - 1


def id_parse(raw) -> int | None:
    """A positive id that fits the database, from a query parameter or form field, or
    None ("²".isdigit() is true, so ASCII is checked first)."""
    raw = str(raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 0 < value <= ID_MAX else None


class NewestFirstCursorPagination(CursorPagination):
    """Cursor paging: no OFFSET, so page 1,000 costs what page 1 costs."""

    ordering = ("-id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
