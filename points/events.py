"""Points events on the owner's personal stream (/ws/me/): a credit and a correction."""

from core.event_schema import integer, string
from points.models import PointsEntry
from residents.events import declare_me_event, user_event_send_on_commit

POINTS_EARNED = "points.earned"
POINTS_CORRECTED = "points.corrected"

_balance = integer("The user's balance after this entry.", minimum=0)
_reason = string("Why, in words for the user.")
declare_me_event(
    POINTS_EARNED,
    "The user was credited points (a shift attended, a handover given).",
    {"amount": integer("Points added.", minimum=1), "balance": _balance, "reason": _reason},
)
declare_me_event(
    POINTS_CORRECTED,
    "Staff reversed an entry of the user's points.",
    {
        "amount": integer("Points added (negative: taken away)."),
        "balance": _balance,
        "reason": _reason,
    },
)


def points_changed(entry: PointsEntry, *, type: str) -> None:
    """Tell the owner what moved their balance, once the entry commits."""
    user_event_send_on_commit(
        user_id=entry.user_id,
        event={
            "type": type,
            "amount": entry.amount,
            "balance": entry.balance_after,
            "reason": entry.reason,
        },
    )
