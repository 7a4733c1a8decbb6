"""core.consumers.pump_messages: the dispatch loop every stream's socket runs on.

It replaces channels' await_many_dispatch (a task and an asyncio.wait per message), so
it must keep what that loop promised: every message of each source dispatched in order,
handlers never running two at a time, and the end of the socket (StopConsumer or an
error in a handler) stopping the other source's receive."""

import asyncio

import pytest
from channels.exceptions import StopConsumer

from core.consumers import pump_messages

pytestmark = pytest.mark.asyncio


def source_of(queue: asyncio.Queue):
    async def receive():
        return await queue.get()

    return receive


async def test_messages_of_both_sources_are_dispatched_in_order_one_at_a_time():
    client, layer = asyncio.Queue(), asyncio.Queue()
    seen, running = [], []

    async def dispatch(message):
        running.append(message)
        assert len(running) == 1, "two handlers ran at once"
        await asyncio.sleep(0)  # a handler that awaits (the database, a send)
        await asyncio.sleep(0)
        seen.append(message["n"])
        running.remove(message)
        if len(seen) == 8:
            raise StopConsumer  # the socket ends (channels' consumer returns quietly)

    for n in range(1, 7):
        layer.put_nowait({"n": n})
    client.put_nowait({"n": 100})
    client.put_nowait({"n": 101})

    with pytest.raises(StopConsumer):
        await asyncio.wait_for(pump_messages([source_of(client), source_of(layer)], dispatch), 5)

    assert [n for n in seen if n < 100] == [1, 2, 3, 4, 5, 6]
    assert [n for n in seen if n >= 100] == [100, 101]


async def test_the_end_of_the_socket_cancels_the_other_receive():
    cancelled = asyncio.Event()
    client = asyncio.Queue()

    async def layer_receive():
        try:
            await asyncio.Event().wait()  # nothing ever comes
        except asyncio.CancelledError:
            cancelled.set()  # channels-redis unsubscribes the channel here
            raise

    async def dispatch(message):
        raise StopConsumer

    client.put_nowait({"type": "websocket.disconnect"})
    with pytest.raises(StopConsumer):
        await asyncio.wait_for(pump_messages([source_of(client), layer_receive], dispatch), 5)
    assert cancelled.is_set()


async def test_an_error_in_a_handler_is_raised_not_swallowed():
    layer = asyncio.Queue()
    layer.put_nowait({"n": 1})

    async def dispatch(message):
        raise ValueError("no handler")

    with pytest.raises(ValueError, match="no handler"):
        await asyncio.wait_for(
            pump_messages([source_of(asyncio.Queue()), source_of(layer)], dispatch), 5
        )
