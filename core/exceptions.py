"""One error shape for the whole API."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ServiceError
from core.overload import is_overload, retry_after_seconds, unavailable_message


def exception_handler(exc, context):
    """Map every refusal to `{"code", "detail"}` (+ `fields` for form errors).

    The code is stable and never translated; the detail is a sentence a
    resident can act on, in their language. Anything else is a bug and stays a 500.
    """
    if isinstance(exc, ServiceError):
        body = {"code": exc.code, "detail": str(exc.message), **exc.extra}
        return Response(body, status=exc.status)
    if is_overload(exc):
        return Response(
            {"code": "unavailable", "detail": unavailable_message()},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(retry_after_seconds())},
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        first = next(iter(fields.values()), [""])
        first_message = first[0] if isinstance(first, list) and first else str(first)
        response.data = {
            "code": "invalid",
            "detail": str(first_message) or _("Please check what you entered."),
            "fields": fields,
        }
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
            code = "throttled"
            detail = _("Too many requests. Please wait a moment and try again.")
        response.data = {"code": code, "detail": str(detail)}
    return response
