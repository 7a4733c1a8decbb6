"""What every API view shares: cursor paging and the documented error responses (the handler
that makes the error shape is in exceptions.py, the throttles the pages share in throttles.py)."""

from django.utils import timezone
from django.utils.functional import LazyObject
from drf_spectacular.utils import OpenApiResponse
from rest_framework import authentication, serializers
from rest_framework.pagination import CursorPagination


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, giving views the user itself instead of Django's lazy
    wrapper around it: every attribute read through the wrapper is a proxy call, and a
    page of 20 reports asks the viewer's id and roles a few hundred times."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None or not isinstance(found[0], LazyObject):
            return found
        # Imported here: core.api loads before the apps, and the auth middleware's module
        # asks for the user model as it loads.
        from django.contrib.auth.middleware import get_user

        return get_user(request._request), found[1]  # what the wrapper holds, loaded once


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


_DATETIME = serializers.DateTimeField()


def moment(value, tz=None) -> str | None:
    """What DRF's DateTimeField writes (ISO 8601 in the current time zone, Z for UTC),
    without its per-call machinery for the aware datetimes the database gives: a feed
    page writes about 80 of these, a queue page 100 (`tz`: the current time zone, looked
    up once per page)."""
    if value is None or value.utcoffset() is None:
        return _DATETIME.to_representation(value) if value is not None else None
    text = value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


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
