"""What every page form shares: the text rule of core/text.py.

`CleanTextForm` (first base of a Form or ModelForm) refuses NUL and control characters in every
text field and line breaks in one-line fields (a text input, not a textarea), so a title with
CR/LF or a reason with NUL is a form error with a message, never a database error.
"""

from django import forms
from django.core.exceptions import ValidationError

from core.text import refuse_control_characters, refuse_line_breaks


class CleanTextForm:
    def _clean_fields(self):
        super()._clean_fields()
        for name, value in list(self.cleaned_data.items()):
            if not isinstance(value, str):
                continue
            field = self.fields.get(name)
            one_line = field is not None and isinstance(
                field.widget, forms.TextInput | forms.EmailInput | forms.URLInput
            )
            try:
                (refuse_line_breaks if one_line else refuse_control_characters)(value)
            except ValidationError as error:
                self.add_error(name, error)
