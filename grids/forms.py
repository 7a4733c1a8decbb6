from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanTextForm
from grids.models import (
    COMMENT_MAX_CHARS,
    NOTICE_MAX_CHARS,
    NOTICE_TITLE_MAX_CHARS,
    POST_MAX_CHARS,
    Flag,
    Grid,
    Notice,
    PostKind,
)


class JoinCodeForm(CleanTextForm, forms.Form):
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


class JoinForm(CleanTextForm, forms.Form):
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


class RemoveForm(CleanTextForm, forms.Form):
    reason = forms.CharField(max_length=200, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); the service checks each."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class PostForm(CleanTextForm, forms.Form):
    """The composer. Photos are read from request.FILES and checked by the service."""

    # A request for help is asked on the mutual-aid page, so that it is one need seen on
    # the board and in 互助, not a bare post that 互助 does not know (docs/architecture.md).
    kind = forms.ChoiceField(
        choices=[(PostKind.CHAT, _("Chat"))], initial=PostKind.CHAT, widget=forms.HiddenInput
    )
    body = forms.CharField(
        label=_("What would you like to tell your neighbours?"),
        max_length=POST_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Say something…")}),
    )
    photos = MultipleFileField(
        label=_("Photos (up to 9)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"}),
    )


class CommentForm(CleanTextForm, forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_CHARS,
        widget=forms.TextInput(attrs={"placeholder": _("Write a comment…")}),
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FlagForm(CleanTextForm, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Flag.Reason.choices)
    comment = forms.IntegerField(required=False, widget=forms.HiddenInput)


SCOPE_ALL, SCOPE_CHOSEN = "all", "chosen"
SCOPE_CHOICES = [(SCOPE_ALL, _("The whole community")), (SCOPE_CHOSEN, _("Choose grids"))]


def scoped_grids(form: forms.Form, data: dict) -> list:
    """The grids a notice or an activity is for: none (the whole community) unless the
    organiser chose grids and ticked at least one. Without a `scope` (the API, an old
    page), ticked grids mean those grids."""
    ticked = list(data.get("grids") or [])
    scope = data.get("scope") or (SCOPE_CHOSEN if ticked else SCOPE_ALL)
    if scope == SCOPE_ALL:
        return []
    if not ticked and "grids" not in form.errors:
        form.add_error("grids", _("Tick at least one grid, or choose the whole community."))
    return ticked


class NoticeForm(CleanTextForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=NOTICE_TITLE_MAX_CHARS)
    body = forms.CharField(
        label=_("Text"), max_length=NOTICE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=Notice.Category.choices, initial=Notice.Category.GENERAL
    )
    scope = forms.ChoiceField(
        label=_("Who gets it"),
        choices=SCOPE_CHOICES,
        required=False,
        initial=SCOPE_ALL,
        widget=forms.RadioSelect,
    )
    grids = forms.MultipleChoiceField(
        label=_("Grids"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pinned_until = forms.DateTimeField(
        label=_("Pinned until (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, grids: list[Grid], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grids"].choices = [(g.pk, g.name) for g in grids]

    def clean(self):
        data = super().clean()
        data["grids"] = scoped_grids(self, data)
        return data


class CommunityRoleForm(CleanTextForm, forms.Form):
    """A cadre appoints a resident of the community as a volunteer or volunteer lead."""

    phone = forms.CharField(
        label=_("Resident's mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            ("volunteer", _("Volunteer")),
            ("volunteer_lead", _("Volunteer lead (may publish activities)")),
        ],
    )
