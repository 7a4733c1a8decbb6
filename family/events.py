"""What family help tells a resident on their own stream (/ws/me/)."""

from core.event_schema import integer, string
from residents.events import declare_me_event, user_event_send_on_commit

declare_me_event(
    "family.requested",
    "Someone asked to act for the user; they can agree on the family page.",
    {"request_id": integer("The request."), "by": string("The asker's display name.")},
)
declare_me_event(
    "family.granted",
    "Someone may now act for the user.",
    {"grant_id": integer("The family help."), "by": string("The helper's display name.")},
)
declare_me_event(
    "family.acted",
    "Someone acting for the user did something in their name.",
    {
        "grant_id": integer("The family help."),
        "action_id": integer("The recorded action."),
        "by": string("The helper's display name."),
        "label": string("What was done, in plain words."),
    },
)
declare_me_event(
    "family.revoked",
    "A family help of the user's ended.",
    {"grant_id": integer("The family help."), "by": string("Who ended it.")},
)


def family_event_emit(*, user_id: int, event: dict) -> None:
    user_event_send_on_commit(user_id=user_id, event=event)
