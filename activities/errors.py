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


class CheckInCodeInvalid(CheckInRefused):
    """Not a code the door QR could show: refused before it is compared, not counted."""

    code = "checkin_code_invalid"

    def __init__(self):
        super().__init__(_("This is not a check-in code. Scan the code on screen again."))


class CheckInLocked(CheckInRefused):
    code = "checkin_locked"
    status = 409

    def __init__(self):
        super().__init__(
            _(
                "Check-in by code is locked for you after 5 wrong codes. Ask the organiser "
                "to tick your name on the list."
            )
        )


__all__ = [
    "ActivityFull",
    "ActivityInvalid",
    "CheckInCodeInvalid",
    "CheckInLocked",
    "CheckInRefused",
    "NotAllowed",
    "NotFound",
    "SignUpRefused",
    "TransitionRefused",
]
