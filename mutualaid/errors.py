from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, NotAllowed, NotFound, ServiceError


class AidInvalid(ServiceError):
    code = "aid_invalid"


class NoHomeGrid(ServiceError):
    status = 403
    code = "aid_no_home_grid"

    def __init__(self):
        super().__init__(
            _("Join your grid first (scan the QR code on your building), then ask or offer help.")
        )


class ClaimOverQuantity(Conflict):
    code = "claim_over_quantity"

    def __init__(self, available: int):
        super().__init__(
            _("Only %(n)d left: someone was quicker. Ask for %(n)d or fewer, or try another offer.")
            % {"n": available}
        )


class NeedOverQuantity(Conflict):
    code = "need_over_quantity"

    def __init__(self, remaining: int):
        super().__init__(
            _("This need only lacks %(n)d now. Give %(n)d or fewer.") % {"n": remaining}
        )


class TransitionRefused(Conflict):
    """Every state change goes through one function; anything else is refused here."""

    code = "aid_state"


class CampaignInvalid(ServiceError):
    code = "campaign_invalid"


class CampaignClosed(Conflict):
    code = "campaign_closed"

    def __init__(self):
        super().__init__(_("This campaign has ended; it can no longer be changed or joined."))


class HandoverCodeWrong(ServiceError):
    code = "handover_code_wrong"

    def __init__(self):
        super().__init__(_("That code does not match. Ask your neighbour to show theirs again."))


class HandoverCodeInvalid(ServiceError):
    """Not six digits: refused before it is compared, and not counted as a try."""

    code = "handover_code_invalid"

    def __init__(self):
        super().__init__(_("The handover code is six digits (0-9)."))


class HandoverCodeLocked(Conflict):
    code = "handover_code_locked"

    def __init__(self):
        super().__init__(
            _(
                "This code is locked after 5 wrong tries. Ask your neighbour to issue a new "
                "code on the claim page, or both tap “received” and “handed over”."
            )
        )


__all__ = [
    "AidInvalid",
    "CampaignClosed",
    "CampaignInvalid",
    "ClaimOverQuantity",
    "HandoverCodeInvalid",
    "HandoverCodeLocked",
    "HandoverCodeWrong",
    "NeedOverQuantity",
    "NoHomeGrid",
    "NotAllowed",
    "NotFound",
    "TransitionRefused",
]
