"""What the activity pages share: refusals, safe redirects, photo addresses, QR codes."""

import segno
from django.contrib import messages
from django.core.files.storage import default_storage
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from residents.errors import NotAllowed, NotFound, ServiceError


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


def storage_url(name: str) -> str:
    return default_storage.url(name) if name else ""


def qr_svg(url: str, *, title: str, scale: int = 6) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#111", title=title)
