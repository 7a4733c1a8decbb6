"""A client that stops reading costs a worker a bounded queue, never memory without end:
past CHANNELS_SOCKET_QUEUE waiting messages its queue is emptied and replaced by one
`socket.overflow`, on which the stream closes with 4408 so the client resumes from the
database. On the real Redis pub/sub layer (needs REDIS_URL, as in CI)."""

import asyncio

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connections

from core.channel_layer import RecoveringPubSubChannelLayer
from core.consumers import SLOW_CLIENT, session_group
from tests.environment import require
from tests.residents.test_consumers import connect, session_cookie_for


def _redis_layer():
    layer = get_channel_layer()
    require(isinstance(layer, RecoveringPubSubChannelLayer), "REDIS_URL (the pub/sub layer)")
    return layer


async def _until(predicate, what: str) -> None:
    for _ in range(500):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


@pytest.mark.django_db
def test_a_socket_that_stops_reading_keeps_at_most_the_bound_then_hears_it_overflowed(settings):
    settings.CHANNELS_SOCKET_QUEUE = 5
    layer = _redis_layer()

    async def scenario():
        channel = await layer.new_channel()
        queue = layer._get_layer().channels[channel]
        assert queue.maxsize == 5
        deepest = 0
        for n in range(12):
            await layer.send(channel, {"type": "board.event", "n": n})
            deepest = max(deepest, queue.qsize())
        await _until(lambda: queue.qsize() == 2, "the last messages queued after the marker")
        first = await layer.receive(channel)
        second = await layer.receive(channel)
        await layer.flush()
        return deepest, first, second

    deepest, first, second = asyncio.run(scenario())
    assert deepest <= 5
    # 0-4 fill it, 5 overflows it, 6-9 fill it again, 10 overflows it, 11 follows.
    assert first == {"type": "socket.overflow"}
    assert second == {"type": "board.event", "n": 11}


@pytest.mark.django_db
def test_a_socket_that_keeps_up_gets_every_message_in_order(settings):
    settings.CHANNELS_SOCKET_QUEUE = 5
    layer = _redis_layer()

    async def scenario():
        channel = await layer.new_channel()
        got = []
        for n in range(20):
            await layer.send(channel, {"type": "board.event", "n": n})
            got.append(await asyncio.wait_for(layer.receive(channel), 5))
        await layer.flush()
        return got

    assert [m["n"] for m in asyncio.run(scenario())] == list(range(20))


@pytest_asyncio.fixture
async def _close_db_connections():
    yield
    await sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_stream_closes_an_overflowed_socket_with_4408(world, _close_db_connections):
    _redis_layer()
    cookie = await sync_to_async(session_cookie_for)(world.resident_a)
    communicator, connected, _code = await connect(cookie)
    assert connected
    # The session cookie is the session's key: its group reaches this socket.
    await get_channel_layer().group_send(session_group(cookie), {"type": "socket.overflow"})
    closed = await communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": SLOW_CLIENT}
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_stream_sends_nothing_after_its_close(world, _close_db_connections):
    """What the layer delivers behind a 4408 (or any close) is dropped: uvicorn refuses a
    send after the close with a RuntimeError, and a board would catch up from the
    database for a socket that is going away."""
    _redis_layer()
    cookie = await sync_to_async(session_cookie_for)(world.resident_a)
    communicator, connected, _code = await connect(cookie)
    assert connected
    layer = get_channel_layer()
    await layer.group_send(session_group(cookie), {"type": "socket.overflow"})
    closed = await communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": SLOW_CLIENT}
    await layer.group_send(session_group(cookie), {"type": "session.end"})
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()
