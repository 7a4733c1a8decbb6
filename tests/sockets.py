"""Helpers for the WebSocket tests of every stream (the rules in core/consumers.py)."""

import json
import logging

from core.consumers import MAX_FRAME_CHARS, MAX_REFUSED, TOO_MANY_REFUSED

GARBAGE = [
    ("text", "not json at all"),
    ("bytes", b"\x00\xff binary"),
    ("text", "[" * 100_000 + "]" * 100_000),  # far too deep for the recursive parser
    ("text", json.dumps({"type": "resume", "after": [[[[[0]]]]]})),  # 6 deep: too deep
    ("text", json.dumps({"type": "resume", "pad": "x" * MAX_FRAME_CHARS})),  # too long
    ("text", "[1, 2]"),  # JSON, but not an object
]


async def close_code(communicator, connected, code) -> int:
    """The code a refused socket is closed with: it is accepted first, so a browser sees
    the code (a close before the accept is an HTTP 403 without one)."""
    assert connected, f"refused at the handshake (HTTP 403), code {code}"
    message = await communicator.receive_output(timeout=5)
    assert message["type"] == "websocket.close", message
    return message["code"]


async def send_garbage(communicator, kind: str, frame) -> None:
    if kind == "bytes":
        await communicator.send_to(bytes_data=frame)
    else:
        await communicator.send_to(text_data=frame)


async def assert_garbage_is_refused_then_closed(communicator, caplog) -> None:
    """Every bad frame gets a declared error (nothing raised, nothing logged); one past
    MAX_REFUSED closes the socket with 4400."""
    caplog.set_level(logging.WARNING)
    assert len(GARBAGE) >= MAX_REFUSED
    for kind, frame in GARBAGE[:MAX_REFUSED]:
        await send_garbage(communicator, kind, frame)
        error = await communicator.receive_json_from(timeout=5)
        assert (error["type"], error["code"]) == ("error", "invalid_message"), error
    kind, frame = GARBAGE[MAX_REFUSED]
    await send_garbage(communicator, kind, frame)
    closed = await communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": TOO_MANY_REFUSED}
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
