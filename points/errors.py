from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, NotAllowed, NotFound, ServiceError


class RewardInvalid(ServiceError):
    code = "reward_invalid"


class NotEnoughPoints(Conflict):
    code = "points_not_enough"

    def __init__(self, balance: int, cost: int):
        super().__init__(
            _("You have %(balance)d points; this needs %(cost)d.")
            % {"balance": balance, "cost": cost}
        )


class RewardUnavailable(Conflict):
    code = "reward_unavailable"


__all__ = [
    "Conflict",
    "NotAllowed",
    "NotEnoughPoints",
    "NotFound",
    "RewardInvalid",
    "RewardUnavailable",
    "ServiceError",
]
