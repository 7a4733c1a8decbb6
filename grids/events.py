"""Live events of a grid's board: numbered, stored, then broadcast after commit.

`board_event_emit` takes the next `seq` of the grid with one
`UPDATE … RETURNING`, which row-locks the grid until the transaction ends:
two writers on one board therefore commit in seq order, and a reader of
`BoardEvent` never sees seq 7 committed before seq 6. The broadcast itself may
still arrive out of order or not at all (the channel layer is at-most-once);
the consumer fills any gap from the table.
"""

import json
from typing import Any

from django.db import connection, transaction

from core.events import group_send_on_commit
from grids.models import BoardEvent, Grid

POST_CREATED = "post.created"
POST_UPDATED = "post.updated"
POST_REMOVED = "post.removed"
COMMENT_CREATED = "comment.created"
COMMENT_REMOVED = "comment.removed"
REACTION_CHANGED = "reaction.changed"
NOTICE_PUBLISHED = "notice.published"
NOTICE_UPDATED = "notice.updated"

EVENT_TYPES = (
    POST_CREATED,
    POST_UPDATED,
    POST_REMOVED,
    COMMENT_CREATED,
    COMMENT_REMOVED,
    REACTION_CHANGED,
    NOTICE_PUBLISHED,
    NOTICE_UPDATED,
)


def board_group(grid_id: int) -> str:
    return f"grid-{int(grid_id)}"


def next_seq(grid_id: int) -> int:
    table = connection.ops.quote_name(Grid._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET board_seq = board_seq + 1 WHERE id = %s RETURNING board_seq",
            [grid_id],
        )
        return cursor.fetchone()[0]


def board_event_emit(*, grid_id: int, type: str, payload: dict[str, Any]) -> BoardEvent:
    """Store the event with the grid's next seq and broadcast it once committed.

    Call it last in a service's transaction: the grid row stays locked from
    here to the commit.
    """
    assert type in EVENT_TYPES, type
    assert transaction.get_connection().in_atomic_block, "board events belong in a transaction"
    post_id = payload["post"]["id"] if "post" in payload else payload.get("post_id")
    event = BoardEvent.objects.create(
        grid_id=grid_id, seq=next_seq(grid_id), type=type, payload=payload, post_id=post_id
    )
    group_send_on_commit(board_group(grid_id), board_message(event_message(event)))
    return event


def board_access_check_on_commit(*, grid_id: int, user_id: int) -> None:
    """A member left the grid: their open board sockets re-check and close if now outside."""

    group_send_on_commit(board_group(grid_id), {"type": "access.check", "user_id": user_id})


def event_message(event: BoardEvent) -> dict[str, Any]:
    return {"type": event.type, "seq": event.seq, "grid": event.grid_id, **event.payload}


def board_message(event: dict[str, Any]) -> dict[str, Any]:
    """The channel-layer message for one event: its JSON text, encoded once for every
    socket, plus what a consumer needs without decoding it (the seq, and the author for
    mutes)."""
    return {
        "type": "board.event",
        "seq": event["seq"],
        "author": event_author_id(event),
        "text": json.dumps(event),
    }


def board_events_rewrite(*, grid_id: int, post_id: int, payload: dict[str, Any]) -> None:
    """An edited post: its earlier events carry the new words, not the old ones."""
    BoardEvent.objects.filter(
        grid_id=grid_id,
        post_id=post_id,
        type__in=(POST_CREATED, POST_UPDATED, NOTICE_PUBLISHED, NOTICE_UPDATED),
    ).update(payload=payload)


def board_events_redact(*, grid_id: int, post_id: int, comment_id: int | None = None) -> None:
    """A post or comment taken down leaves the replay log too: its earlier events
    become removals, so no reconnecting client is sent words nobody may read now."""
    events = BoardEvent.objects.filter(grid_id=grid_id, post_id=post_id)
    if comment_id is None:
        events.exclude(type=POST_REMOVED).update(type=POST_REMOVED, payload={"post_id": post_id})
        return
    for event in events.filter(type=COMMENT_CREATED):
        if event.payload.get("comment", {}).get("id") == comment_id:
            event.type = COMMENT_REMOVED
            event.payload = {
                "post_id": post_id,
                "comment_id": comment_id,
                "comment_count": event.payload.get("comment_count"),
            }
            event.save(update_fields=["type", "payload"])


AUTHORED = (POST_CREATED, POST_UPDATED, NOTICE_PUBLISHED, NOTICE_UPDATED)


def event_author_id(event: dict[str, Any]) -> int | None:
    """Who wrote what the event carries (for mutes): the post's or the comment's author."""
    if event["type"] in AUTHORED and event.get("post"):
        return event["post"]["author"]["id"]
    if event["type"] == COMMENT_CREATED:
        return event["comment"]["author"]["id"]
    return None


def event_for_viewer(event: dict[str, Any], *, muted: set[int]) -> dict[str, Any]:
    """What a viewer is sent: a muted member's words become a bare `skip` of that seq."""
    if event_author_id(event) in muted:
        return skip_event(event["seq"])
    return event


def skip_event(seq: int) -> dict[str, Any]:
    return {"type": "skip", "seq": seq}
