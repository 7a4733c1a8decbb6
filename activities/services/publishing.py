"""Publishing an activity: create (with its shifts, photos, weekly repeats and board
cards), edit its words, copy to a new date, cancel."""

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import events, permissions
from activities.errors import (
    ActivityInvalid,
    TransitionRefused,
)
from activities.models import Activity, ActivityPhoto, SignUp, Slot
from activities.services.reminders import reminders_schedule
from activities.services.shifts import ShiftSpec, horizon_check, shifts_clean, times_validate
from activities.services.states import activity_from_id, activity_lock
from core.photos import PhotoFiles, PreparedPhoto, photo_files, photo_prepare
from grids.models import Community, Grid, PostKind
from grids.services.posts import card_post_create, post_ref_state_set
from residents.events import user_group, users_event_send_on_commit
from residents.models import AgeBand, User

ACTIVITY_REF = "activity"
MAX_PHOTOS = 9
MAX_REPEATS = 12


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


def _scope_grids(community: Community, grid_ids: Sequence[int]) -> list[Grid]:
    grids = list(Grid.objects.filter(community=community, pk__in=set(grid_ids)).order_by("pk"))
    if len(grids) != len(set(grid_ids)):
        raise ActivityInvalid(_("Choose grids of this community."))
    return grids


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
    weeks). The first puts a card on every scoped board; reminders are scheduled.

    Checks and photo re-encoding come first, outside the transaction (slow work holds
    no lock); the rows are written in one transaction, and photo files stored for a
    publication that then fails are deleted again."""
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
    horizon_check(starts_at, ends_at)
    signup_closes_at = signup_closes_at or starts_at
    cancel_until = cancel_until or min(signup_closes_at, starts_at - timedelta(hours=2))
    signup_opens_at = signup_opens_at or timezone.now()
    if signup_opens_at > signup_closes_at:
        raise ActivityInvalid(_("Sign-up must open before it closes."))
    times_validate(starts_at, ends_at, signup_closes_at, cancel_until)
    specs = shifts_clean(shifts, kind=kind, capacity=capacity, starts_at=starts_at, ends_at=ends_at)
    grids = _scope_grids(community, grid_ids)
    if points_per_hour is None:
        points_per_hour = (
            settings.POINTS_PER_VOLUNTEER_HOUR if kind == Activity.Kind.VOLUNTEER else 0
        )
    if points_per_hour < 0 or points_per_hour > 1000:
        raise ActivityInvalid(_("Points per hour must be between 0 and 1000."))
    prepared = [photo_prepare(upload) for upload in photos]

    with photo_files() as files, transaction.atomic():
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
                signup_opens_at=signup_opens_at
                if week == 0
                else min(signup_opens_at, timezone.now()),
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
            _photos_record(activity, prepared, files)
            reminders_schedule(activity)
            if first is None:
                first = activity
                _cards_post(actor, activity, grids)
        return first


def _photos_record(activity: Activity, prepared: list[PreparedPhoto], files: PhotoFiles) -> None:
    for i, p in enumerate(prepared):
        image, thumb = files.store(p, folder=f"activities/{activity.pk}")
        ActivityPhoto.objects.create(
            activity=activity,
            position=i,
            image=image,
            thumb=thumb,
            width=p.width,
            height=p.height,
        )


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
    horizon_check(starts_at)
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
    activity = permissions.require_run(actor, activity_lock(activity_id))
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
    activity = activity_lock(activity_id)
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
