"""The points page (积分): balance, hours, history, rewards and the leaderboard; for
cadres, listing rewards, handing them over by code, and correcting an entry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import NotAllowed, NotFound, ServiceError
from core.throttles import throttle_page
from core.views import refuse
from grids.selectors.places import community_of
from points import permissions, selectors, services
from points.forms import CollectForm, CorrectForm, RewardForm, RewardStockForm

HISTORY_PAGE = 20
COMMUNITY_ENTRIES = 30


def _history(request) -> tuple[list, int | None]:
    """A page of my ledger, newest first, from `?before=<entry id>` (keyset, no OFFSET)."""
    qs = selectors.points_history(request.user)
    before = request.GET.get("before")
    if before:
        try:
            qs = qs.filter(pk__lt=int(before))
        except ValueError:
            raise NotFound(_("This page link is out of date. Go back to the list.")) from None
    rows = list(qs[: HISTORY_PAGE + 1])
    more = rows[HISTORY_PAGE - 1].pk if len(rows) > HISTORY_PAGE else None
    return rows[:HISTORY_PAGE], more


def _community(request):
    community = community_of(request.user)
    if community is None:
        raise NotAllowed(_("Join your grid first: scan the QR code on your building's poster."))
    return community


@login_required
def points(request):
    community = community_of(request.user)
    history, more = _history(request)
    if request.headers.get("HX-Request") and request.GET.get("before"):
        return render(request, "points/_history.html", {"history": history, "more": more})
    is_cadre = community is not None and permissions.can_manage_rewards(request.user, community)
    context = {
        "community": community,
        "summary": selectors.points_summary(request.user),
        "history": history,
        "more": more,
        "redemptions": list(selectors.redemptions_of(request.user)[:10]),
        "rewards": list(selectors.rewards_for(community_id=community.pk, include_inactive=is_cadre))
        if community
        else [],
        "leaderboard": selectors.leaderboard(community_id=community.pk) if community else [],
        "is_cadre": is_cadre,
    }
    if is_cadre:
        context |= {
            "reward_form": RewardForm(prefix="reward"),
            "collect_form": CollectForm(prefix="collect"),
            "entries": selectors.points_entries_for_community(
                actor=request.user, community_id=community.pk, limit=COMMUNITY_ENTRIES
            ),
        }
    return render(request, "points/index.html", context)


@login_required
@require_POST
@throttle_page("write")
def redeem(request, reward_id: int):
    try:
        made = services.reward_redeem(actor=request.user, reward_id=reward_id)
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(
            request,
            _("Redeemed %(name)s. Show the code %(code)s when you collect it.")
            % {"name": made.reward.name, "code": made.code},
        )
    return redirect("points")


@login_required
@require_POST
@throttle_page("write")
def visibility(request):
    account = services.points_visibility_set(
        user=request.user, public=request.POST.get("public") == "1"
    )
    if account.public:
        messages.success(request, _("Your name now shows on the leaderboard."))
    else:
        messages.success(request, _("Your name no longer shows on the leaderboard."))
    return redirect("points")


@login_required
@require_POST
@throttle_page("write")
def reward_new(request):
    community = _community(request)
    form = RewardForm(request.POST, prefix="reward")
    if not form.is_valid():
        messages.error(request, _("Give the reward a name, its points and how many there are."))
        return redirect("points")
    try:
        services.reward_create(actor=request.user, community=community, **form.cleaned_data)
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The reward is on offer."))
    return redirect("points")


@login_required
@require_POST
@throttle_page("write")
def reward_update(request, reward_id: int):
    form = RewardStockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Stock is a whole number, 0 or more."))
        return redirect("points")
    try:
        services.reward_update(actor=request.user, reward_id=reward_id, **form.cleaned_data)
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect("points")


@login_required
@require_POST
@throttle_page("write")
def collect(request):
    community = _community(request)
    form = CollectForm(request.POST, prefix="collect")
    if not form.is_valid():
        messages.error(request, _("The collection code has 6 digits."))
        return redirect("points")
    try:
        done = services.redemption_collect(
            actor=request.user, community=community, code=form.cleaned_data["code"]
        )
    except ServiceError as error:
        if isinstance(error, NotAllowed):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Hand over: %(name)s to %(who)s.")
            % {"name": done.reward.name, "who": done.user.display_name},
        )
    return redirect("points")


@login_required
@require_POST
@throttle_page("write")
def correct(request, entry_id: int):
    community = _community(request)
    form = CorrectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why this is being corrected."))
        return redirect("points")
    try:
        services.points_correct(
            actor=request.user,
            community=community,
            entry_id=entry_id,
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Corrected with a reversing entry."))
    return redirect("points")
