from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from residents.phones import national_number

register = template.Library()


@register.filter
def phone_spaced(phone: str) -> str:
    """A number as people read it aloud: 138 1234 5678 (no +86). Only for the person's
    own number; a neighbour's is shown masked (residents.phones.mask_phone)."""
    digits = national_number(str(phone or ""))
    if len(digits) == 11 and digits.isdigit():
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return digits


@register.simple_tag
def phone_nowrap(phone: str) -> SafeString:
    """The spaced number kept on one line, e.g. in "we have sent a code to 138 1234 5678"."""
    return format_html('<strong class="phone">{}</strong>', phone_spaced(phone))
