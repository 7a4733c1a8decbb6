from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, NotAllowed, NotFound, ServiceError


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


class PostInvalid(ServiceError):
    code = "post_invalid"


class CommentInvalid(ServiceError):
    code = "comment_invalid"


class FlagInvalid(ServiceError):
    code = "flag_invalid"


class FlagDuplicate(Conflict):
    code = "flag_duplicate"

    def __init__(self):
        super().__init__(_("You have already reported this. Grid staff will review it."))


class NoticeInvalid(ServiceError):
    code = "notice_invalid"


class NoticePermanent(Conflict):
    """三务公开 notices stay on record: they can be superseded, never withdrawn."""

    code = "notice_permanent"

    def __init__(self):
        super().__init__(
            _(
                "An affairs disclosure cannot be withdrawn. "
                "Publish a corrected version to supersede it."
            )
        )


class NoticeSuperseded(Conflict):
    code = "notice_superseded"

    def __init__(self):
        super().__init__(_("This notice has already been replaced by a newer version."))


__all__ = [
    "CommentInvalid",
    "FlagDuplicate",
    "FlagInvalid",
    "JoinCodeInvalid",
    "MembershipClosed",
    "MicroGridInvalid",
    "NotAllowed",
    "NotFound",
    "NoticeInvalid",
    "NoticePermanent",
    "NoticeSuperseded",
    "OutOfScope",
    "PostInvalid",
    "RoleInvalid",
]
