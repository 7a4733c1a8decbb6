"""Refusals of family help, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, NotAllowed, NotFound, ServiceError


class PhoneInvalid(ServiceError):
    code = "family_phone_invalid"


class NotYourself(ServiceError):
    code = "family_not_yourself"

    def __init__(self):
        super().__init__(_("This is your own number. Type the number of the person you help."))


class AlreadyHelping(Conflict):
    code = "family_already_helping"

    def __init__(self):
        super().__init__(_("You can already act for this person."))


class CodeWrong(ServiceError):
    code = "family_code_wrong"


class CodeLocked(Conflict):
    code = "family_code_locked"

    def __init__(self):
        super().__init__(
            _(
                "The code was typed wrong 5 times, so this request is locked. "
                "Ask again, or ask the grid worker to confirm in person."
            )
        )


class RequestClosed(Conflict):
    code = "family_request_closed"

    def __init__(self):
        super().__init__(_("This request has already been answered or has run out."))


class GrantEnded(Conflict):
    code = "family_grant_ended"

    def __init__(self):
        super().__init__(_("This family help has already ended."))


class NameInvalid(ServiceError):
    code = "family_name_invalid"

    def __init__(self):
        super().__init__(_("Give a name of up to 30 characters."))


class ActingRefused(NotAllowed):
    code = "family_acting_refused"


class RequestNotFound(NotFound):
    code = "not_found"

    def __init__(self):
        super().__init__(_("Not found."))
