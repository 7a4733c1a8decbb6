from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanTextForm
from residents.phones import normalize_phone


class PhoneField(forms.CharField):
    """A phone input that takes what people type (13812345678) and yields E.164."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "autocomplete": "tel",
                    "inputmode": "tel",
                    "placeholder": _("e.g. 13812345678"),
                }
            ),
        )
        kwargs.pop("validators", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_phone(value) if value else value


class SignupForm(CleanTextForm, forms.Form):
    """Extra fields on allauth's sign-up: the name neighbours will see."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=30,
        required=False,
        help_text=_("What neighbours will call you, e.g. 3号楼王阿姨. No real name needed."),
    )

    def signup(self, request, user) -> None:
        """Called by allauth after the user is saved; nothing more to store."""


class ProfileForm(CleanTextForm, forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=30)
