"""Phone numbers: stored in E.164 (+8613812345678), shown masked to neighbours."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_SEPARATORS = re.compile(r"[\s\-()]")


def normalize_phone(raw: str) -> str:
    """Return the E.164 form of a phone number a resident typed.

    A bare 11-digit mainland mobile number (13812345678) is what people type;
    +86 / 0086 / 86 prefixes are accepted too. Anything else must be E.164.
    """
    value = _SEPARATORS.sub("", raw or "")
    if value.startswith("0086"):
        value = "+86" + value[4:]
    elif value.startswith("86") and len(value) == 13:
        value = "+" + value
    if _CN_MOBILE.match(value):
        return "+86" + value
    if value.startswith("+86"):
        if _CN_MOBILE.match(value[3:]):
            return value
        raise ValidationError(
            _("Please enter an 11-digit mobile number, e.g. 13812345678."), code="invalid_phone"
        )
    if _E164.match(value):
        return value
    raise ValidationError(
        _("Please enter an 11-digit mobile number, e.g. 13812345678."), code="invalid_phone"
    )


def national_number(phone: str) -> str:
    """The number as people in China read it: 13812345678 (no +86)."""
    return phone[3:] if phone.startswith("+86") else phone


def mask_phone(phone: str) -> str:
    """138****1234: the most a resident may ever see of a neighbour's number."""
    digits = national_number(phone)
    if len(digits) < 7:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"
