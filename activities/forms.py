"""Forms of the activity and points pages. They parse and label input; the rules
(capacity, windows, who may join) are the services' to enforce."""

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from activities.services.publishing import MAX_REPEATS
from activities.services.shifts import MAX_SHIFTS
from core.dates import DATE_BOUNDS
from core.forms import CleanTextForm
from grids.forms import SCOPE_ALL, SCOPE_CHOICES, MultipleFileField, MultipleFileInput, scoped_grids
from residents.models import AgeBand

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_FORMAT)


def _when(label, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class FilterForm(CleanTextForm, forms.Form):
    """The 活动 tab's filters (GET)."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Activity.Kind.choices]
    )
    age = forms.ChoiceField(
        label=_("For age"), required=False, choices=[("", _("Any age")), *AgeBand.choices]
    )
    day_from = forms.DateField(
        label=_("From"),
        required=False,
        validators=DATE_BOUNDS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    day_to = forms.DateField(
        label=_("To"),
        required=False,
        validators=DATE_BOUNDS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class HouseholdMemberForm(CleanTextForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=30)
    age_band = forms.ChoiceField(label=_("Age"), choices=AgeBand.choices)


class ActivityForm(CleanTextForm, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Activity.Kind.choices, initial=Activity.Kind.CLASS
    )
    title = forms.CharField(label=_("Title"), max_length=60)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = MultipleFileField(
        label=_("Photos (up to 9)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"}),
    )
    place = forms.CharField(label=_("Place"), max_length=100)
    starts_at = _when(_("Starts"))
    ends_at = _when(_("Ends"))
    signup_closes_at = _when(_("Sign-up closes (empty: at the start)"), required=False)
    cancel_until = _when(_("Cancellation possible until (empty: 2 hours before)"), required=False)
    capacity = forms.IntegerField(
        label=_("Places (when there are no shifts below)"),
        min_value=1,
        max_value=100_000,
        required=False,
    )
    audience = forms.ChoiceField(
        label=_("Who may join"), choices=Activity.Audience.choices, initial=Activity.Audience.ALL
    )
    age_bands = forms.MultipleChoiceField(
        label=_("Age bands (for an age range)"),
        choices=AgeBand.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    waitlist = forms.BooleanField(
        label=_("Keep a waitlist when full"), required=False, initial=True
    )
    scope = forms.ChoiceField(
        label=_("For whom"),
        choices=SCOPE_CHOICES,
        required=False,
        initial=SCOPE_ALL,
        widget=forms.RadioSelect,
    )
    grids = forms.TypedMultipleChoiceField(
        label=_("Grids"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    repeat_weeks = forms.IntegerField(
        label=_("Repeat weekly (how many more weeks)"),
        min_value=0,
        max_value=MAX_REPEATS,
        initial=0,
        required=False,
    )

    def __init__(self, *args, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grids"].choices = [(g.pk, g.name) for g in grids]

    def clean(self):
        data = super().clean()
        data["grids"] = scoped_grids(self, data)
        return data


class ShiftForm(CleanTextForm, forms.Form):
    """One volunteer shift of one role; a row left empty is ignored."""

    role = forms.CharField(label=_("Role"), max_length=30, required=False)
    starts_at = _when(_("Shift starts"), required=False)
    ends_at = _when(_("Shift ends"), required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10_000, required=False)

    def clean(self):
        data = super().clean()
        filled = [data.get(k) for k in ("starts_at", "ends_at", "capacity")]
        started = any(v not in (None, "") for v in filled) or data.get("role")
        if started and any(v in (None, "") for v in filled):
            raise forms.ValidationError(_("A shift needs its start, end and places."))
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(data.get(k) for k in ("role", "starts_at", "ends_at", "capacity"))


# Every possible row is rendered, each folded behind "add another shift" until wanted;
# rows left empty are ignored.
ShiftFormSet = forms.formset_factory(
    ShiftForm, extra=MAX_SHIFTS, max_num=MAX_SHIFTS, absolute_max=MAX_SHIFTS
)


class EditForm(CleanTextForm, forms.Form):
    """The words of a published activity (its times and places are what people signed up for)."""

    title = forms.CharField(label=_("Title"), max_length=60)
    place = forms.CharField(label=_("Place"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CopyForm(CleanTextForm, forms.Form):
    starts_at = _when(_("New start"))


class MessageForm(CleanTextForm, forms.Form):
    body = forms.CharField(
        label=_("Message to everyone signed up"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CancelForm(CleanTextForm, forms.Form):
    reason = forms.CharField(label=_("Reason (sent to everyone signed up)"), max_length=200)
