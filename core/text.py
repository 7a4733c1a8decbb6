"""One rule for text that people type: no control characters.

NUL and the other C0/C1 control characters are never part of a message a person writes; PostgreSQL
refuses NUL outright and a CR/LF in a one-line field (a title) breaks the headers and calendar
lines it is copied into. Line feeds, carriage returns and tabs are allowed in multi-line text only.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls except \t \n \r, DEL and the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]")

CONTROL_MESSAGE = _("Remove the invisible control characters from this text.")
LINE_BREAK_MESSAGE = _("This must fit on one line: remove the line breaks.")


def refuse_control_characters(value: str) -> None:
    """Validator: refuse NUL and control characters (line breaks and tabs are allowed)."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


def refuse_line_breaks(value: str) -> None:
    """Validator for one-line fields (titles, names): no control characters and no line breaks."""
    refuse_control_characters(value)
    if isinstance(value, str) and LINE_BREAKS.search(value):
        raise ValidationError(LINE_BREAK_MESSAGE, code="line_breaks")


def first_bad_text(data) -> tuple[str, ValidationError] | None:
    """The first string anywhere in `data` (a parsed body) that breaks the rule, with the name of
    the top-level field it is under. Walked with a stack, so no nesting depth can overflow."""
    if isinstance(data, dict):
        stack = [(str(key), key) for key in data] + [(str(k), v) for k, v in data.items()]
    else:
        stack = [("non_field_errors", data)]
    while stack:
        field, value = stack.pop()
        if isinstance(value, str):
            try:
                refuse_control_characters(value)
            except ValidationError as error:
                return field, error
        elif isinstance(value, dict):
            stack.extend((field, item) for pair in value.items() for item in pair)
        elif isinstance(value, list | tuple):
            stack.extend((field, item) for item in value)
    return None
