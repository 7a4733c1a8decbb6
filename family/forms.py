from django import forms
from django.utils.translation import gettext_lazy as _


class AskForm(forms.Form):
    phone = forms.CharField(
        label=_("Their mobile number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "13812345678"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code from their text message"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )


class AssistedForm(forms.Form):
    name = forms.CharField(label=_("Name neighbours know them by"), max_length=30)
    micro_grid = forms.TypedChoiceField(label=_("Building"), coerce=int, choices=())

    def __init__(self, *args, buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["micro_grid"].choices = [
            (b.pk, f"{b.grid.name} · {b.label}") for b in buildings
        ]
