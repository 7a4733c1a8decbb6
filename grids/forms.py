from django import forms
from django.utils.translation import gettext_lazy as _

from grids.models import Grid


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Join code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "placeholder": _("8 letters and digits on the poster"),
            }
        ),
    )


class JoinForm(forms.Form):
    micro_grid = forms.TypedChoiceField(
        label=_("My building"),
        coerce=int,
        error_messages={
            "required": _("Please choose your building."),
            "invalid_choice": _("Please choose your building from this grid's list."),
        },
    )
    unit = forms.CharField(
        label=_("Room (optional)"),
        max_length=20,
        required=False,
        help_text=_("Only your grid worker sees it, to find you when you need help."),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 302")}),
    )

    def __init__(self, *args, grid: Grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["micro_grid"].choices = [
            ("", _("Choose your building")),
            *[(m.pk, m.label) for m in grid.micro_grids.all()],
        ]


class RemoveForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False)
