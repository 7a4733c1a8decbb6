"""Shifts and times: what a slot is made of, and the limits on when an activity may be."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from activities.errors import (
    ActivityInvalid,
)

MAX_SHIFTS = 20
HORIZON = timedelta(days=2 * 366)


@dataclass(frozen=True)
class ShiftSpec:
    role: str
    starts_at: datetime
    ends_at: datetime
    capacity: int


def horizon_check(*times: datetime) -> None:
    """Times are shifted (weekly repeats, copies, the default deadlines) before they are
    checked; one far from now would overflow, so it is refused first."""
    now = timezone.now()
    if any(at < now - HORIZON for at in times):
        raise ActivityInvalid(_("This time is already past. Choose a time to come."))
    if any(at > now + HORIZON for at in times):
        raise ActivityInvalid(_("Choose a time within the next two years."))


def times_validate(starts_at, ends_at, signup_closes_at, cancel_until) -> None:
    if ends_at <= starts_at:
        raise ActivityInvalid(_("The end must come after the start."))
    if signup_closes_at > ends_at:
        raise ActivityInvalid(_("Sign-up must close before the activity ends."))
    if cancel_until > ends_at:
        raise ActivityInvalid(_("Cancellation must close before the activity ends."))
    if ends_at <= timezone.now():
        raise ActivityInvalid(_("This time is already past. Choose a time to come."))


def shifts_clean(
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
