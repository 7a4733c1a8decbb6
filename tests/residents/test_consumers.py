"""/ws/me/: the personal stream. Real ASGI app, real channel layer (Redis when REDIS_URL is set)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import SESSION_KEY
from django.test import Client

from community.asgi import application
from grids.services import places as services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def session_cookie_for(user) -> str:
    client = Client()
    client.force_login(user)
    assert client.session[SESSION_KEY] == str(user.pk)
    return client.cookies["sessionid"].value


async def connect(cookie: str | None, origin: str = "http://127.0.0.1:8000"):
    headers = [(b"origin", origin.encode()), (b"host", b"127.0.0.1:8000")]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_an_anonymous_socket_is_refused():
    communicator, connected, code = await connect(None)
    assert not connected
    assert code == 4401
    await communicator.disconnect()


async def test_a_foreign_origin_is_refused(world):
    cookie = await sync_to_async(session_cookie_for)(world.resident_a)
    communicator, connected, _code = await connect(cookie, origin="https://evil.example")
    assert not connected
    await communicator.disconnect()


async def test_a_resident_hears_when_the_grid_worker_verifies_them(world):
    member = world.members["a"][0]
    cookie = await sync_to_async(session_cookie_for)(member.user)
    communicator, connected, _code = await connect(cookie)
    assert connected

    await sync_to_async(services.membership_verify)(actor=world.worker_a, membership_id=member.pk)

    event = await communicator.receive_json_from(timeout=5)
    assert event == {"type": "membership.verified", "grid": world.grid_a.pk}
    await communicator.disconnect()


async def test_others_hear_nothing_of_it(world):
    cookie = await sync_to_async(session_cookie_for)(world.resident_a2)
    communicator, connected, _code = await connect(cookie)
    assert connected
    await sync_to_async(services.membership_verify)(
        actor=world.worker_a, membership_id=world.members["a"][0].pk
    )
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_the_stream_is_read_only(world):
    cookie = await sync_to_async(session_cookie_for)(world.resident_a)
    communicator, connected, _code = await connect(cookie)
    assert connected
    await communicator.send_json_to({"type": "post.create", "text": "hi"})
    reply = await communicator.receive_json_from(timeout=5)
    assert reply["code"] == "read_only"
    await communicator.disconnect()
