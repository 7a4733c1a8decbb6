"""The 互助 tab: nearby needs and offers, asking or offering in three taps, my claims,
a need or offer with its matches, the grid worker's list of urgent needs. Thin over
services."""

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
from grids import permissions as grid_permissions
from grids.selectors.places import communities_managed_by, grid_by_id, grids_managed_by
from mutualaid import permissions
from mutualaid.errors import NoHomeGrid
from mutualaid.forms import quantity_chips, quantity_from
from mutualaid.models import Need, Offer, Urgency
from mutualaid.selectors import campaigns, claims, helping, matching
from mutualaid.selectors import needs as selectors
from mutualaid.services import needs

URGENT_HOURS = 6


class AskForm(CleanTextForm, forms.Form):
    category = forms.TypedChoiceField(label=gettext_lazy("What"), coerce=int)
    quantity = forms.IntegerField(label=gettext_lazy("How many"), min_value=1, max_value=100_000)
    description = forms.CharField(
        label=gettext_lazy("Details (optional)"), max_length=300, required=False
    )
    urgency = forms.ChoiceField(
        label=gettext_lazy("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL
    )

    campaign = forms.TypedChoiceField(
        label=gettext_lazy("Part of a campaign (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (c.pk, f"{c.name}（{c.unit}）") for c in selectors.categories()
        ]
        if campaigns:
            self.fields["campaign"].choices = [("", "—")] + [(c.pk, c.title) for c in campaigns]
        else:
            del self.fields["campaign"]


class OfferForm(AskForm):
    category = forms.TypedChoiceField(label=gettext_lazy("What I can give"), coerce=int)
    urgency = None
    handover = forms.ChoiceField(
        label=gettext_lazy("Handover"), choices=Offer.Handover.choices, initial="pickup"
    )


@login_required
@throttle_page("write")
def index(request):
    followed = {
        "campaigns": list(campaigns.campaigns_for(request.user)[:10]),
        "can_start": communities_managed_by(request.user).exists(),
        "managed_grids": list(grids_managed_by(request.user)[:50]),
    }
    try:
        home = permissions.home_of(request.user)
    except NoHomeGrid as error:
        return render(request, "mutualaid/index.html", {"no_home": error.message, **followed})
    community_id = home.grid.community_id
    kind = request.POST.get("form")
    running = list(campaigns.campaigns_open_for(grid=home.grid))
    ask = AskForm(request.POST if kind == "ask" else None, prefix="ask", campaigns=running)
    give = OfferForm(
        _with_chips(request.POST) if kind == "offer" else None, prefix="offer", campaigns=running
    )
    if request.method == "POST":
        form = ask if kind == "ask" else give
        if form.is_valid():
            values = form.cleaned_data
            try:
                if kind == "ask":
                    item = needs.need_create(
                        actor=request.user,
                        category_id=values["category"],
                        quantity=values["quantity"],
                        description=values["description"],
                        urgency=values["urgency"],
                        campaign_id=values.get("campaign"),
                    )
                    return redirect("aid-need", need_id=item.pk)
                item = needs.offer_create(
                    actor=request.user,
                    category_id=values["category"],
                    quantity=values["quantity"],
                    description=values["description"],
                    handover=values["handover"],
                    campaign_id=values.get("campaign"),
                )
                return redirect("aid-offer", offer_id=item.pk)
            except ServiceError as error:
                form.add_error(None, str(error.message))
    context = {
        "offer_chips": quantity_chips(prefill=quantity_from(request.POST, "offer-quantity")),
        "needs": list(selectors.needs_nearby(viewer=request.user, community_id=community_id)[:30]),
        "offers": list(
            selectors.offers_nearby(viewer=request.user, community_id=community_id)[:30]
        ),
        "claims": list(claims.claims_of(request.user)[:20]),
        "ask": ask,
        "give": give,
        **followed,
    }
    return render(request, "mutualaid/index.html", context)


def _with_chips(data):
    """The offer form's quantity comes from chips or the "other amount" box beside them."""
    data = data.copy()
    quantity = quantity_from(data, "offer-quantity")
    data["offer-quantity"] = "" if quantity is None else str(quantity)
    return data


@login_required
def need_detail(request, need_id: int):
    need = permissions.require_visible_need(request.user, selectors.need_by_id(need_id))
    is_open = need.state in Need.OPEN_STATES and need.expires_at > timezone.now()
    mine = need.requester_id == request.user.pk
    helps = claims.helps_for_need(need.pk)
    context = {
        "need": need,
        "is_open": is_open,
        "matches": matching.offers_for_need(need) if is_open and mine else [],
        "helps": helps if mine else [c for c in helps if c.offer.giver_id == request.user.pk],
    }
    if is_open and not mine and not context["helps"] and permissions.has_home(request.user):
        prefill = helping.help_prefill(request.user, need)
        context["help"] = prefill
        context["help_chips"] = quantity_chips(prefill=prefill["prefill"], cap=prefill["cap"])
    return render(request, "mutualaid/need.html", context)


@login_required
def offer_detail(request, offer_id: int):
    offer = permissions.require_visible_offer(request.user, selectors.offer_by_id(offer_id))
    my_needs = selectors.open_needs_of(request.user, category_id=offer.category_id)
    if offer.for_need_id is not None:  # promised to one need: only that one may take it
        my_needs = [n for n in my_needs if n.pk == offer.for_need_id]
    matches = matching.needs_for_offer(offer) if offer.giver_id == request.user.pk else []
    prefill = helping.claim_prefill(request.user, offer, my_needs)
    return render(
        request,
        "mutualaid/offer.html",
        {
            "offer": offer,
            "my_needs": my_needs,
            "matches": matches,
            "claim": prefill,
            "claim_chips": quantity_chips(prefill=prefill["prefill"], cap=prefill["cap"])
            if prefill["cap"] > 0 and permissions.has_home(request.user)
            else [],
        },
    )


@login_required
@require_POST
@throttle_page("write")
def need_cancel(request, need_id: int):
    try:
        needs.need_cancel(actor=request.user, need_id=need_id)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your need is cancelled; neighbours no longer see it."))
    return redirect("aid-need", need_id=need_id)


@login_required
@require_POST
@throttle_page("write")
def offer_withdraw(request, offer_id: int):
    try:
        needs.offer_withdraw(actor=request.user, offer_id=offer_id)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your offer is withdrawn."))
    return redirect("aid-offer", offer_id=offer_id)


@login_required
def urgent_needs(request, grid_id: int):
    """The grid worker's list: urgent needs in the grid still lacking after N hours, with
    who and where, so someone walks the last metre. Seeing numbers and rooms is logged."""
    grid = grid_permissions.require_manage_grid(request.user, grid_by_id(grid_id))
    raw = request.GET.get("hours", "")
    hours = int(raw) if raw.isascii() and raw.isdecimal() and 0 < int(raw) <= 720 else None
    if raw and hours is None:
        messages.error(request, _("A whole number of hours, 1 to 720."))
    hours = hours or URGENT_HOURS
    rows = selectors.urgent_with_homes(viewer=request.user, grid_id=grid.pk, older_than_hours=hours)
    return render(request, "mutualaid/urgent.html", {"grid": grid, "rows": rows, "hours": hours})
