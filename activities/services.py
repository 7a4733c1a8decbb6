"""Business actions on activities, sign-ups, check-in and reminders.

Lock order, everywhere: slot rows (by id) → sign-up rows → the activity row (its
version, bumped last). A sign-up or cancellation takes its slot's lock first, so the
slot's counters are exact and a freed place goes to the first on the waitlist in the
same transaction. Cancelling an activity holds all its slots before anything else.
"""

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import events, permissions
from activities.errors import (
    ActivityFull,
    ActivityInvalid,
    CheckInRefused,
    NotFound,
    SignUpRefused,
    TransitionRefused,
)
from activities.models import Activity, ActivityPhoto, Reminder, SignUp, Slot
from core.photos import photo_prepare, photo_store
from core.services import access_log_record
from grids.models import Community, Grid, PostKind
from grids.services.posts import card_post_create, post_ref_state_set
from points.models import PointsEntry
from points.services import points_earn
from residents.events import user_event_send_on_commit, user_group, users_event_send_on_commit
from residents.models import AgeBand, HouseholdMember, User

ACTIVITY_REF = "activity"
MAX_PHOTOS = 9
MAX_SHIFTS = 20
MAX_REPEATS = 12
CHECKIN_WINDOW_SECONDS = 30
CHECKIN_EARLY = timedelta(hours=1)
LATE_AFTER = timedelta(minutes=10)
HORIZON = timedelta(days=2 * 366)

SIGNUP_MOVES: dict[str, set[str]] = {
    SignUp.State.CONFIRMED: {SignUp.State.CANCELLED, SignUp.State.ATTENDED, SignUp.State.NO_SHOW},
    SignUp.State.WAITLISTED: {SignUp.State.CONFIRMED, SignUp.State.CANCELLED},
    SignUp.State.NO_SHOW: {SignUp.State.ATTENDED},
    SignUp.State.ATTENDED: set(),
    SignUp.State.CANCELLED: set(),
}


@dataclass(frozen=True)
class ShiftSpec:
    role: str
    starts_at: datetime
    ends_at: datetime
    capacity: int


def _signup_move(signup: SignUp, to: str) -> None:
    if to not in SIGNUP_MOVES.get(signup.state, set()):
        raise TransitionRefused(
            _("This sign-up is %(state)s; it cannot become %(to)s.")
            % {"state": SignUp.State(signup.state).label, "to": SignUp.State(to).label}
        )
    signup.state = to
    signup.changed_at = timezone.now()


# Publishing


def _check_horizon(*times: datetime) -> None:
    """Times are shifted (weekly repeats, copies, the default deadlines) before they are
    checked; one far from now would overflow, so it is refused first."""
    now = timezone.now()
    if any(at < now - HORIZON for at in times):
        raise ActivityInvalid(_("This time is already past. Choose a time to come."))
    if any(at > now + HORIZON for at in times):
        raise ActivityInvalid(_("Choose a time within the next two years."))


def _words(title: str, place: str, description: str) -> tuple[str, str]:
    """The title and place, stripped, once they and the description fit."""
    title, place = (title or "").strip(), (place or "").strip()
    if not title or len(title) > 60:
        raise ActivityInvalid(_("Give a title of up to 60 characters."))
    if not place or len(place) > 100:
        raise ActivityInvalid(_("Say where it takes place (up to 100 characters)."))
    if len(description or "") > 2000:
        raise ActivityInvalid(_("Please keep the description under 2000 characters."))
    return title, place


def _validate_times(starts_at, ends_at, signup_closes_at, cancel_until) -> None:
    if ends_at <= starts_at:
        raise ActivityInvalid(_("The end must come after the start."))
    if signup_closes_at > ends_at:
        raise ActivityInvalid(_("Sign-up must close before the activity ends."))
    if cancel_until > ends_at:
        raise ActivityInvalid(_("Cancellation must close before the activity ends."))
    if ends_at <= timezone.now():
        raise ActivityInvalid(_("This time is already past. Choose a time to come."))


def _clean_shifts(
    shifts: Sequence[ShiftSpec], *, kind: str, capacity: int | None, starts_at, ends_at
) -> list[ShiftSpec]:
    if not shifts:
        if not capacity or capacity < 1:
            raise ActivityInvalid(_("Say how many places there are (at least 1)."))
        return [ShiftSpec(role="", starts_at=starts_at, ends_at=ends_at, capacity=capacity)]
    if len(shifts) > MAX_SHIFTS:
        raise ActivityInvalid(_("At most %(n)d shifts per activity.") % {"n": MAX_SHIFTS})
    for shift in shifts:
        if shift.capacity < 1:
            raise ActivityInvalid(_("Every shift needs at least 1 place."))
        if shift.ends_at <= shift.starts_at:
            raise ActivityInvalid(_("A shift must end after it starts."))
        if shift.starts_at < starts_at or shift.ends_at > ends_at:
            raise ActivityInvalid(_("Shifts must lie within the activity's start and end."))
        if len(shift.role.strip()) > 30:
            raise ActivityInvalid(_("A role name is at most 30 characters."))
    return list(shifts)


def _scope_grids(community: Community, grid_ids: Sequence[int]) -> list[Grid]:
    grids = list(Grid.objects.filter(community=community, pk__in=set(grid_ids)).order_by("pk"))
    if len(grids) != len(set(grid_ids)):
        raise ActivityInvalid(_("Choose grids of this community."))
    return grids


@transaction.atomic
def activity_create(
    *,
    actor: User,
    community: Community,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    kind: str = Activity.Kind.CLASS,
    description: str = "",
    grid_ids: Sequence[int] = (),
    capacity: int | None = None,
    shifts: Sequence[ShiftSpec] = (),
    signup_opens_at: datetime | None = None,
    signup_closes_at: datetime | None = None,
    cancel_until: datetime | None = None,
    audience: str = Activity.Audience.ALL,
    age_bands: Sequence[str] = (),
    waitlist: bool = True,
    points_per_hour: int | None = None,
    photos: Sequence = (),
    repeat_weeks: int = 0,
) -> Activity:
    """Publish an activity (and, with `repeat_weeks`, the same one on the following
    weeks). The first puts a card on every scoped board; reminders are scheduled."""
    permissions.require_organise(actor, community)
    title, place = _words(title, place, description)
    if kind not in Activity.Kind.values:
        raise ActivityInvalid(_("Choose what kind of activity this is."))
    if audience not in Activity.Audience.values:
        raise ActivityInvalid(_("Choose who may join."))
    bands = [b for b in AgeBand.values if b in set(age_bands)]
    if set(age_bands) - set(bands):
        raise ActivityInvalid(_("Choose age bands from the list."))
    if audience == Activity.Audience.AGE and not bands:
        raise ActivityInvalid(_("Choose the age bands that may join."))
    if not 0 <= repeat_weeks <= MAX_REPEATS:
        raise ActivityInvalid(_("Repeat for at most %(n)d weeks.") % {"n": MAX_REPEATS})
    if len(photos) > MAX_PHOTOS:
        raise ActivityInvalid(_("At most 9 photos."))
    _check_horizon(starts_at, ends_at)
    signup_closes_at = signup_closes_at or starts_at
    cancel_until = cancel_until or min(signup_closes_at, starts_at - timedelta(hours=2))
    signup_opens_at = signup_opens_at or timezone.now()
    if signup_opens_at > signup_closes_at:
        raise ActivityInvalid(_("Sign-up must open before it closes."))
    _validate_times(starts_at, ends_at, signup_closes_at, cancel_until)
    specs = _clean_shifts(
        shifts, kind=kind, capacity=capacity, starts_at=starts_at, ends_at=ends_at
    )
    grids = _scope_grids(community, grid_ids)
    if points_per_hour is None:
        points_per_hour = (
            settings.POINTS_PER_VOLUNTEER_HOUR if kind == Activity.Kind.VOLUNTEER else 0
        )
    if points_per_hour < 0 or points_per_hour > 1000:
        raise ActivityInvalid(_("Points per hour must be between 0 and 1000."))
    prepared = [photo_prepare(upload) for upload in photos]

    first = None
    for week in range(repeat_weeks + 1):
        shift = timedelta(weeks=week)
        activity = Activity.objects.create(
            community=community,
            organiser=actor,
            kind=kind,
            title=title,
            description=description or "",
            place=place,
            starts_at=starts_at + shift,
            ends_at=ends_at + shift,
            signup_opens_at=signup_opens_at if week == 0 else min(signup_opens_at, timezone.now()),
            signup_closes_at=signup_closes_at + shift,
            cancel_until=cancel_until + shift,
            audience=audience,
            age_bands=f",{','.join(bands)}," if bands else "",
            waitlist=waitlist,
            points_per_hour=points_per_hour,
            repeat_of=first,
            checkin_secret=secrets.token_hex(16),
        )
        activity.grids.set(grids)
        Slot.objects.bulk_create(
            Slot(
                activity=activity,
                role=s.role.strip(),
                starts_at=s.starts_at + shift,
                ends_at=s.ends_at + shift,
                capacity=s.capacity,
            )
            for s in specs
        )
        _photos_store(activity, prepared)
        reminders_schedule(activity)
        if first is None:
            first = activity
            _cards_post(actor, activity, grids)
    return first


def _photos_store(activity: Activity, prepared) -> None:
    stored: list[tuple[str, str]] = []
    try:
        for i, p in enumerate(prepared):
            image, thumb = photo_store(p, folder=f"activities/{activity.pk}")
            stored.append((image, thumb))
            ActivityPhoto.objects.create(
                activity=activity,
                position=i,
                image=image,
                thumb=thumb,
                width=p.width,
                height=p.height,
            )
    except BaseException:
        for names in stored:
            for name in names:
                default_storage.delete(name)
        raise


def _card_text(activity: Activity) -> str:
    when = timezone.localtime(activity.starts_at)
    return _("%(title)s · %(when)s · %(place)s") % {
        "title": activity.title,
        "when": when.strftime("%m-%d %H:%M"),
        "place": activity.place,
    }


def _cards_post(actor: User, activity: Activity, grids: list[Grid]) -> None:
    targets = grids or list(Grid.objects.filter(community_id=activity.community_id).order_by("pk"))
    for grid in targets:
        card_post_create(
            actor=actor,
            grid=grid,
            kind=PostKind.ACTIVITY,
            body=_card_text(activity),
            ref_type=ACTIVITY_REF,
            ref_id=activity.pk,
        )


@transaction.atomic
def activity_copy(*, actor: User, activity_id: int, starts_at: datetime) -> Activity:
    """The same activity again at a new time (next week's class): everything but the
    dates is copied, shifts keep their offsets, and it gets its own card."""
    source = permissions.require_run(actor, activity_from_id(activity_id))
    _check_horizon(starts_at)
    offset = starts_at - source.starts_at
    slots = list(source.slots.all())
    shifts = [
        ShiftSpec(s.role, s.starts_at + offset, s.ends_at + offset, s.capacity) for s in slots
    ]
    plain = len(slots) == 1 and not slots[0].role
    return activity_create(
        actor=actor,
        community=source.community,
        title=source.title,
        place=source.place,
        starts_at=source.starts_at + offset,
        ends_at=source.ends_at + offset,
        kind=source.kind,
        description=source.description,
        grid_ids=list(source.grids.values_list("pk", flat=True)),
        capacity=slots[0].capacity if plain else None,
        shifts=() if plain else shifts,
        signup_closes_at=source.signup_closes_at + offset,
        cancel_until=source.cancel_until + offset,
        audience=source.audience,
        age_bands=source.age_band_list,
        waitlist=source.waitlist,
        points_per_hour=source.points_per_hour,
    )


@transaction.atomic
def activity_update(
    *,
    actor: User,
    activity_id: int,
    title: str | None = None,
    description: str | None = None,
    place: str | None = None,
) -> Activity:
    """Change the words (not the times or places: people signed up for those). A field
    left None keeps its value, read under the row lock so two edits never undo each other."""
    activity = permissions.require_run(actor, _locked_activity(activity_id))
    title = activity.title if title is None else title
    place = activity.place if place is None else place
    description = activity.description if description is None else description
    title, place = _words(title, place, description)
    activity.title, activity.description, activity.place = title, description or "", place
    activity.save(update_fields=["title", "description", "place"])
    return activity


@transaction.atomic
def activity_cancel(*, actor: User, activity_id: int, reason: str = "") -> Activity:
    """Call it off: every sign-up is cancelled and told, and the cards say so."""
    activity = permissions.require_run(actor, activity_from_id(activity_id))
    slots = list(Slot.objects.select_for_update().filter(activity=activity).order_by("pk"))
    activity = _locked_activity(activity_id)
    if activity.state == Activity.State.CANCELLED:
        raise TransitionRefused(_("This activity is already cancelled."))
    if activity.ends_at <= timezone.now():
        raise TransitionRefused(_("This activity is over; it cannot be cancelled."))
    activity.state = Activity.State.CANCELLED
    activity.save(update_fields=["state"])
    live = SignUp.objects.filter(
        activity=activity, state__in=[SignUp.State.CONFIRMED, SignUp.State.WAITLISTED]
    )
    user_ids = set(live.values_list("user_id", flat=True))
    live.update(state=SignUp.State.CANCELLED, changed_at=timezone.now())
    # Who already came (or was marked absent) keeps the place they held.
    held = dict(
        SignUp.objects.filter(activity=activity, state__in=SignUp.HELD_STATES)
        .values_list("slot_id")
        .annotate(n=Count("id"))
    )
    for slot in slots:
        slot.confirmed, slot.waitlisted = held.get(slot.pk, 0), 0
    Slot.objects.bulk_update(slots, ["confirmed", "waitlisted"])
    if user_ids:
        users_event_send_on_commit(
            user_ids=user_ids,
            event={
                "type": "activity.cancelled",
                "activity": activity.pk,
                "title": activity.title,
                "reason": (reason or "").strip()[:200],
            },
            nudge_groups=[user_group(u) for u in user_ids],
        )
    events.seats_changed(activity.pk)
    post_ref_state_set(ref_type=ACTIVITY_REF, ref_id=activity.pk, state=activity.state)
    return activity


def activity_from_id(activity_id: int) -> Activity | None:
    return Activity.objects.select_related("community").filter(pk=activity_id).first()


def _locked_activity(activity_id: int) -> Activity:
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise NotFound(_("No such activity here."))
    return activity


# Sign-ups


def _participant(actor: User, member_id: int | None, age_band: str) -> tuple[str, str, str, int]:
    """(participant key, name, age band, member id) of the person a place is for."""
    if member_id is None:
        band = age_band or actor.age_band
        if age_band and age_band not in AgeBand.values:
            raise ActivityInvalid(_("Choose an age band."))
        if age_band and age_band != actor.age_band:
            actor.age_band = age_band
            actor.save(update_fields=["age_band"])
        return "self", actor.display_name, band, None
    member = HouseholdMember.objects.filter(pk=member_id, owner=actor).first()
    if member is None:
        raise NotFound(_("That household member is not in your list."))
    return f"member-{member.pk}", member.name, member.age_band, member.pk


@transaction.atomic
def signup_create(
    *, actor: User, slot_id: int, member_id: int | None = None, age_band: str = ""
) -> SignUp:
    """Take a place (for oneself or a household member). Confirmed while places are
    left, else waitlisted (when the activity keeps a waitlist), else refused (409)."""
    slot = Slot.objects.select_for_update().filter(pk=slot_id).first()
    if slot is None:
        raise NotFound(_("No such activity here."))
    activity = permissions.require_view(actor, activity_from_id(slot.activity_id))
    now = timezone.now()
    if activity.state != Activity.State.PUBLISHED:
        raise SignUpRefused(_("This activity has been cancelled."))
    if now < activity.signup_opens_at:
        raise SignUpRefused(
            _("Sign-up opens %(when)s.")
            % {"when": timezone.localtime(activity.signup_opens_at).strftime("%m-%d %H:%M")}
        )
    if now > activity.signup_closes_at or now >= slot.ends_at:
        raise SignUpRefused(_("Sign-up for this has closed."))
    key, name, band, member_pk = _participant(actor, member_id, age_band)
    permissions.require_may_join(actor, activity, age_band=band, for_self=key == "self")
    if SignUp.objects.filter(
        slot=slot, user=actor, participant=key, state__in=SignUp.ACTIVE_STATES
    ).exists():
        raise SignUpRefused(_("%(name)s is already signed up for this.") % {"name": name})
    if slot.confirmed < slot.capacity:
        state = SignUp.State.CONFIRMED
        slot.confirmed += 1
    elif activity.waitlist:
        state = SignUp.State.WAITLISTED
        slot.waitlisted += 1
    else:
        raise ActivityFull()
    slot.save(update_fields=["confirmed", "waitlisted"])
    signup = SignUp.objects.create(
        slot=slot,
        activity=activity,
        user=actor,
        member_id=member_pk,
        participant=key,
        participant_name=name,
        age_band=band,
        state=state,
    )
    events.seats_changed(activity.pk)
    return signup


def _signup_for_change(signup_id: int) -> tuple[SignUp, Slot]:
    """The sign-up and its slot, the slot locked first (the lock order)."""
    slot_id = SignUp.objects.filter(pk=signup_id).values_list("slot_id", flat=True).first()
    if slot_id is None:
        raise NotFound(_("No such sign-up."))
    slot = Slot.objects.select_for_update().get(pk=slot_id)
    signup = (
        SignUp.objects.select_for_update(of=("self",))
        .select_related("activity", "activity__community")
        .get(pk=signup_id)
    )
    return signup, slot


@transaction.atomic
def signup_cancel(*, actor: User, signup_id: int) -> SignUp:
    """Give a place back. Its owner may until the activity's cancellation deadline; its
    organiser at any time. A freed place goes to the first on the waitlist at once."""
    signup, slot = _signup_for_change(signup_id)
    activity = signup.activity
    runs = permissions.can_run(actor, activity)
    if signup.user_id != actor.pk and not runs:
        raise NotFound(_("No such sign-up."))
    holds_place = signup.state == SignUp.State.CONFIRMED
    if holds_place and not runs and timezone.now() > activity.cancel_until:
        raise TransitionRefused(
            _("Cancellation closed at %(when)s. Please tell the organiser if you cannot come.")
            % {"when": timezone.localtime(activity.cancel_until).strftime("%m-%d %H:%M")}
        )
    was = signup.state
    _signup_move(signup, SignUp.State.CANCELLED)
    signup.save(update_fields=["state", "changed_at"])
    if was == SignUp.State.CONFIRMED:
        slot.confirmed -= 1
        _promote_next(slot, activity)
    else:
        slot.waitlisted -= 1
    slot.save(update_fields=["confirmed", "waitlisted"])
    events.seats_changed(activity.pk)
    return signup


def _promote_next(slot: Slot, activity: Activity) -> SignUp | None:
    """Give the free place in `slot` (locked) to the first on its waitlist, and tell them."""
    if activity.state != Activity.State.PUBLISHED or slot.confirmed >= slot.capacity:
        return None
    nxt = (
        SignUp.objects.select_for_update()
        .filter(slot=slot, state=SignUp.State.WAITLISTED)
        .order_by("pk")
        .first()
    )
    if nxt is None:
        return None
    _signup_move(nxt, SignUp.State.CONFIRMED)
    nxt.save(update_fields=["state", "changed_at"])
    slot.confirmed += 1
    slot.waitlisted -= 1
    user_event_send_on_commit(
        user_id=nxt.user_id,
        event={
            "type": "signup.promoted",
            "activity": activity.pk,
            "signup": nxt.pk,
            "title": activity.title,
            "name": nxt.participant_name,
            "starts_at": activity.starts_at.isoformat(),
        },
    )
    return nxt


# Attendance and check-in


def checkin_code(activity: Activity, at: datetime | None = None) -> str:
    """The code in the organiser's rotating QR: it changes every 30 seconds."""
    window = int((at or timezone.now()).timestamp()) // CHECKIN_WINDOW_SECONDS
    return _code_for(activity, window)


def _code_for(activity: Activity, window: int) -> str:
    digest = hmac.new(
        activity.checkin_secret.encode(), f"{activity.pk}:{window}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:10]


def _code_valid(activity: Activity, code: str, now: datetime) -> bool:
    window = int(now.timestamp()) // CHECKIN_WINDOW_SECONDS
    # The current code and the two before it: a phone that scanned a moment ago still works.
    return any(
        hmac.compare_digest(_code_for(activity, w), (code or "").strip().lower())
        for w in (window, window - 1, window - 2)
    )


def _attend(signup: SignUp, slot: Slot, now: datetime) -> None:
    _signup_move(signup, SignUp.State.ATTENDED)
    signup.checked_in_at = now
    signup.late = now > slot.starts_at + LATE_AFTER
    activity = signup.activity
    if activity.kind == Activity.Kind.VOLUNTEER and signup.participant == "self":
        signup.hours = Decimal(str(slot.hours))
        points = round(slot.hours * activity.points_per_hour)
        points_earn(
            user_id=signup.user_id,
            amount=points,
            kind=PointsEntry.Kind.VOLUNTEER,
            reason=_("%(hours)s h of volunteer service: %(title)s")
            % {"hours": f"{slot.hours:g}", "title": activity.title},
            ref=("activity.signup", signup.pk),
        )
    signup.save(update_fields=["state", "changed_at", "checked_in_at", "late", "hours"])


@transaction.atomic
def checkin_by_code(*, actor: User, activity_id: int, code: str) -> list[SignUp]:
    """An attendee scanned the organiser's QR: their places (and their household's) in
    the shifts on now are marked attended; volunteer hours and points are credited."""
    activity = permissions.require_view(actor, activity_from_id(activity_id))
    now = timezone.now()
    if not _code_valid(activity, code, now):
        raise CheckInRefused(_("This check-in code has expired. Scan the code on screen again."))
    slot_ids = list(
        Slot.objects.filter(
            activity=activity, starts_at__lte=now + CHECKIN_EARLY, ends_at__gte=now
        ).values_list("pk", flat=True)
    )
    mine = SignUp.objects.filter(slot_id__in=slot_ids, user=actor)
    ids = list(
        mine.filter(state__in=[SignUp.State.CONFIRMED, SignUp.State.NO_SHOW])
        .order_by("slot_id", "pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        if mine.filter(state=SignUp.State.ATTENDED).exists():
            raise CheckInRefused(_("You are already checked in."), status=409)
        if mine.filter(state=SignUp.State.WAITLISTED).exists():
            raise CheckInRefused(
                _("You are still on the waitlist, so there is no place to check in to.")
            )
        raise CheckInRefused(_("You have no place in this activity at this time."))
    done = []
    for signup_id in ids:  # by slot: slot locks are taken in id order
        signup, slot = _signup_for_change(signup_id)
        if signup.state in (SignUp.State.CONFIRMED, SignUp.State.NO_SHOW):
            _attend(signup, slot, now)
            done.append(signup)
    events.seats_changed(activity.pk)
    return done


@transaction.atomic
def attendance_mark(*, actor: User, signup_id: int, attended: bool) -> SignUp:
    """The organiser ticks a name on the list (or marks a no-show)."""
    signup, slot = _signup_for_change(signup_id)
    permissions.require_run(actor, signup.activity)
    now = timezone.now()
    if now < slot.starts_at - CHECKIN_EARLY:
        raise TransitionRefused(_("Attendance can be taken from an hour before the start."))
    if attended:
        _attend(signup, slot, now)
    else:
        _signup_move(signup, SignUp.State.NO_SHOW)
        signup.save(update_fields=["state", "changed_at"])
    events.seats_changed(signup.activity_id)
    return signup


@transaction.atomic
def attendance_close(*, actor: User, activity_id: int) -> int:
    """After a shift has ended, everyone confirmed who did not check in is a no-show."""
    activity = permissions.require_run(actor, activity_from_id(activity_id))
    ended = list(
        Slot.objects.select_for_update()
        .filter(activity=activity, ends_at__lte=timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ended:
        raise TransitionRefused(_("Attendance can be closed once a shift has ended."))
    count = SignUp.objects.filter(slot_id__in=ended, state=SignUp.State.CONFIRMED).update(
        state=SignUp.State.NO_SHOW, changed_at=timezone.now()
    )
    events.seats_changed(activity.pk)
    return count


# Organiser tools


@transaction.atomic
def attendees_message(*, actor: User, activity_id: int, body: str) -> int:
    """Tell everyone signed up (confirmed or waiting) something, in their messages."""
    activity = permissions.require_run(actor, activity_from_id(activity_id))
    body = (body or "").strip()
    if not body or len(body) > 500:
        raise ActivityInvalid(_("Write a message of up to 500 characters."))
    user_ids = set(
        SignUp.objects.filter(
            activity=activity, state__in=[SignUp.State.CONFIRMED, SignUp.State.WAITLISTED]
        ).values_list("user_id", flat=True)
    )
    if not user_ids:
        raise ActivityInvalid(_("Nobody is signed up yet."))
    return users_event_send_on_commit(
        user_ids=user_ids,
        event={
            "type": "activity.message",
            "activity": activity.pk,
            "title": activity.title,
            "from": actor.display_name,
            "body": body,
        },
        nudge_groups=[user_group(u) for u in user_ids],
    )


def attendees_export_logged(*, actor: User, activity: Activity) -> None:
    """Staff taking the attendee list out of the portal is personal data leaving: logged."""
    access_log_record(
        actor=actor,
        action="activity.attendees_export",
        scope=f"activity:{activity.pk}",
        detail={"title": activity.title},
    )


# Reminders


def reminders_schedule(activity: Activity) -> list[Reminder]:
    """The day-before and hour-before reminders. A backend that can defer (the database
    backend) runs each at its time; otherwise `reminders_send_due` sends what is due."""
    from activities.tasks import reminder_send  # the task module imports this one

    now = timezone.now()
    due = {
        Reminder.Kind.DAY: activity.starts_at - timedelta(days=1),
        Reminder.Kind.HOUR: activity.starts_at - timedelta(hours=1),
    }
    made = [
        Reminder.objects.create(activity=activity, kind=kind, due_at=at)
        for kind, at in due.items()
        if at > now
    ]
    if made and reminder_send.get_backend().supports_defer:

        def enqueue() -> None:
            for reminder in made:
                reminder_send.using(run_after=reminder.due_at).enqueue(reminder.pk)

        transaction.on_commit(enqueue)
    return made


@transaction.atomic
def reminder_send(*, reminder_id: int) -> int:
    """Send one reminder to everyone with a confirmed place, once: the conditional update
    that stamps `sent_at` lets exactly one run through. Returns how many were told."""
    now = timezone.now()
    won = Reminder.objects.filter(
        pk=reminder_id, sent_at__isnull=True, due_at__lte=now + timedelta(minutes=1)
    ).update(sent_at=now)
    if not won:
        return 0
    reminder = Reminder.objects.select_related("activity").get(pk=reminder_id)
    activity = reminder.activity
    if activity.state != Activity.State.PUBLISHED or activity.starts_at <= now:
        return 0
    user_ids = set(
        SignUp.objects.filter(activity=activity, state=SignUp.State.CONFIRMED).values_list(
            "user_id", flat=True
        )
    )
    if not user_ids:
        return 0
    return users_event_send_on_commit(
        user_ids=user_ids,
        event={
            "type": "activity.reminder",
            "activity": activity.pk,
            "title": activity.title,
            "place": activity.place,
            "starts_at": activity.starts_at.isoformat(),
            "when": reminder.kind,
        },
        nudge_groups=[user_group(u) for u in user_ids],
    )


def reminders_send_due() -> int:
    """Enqueue every reminder that is due and unsent (run from cron with the immediate
    backend; harmless next to a worker, since each is sent once)."""
    from activities.tasks import reminder_send as task

    ids = list(
        Reminder.objects.filter(sent_at__isnull=True, due_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )
    for reminder_id in ids:
        task.enqueue(reminder_id)
    return len(ids)
