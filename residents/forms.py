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


class SmsCodeForm(forms.Form):
    """The 6-digit code from a text message: one big box, filled in from the SMS where
    the phone offers it."""

    code = forms.CharField(
        label=_("6-digit code"),
        max_length=20,
        error_messages={"required": _("Please type the 6 digits from the text message.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "class": "code-input",
            }
        ),
    )

    def clean_code(self) -> str:
        digits = "".join(ch for ch in self.cleaned_data["code"] if ch.isdigit())
        if len(digits) != 6:
            raise forms.ValidationError(
                _("The code has 6 digits. Please type all of them."), code="code_length"
            )
        return digits


class WechatPhoneForm(forms.Form):
    phone = PhoneField(
        error_messages={"required": _("Please enter your mobile number.")},
    )
