"""A worker lets at most SOCKET_HANDSHAKES_MAX sockets through their handshake at once
(core.websocket.HandshakeGate): a burst of reconnects waits its turn instead of queueing
its database work ahead of every HTTP request of the worker."""

import asyncio

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from django.db import connections

from core.websocket import HANDSHAKE_DONE, HandshakeGate
from tests.grids.test_consumers import hello, open_board

pytestmark = pytest.mark.asyncio


class _Handshakes:
    """An inner application whose sockets hold the gate until the test lets them go."""

    def __init__(self):
        self.started: list[int] = []
        self.release: dict[int, asyncio.Event] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            self.started.append(-1)
            return
        n = scope["n"]
        self.release[n] = asyncio.Event()
        self.started.append(n)
        await self.release[n].wait()
        scope[HANDSHAKE_DONE]()  # the consumer's connect is over: the socket stays open
        await asyncio.Event().wait()


async def _settle():
    for _ in range(5):
        await asyncio.sleep(0)


async def test_the_gate_lets_the_next_socket_in_only_when_a_handshake_ends(settings):
    settings.SOCKET_HANDSHAKES_MAX = 2
    inner = _Handshakes()
    gate = HandshakeGate(inner)
    sockets = [
        asyncio.create_task(gate({"type": "websocket", "n": n}, None, None)) for n in range(3)
    ]
    await _settle()
    assert inner.started == [0, 1]
    inner.release[1].set()
    await _settle()
    assert inner.started == [0, 1, 2]
    await gate({"type": "http"}, None, None)  # HTTP never waits
    assert inner.started == [0, 1, 2, -1]
    for task in sockets:
        task.cancel()
    await asyncio.gather(*sockets, return_exceptions=True)


async def test_a_socket_that_ends_during_its_handshake_frees_its_place(settings):
    settings.SOCKET_HANDSHAKES_MAX = 1
    inner = _Handshakes()
    gate = HandshakeGate(inner)
    first = asyncio.create_task(gate({"type": "websocket", "n": 0}, None, None))
    second = asyncio.create_task(gate({"type": "websocket", "n": 1}, None, None))
    await _settle()
    assert inner.started == [0]
    first.cancel()  # the client went away before its handshake ended
    await _settle()
    assert inner.started == [0, 1]
    second.cancel()
    await asyncio.gather(first, second, return_exceptions=True)


@pytest_asyncio.fixture
async def _close_db_connections():
    yield
    await sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)
async def test_a_board_socket_frees_its_place_once_it_is_accepted(
    world, settings, _close_db_connections
):
    """With room for one handshake, a second socket opens while the first stays open:
    the board's consumer ends its handshake when it has connected."""
    settings.SOCKET_HANDSHAKES_MAX = 1
    first, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a)
    assert connected
    await hello(first)
    second, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    await hello(second)
    await second.disconnect()
    await first.disconnect()
