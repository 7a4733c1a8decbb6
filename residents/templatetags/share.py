"""Share cards: what a WeChat chat shows when a page's link is shared into it."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _

register = template.Library()

SHARE_IMAGE = "img/share.png"  # 300 × 300, made once with Pillow
SHARE_IMAGE_SIZE = 300


@register.simple_tag(takes_context=True)
def share_card(context, title, *description_parts) -> SafeString:
    """og:title, og:description, og:image and og:url for the page being shown.

    The description is the given parts joined by " · ", cut to 80 characters. What goes
    in must be fit for anyone in the chat to read: never a resident's name, phone or unit.
    """
    request = context.get("request")
    if request is None:
        return SafeString("")
    parts = [" ".join(str(p).split()) for p in description_parts if p is not None]
    parts = [p for p in parts if p]
    description = Truncator(" · ".join(parts) or _("Linli: neighbours helping neighbours")).chars(
        80
    )
    return format_html(
        '<meta property="og:type" content="website">\n'
        '<meta property="og:site_name" content="{}">\n'
        '<meta property="og:title" content="{}">\n'
        '<meta property="og:description" content="{}">\n'
        '<meta name="description" content="{}">\n'
        '<meta property="og:image" content="{}">\n'
        '<meta property="og:image:width" content="{}">\n'
        '<meta property="og:image:height" content="{}">\n'
        '<meta property="og:url" content="{}">\n',
        _("Linli"),
        Truncator(" ".join(str(title).split())).chars(60),
        description,
        description,
        request.build_absolute_uri(static(SHARE_IMAGE)),
        SHARE_IMAGE_SIZE,
        SHARE_IMAGE_SIZE,
        request.build_absolute_uri(request.path),
    )
