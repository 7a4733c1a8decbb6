from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, NotAllowed, NotFound, ServiceError


class ActivityInvalid(ServiceError):
    code = "activity_invalid"


class SignUpRefused(Conflict):
    """The sign-up is well-formed but cannot be taken now (full, closed, already in)."""

    code = "signup_refused"


class ActivityFull(Conflict):
    code = "activity_full"

    def __init__(self):
        super().__init__(_("All places are taken and this activity keeps no waitlist."))


class TransitionRefused(Conflict):
    code = "signup_state"


class CheckInRefused(ServiceError):
    code = "checkin_refused"


__all__ = [
    "ActivityFull",
    "ActivityInvalid",
    "CheckInRefused",
    "NotAllowed",
    "NotFound",
    "SignUpRefused",
    "TransitionRefused",
]
