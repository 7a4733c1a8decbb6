"""What every app's pages share: a refusal shown on the page, a safe way back."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

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
