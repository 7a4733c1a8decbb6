from django import template

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
