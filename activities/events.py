"""Live seats on an activity page: `/ws/activities/<id>/`.

Each message is a whole snapshot (places left per shift, my own sign-ups) with
the activity's `version`, which grows with every seat change under the slot's
lock. A client keeps the highest version it has seen, so a late or repeated
message never rolls the page back, and a reconnect gets the current snapshot:
nothing is lost because nothing is incremental.
"""

from django.db.models import F

from activities.models import Activity, SignUp, Slot
from core.events import group_send_on_commit


def activity_group(activity_id: int) -> str:
    return f"activity-{int(activity_id)}"


def seats_changed(activity_id: int) -> None:
    """Bump the version (in the caller's transaction) and nudge the page's sockets
    once it commits."""
    Activity.objects.filter(pk=activity_id).update(version=F("version") + 1)
    group_send_on_commit(activity_group(activity_id), {"type": "seats.nudge"})


def seats_snapshot(activity_id: int, user_id: int | None) -> dict:
    version = Activity.objects.values_list("version", flat=True).get(pk=activity_id)
    slots = [
        {
            "id": s["pk"],
            "capacity": s["capacity"],
            "confirmed": s["confirmed"],
            "waitlisted": s["waitlisted"],
            "left": max(0, s["capacity"] - s["confirmed"]),
        }
        for s in Slot.objects.filter(activity_id=activity_id)
        .order_by("starts_at", "pk")
        .values("pk", "capacity", "confirmed", "waitlisted")
    ]
    mine = []
    if user_id is not None:
        mine = [
            {
                "id": s["pk"],
                "slot": s["slot_id"],
                "name": s["participant_name"],
                "state": s["state"],
            }
            for s in SignUp.objects.filter(activity_id=activity_id, user_id=user_id)
            .exclude(state=SignUp.State.CANCELLED)
            .order_by("pk")
            .values("pk", "slot_id", "participant_name", "state")
        ]
    return {
        "type": "activity.seats",
        "activity": activity_id,
        "version": version,
        "slots": slots,
        "mine": mine,
    }
