"""Campaign pages: the list, the live dashboard, and the cadres' form to start and end one.
Thin over the campaigns services and selectors, like the API."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.forms import CleanTextForm
from core.throttles import throttle_page
from grids.selectors.places import communities_managed_by, grids_of
from mutualaid import permissions
from mutualaid.selectors import campaigns as selectors
from mutualaid.selectors import needs
from mutualaid.services import campaigns


class CampaignForm(CleanTextForm, forms.Form):
    community = forms.TypedChoiceField(label=gettext_lazy("Community"), coerce=int)
    title = forms.CharField(label=gettext_lazy("Name of the campaign"), max_length=60)
    description = forms.CharField(
        label=gettext_lazy("What it is for (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    categories = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Kinds of help"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Where"),
        choices=[
            ("community", gettext_lazy("The whole community")),
            ("grids", gettext_lazy("Choose grids")),
        ],
        initial="community",
        required=False,
        widget=forms.RadioSelect,
    )
    grids = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Which grids"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_quantity = forms.IntegerField(
        label=gettext_lazy("Target (optional)"), min_value=1, max_value=10_000_000, required=False
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Runs until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.pk, c.name) for c in communities]
        self.fields["categories"].choices = [
            (c.pk, f"{c.name}（{c.unit}）") for c in needs.categories()
        ]
        many = len(communities) > 1
        self.fields["grids"].choices = [
            (g.pk, f"{g.community.name} · {g.name}" if many else g.name)
            for g in grids_of(communities)
        ]
        if not self.is_bound:
            self.initial.setdefault(
                "ends_at", timezone.localtime(timezone.now() + timedelta(days=14))
            )

    def clean(self):
        values = super().clean()
        scope = values.get("scope") or ("grids" if values.get("grids") else "community")
        if scope == "grids" and not values.get("grids") and "grids" not in self.errors:
            self.add_error("grids", _("Choose at least one grid, or the whole community."))
        if scope != "grids":
            values["grids"] = []
        return values


# Presets a cadre starts from in one tap: the campaign the articles tell of first.
PRESETS = {
    "masks": {
        "title": gettext_lazy("Mask aid"),
        "description": gettext_lazy(
            "Neighbours short of masks ask; neighbours with masks to spare give them nearby."
        ),
        "category": "masks",
        "target_quantity": 10_000,
    },
}


def preset_initial(name: str) -> dict:
    preset = PRESETS.get(name)
    if preset is None:
        return {}
    category = needs.categories().filter(slug=preset["category"]).first()
    return {
        "title": str(preset["title"]),
        "description": str(preset["description"]),
        "categories": [category.pk] if category else [],
        "target_quantity": preset["target_quantity"],
    }


@login_required
def campaign_list(request):
    followed = list(selectors.campaigns_for(request.user)[:50])
    return render(
        request,
        "mutualaid/campaigns.html",
        {"campaigns": followed, "can_start": communities_managed_by(request.user).exists()},
    )


@login_required
@throttle_page("write")
def campaign_new(request):
    communities = list(communities_managed_by(request.user))
    if not communities:
        return render(
            request,
            "error.html",
            {"message": _("Only the community's cadres can run campaigns.")},
            status=403,
        )
    form = CampaignForm(
        request.POST or None,
        communities=communities,
        initial=preset_initial(request.GET.get("preset", "")),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.cleaned_data
            try:
                campaign = campaigns.campaign_create(
                    actor=request.user,
                    community_id=values["community"],
                    title=values["title"],
                    description=values["description"],
                    category_ids=values["categories"],
                    grid_ids=values["grids"],
                    target_quantity=values["target_quantity"],
                    ends_at=values["ends_at"],
                )
            except ServiceError as error:
                form.add_error(None, str(error.message))
            else:
                return redirect("aid-campaign", campaign_id=campaign.pk)
        status = 400
    return render(
        request,
        "mutualaid/campaign_form.html",
        {"form": form, "presets": PRESETS, "preset": request.GET.get("preset", "")},
        status=status,
    )


@login_required
def campaign_detail(request, campaign_id: int):
    campaign = permissions.require_view_campaign(
        request.user, selectors.campaign_by_id(campaign_id)
    )
    return render(
        request,
        "mutualaid/campaign.html",
        {
            "campaign": campaign,
            "dashboard": selectors.campaign_dashboard(campaign.pk),
            "can_manage": permissions.can_manage_campaigns(request.user, campaign.community),
        },
    )


@login_required
@require_POST
@throttle_page("write")
def campaign_close(request, campaign_id: int):
    try:
        campaigns.campaign_close(actor=request.user, campaign_id=campaign_id)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The campaign is closed; its figures stay as they are."))
    return redirect("aid-campaign", campaign_id=campaign_id)
