"""The page forms of reports. 随手拍 is three taps: a photo, a kind of problem (chips),
发送; the place is already the person's own building, changed with one select. The
services check everything again (they are what the API calls too)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanTextForm
from grids.forms import MultipleFileField, MultipleFileInput
from reports.models import DESCRIPTION_MAX_CHARS, MAX_PHOTOS, NOTE_MAX_CHARS

PHOTO_TYPES = "image/jpeg,image/png,image/webp,image/heic"


class ReportForm(CleanTextForm, forms.Form):
    photos = MultipleFileField(
        label=_("Take or choose a photo"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": PHOTO_TYPES, "class": "report-photo-input"}),
    )
    category = forms.TypedChoiceField(label=_("What is wrong?"), coerce=int, choices=())
    micro_grid = forms.TypedChoiceField(
        label=_("Where?"), coerce=int, empty_value=None, required=False, choices=()
    )
    address = forms.CharField(
        label=_("Or describe the place"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the river bank behind building 3")}),
    )
    description = forms.CharField(
        label=_("A few words (optional)"),
        max_length=DESCRIPTION_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    public = forms.BooleanField(
        label=_("Show it on the grid's board so neighbours know it is being handled"),
        required=False,
        initial=True,
    )
    contact_ok = forms.BooleanField(
        label=_("The unit handling it may phone me"), required=False, initial=False
    )
    not_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, categories=(), buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.pk, c.name) for c in categories]
        self.fields["micro_grid"].choices = [
            ("", _("Not at a building (describe the place below)")),
            *((b.pk, b.label) for b in buildings),
        ]

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("A report can carry at most %(n)d photos.") % {"n": MAX_PHOTOS}
            )
        return photos


class NoteForm(CleanTextForm, forms.Form):
    note = forms.CharField(
        label=_("What is being done"),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(CleanTextForm, forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photos = MultipleFileField(
        label=_("Photo of the result"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": PHOTO_TYPES}),
    )


class ReasonForm(CleanTextForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=NOTE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 2})
    )


class RateForm(CleanTextForm, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), max_length=NOTE_MAX_CHARS, required=False
    )


class RerouteForm(CleanTextForm, forms.Form):
    unit = forms.TypedChoiceField(
        label=_("Pass it to"), coerce=int, empty_value=None, required=False, choices=()
    )
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX_CHARS, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            ("", _("The grid worker")),
            *((u.pk, u.name) for u in units),
        ]
