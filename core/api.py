"""What every API view shares: cursor paging and the documented error responses (the handler
that makes the error shape is in exceptions.py, the throttles the pages share in throttles.py)."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework.pagination import CursorPagination

# The error responses every endpoint may give, for the schema: `**ERRORS` beside the 2xx.
ERRORS = {
    400: OpenApiResponse(description="Invalid input: `{code, detail, fields}`"),
    403: OpenApiResponse(description="Not allowed: `{code, detail}`"),
    404: OpenApiResponse(description="Not found or out of scope: `{code, detail}`"),
}

# The largest id a BigAutoField holds: a list of ids beyond it fails in the database.
ID_MAX = 2**63 - 1


class NewestFirstCursorPagination(CursorPagination):
    """Cursor paging: no OFFSET, so page 1,000 costs what page 1 costs."""

    ordering = ("-id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
