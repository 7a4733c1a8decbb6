"""What every activity action shares: the sign-up transition table (the one place a
sign-up changes state) and the activity lookups that take its lock."""

from django.utils import timezone
from django.utils.translation import gettext as _

from activities.errors import (
    NotFound,
    TransitionRefused,
)
from activities.models import Activity, SignUp

SIGNUP_MOVES: dict[str, set[str]] = {
    SignUp.State.CONFIRMED: {SignUp.State.CANCELLED, SignUp.State.ATTENDED, SignUp.State.NO_SHOW},
    SignUp.State.WAITLISTED: {SignUp.State.CONFIRMED, SignUp.State.CANCELLED},
    SignUp.State.NO_SHOW: {SignUp.State.ATTENDED},
    SignUp.State.ATTENDED: set(),
    SignUp.State.CANCELLED: set(),
}


def signup_move(signup: SignUp, to: str) -> None:
    if to not in SIGNUP_MOVES.get(signup.state, set()):
        raise TransitionRefused(
            _("This sign-up is %(state)s; it cannot become %(to)s.")
            % {"state": SignUp.State(signup.state).label, "to": SignUp.State(to).label}
        )
    signup.state = to
    signup.changed_at = timezone.now()


def activity_from_id(activity_id: int) -> Activity | None:
    return Activity.objects.select_related("community").filter(pk=activity_id).first()


def activity_lock(activity_id: int) -> Activity:
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise NotFound(_("No such activity here."))
    return activity
