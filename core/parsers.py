"""The API's request parsers: a body is an object, and its text holds no control characters.

Set as REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"], so every view gets the rule without asking:
`[1]` or `"x"` as a JSON body, or a NUL in any text, is a 400 `{"code": "invalid", ...}`
before a view reads `request.data.get(...)` or the database sees the string.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ValidationError

from core.text import first_bad_text


def _refuse_bad_text(data) -> None:
    found = first_bad_text(data)
    if found:
        field, error = found
        raise ValidationError({field: [str(message) for message in error.messages]})


class ObjectJSONParser(parsers.JSONParser):
    """JSON whose top level is an object (every endpoint takes named fields)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ValidationError(
                {"non_field_errors": [_("Send a JSON object with named fields.")]}
            ) from None
        if not isinstance(data, dict):
            raise ValidationError(
                {"non_field_errors": [_("Send a JSON object with named fields.")]}
            )
        _refuse_bad_text(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_bad_text({key: data.getlist(key) for key in data})
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _refuse_bad_text({key: result.data.getlist(key) for key in result.data})
        return result
