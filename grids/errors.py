from django.utils.translation import gettext_lazy as _

from residents.errors import Conflict, NotAllowed, NotFound, ServiceError


class JoinCodeInvalid(ServiceError):
    status = 404
    code = "grid_join_code_invalid"

    def __init__(self):
        super().__init__(
            _(
                "This join code is not valid. It may have been replaced: "
                "scan the QR code on your building's notice board or ask your grid worker."
            )
        )


class MicroGridInvalid(ServiceError):
    code = "micro_grid_invalid"

    def __init__(self):
        super().__init__(_("Please choose your building from this grid's list."))


class MembershipClosed(Conflict):
    code = "membership_closed"

    def __init__(self):
        super().__init__(_("This resident no longer lives in this grid."))


class OutOfScope(NotFound):
    """Outside the actor's scope a thing does not exist for them (no probing by id)."""

    def __init__(self):
        super().__init__(_("Not found, or not in a grid you serve."))


class RoleInvalid(ServiceError):
    code = "role_invalid"


__all__ = [
    "JoinCodeInvalid",
    "MembershipClosed",
    "MicroGridInvalid",
    "NotAllowed",
    "NotFound",
    "OutOfScope",
    "RoleInvalid",
]
