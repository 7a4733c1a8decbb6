"""What the activity pages share: photo addresses and QR codes."""

import segno
from django.core.files.storage import default_storage


def storage_url(name: str) -> str:
    return default_storage.url(name) if name else ""


def qr_svg(url: str, *, title: str, scale: int = 6) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#111", title=title)
