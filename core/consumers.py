"""What every WebSocket stream shares: refusals a client can read, a bound on what a
client may send, and the end of a socket when its session logs out.

- A refused socket is accepted, then closed with a code a client can act on (an
  HTTP 403 at the handshake carries none): `NOT_LOGGED_IN` 4401 and `FORBIDDEN` 4403
  are final (static/js/live.js stops retrying), `GONE` 4404 means the thing watched
  no longer exists. A foreign Origin stays a handshake refusal (core.websocket).
- The streams are read-only, so a client only ever sends small JSON objects
  (`{"type": "resume", "after": n}`). A frame that is binary, not JSON, not an object,
  longer than `MAX_FRAME_CHARS` or nested deeper than `MAX_DEPTH` is answered with
  `{"type": "error", "code": "invalid_message"}`; nothing is raised or logged. After
  `MAX_REFUSED` refused messages the socket is closed with `TOO_MANY_REFUSED` 4400,
  which a client may retry (it is not final).
- After a Redis outage the layer sends each socket `layer.recovered`
  (core.channel_layer) and the stream catches up from the database
  (each stream's `catch_up_after_outage`).
- One task per source: the client's frames and the channel layer's messages are each
  awaited by a task of their own for the socket's whole life, and dispatched one at a
  time (`pump_messages`), instead of channels' `await_many_dispatch`, which makes a new
  task and an `asyncio.wait` for every message: with a live board's event delivered to
  every socket, that bookkeeping was a third of a worker's CPU per socket per event
  (111 → 73 µs, benchmarks/README.md).
- A socket that falls CHANNELS_SOCKET_QUEUE messages behind (a stalled client) is
  closed with `SLOW_CLIENT` 4408 (core.channel_layer): its client reconnects with
  `?after=` and catches up from the database, so a worker's memory stays bounded.
- Once a stream has sent its close, it handles nothing but the client's disconnect:
  channel-layer messages queued behind the close (after a 4408, the events that
  overflowed the queue) are dropped instead of caught up from the database and sent
  after the close, which uvicorn refuses with a RuntimeError (benchmarks/sockets.py).
- Each socket joins its session's group; logging out (Django's `user_logged_out`,
  which allauth's logout, headless included, sends) closes that session's sockets
  with 4401. Other sessions of the same person are left alone.
"""

import asyncio
import contextlib
import functools
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer

from core.event_schema import DeclaredStreamMixin
from core.events import group_send_on_commit

NOT_LOGGED_IN = 4401
FORBIDDEN = 4403
GONE = 4404
TOO_MANY_REFUSED = 4400
SLOW_CLIENT = 4408

MAX_FRAME_CHARS = 4096
MAX_DEPTH = 4
MAX_REFUSED = 5
MAX_SEQ = 2**63 - 1  # a bigint: the largest position a client can name

INVALID_MESSAGE = "invalid_message"
READ_ONLY = "read_only"
RESUME_INVALID = "resume_invalid"
SESSION_END = "session.end"


def session_group(session_key: str) -> str:
    """The channel-layer group of one login session. The key is hashed: group names
    travel through Redis, and a session key is a credential."""
    return "session-" + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def scope_session_key(scope) -> str | None:
    """The session a socket was authenticated by: an app's X-Session-Token (put in
    scope by core.websocket.SessionTokenAuthMiddleware) or the browser's cookie."""
    if scope.get("session_key"):
        return scope["session_key"]
    session = scope.get("session")
    return getattr(session, "session_key", None) if session is not None else None


def session_sockets_close(*, session_key: str) -> None:
    """Close every socket of this session (after the current transaction commits)."""
    group_send_on_commit(session_group(session_key), {"type": SESSION_END})


def on_logout(sender, request=None, user=None, **kwargs) -> None:
    """`user_logged_out` receiver: the session being ended loses its sockets."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        session_sockets_close(session_key=key)


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON `text`, counted without parsing it
    (so a frame of ten thousand brackets never reaches the recursive parser)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_frame(text: str | None) -> dict[str, Any] | None:
    """The JSON object a text frame holds, or None if it is anything else."""
    if text is None or len(text) > MAX_FRAME_CHARS or nesting_depth(text) > MAX_DEPTH:
        return None
    try:
        content = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return content if isinstance(content, dict) else None


def seq_or_none(value: Any) -> int | None:
    """A stream position a client named (`after`): an int from 0 to MAX_SEQ, else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEQ:
        return None
    return value


async def pump_messages(
    sources: list[Callable[[], Awaitable[dict]]], dispatch: Callable[[dict], Awaitable[None]]
) -> None:
    """Await every source in a task of its own and dispatch what each yields, one message
    at a time across all sources (a lock: handlers never interleave, as with channels'
    `await_many_dispatch`). Returns or raises when a dispatch does (StopConsumer ends
    the socket); the other tasks are cancelled, so the channel layer's receive cleans up
    as it does under channels."""
    lock = asyncio.Lock()

    async def pump(source: Callable[[], Awaitable[dict]]) -> None:
        while True:
            message = await source()
            async with lock:
                await dispatch(message)

    tasks = [asyncio.ensure_future(pump(source)) for source in sources]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class ReadOnlyStreamConsumer(DeclaredStreamMixin, AsyncJsonWebsocketConsumer):
    """The base of every stream: `connect` runs only for a signed-in user whose socket has
    joined its session's group; subclasses implement `receive_json` for the objects a
    client may send and answer anything else with `refuse_message`."""

    refused = 0
    closed = False  # the close has been sent: nothing more goes out

    async def __call__(self, scope, receive, send) -> None:
        """channels' AsyncConsumer.__call__, with `pump_messages` for its dispatch loop."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        sources = [receive]
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            self.channel_receive = functools.partial(self.channel_layer.receive, self.channel_name)
            sources.append(self.channel_receive)
        self.base_send = send
        with contextlib.suppress(StopConsumer):
            await pump_messages(sources, self.dispatch_until_closed)

    async def dispatch_until_closed(self, message) -> None:
        """Dispatch, except what arrives once the close is sent (only the disconnect)."""
        if self.closed and message["type"] != "websocket.disconnect":
            return
        await self.dispatch(message)

    async def close(self, code=None, reason=None) -> None:
        self.closed = True
        await super().close(code=code, reason=reason)

    async def websocket_connect(self, message) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(NOT_LOGGED_IN)
            return
        key = scope_session_key(self.scope)
        if key:
            # Joined before connect() accepts, so a logout from then on is heard;
            # channels discards self.groups when the socket goes.
            self.groups.append(session_group(key))
            await self.channel_layer.group_add(self.groups[-1], self.channel_name)
        await self.connect()

    async def refuse(self, code: int) -> None:
        """Accept, then close with `code`: a browser sees the code only after an accept."""
        await self.accept()
        await self.close(code=code)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        content = parse_frame(text_data)
        if content is None:
            await self.refuse_message(
                INVALID_MESSAGE,
                f"Send a JSON object of at most {MAX_FRAME_CHARS} characters, "
                f"nested at most {MAX_DEPTH} deep.",
            )
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs) -> None:
        await self.refuse_message(READ_ONLY, "This stream is read-only; write through /api/v1/.")

    async def refuse_message(self, code: str, detail: str) -> None:
        """Answer a message the stream cannot take; close after MAX_REFUSED of them."""
        self.refused += 1
        if self.refused > MAX_REFUSED:
            await self.close(code=TOO_MANY_REFUSED)
            return
        await self.send_json({"type": "error", "code": code, "detail": detail})

    async def session_end(self, message) -> None:
        await self.close(code=NOT_LOGGED_IN)

    async def socket_overflow(self, message) -> None:
        """The socket fell too far behind (core.channel_layer): close it; the client
        resumes from the database."""
        await self.close(code=SLOW_CLIENT)

    async def layer_recovered(self, message) -> None:
        """The channel layer reached Redis again after an outage (core.channel_layer):
        what was published meanwhile is lost, so the stream catches up from the database."""
        await self.catch_up_after_outage()

    async def catch_up_after_outage(self) -> None:
        """Send what the socket may have missed; a stream that was refused sends nothing."""
