"""Personal live events on /ws/me/: written as Notification rows, then announced.

A row is the event and its id the stream position, so a socket that was away
asks for everything after the last id it saw. The channel-layer message is
only a nudge ("look again"), sent after the transaction commits.
"""

from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from residents.models import Notification


def user_group(user_id: int) -> str:
    return f"user-{int(user_id)}"


def _nudge_on_commit(groups: list[str]) -> None:
    def send() -> None:
        layer = get_channel_layer()
        for group in groups:
            async_to_sync(layer.group_send)(group, {"type": "stream.nudge"})

    transaction.on_commit(send, robust=True)


def user_event_send_on_commit(*, user_id: int, event: dict[str, Any]) -> Notification:
    """Record `event` (a JSON-able dict with a `type`) for one user and nudge their sockets."""
    payload = {k: v for k, v in event.items() if k != "type"}
    notification = Notification.objects.create(user_id=user_id, type=event["type"], payload=payload)
    _nudge_on_commit([user_group(user_id)])
    return notification


def users_event_send_on_commit(
    *, user_ids: Iterable[int], event: dict[str, Any], nudge_groups: list[str]
) -> int:
    """The same event for many users (a notice to a grid), in one INSERT.

    Nudging thousands of personal groups would cost a message each, so the
    caller names the few shared groups those users' sockets listen on (see
    the ME_STREAM_GROUPS setting).
    """
    payload = {k: v for k, v in event.items() if k != "type"}
    rows = [Notification(user_id=uid, type=event["type"], payload=payload) for uid in user_ids]
    Notification.objects.bulk_create(rows, batch_size=2000)
    _nudge_on_commit(nudge_groups)
    return len(rows)
