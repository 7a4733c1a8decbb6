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


__all__ = [
    "AidInvalid",
    "CampaignClosed",
    "CampaignInvalid",
    "ClaimOverQuantity",
    "HandoverCodeWrong",
    "NeedOverQuantity",
    "NoHomeGrid",
    "NotAllowed",
    "NotFound",
    "TransitionRefused",
]
