"""Live events of a grid's board: numbered, stored, then broadcast after commit.

`board_event_emit` takes the next `seq` of the grid with one
`UPDATE … RETURNING`, which row-locks the grid until the transaction ends:
two writers on one board therefore commit in seq order, and a reader of
`BoardEvent` never sees seq 7 committed before seq 6. The broadcast itself may
still arrive out of order or not at all (the channel layer is at-most-once);
the consumer fills any gap from the table.

Every message the board sends, and what grids tells residents on their own
stream, is declared here (core.event_schema); emitters check against it in tests.
"""

import json
from typing import Any

from django.db import connection, transaction

from core.event_schema import (
    array,
    boolean,
    choice,
    declare_event,
    declare_stream,
    error_fields,
    fields,
    integer,
    nullable,
    record,
    string,
    timestamp,
    validate_event,
    validating,
)
from core.events import group_send_on_commit
from grids.models import BoardEvent, Grid, Notice, PostKind, Reaction, Role
from residents.events import declare_me_event

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

BOARD_STREAM = "board"
declare_stream(
    BOARD_STREAM,
    path="/ws/grids/<grid_id>/",
    description=(
        "A grid's board, live, for its members and staff. Events are stored and numbered "
        "per grid by `seq`; a client applies only seq == last applied + 1. Connect with "
        '`?after=<seq>` (or send `{"type": "resume", "after": seq}`) to get what it '
        "missed; GET /api/v1/grids/<grid_id>/events/?after=<seq> returns the same events. "
        "Read-only."
    ),
)

_author = record(
    {
        "id": integer("The author's user id."),
        "display_name": string("The name the author chose to show."),
        "role": choice(["", *Role.values], "The badge shown beside the name; empty: none."),
        "building": nullable(string("The author's building (楼栋); null: not given here.")),
    },
    "Who wrote it.",
)
_comment = record(
    {
        "id": integer("The comment's id."),
        "post": integer("The post it belongs to."),
        "author": _author,
        "body": string("The text."),
        "reply_to": nullable(
            record(
                {
                    "id": integer("The comment answered."),
                    "author_name": string("Its author's display name."),
                },
                "The comment this one answers; null: it answers the post.",
            )
        ),
        "created_at": timestamp("When it was written."),
    },
    "A comment, as in the feed.",
)
_post = record(
    {
        "id": integer("The post's id."),
        "grid": integer("The grid whose board shows it."),
        "kind": choice(PostKind.values, "What kind of post it is."),
        "author": _author,
        "body": string("The text (a notice's title for notices)."),
        "photos": array(
            record(
                {
                    "url": string("The re-encoded photo."),
                    "thumb_url": string("Its thumbnail."),
                    "width": integer("Pixels."),
                    "height": integer("Pixels."),
                },
                "One photo.",
            ),
            "Its photos, in order (at most 9).",
        ),
        "comment_count": integer("Visible comments.", minimum=0),
        "comments": array(
            _comment, "Always empty in events: comments travel as events of their own."
        ),
        "reactions": {
            "type": "object",
            "propertyNames": {"enum": Reaction.values},
            "additionalProperties": {"type": "integer", "minimum": 1},
            "description": "How many gave each reaction (absent: none).",
        },
        "my_reactions": array(
            choice(Reaction.values, "A reaction."),
            "Always empty in events (they go to everyone); the feed fills it per viewer.",
        ),
        "notice": nullable(
            record(
                {
                    "id": integer("The notice's id."),
                    "title": string("Its title."),
                    "category": choice(Notice.Category.values, "general or affairs (三务公开)."),
                    "pinned": boolean("Whether it is pinned on top of the board now."),
                    "pinned_until": nullable(timestamp("When the pin ends; null: no pin.")),
                    "superseded_by": nullable(
                        integer("The notice that corrects this one; null: none.")
                    ),
                },
                "For notices (kind notice): the notice; null for other posts.",
            )
        ),
        "ref": nullable(
            record(
                {
                    "type": string("What the card shows, e.g. aid.need, aid.offer, activity."),
                    "id": nullable(integer("That object's id.")),
                    "state": string("That object's state, e.g. fulfilled, cancelled."),
                },
                "For cards of another app's object; null for other posts.",
            )
        ),
        "created_at": timestamp("When it was posted."),
        "edited_at": nullable(timestamp("When its text last changed; null: never.")),
    },
    "The post, as in the feed.",
)
_stored = {
    "seq": integer("The board's stream position: one more than the event before.", minimum=1),
    "grid": integer("The grid whose board this is."),
}
_post_id = integer("The post concerned.")


def _declare_board_event(type: str, description: str, payload: dict[str, dict]) -> None:
    declare_event(BOARD_STREAM, type, fields({**_stored, **payload}), description)


_declare_board_event(POST_CREATED, "A post (or a card) appeared on the board.", {"post": _post})
_declare_board_event(
    POST_UPDATED,
    "A post changed (edited, its card's state moved, restored by moderation): replace it, "
    "or insert it if missing.",
    {"post": _post},
)
_declare_board_event(
    POST_REMOVED,
    "A post left the board (deleted, hidden, withdrawn): drop it. Earlier events of the post "
    "are replayed as this too.",
    {"post_id": _post_id},
)
_declare_board_event(
    COMMENT_CREATED,
    "A comment on a post.",
    {
        "post_id": _post_id,
        "comment_count": integer("The post's visible comments now.", minimum=0),
        "comment": _comment,
    },
)
_declare_board_event(
    COMMENT_REMOVED,
    "A comment left the board (deleted or hidden). Its creation is replayed as this too.",
    {
        "post_id": _post_id,
        "comment_id": integer("The comment removed."),
        "comment_count": integer("The post's visible comments now.", minimum=0),
    },
)
_declare_board_event(
    REACTION_CHANGED,
    "Someone gave or took back a reaction.",
    {
        "post_id": _post_id,
        "reactions": _post["properties"]["reactions"],
        "user_id": integer("Who reacted."),
        "reaction": choice(Reaction.values, "The reaction given or taken back."),
        "on": boolean("true: given; false: taken back."),
    },
)
_declare_board_event(
    NOTICE_PUBLISHED, "A cadre's notice was published to this grid.", {"post": _post}
)
_declare_board_event(
    NOTICE_UPDATED,
    "A notice changed (unpinned, or superseded by a corrected version): replace it.",
    {"post": _post},
)
declare_event(
    BOARD_STREAM,
    "hello",
    fields(
        {
            "grid": integer("The grid whose board this is."),
            "seq": integer("The board's latest seq (0: no events yet).", minimum=0),
        }
    ),
    "The first message after connecting; events after `?after=` follow it.",
)
declare_event(
    BOARD_STREAM,
    "skip",
    fields({"seq": integer("The seq skipped.", minimum=1)}),
    "An event by someone this user muted: the seq moves on, nothing to show.",
)
declare_event(
    BOARD_STREAM,
    "reset",
    fields({"seq": integer("The board's latest seq.", minimum=0)}),
    "Too much was missed to replay: reload the feed, then go on from `seq`.",
)
declare_event(
    BOARD_STREAM,
    "resumed",
    fields({"seq": integer("The last seq sent by the replay.", minimum=0)}),
    "A `resume` request's replay is complete.",
)
declare_event(
    BOARD_STREAM,
    "error",
    error_fields(["read_only", "resume_invalid", "invalid_message"]),
    "A message from the client was refused; the stream goes on.",
)

# What grids tells a resident on their own stream (/ws/me/).
_grid = integer("The grid concerned.")
declare_me_event(
    "notice.for_me",
    "A notice was published to a grid the user belongs to.",
    {
        "notice_id": integer("The notice."),
        "title": string("Its title."),
        "category": choice(Notice.Category.values, "general or affairs (三务公开)."),
    },
)
_reply = {
    "grid": _grid,
    "post_id": _post_id,
    "comment_id": integer("The new comment."),
    "by": string("Its author's display name."),
    "excerpt": string("Its first 60 characters.", maxLength=60),
}
declare_me_event("reply.post", "Someone commented on the user's post.", _reply)
declare_me_event("reply.comment", "Someone answered the user's comment.", _reply)
declare_me_event(
    "moderation.warned",
    "Grid staff warned the user about a post or comment.",
    {
        "grid": _grid,
        "post_id": integer("The post concerned (or the post of the comment)."),
        "reason": string("The staff's words; may be empty."),
    },
)
declare_me_event(
    "membership.joined",
    "The user joined a grid (or moved building).",
    {"grid": _grid, "micro_grid": integer("The building joined.")},
)
declare_me_event(
    "membership.verified", "Grid staff confirmed the user lives there.", {"grid": _grid}
)
declare_me_event("membership.removed", "Grid staff removed the user from a grid.", {"grid": _grid})
declare_me_event(
    "role.granted",
    "The user was given a role in a community.",
    {"role": choice(Role.values, "The role given.")},
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
    message = event_message(event)
    if validating():
        validate_event(BOARD_STREAM, message)
    group_send_on_commit(board_group(grid_id), board_message(message))
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
