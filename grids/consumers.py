"""The live board: /ws/grids/<id>/[?after=<seq>].

Members of the grid and its staff are let in; everyone else is closed with 4403
as soon as the socket opens (core.consumers). The stream is read-only and ordered
by `seq`: the consumer never sends a seq twice, and if the channel layer dropped
or reordered events it fills the gap from BoardEvent before going on. A client that reconnects names
the last seq it applied in `?after=`; everything since is sent before any live
event. Too long an absence gets `{"type": "reset"}`: reload the feed instead.
"""

from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async

from core.consumers import (
    FORBIDDEN,
    RESUME_INVALID,
    SESSION_END,
    ReadOnlyStreamConsumer,
    seq_or_none,
)
from grids import permissions
from grids.events import BOARD_STREAM, board_group, event_for_viewer, event_message, skip_event
from grids.models import Grid
from grids.selectors.board import EVENTS_PER_RESUME, events_after, muted_ids
from grids.selectors.places import grid_for_reader
from residents.models import User

MAX_REPLAY = 1000  # events; beyond this a client reloads the feed rather than replaying
GROUP_MESSAGES = ("board.event", "access.check", SESSION_END)


class BoardConsumer(ReadOnlyStreamConsumer):
    event_stream = BOARD_STREAM

    async def connect(self) -> None:
        user = self.scope["user"]  # signed in: ReadOnlyStreamConsumer checked
        grid_id = int(self.scope["url_route"]["kwargs"]["grid_id"])
        self.group = board_group(grid_id)  # disconnect() leaves it, whatever happens next
        # Join first, then read the seq: nothing committed after the read is missed. A
        # refused socket is in the group only until its close; nothing reaches it
        # meanwhile (no handler runs during connect, none but disconnect after a close).
        await self.channel_layer.group_add(self.group, self.channel_name)
        admitted = await self.admit(user, grid_id)
        if admitted is None:
            await self.refuse(FORBIDDEN)
            return
        current, self.muted = admitted
        self.grid_id = grid_id
        self.user_id = user.pk
        await self.accept()
        await self.send_json({"type": "hello", "grid": grid_id, "seq": current})
        after = _after_param(self.scope)
        self.last_seq = current
        if after is not None and after < current:
            await self.replay_from(after, current)

    async def dispatch(self, message) -> None:
        """Messages sent to the whole group skip channels' per-message
        close_old_connections(): a thread hop per socket per event, most of a worker's
        fan-out time. This consumer reaches the database only through
        database_sync_to_async, which closes old connections around every call."""
        if message["type"] in GROUP_MESSAGES:
            await getattr(self, get_handler_name(message))(message)
            return
        await super().dispatch(message)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if content.get("type") != "resume":
            await super().receive_json(content)
            return
        after = seq_or_none(content.get("after"))
        if after is None:
            await self.refuse_message(RESUME_INVALID, "after: a seq >= 0")
            return
        # Events from `after` on are sent again, in order; a client applies only
        # seq == last applied + 1 (connecting with ?after= avoids the overlap).
        await self.replay_from(after, await self.current_seq())
        await self.send_json({"type": "resumed", "seq": self.last_seq})

    async def catch_up_after_outage(self) -> None:
        if hasattr(self, "last_seq"):
            await self.catch_up(until=None)

    async def replay_from(self, after: int, current: int) -> None:
        if current - after > MAX_REPLAY:
            self.last_seq = current
            await self.send_json({"type": "reset", "seq": current})
            return
        self.last_seq = after
        await self.catch_up(until=None)

    async def board_event(self, message) -> None:
        """A live event (grids.events.board_message): its text is sent as encoded once
        for every socket; a muted author's event becomes a skip, as in deliver()."""
        seq = message["seq"]
        if seq <= self.last_seq:
            return  # already sent (by a catch-up)
        if seq > self.last_seq + 1:
            await self.catch_up(until=seq - 1)
            if seq <= self.last_seq:
                return
        self.last_seq = seq
        if message["author"] in self.muted:
            await self.send_json(skip_event(seq))
        else:
            await self.send(text_data=message["text"])

    async def catch_up(self, *, until: int | None) -> None:
        """Send stored events after last_seq (up to `until`), in order."""
        while until is None or self.last_seq < until:
            rows = await self.stored_after(self.last_seq)
            if not rows:
                return
            for event in rows:
                if until is not None and event["seq"] > until:
                    return
                await self.deliver(event)
            if len(rows) < EVENTS_PER_RESUME:
                return

    async def deliver(self, event: dict) -> None:
        self.last_seq = event["seq"]
        # What muted members write is skipped; the seq still moves on.
        await self.send_json(event_for_viewer(event, muted=self.muted))

    async def access_check(self, message) -> None:
        """Someone left or was removed from the grid: if it is this socket's user, close."""
        if message["user_id"] != self.user_id:
            return
        if await self.authorise_again() is None:
            await self.close(code=FORBIDDEN)

    @database_sync_to_async
    def admit(self, user, grid_id: int) -> tuple[int, set[int]] | None:
        """A socket's start in one trip to the database thread (each trip is a thread hop
        and a connection check-out: the accept rate under a reconnect burst): the grid's
        seq if the user may watch its board, and the members they muted."""
        seq = _seq_if_allowed(user, grid_id)
        if seq is None:
            return None
        return seq, set(muted_ids(user).values_list("muted_id", flat=True))

    @database_sync_to_async
    def authorise_again(self) -> int | None:
        user = User.objects.filter(pk=self.user_id, is_active=True).first()
        return _seq_if_allowed(user, self.grid_id) if user is not None else None

    @database_sync_to_async
    def current_seq(self) -> int:
        return Grid.objects.values_list("board_seq", flat=True).get(pk=self.grid_id)

    @database_sync_to_async
    def stored_after(self, after: int) -> list[dict]:
        return [event_message(e) for e in events_after(grid_id=self.grid_id, after=after)]


def _seq_if_allowed(user: User, grid_id: int) -> int | None:
    """The grid's current seq if the user may watch its board, else None."""
    grid = grid_for_reader(grid_id, user)  # with the user's membership: one query for members
    if grid is None or not permissions.can_view_grid(user, grid):
        return None
    return grid.board_seq


def _after_param(scope) -> int | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin1")).get("after")
    if not values or not values[0].isdecimal() or not values[0].isascii():
        return None
    return int(values[0])
