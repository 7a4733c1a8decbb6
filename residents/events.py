"""Personal live events on /ws/me/: written as Notification rows, then announced.

A row is the event and its per-user `seq` the stream position, so a socket
that was away asks for everything after the last seq it saw. The seq comes
from the user's NotificationStream row, locked until commit, so seq n+1 is
never visible before seq n. The channel-layer message is only a nudge ("look
again"), sent after the transaction commits.
"""

from collections.abc import Iterable
from typing import Any

from django.db import connection

from core.events import group_send_on_commit
from residents.models import Notification, NotificationStream

SEQ_CHUNK = 1000


def user_group(user_id: int) -> str:
    return f"user-{int(user_id)}"


def _nudge_on_commit(groups: list[str]) -> None:
    group_send_on_commit(groups, {"type": "stream.nudge"})


def next_seqs(user_ids: Iterable[int]) -> dict[int, int]:
    """Take the next stream seq of each user: one upsert per thousand users, in id order
    (a fixed lock order, so two writers never deadlock)."""
    table = connection.ops.quote_name(NotificationStream._meta.db_table)
    ids = sorted(set(user_ids))
    seqs: dict[int, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(ids), SEQ_CHUNK):
            chunk = ids[start : start + SEQ_CHUNK]
            rows = ", ".join(["(%s, 1)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (user_id, seq) VALUES {rows} "
                f"ON CONFLICT (user_id) DO UPDATE SET seq = {table}.seq + 1 "
                "RETURNING user_id, seq",
                chunk,
            )
            seqs.update(cursor.fetchall())
    return seqs


def user_event_send_on_commit(*, user_id: int, event: dict[str, Any]) -> Notification:
    """Record `event` (a JSON-able dict with a `type`) for one user and nudge their sockets."""
    payload = {k: v for k, v in event.items() if k != "type"}
    notification = Notification.objects.create(
        user_id=user_id, seq=next_seqs([user_id])[user_id], type=event["type"], payload=payload
    )
    _nudge_on_commit([user_group(user_id)])
    return notification


def users_event_send_on_commit(
    *, user_ids: Iterable[int], event: dict[str, Any], nudge_groups: list[str]
) -> int:
    """The same event for many users (a notice to a grid), in a few statements.

    Nudging thousands of personal groups would cost a message each, so the
    caller names the few shared groups those users' sockets listen on (see
    the ME_STREAM_GROUPS setting).
    """
    payload = {k: v for k, v in event.items() if k != "type"}
    seqs = next_seqs(user_ids)
    Notification.objects.bulk_create(
        (
            Notification(user_id=uid, seq=seq, type=event["type"], payload=payload)
            for uid, seq in seqs.items()
        ),
        batch_size=2000,
    )
    _nudge_on_commit(nudge_groups)
    return len(seqs)
