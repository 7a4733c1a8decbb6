"""Residents' activity pages: the 活动 tab, an activity with its places (live), signing
up oneself or a household member, my sign-ups with their tickets, calendar files."""

from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities import calendar, permissions, selectors
from activities.forms import FilterForm, HouseholdMemberForm
from activities.models import Activity, SignUp
from activities.services import signups, states
from activities.views.common import qr_svg, storage_url
from core.errors import NotFound, ServiceError
from core.throttles import throttle_page
from core.views import back, refuse
from grids.selectors.places import community_of
from residents.models import AgeBand
from residents.services import household_member_add

PAGE_SIZE = 20


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _cursor(activity: Activity) -> str:
    return f"{(activity.starts_at - EPOCH) // MICROSECOND}.{activity.pk}"


def _after(qs, cursor: str):
    """Keyset paging on (starts_at, id), the list's order: no OFFSET."""
    try:
        micros, pk = (int(part) for part in cursor.split("."))
        starts = EPOCH + micros * MICROSECOND
    except (ValueError, OverflowError, OSError):
        raise NotFound(_("This page link is out of date. Go back to the list.")) from None
    return qs.filter(Q(starts_at__gt=starts) | Q(starts_at=starts, pk__gt=pk))


@login_required
def index(request):
    """Upcoming activities in my community, soonest first, with places left."""
    filters = FilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.activities_upcoming(
        viewer=request.user,
        kind=values.get("kind") or None,
        age_band=values.get("age") or None,
        day_from=values.get("day_from"),
        day_to=values.get("day_to"),
    )
    if request.GET.get("after"):
        qs = _after(qs, request.GET["after"])
    activities = list(qs[: PAGE_SIZE + 1])
    more = len(activities) > PAGE_SIZE
    activities = activities[:PAGE_SIZE]
    signed = selectors.signed_up_among(user=request.user, activity_ids=[a.pk for a in activities])
    for a in activities:
        a.cover_url = storage_url(a.cover)
        a.places_left = max(0, a.capacity_total - a.confirmed_total)
        a.signed_up = a.pk in signed
    next_query = ""
    if more:
        params = request.GET.copy()
        params["after"] = _cursor(activities[-1])
        next_query = params.urlencode()
    community = community_of(request.user)
    return render(
        request,
        "activities/index.html",
        {
            "activities": activities,
            "filters": filters,
            "filtered": any(values.values()) if values else False,
            "next_query": next_query,
            "community": community,
            "can_organise": community is not None
            and permissions.can_organise(request.user, community),
        },
    )


@login_required
def detail(request, activity_id: int):
    activity = permissions.require_view(
        request.user, selectors.activity_detail(activity_id=activity_id)
    )
    mine = list(selectors.my_signups(user=request.user, activity_id=activity.pk))
    slots = list(activity.slots.all())
    now = timezone.now()
    open_for_signup = (
        activity.state == Activity.State.PUBLISHED
        and activity.signup_opens_at <= now <= activity.signup_closes_at
    )
    for slot in slots:
        slot.mine = [s for s in mine if s.slot_id == slot.pk]
        slot.open = open_for_signup and slot.ends_at > now
    photos = [
        {"image": storage_url(p.image), "thumb": storage_url(p.thumb), "w": p.width, "h": p.height}
        for p in activity.photos.all()
    ]
    volunteers_only = activity.audience == Activity.Audience.VOLUNTEERS
    may_join = not volunteers_only or permissions.is_volunteer(request.user, activity.community_id)
    household = list(selectors.household_of(request.user))
    ticked = _preticked(request.user, activity, household, slots, mine)
    for member in household:
        member.ticked = f"member-{member.pk}" in ticked
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "slots": slots,
            "mine": mine,
            "photos": photos,
            "household": household,
            "ticked": ticked,
            "volunteers_only": volunteers_only,
            "may_join": may_join,
            "series": selectors.series_of(activity),
            "can_run": permissions.can_run(request.user, activity),
            "open_for_signup": open_for_signup,
            "can_cancel": now <= activity.cancel_until,
            "age_rule": activity.audience in (Activity.Audience.AGE, Activity.Audience.ELDERLY),
            "age_bands": AgeBand.choices,
            "allowed_bands": [str(AgeBand(b).label) for b in activity.age_band_list],
            "member_form": HouseholdMemberForm(prefix="new", use_required_attribute=False),
            "state_labels": dict(SignUp.State.choices),
        },
    )


def _preticked(user, activity: Activity, household, slots, mine) -> set[str]:
    """Whose boxes start ticked: oneself, and the household members an age-limited activity
    is for, unless they already hold a place (when there is only one time to choose)."""
    bands = {
        Activity.Audience.ELDERLY: {AgeBand.ELDER},
        Activity.Audience.AGE: set(activity.age_band_list),
    }.get(activity.audience)
    taken = set()
    if len(slots) == 1:
        taken = {s.participant for s in mine if s.state in SignUp.ACTIVE_STATES}
    ticked = set()
    if bands is None or not user.age_band or user.age_band in bands:
        ticked.add("self")
    if bands is not None and activity.audience != Activity.Audience.VOLUNTEERS:
        ticked |= {f"member-{m.pk}" for m in household if m.age_band in bands}
    return ticked - taken


def _people(request) -> list[tuple[int | None, str]]:
    """Who the places are for, from the ticked boxes: oneself (None, with the age given),
    household members, and someone new (remembered first)."""
    people: list[tuple[int | None, str]] = []
    for who in dict.fromkeys(request.POST.getlist("who")):
        if who == "self":
            people.append((None, request.POST.get("age_band", "")))
        elif who == "new":
            form = HouseholdMemberForm(request.POST, prefix="new")
            if not form.is_valid():
                raise ServiceError(_("Give the household member's name and age."))
            member = household_member_add(
                owner=request.user,
                name=form.cleaned_data["name"],
                age_band=form.cleaned_data["age_band"],
            )
            people.append((member.pk, ""))
        else:
            try:
                people.append((int(who.removeprefix("member-")), ""))
            except ValueError:
                raise ServiceError(_("Choose who the place is for.")) from None
    if not people:
        raise ServiceError(_("Tick who the places are for."))
    return people


@login_required
@require_POST
@throttle_page("write")
def signup(request, activity_id: int):
    try:
        slot_id = int(request.POST.get("slot", ""))
    except ValueError:
        messages.error(request, _("Choose a time to sign up for."))
        return redirect("activity", activity_id=activity_id)
    try:
        made = signups.signups_create(actor=request.user, slot_id=slot_id, people=_people(request))
    except ServiceError as error:
        refuse(request, error)
        return redirect("activity", activity_id=activity_id)
    placed = "、".join(m.participant_name for m in made if m.state == SignUp.State.CONFIRMED)
    waiting = "、".join(m.participant_name for m in made if m.state != SignUp.State.CONFIRMED)
    if placed:
        messages.success(request, _("%(name)s has a place. See you there!") % {"name": placed})
    if waiting:
        messages.success(
            request,
            _(
                "All places are taken: %(name)s is on the waitlist and gets the first place "
                "that frees up."
            )
            % {"name": waiting},
        )
    return redirect("activity", activity_id=made[0].activity_id)


@login_required
@require_POST
@throttle_page("write")
def signup_cancel(request, signup_id: int):
    try:
        cancelled = signups.signup_cancel(actor=request.user, signup_id=signup_id)
    except ServiceError as error:
        refuse(request, error)
        return back(request, reverse("activities-mine"))
    messages.success(request, _("The place is given back. Thank you for saying so."))
    return back(request, reverse("activity", args=[cancelled.activity_id]))


@login_required
def mine(request):
    """My sign-ups, upcoming then past; a confirmed place shows its ticket (a QR the
    organiser scans to tick me in)."""
    now = timezone.now()
    upcoming, past = [], []
    for s in selectors.my_signups(user=request.user):
        if s.activity.ends_at > now and s.activity.state == Activity.State.PUBLISHED:
            if s.state == SignUp.State.CONFIRMED:
                url = request.build_absolute_uri(
                    reverse("activity-ticket", args=[s.activity_id, s.pk])
                )
                s.ticket_url = url
                s.ticket_svg = qr_svg(
                    url, title=_("Ticket of %(name)s") % {"name": s.participant_name}, scale=4
                )
            upcoming.append(s)
        else:
            past.append(s)
    feed = request.build_absolute_uri(
        reverse("activities-feed", args=[calendar.feed_token(request.user.pk)])
    )
    return render(
        request,
        "activities/mine.html",
        {"upcoming": upcoming, "past": past[::-1], "feed_url": feed},
    )


def _site(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def activity_ics(request, activity_id: int):
    activity = permissions.require_view(request.user, states.activity_from_id(activity_id))
    body = calendar.ics([activity], name=activity.title, site=_site(request))
    return _ics_response(body, f"activity-{activity.pk}.ics")


def feed_ics(request, token: str):
    """My sign-ups for a calendar app: no cookies, so the signed token lets it in."""
    user_id = calendar.feed_user_id(token)
    user = selectors.feed_owner(user_id)
    if user is None:
        raise Http404
    activities = {s.activity_id: s.activity for s in selectors.my_signups(user=user)}
    body = calendar.ics(activities.values(), name=_("My activities"), site=_site(request))
    response = _ics_response(body, "my-activities.ics")
    response["Content-Disposition"] = 'inline; filename="my-activities.ics"'
    return response
