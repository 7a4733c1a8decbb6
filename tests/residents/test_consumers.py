"""/ws/me/: the personal stream. Real ASGI app, real channel layer (Redis when REDIS_URL is set)."""

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import SESSION_KEY
from django.db import connections
from django.test import Client

from community.asgi import application
from grids.services import notices, posts
from grids.services import places as services
from tests.sockets import assert_garbage_is_refused_then_closed, close_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest_asyncio.fixture(autouse=True)
async def _close_db_connections():
    """Sync code called from these async tests runs in one shared thread; close its
    database connection so the test database can be dropped."""
    yield
    await sync_to_async(connections.close_all)()


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
    if connected:
        hello = await communicator.receive_json_from(timeout=5)
        assert hello["type"] == "hello"
        communicator.last_seq = hello["seq"]
    return communicator, connected, code


def without_stamp(event: dict) -> dict:
    return {k: v for k, v in event.items() if k not in ("seq", "created_at")}


async def test_an_anonymous_socket_is_refused():
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=headers)
    connected, code = await communicator.connect()
    assert await close_code(communicator, connected, code) == 4401
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
    assert without_stamp(event) == {"type": "membership.verified", "grid": world.grid_a.pk}
    assert event["seq"] == communicator.last_seq + 1
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


async def test_a_reconnecting_client_gets_what_it_missed_in_order_once(world):
    member = world.members["a"][0]
    cookie = await sync_to_async(session_cookie_for)(member.user)
    first, connected, _code = await connect(cookie)
    assert connected
    seen = first.last_seq
    await first.disconnect()

    # While the phone sleeps: verified, then a reply to their post.
    await sync_to_async(services.membership_verify)(actor=world.worker_a, membership_id=member.pk)
    post = await sync_to_async(posts.post_create)(
        actor=member.user, grid=world.grid_a, body="谁有打气筒？"
    )
    await sync_to_async(posts.comment_create)(actor=world.resident_a2, post_id=post.pk, body="我有")

    again, connected, _code = await connect(cookie)
    assert connected
    await again.send_json_to({"type": "resume", "after": seen})
    missed = [await again.receive_json_from(timeout=5) for _ in range(2)]
    assert [e["type"] for e in missed] == ["membership.verified", "reply.post"]
    assert [e["seq"] for e in missed] == [seen + 1, seen + 2]
    assert missed[1]["excerpt"] == "我有"
    assert await again.receive_nothing(timeout=0.3)
    await again.disconnect()


async def test_a_notice_reaches_the_personal_streams_of_its_grids_members_only(world):
    cookie_a = await sync_to_async(session_cookie_for)(world.resident_a)
    cookie_c = await sync_to_async(session_cookie_for)(world.resident_c)
    mine, connected, _code = await connect(cookie_a)
    assert connected
    other, connected, _code = await connect(cookie_c)
    assert connected
    await sync_to_async(notices.notice_publish)(
        actor=world.cadre_east,
        community=world.east,
        title="社区通知",
        body="正文",
        grid_ids=[world.grid_a.pk],
    )
    event = await mine.receive_json_from(timeout=5)
    assert (event["type"], event["title"]) == ("notice.for_me", "社区通知")
    assert await other.receive_nothing(timeout=0.5)
    await mine.disconnect()
    await other.disconnect()


async def test_connecting_with_after_replays_before_anything_live(world):
    member = world.members["a"][0]
    await sync_to_async(services.membership_verify)(actor=world.worker_a, membership_id=member.pk)
    cookie = await sync_to_async(session_cookie_for)(member.user)
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={cookie}".encode()),
    ]
    me = WebsocketCommunicator(application, "/ws/me/?after=0", headers=headers)
    connected, _ = await me.connect()
    assert connected
    assert (await me.receive_json_from(timeout=5))["type"] == "hello"
    replayed = await me.receive_json_from(timeout=5)
    assert (replayed["type"], replayed["seq"]) == ("membership.verified", 1)
    await me.disconnect()


async def test_any_frame_is_answered_and_repeated_garbage_closes_the_socket(world, caplog):
    cookie = await sync_to_async(session_cookie_for)(world.resident_a)
    communicator, connected, _code = await connect(cookie)
    assert connected
    await assert_garbage_is_refused_then_closed(communicator, caplog)


def three_replies(world) -> None:
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="谁有梯子？")
    for body in ("一", "二", "三"):
        posts.comment_create(actor=world.resident_a2, post_id=post.pk, body=body)


async def test_a_replay_is_capped_and_a_longer_absence_is_told_to_reload(world, monkeypatch):
    monkeypatch.setattr("residents.consumers.MAX_REPLAY", 2)
    await sync_to_async(three_replies)(world)
    cookie = await sync_to_async(session_cookie_for)(world.resident_a)
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={cookie}".encode()),
    ]
    me = WebsocketCommunicator(application, "/ws/me/?after=0", headers=headers)
    connected, _ = await me.connect()
    assert connected
    hello = await me.receive_json_from(timeout=5)
    assert hello == {"type": "hello", "seq": 3}
    assert await me.receive_json_from(timeout=5) == {"type": "reset", "seq": 3}
    assert await me.receive_nothing(timeout=0.3)

    await me.send_json_to({"type": "resume", "after": 0})
    assert await me.receive_json_from(timeout=5) == {"type": "reset", "seq": 3}
    await me.send_json_to({"type": "resume", "after": 1})  # two behind: within the cap
    assert [(await me.receive_json_from(timeout=5))["seq"] for _ in range(2)] == [2, 3]
    await me.disconnect()
