"""Live seats on an activity page: `/ws/activities/<id>/`.

Each message is a whole snapshot (places left per shift, my own sign-ups) with
the activity's `version`, which grows with every seat change under the slot's
lock. A client keeps the highest version it has seen, so a late or repeated
message never rolls the page back, and a reconnect gets the current snapshot:
nothing is lost because nothing is incremental.
"""

from django.db.models import F

from activities.models import Activity, Reminder, SignUp, Slot
from core.event_schema import (
    array,
    choice,
    declare_event,
    declare_stream,
    error_fields,
    fields,
    integer,
    record,
    string,
    timestamp,
)
from core.events import group_send_on_commit
from residents.events import declare_me_event

ACTIVITY_STREAM = "activity"
declare_stream(
    ACTIVITY_STREAM,
    path="/ws/activities/<activity_id>/",
    description=(
        "Places left on an activity, live, for anyone who may see it: a whole snapshot on "
        'connect, after every seat change and on `{"type": "resume"}`. Keep the highest '
        "version seen. Read-only."
    ),
)
_places = integer("Places.", minimum=0)
declare_event(
    ACTIVITY_STREAM,
    "activity.seats",
    fields(
        {
            "activity": integer("The activity."),
            "version": integer("Grows with every seat change; ignore older ones.", minimum=0),
            "slots": array(
                record(
                    {
                        "id": integer("The shift."),
                        "capacity": integer("Its places.", minimum=0),
                        "confirmed": integer("Places taken.", minimum=0),
                        "waitlisted": integer("Waiting for a place.", minimum=0),
                        "left": integer(
                            "Places free (capacity - confirmed, never below 0).", minimum=0
                        ),
                    },
                    "One shift.",
                ),
                "Its shifts (slots), by start time.",
            ),
            "mine": array(
                record(
                    {
                        "id": integer("The sign-up."),
                        "slot": integer("Its shift."),
                        "name": string("Who takes part (the user or a household member)."),
                        "state": choice(SignUp.State.values, "Never cancelled here."),
                    },
                    "One sign-up.",
                ),
                "The user's own sign-ups, cancelled ones left out.",
            ),
        }
    ),
    "The activity's places now, and the user's own sign-ups.",
)
declare_event(
    ACTIVITY_STREAM,
    "error",
    error_fields(["read_only", "invalid_message"]),
    "A message from the client was refused; the stream goes on.",
)

# What activities tell a resident on their own stream (/ws/me/).
_activity = {"activity": integer("The activity."), "title": string("Its title.")}
declare_me_event(
    "activity.cancelled",
    "An activity the user signed up for was called off; the sign-up is cancelled.",
    {**_activity, "reason": string("The organiser's words; may be empty.", maxLength=200)},
)
declare_me_event(
    "signup.promoted",
    "A place came free: the user's waitlisted sign-up is now confirmed.",
    {
        **_activity,
        "signup": integer("The sign-up."),
        "name": string("Who takes part (the user or a household member)."),
        "starts_at": timestamp("When the activity starts."),
    },
)
declare_me_event(
    "activity.message",
    "The organiser wrote to everyone signed up.",
    {
        **_activity,
        "from": string("The organiser's display name."),
        "body": string("The message.", maxLength=500),
    },
)
declare_me_event(
    "activity.reminder",
    "An activity the user has a place in starts soon.",
    {
        **_activity,
        "place": string("Where."),
        "starts_at": timestamp("When it starts."),
        "when": choice(Reminder.Kind.values, "day: the day before; hour: an hour before."),
    },
)


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
