"""Sign-ups and the waitlist: one place per person per shift, a freed place to the
first waiting in the same transaction."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import events, permissions
from activities.errors import (
    ActivityFull,
    ActivityInvalid,
    NotFound,
    SignUpRefused,
    TransitionRefused,
)
from activities.models import Activity, SignUp, Slot
from activities.services.states import activity_from_id, signup_move
from core.errors import ServiceError
from residents.events import user_event_send_on_commit
from residents.models import AgeBand, HouseholdMember, User


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


@transaction.atomic
def signups_create(
    *, actor: User, slot_id: int, people: list[tuple[int | None, str]]
) -> list[SignUp]:
    """Places for several people of one household at once (me and my mother), each as
    `signup_create` takes one: `(member id or None for oneself, age band)`. All or none,
    so nobody is left wondering which of them got in; a refusal names the person."""
    if not people:
        raise ActivityInvalid(_("Tick who the places are for."))
    made = []
    for member_id, age_band in people:
        try:
            made.append(
                signup_create(actor=actor, slot_id=slot_id, member_id=member_id, age_band=age_band)
            )
        except ServiceError as error:
            if len(people) == 1 or isinstance(error, NotFound):
                raise
            name = actor.display_name
            if member_id is not None:
                member = HouseholdMember.objects.filter(pk=member_id, owner=actor).first()
                name = member.name if member else name
            error.message = _("%(name)s: %(reason)s Nobody was signed up.") % {
                "name": name,
                "reason": error.message,
            }
            raise
    return made


def signup_for_change(signup_id: int) -> tuple[SignUp, Slot]:
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
    signup, slot = signup_for_change(signup_id)
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
    signup_move(signup, SignUp.State.CANCELLED)
    signup.save(update_fields=["state", "changed_at"])
    if was == SignUp.State.CONFIRMED:
        slot.confirmed -= 1
        waitlist_promote_next(slot, activity)
    else:
        slot.waitlisted -= 1
    slot.save(update_fields=["confirmed", "waitlisted"])
    events.seats_changed(activity.pk)
    return signup


def waitlist_promote_next(slot: Slot, activity: Activity) -> SignUp | None:
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
    signup_move(nxt, SignUp.State.CONFIRMED)
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
