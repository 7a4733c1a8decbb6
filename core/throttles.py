"""One throttle layer for the API and the pages: the same budgets, counted in the same cache
keys, so a person's page posts and API posts spend one budget.

The API uses the classes through REST_FRAMEWORK (`write` for every view, `join` where codes
are looked up); a page view takes the same class through `throttle_page(scope)`. A refusal is
a 429 with `Retry-After` either way: `{"code": "throttled", "detail"}` from the API
(core.exceptions), the error page with the same sentence on a page."""

import math
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class WriteRateThrottle(UserRateThrottle):
    """Every write (POST, PUT, PATCH, DELETE) counts against a per-user budget
    (per address for someone not logged in)."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class JoinRateThrottle(UserRateThrottle):
    """Guessing join codes is slow: a few tries a minute per user, per address when
    anonymous. Looking a code up counts as much as using it."""

    scope = "join"


THROTTLES: dict[str, type[SimpleRateThrottle]] = {
    throttle.scope: throttle for throttle in (WriteRateThrottle, JoinRateThrottle)
}


def retry_after(throttle: SimpleRateThrottle) -> int:
    """Whole seconds until the next request may pass (DRF's own rounding), at least one."""
    wait = throttle.wait()
    return max(1, math.ceil(wait if wait is not None else throttle.duration))


def throttled_page(request: HttpRequest, seconds: int) -> HttpResponse:
    """The error page; a button that swaps a card in place (htmx, which ignores a 429's body)
    has the page reload instead, with the sentence at its top."""
    message = _("Too many requests. Please wait a moment and try again.")
    if getattr(request, "htmx", False):
        messages.error(request, message)
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        response["HX-Refresh"] = "true"
    else:
        response = render(request, "error.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def throttle_page(scope: str) -> Callable:
    """A page view spends the API's budget for `scope` ("write" or "join").

    Put it right above the view function, under `login_required`/`require_POST`, so a
    redirect to the login page or a refused method costs nothing."""
    throttle_class = THROTTLES[scope]

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def throttled_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            throttle = throttle_class()
            if not throttle.allow_request(request, None):
                return throttled_page(request, retry_after(throttle))
            return view(request, *args, **kwargs)

        return throttled_view

    return decorator
