"""Overload ends in a quick, honest 503, never a hang or a 500.

Under a burst, requests that queue behind one locked row can exhaust the
connection pool. PostgreSQL's `lock_timeout` and `statement_timeout` (set in
settings) and the pool's own `timeout` bound every wait; this module turns
the errors they raise into 503 + `Retry-After`: `{"code": "unavailable", …}`
for the API, a short page for people.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# SQLSTATEs of a wait cut short by our own limits: lock_not_available (lock_timeout)
# and query_canceled (statement_timeout).
TIMEOUT_SQLSTATES = frozenset({"55P03", "57014"})


def is_overload(exc: BaseException) -> bool:
    """True when `exc` (or what it wraps) is a pool timeout or a lock/statement timeout."""
    from psycopg_pool import PoolTimeout

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, PoolTimeout):
            return True
        if getattr(current, "sqlstate", None) in TIMEOUT_SQLSTATES:
            return True
        if getattr(getattr(current, "diag", None), "sqlstate", None) in TIMEOUT_SQLSTATES:
            return True
        current = current.__cause__ or current.__context__
    return False


def retry_after_seconds() -> int:
    return int(getattr(settings, "RETRY_AFTER_SECONDS", 5))


def unavailable_message() -> str:
    return _("The service is busy right now. Please try again in a few seconds.")


def wants_json(request: HttpRequest) -> bool:
    if request.path.startswith(("/api/", "/_allauth/")):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 itself. It touches no database: the database is what is busy."""
    message = unavailable_message()
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {"code": "unavailable", "detail": message}, status=503
        )
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(retry_after_seconds())
    return response


class OverloadMiddleware:
    """Maps pool exhaustion and lock/statement timeouts raised by a view to a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_overload(exception):
            return unavailable_response(request)
        return None
