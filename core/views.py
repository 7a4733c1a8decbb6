"""What every app's pages share: a refusal shown on the page, a safe way back."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from django.views.defaults import server_error as page_server_error

from core.errors import NotAllowed, NotFound, ServiceError


def refuse(request, error: ServiceError) -> None:
    """A business refusal becomes a message on the page the user returns to; "not yours"
    and "not allowed" stay pages of their own (the middleware renders them)."""
    if isinstance(error, NotFound | NotAllowed):
        raise error
    messages.error(request, str(error.message))


def back(request, default: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def server_error(request, *args, **kwargs):
    """handler500: the API answers a bug in its one error shape, pages with the 500 page.

    Only used when DEBUG is off (with DEBUG on Django shows its technical page as before)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": "server_error",
                "detail": _("Something went wrong on our side. Please try again later."),
            },
            status=500,
        )
    return page_server_error(request, *args, **kwargs)


def not_found(request, exception=None, *args, **kwargs):
    """handler404: an address under /api/ that matches no route answers the API's error shape."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
    return page_not_found(request, exception, *args, **kwargs)
