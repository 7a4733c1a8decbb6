"""Personal live events on /ws/me/, sent only after the transaction commits."""

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def user_group(user_id: int) -> str:
    return f"user-{int(user_id)}"


def user_event_send_on_commit(*, user_id: int, event: dict[str, Any]) -> None:
    """Queue `event` (a JSON-able dict with a `type`) for the user's sockets."""

    def send() -> None:
        async_to_sync(get_channel_layer().group_send)(
            user_group(user_id), {"type": "user.event", "event": event}
        )

    transaction.on_commit(send)
