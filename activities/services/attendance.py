"""Check-in and attendance: the rotating QR code, the organiser's tick, late and
absent, hours and points; and the organiser's message to attendees."""

import hashlib
import hmac
import re
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import events, permissions
from activities.errors import (
    ActivityInvalid,
    CheckInCodeInvalid,
    CheckInLocked,
    CheckInRefused,
    TransitionRefused,
)
from activities.models import Activity, CheckInMiss, SignUp, Slot
from activities.services.signups import signup_for_change
from activities.services.states import activity_from_id, signup_move
from core.services import access_log_record
from points.models import PointsEntry
from points.services import points_earn
from residents.events import user_group, users_event_send_on_commit
from residents.models import User

CHECKIN_WINDOW_SECONDS = 30
CHECKIN_EARLY = timedelta(hours=1)
LATE_AFTER = timedelta(minutes=10)
CHECKIN_CODE = re.compile(r"[0-9a-f]{10}")


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
        hmac.compare_digest(_code_for(activity, w), code) for w in (window, window - 1, window - 2)
    )


def _code_try(activity: Activity, actor: User, code: str, now: datetime) -> CheckInRefused | None:
    """Count one try for this person, then compare: None when the code is right, else the
    refusal to raise once the count is committed. Counting first, by one conditional
    UPDATE, keeps any number of guesses at once within `CheckInMiss.TRIES`."""
    miss, _created = CheckInMiss.objects.get_or_create(activity=activity, user=actor)
    counted = CheckInMiss.objects.filter(pk=miss.pk, misses__lt=CheckInMiss.TRIES).update(
        misses=F("misses") + 1
    )
    if not counted:
        raise CheckInLocked()  # nothing was counted: nothing to keep
    if _code_valid(activity, code, now):
        CheckInMiss.objects.filter(pk=miss.pk).update(misses=F("misses") - 1)
        return None
    miss.refresh_from_db(fields=["misses"])
    if miss.misses >= CheckInMiss.TRIES:
        return CheckInLocked()
    return CheckInRefused(_("This check-in code has expired. Scan the code on screen again."))


def _attend(signup: SignUp, slot: Slot, now: datetime) -> None:
    signup_move(signup, SignUp.State.ATTENDED)
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


def checkin_by_code(*, actor: User, activity_id: int, code: str) -> list[SignUp]:
    """An attendee scanned the organiser's QR: their places (and their household's) in
    the shifts on now are marked attended; volunteer hours and points are credited.

    The code is checked for its form before it is compared. Wrong codes are counted per
    person and activity and stay counted though refused; the 5th locks check-in by code
    for that person (the organiser ticks them instead)."""
    code = (code or "").strip().lower() if isinstance(code, str) else ""
    if not CHECKIN_CODE.fullmatch(code):
        raise CheckInCodeInvalid()
    with transaction.atomic():
        activity = permissions.require_view(actor, activity_from_id(activity_id))
        now = timezone.now()
        refusal = _code_try(activity, actor, code, now)
        if refusal is None:
            return _checkin(activity, actor, now)
    raise refusal  # after the block: the counted try stays counted


def _checkin(activity: Activity, actor: User, now: datetime) -> list[SignUp]:
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
        signup, slot = signup_for_change(signup_id)
        if signup.state in (SignUp.State.CONFIRMED, SignUp.State.NO_SHOW):
            _attend(signup, slot, now)
            done.append(signup)
    if not done:  # a scan at the same moment checked these places in first
        raise CheckInRefused(_("You are already checked in."), status=409)
    events.seats_changed(activity.pk)
    return done


@transaction.atomic
def attendance_mark(*, actor: User, signup_id: int, attended: bool) -> SignUp:
    """The organiser ticks a name on the list (or marks a no-show)."""
    signup, slot = signup_for_change(signup_id)
    permissions.require_run(actor, signup.activity)
    now = timezone.now()
    if now < slot.starts_at - CHECKIN_EARLY:
        raise TransitionRefused(_("Attendance can be taken from an hour before the start."))
    if attended:
        _attend(signup, slot, now)
    else:
        signup_move(signup, SignUp.State.NO_SHOW)
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
