"""Personal live events on /ws/me/: written as Notification rows, then announced.

A row is the event and its per-user `seq` the stream position, so a socket
that was away asks for everything after the last seq it saw. The seq comes
from the user's NotificationStream row, locked until commit, so seq n+1 is
never visible before seq n. The channel-layer message is only a nudge ("look
again"), sent after the transaction commits.

Each app declares the events it puts on this stream with `declare_me_event`, in its
own `events.py`; these emitters check them against the declarations in tests.
"""

from collections.abc import Iterable
from typing import Any

from django.db import connection

from core.event_schema import (
    declare_event,
    declare_stream,
    error_fields,
    fields,
    integer,
    timestamp,
    validate_event,
    validating,
)
from core.events import group_send_on_commit
from residents.models import Notification, NotificationStream

SEQ_CHUNK = 1000

ME_STREAM = "me"
declare_stream(
    ME_STREAM,
    path="/ws/me/",
    description=(
        "The signed-in user's own stream: every event is stored first (GET "
        "/api/v1/me/notifications/ lists them) and numbered per user by `seq`. "
        'Connect with `?after=<seq>` or send `{"type": "resume", "after": seq}` to '
        "receive everything after `seq`, in order. Read-only."
    ),
)
_STORED = {
    "seq": integer("This user's stream position: one more than the event before.", minimum=1),
    "created_at": timestamp("When the event was stored (ISO 8601)."),
}


def declare_me_event(type: str, description: str, payload: dict[str, dict]) -> None:
    """Declare an event on the personal stream: `payload` are the fields the emitter sends
    besides `type`; each event also carries its `seq` and `created_at`."""
    declare_event(ME_STREAM, type, fields({**_STORED, **payload}), description)


declare_event(
    ME_STREAM,
    "hello",
    fields({"seq": integer("The latest seq of this user's stream (0: none yet).", minimum=0)}),
    "The first message after connecting; events after `?after=` follow it.",
)
declare_event(
    ME_STREAM,
    "reset",
    fields({"seq": integer("The latest seq of this user's stream.", minimum=0)}),
    "More than 1,000 events were missed (`?after=` or a resume too far back): read them "
    "from GET /api/v1/me/notifications/, then go on from `seq`.",
)
declare_event(
    ME_STREAM,
    "error",
    error_fields(["read_only", "resume_invalid", "invalid_message"]),
    "A message from the client was refused; the stream goes on.",
)


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
    if validating():
        validate_event(ME_STREAM, notification.as_event())
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
    if validating():
        template = Notification(user_id=0, seq=1, type=event["type"], payload=payload)
        validate_event(ME_STREAM, template.as_event())
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
