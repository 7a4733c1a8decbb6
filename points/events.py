"""Points events on the owner's personal stream (/ws/me/): a credit and a correction."""

from points.models import PointsEntry
from residents.events import user_event_send_on_commit

POINTS_EARNED = "points.earned"
POINTS_CORRECTED = "points.corrected"


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
