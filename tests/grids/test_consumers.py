"""/ws/grids/<id>/: the live board, through the real ASGI application and channel layer
(channels-redis when REDIS_URL is set)."""

import asyncio
import threading

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connection, connections, transaction
from django.test import Client

from community.asgi import application
from grids.events import board_group, board_message
from grids.models import BoardEvent
from grids.services import moderation, notices, places, posts
from tests.sockets import assert_garbage_is_refused_then_closed, close_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest_asyncio.fixture(autouse=True)
async def _close_db_connections():
    """Sync code called from these async tests runs in one shared thread; close its
    database connection so the test database can be dropped."""
    yield
    await sync_to_async(connections.close_all)()


ORIGIN = "http://127.0.0.1:8000"


def session_cookie_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def app_token_for(user) -> str:
    """Log in as an app client does (allauth headless, phone + password)."""
    user.set_password("linli-secret-1")
    user.save(update_fields=["password"])
    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"phone": user.phone, "password": "linli-secret-1"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


async def open_board(grid_id, *, user=None, origin=ORIGIN, token=None, cookie=None):
    headers = [(b"host", b"127.0.0.1:8000")]
    if origin:
        headers.append((b"origin", origin.encode()))
    if user is not None:
        cookie = await sync_to_async(session_cookie_for)(user)
    if cookie is not None:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    if token:
        headers.append((b"x-session-token", token.encode()))
    communicator = WebsocketCommunicator(application, f"/ws/grids/{grid_id}/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def hello(communicator) -> dict:
    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] == "hello"
    return message


async def test_a_member_joins_their_grids_board_and_hears_a_post(world):
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    assert (await hello(board))["seq"] == 0
    post = await sync_to_async(posts.post_create)(
        actor=world.resident_a, grid=world.grid_a, body="楼下有人捡到钥匙"
    )
    event = await board.receive_json_from(timeout=5)
    assert (event["type"], event["seq"], event["grid"]) == ("post.created", 1, world.grid_a.pk)
    assert event["post"]["id"] == post.pk and event["post"]["body"] == "楼下有人捡到钥匙"
    await board.disconnect()


@pytest.mark.parametrize("who", ["resident_b", "worker_b", "cadre_west", "outsider"])
async def test_anyone_outside_the_grid_is_refused_at_the_handshake(world, who):
    board, connected, code = await open_board(world.grid_a.pk, user=getattr(world, who))
    assert await close_code(board, connected, code) == 4403
    await board.disconnect()


async def test_a_refused_socket_leaves_the_boards_group_it_joined(world, monkeypatch):
    """A socket joins the board's group before it is let in (so nothing committed after
    its seq is read is missed); refused, it leaves again when it goes."""
    layer = get_channel_layer()
    joined, left = [], []
    add, discard = layer.group_add, layer.group_discard

    async def spy_add(group, channel):
        joined.append((group, channel))
        await add(group, channel)

    async def spy_discard(group, channel):
        left.append((group, channel))
        await discard(group, channel)

    monkeypatch.setattr(layer, "group_add", spy_add)
    monkeypatch.setattr(layer, "group_discard", spy_discard)
    board, connected, code = await open_board(world.grid_a.pk, user=world.outsider)
    assert await close_code(board, connected, code) == 4403
    await board.disconnect()
    group = board_group(world.grid_a.pk)
    board_joins = [entry for entry in joined if entry[0] == group]
    assert len(board_joins) == 1
    assert board_joins[0] in left


async def test_grid_staff_are_let_in(world):
    for staff in (world.worker_a, world.cadre_east, world.admin):
        board, connected, _ = await open_board(world.grid_a.pk, user=staff)
        assert connected
        await board.disconnect()


async def test_an_anonymous_socket_is_refused(world):
    board, connected, code = await open_board(world.grid_a.pk)
    assert await close_code(board, connected, code) == 4401
    await board.disconnect()


async def test_a_foreign_origin_is_refused_even_for_a_member(world):
    board, connected, _ = await open_board(
        world.grid_a.pk, user=world.resident_a, origin="https://evil.example"
    )
    assert not connected
    await board.disconnect()


async def test_no_origin_and_no_app_token_is_refused(world):
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a, origin=None)
    assert not connected
    await board.disconnect()


async def test_an_app_client_authenticates_with_its_session_token(world):
    token = await sync_to_async(app_token_for)(world.resident_a)
    board, connected, _ = await open_board(world.grid_a.pk, origin=None, token=token)
    assert connected
    await hello(board)
    await board.disconnect()
    foreign, connected, code = await open_board(world.grid_b.pk, origin=None, token=token)
    assert await close_code(foreign, connected, code) == 4403
    await foreign.disconnect()
    bogus, connected, code = await open_board(world.grid_a.pk, origin=None, token="not-a-token")
    assert await close_code(bogus, connected, code) == 4401
    await bogus.disconnect()


async def test_nothing_is_sent_for_a_write_that_rolls_back(world):
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    await hello(board)

    def post_then_fail():
        with transaction.atomic():
            posts.post_create(actor=world.resident_a, grid=world.grid_a, body="回滚")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        await sync_to_async(post_then_fail)()
    assert await board.receive_nothing(timeout=0.5)
    assert not await sync_to_async(BoardEvent.objects.exists)()
    await board.disconnect()


async def test_events_are_sent_only_after_commit(world):
    """Inside the transaction the socket hears nothing; at commit it hears the post."""
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    await hello(board)
    entered, release = threading.Event(), threading.Event()

    def slow_post():
        try:
            with transaction.atomic():
                posts.post_create(actor=world.resident_a, grid=world.grid_a, body="稍等")
                entered.set()
                release.wait(5)
        finally:
            connection.close()  # this thread is not Django's; leave no session open

    task = asyncio.get_running_loop().run_in_executor(None, slow_post)
    await asyncio.get_running_loop().run_in_executor(None, entered.wait, 5)
    assert await board.receive_nothing(timeout=0.3)
    release.set()
    await task
    event = await board.receive_json_from(timeout=5)
    assert event["type"] == "post.created" and event["post"]["body"] == "稍等"
    await board.disconnect()


async def test_resume_sends_every_missed_event_in_order_without_duplicates(world):
    for i in range(4):
        await sync_to_async(posts.post_create)(
            actor=world.resident_a, grid=world.grid_a, body=f"{i}"
        )
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    assert (await hello(board))["seq"] == 4
    await board.send_json_to({"type": "resume", "after": 1})
    replayed = [await board.receive_json_from(timeout=5) for _ in range(3)]
    assert [(e["seq"], e["post"]["body"]) for e in replayed] == [(2, "1"), (3, "2"), (4, "3")]
    assert await board.receive_json_from(timeout=5) == {"type": "resumed", "seq": 4}
    await sync_to_async(posts.post_create)(actor=world.resident_a, grid=world.grid_a, body="new")
    assert (await board.receive_json_from(timeout=5))["seq"] == 5
    assert await board.receive_nothing(timeout=0.3)
    await board.disconnect()


async def test_a_gap_in_the_channel_layer_is_filled_from_the_table(world):
    """Simulate a lost broadcast: seq 2 is committed but never sent; seq 3 arrives."""
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    await hello(board)
    await sync_to_async(posts.post_create)(actor=world.resident_a, grid=world.grid_a, body="1")
    assert (await board.receive_json_from(timeout=5))["seq"] == 1

    def commit_two_silently():
        with transaction.atomic():
            posts.post_create(actor=world.resident_a, grid=world.grid_a, body="lost")
            posts.post_create(actor=world.resident_a, grid=world.grid_a, body="late")
            transaction.get_connection().run_on_commit = []  # the broadcasts are lost

    await sync_to_async(commit_two_silently)()
    assert await board.receive_nothing(timeout=0.3)
    stored = await sync_to_async(lambda: BoardEvent.objects.get(grid=world.grid_a, seq=3).payload)()
    # The layer delivers seq 3 again (as a retry would) but never seq 2.
    await get_channel_layer().group_send(
        board_group(world.grid_a.pk),
        board_message({"type": "post.created", "seq": 3, "grid": world.grid_a.pk, **stored}),
    )
    got = [await board.receive_json_from(timeout=5) for _ in range(2)]
    assert [(e["seq"], e["post"]["body"]) for e in got] == [(2, "lost"), (3, "late")]
    # A duplicate of what was already sent is dropped.
    await get_channel_layer().group_send(
        board_group(world.grid_a.pk),
        board_message({"type": "post.created", "seq": 2, "grid": world.grid_a.pk, **stored}),
    )
    assert await board.receive_nothing(timeout=0.3)
    await board.disconnect()


async def test_the_board_is_read_only_and_rejects_bad_resumes(world):
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a)
    assert connected
    await hello(board)
    await board.send_json_to({"type": "post.create", "body": "x"})
    assert (await board.receive_json_from(timeout=5))["code"] == "read_only"
    await board.send_json_to({"type": "resume", "after": "abc"})
    assert (await board.receive_json_from(timeout=5))["code"] == "resume_invalid"
    await board.disconnect()


async def test_a_muted_authors_post_arrives_as_a_skip(world):
    await sync_to_async(moderation.mute_set)(actor=world.resident_a2, user_id=world.resident_a.pk)
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    await hello(board)
    await sync_to_async(posts.post_create)(actor=world.resident_a, grid=world.grid_a, body="吵")
    assert await board.receive_json_from(timeout=5) == {"type": "skip", "seq": 1}
    await board.disconnect()


async def test_every_event_type_reaches_the_board(world):
    board, connected, _ = await open_board(world.grid_a.pk, user=world.worker_a)
    assert connected
    await hello(board)

    def story():
        post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
        posts.post_update(actor=world.resident_a, post_id=post.pk, body="2")
        comment = posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="c")
        posts.reaction_set(actor=world.resident_a2, post_id=post.pk, reaction="like")
        posts.comment_delete(actor=world.resident_a2, comment_id=comment.pk)
        notice = notices.notice_publish(
            actor=world.cadre_east, community=world.east, title="t", body="b"
        )
        notices.notice_unpin(actor=world.cadre_east, notice_id=notice.pk)
        posts.post_delete(actor=world.resident_a, post_id=post.pk)

    await sync_to_async(story)()
    got = [await board.receive_json_from(timeout=5) for _ in range(8)]
    assert [e["type"] for e in got] == [
        "post.created",
        "post.updated",
        "comment.created",
        "reaction.changed",
        "comment.removed",
        "notice.published",
        "notice.updated",
        "post.removed",
    ]
    assert [e["seq"] for e in got] == list(range(1, 9))
    await board.disconnect()


async def test_an_idle_socket_still_hears_the_board_after_the_layers_blocking_wait(world):
    """A socket quiet for longer than redis-py 8's default 5 s read timeout still hears
    the board (that timeout once killed the idle consumers of channels-redis)."""
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    await hello(board)
    await asyncio.sleep(7)
    await sync_to_async(posts.post_create)(actor=world.resident_a, grid=world.grid_a, body="还在吗")
    event = await board.receive_json_from(timeout=5)
    assert event["post"]["body"] == "还在吗"
    await board.disconnect()


async def test_a_removed_members_socket_is_closed(world):
    member = world.members["a"][1]
    board, connected, _ = await open_board(world.grid_a.pk, user=member.user)
    assert connected
    await hello(board)
    await sync_to_async(places.membership_remove)(actor=world.worker_a, membership_id=member.pk)
    closed = await board.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4403}
    await board.disconnect()


async def test_a_reconnect_with_after_gets_the_missed_events_before_any_live_one(world):
    for body in ("一", "二"):
        await sync_to_async(posts.post_create)(actor=world.resident_a, grid=world.grid_a, body=body)
    headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"origin", ORIGIN.encode()),
        (
            b"cookie",
            f"sessionid={await sync_to_async(session_cookie_for)(world.resident_a2)}".encode(),
        ),
    ]
    board = WebsocketCommunicator(
        application, f"/ws/grids/{world.grid_a.pk}/?after=0", headers=headers
    )
    connected, _ = await board.connect()
    assert connected
    assert (await hello(board))["seq"] == 2
    await sync_to_async(posts.post_create)(actor=world.resident_a, grid=world.grid_a, body="三")
    got = [await board.receive_json_from(timeout=5) for _ in range(3)]
    assert [(e["seq"], e["post"]["body"]) for e in got] == [(1, "一"), (2, "二"), (3, "三")]
    assert await board.receive_nothing(timeout=0.3)
    await board.disconnect()


async def test_too_long_an_absence_is_told_to_reload(world, monkeypatch):
    monkeypatch.setattr("grids.consumers.MAX_REPLAY", 2)
    for body in ("一", "二", "三"):
        await sync_to_async(posts.post_create)(actor=world.resident_a, grid=world.grid_a, body=body)
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    await hello(board)
    await board.send_json_to({"type": "resume", "after": 0})
    assert await board.receive_json_from(timeout=5) == {"type": "reset", "seq": 3}
    await board.disconnect()


async def test_a_muted_members_comment_arrives_as_a_skip(world):
    post = await sync_to_async(posts.post_create)(
        actor=world.resident_a2, grid=world.grid_a, body="1"
    )
    await sync_to_async(moderation.mute_set)(actor=world.resident_a2, user_id=world.resident_a.pk)
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    await hello(board)
    await sync_to_async(posts.comment_create)(actor=world.resident_a, post_id=post.pk, body="吵")
    assert (await board.receive_json_from(timeout=5))["type"] == "skip"
    await board.disconnect()


async def test_any_frame_is_answered_and_repeated_garbage_closes_the_socket(world, caplog):
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    await hello(board)
    await assert_garbage_is_refused_then_closed(board, caplog)


async def test_a_resume_beyond_any_seq_is_refused_not_sent_to_the_database(world):
    board, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    await hello(board)
    await board.send_json_to({"type": "resume", "after": 10**30})
    error = await board.receive_json_from(timeout=5)
    assert (error["type"], error["code"]) == ("error", "resume_invalid")
    await board.disconnect()


def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def test_logging_out_closes_that_sessions_sockets_and_no_other(world):
    leaving = await sync_to_async(logged_in_client)(world.resident_a2)
    board, connected, _ = await open_board(
        world.grid_a.pk, cookie=leaving.cookies["sessionid"].value
    )
    assert connected
    await hello(board)
    other_device, connected, _ = await open_board(world.grid_a.pk, user=world.resident_a2)
    assert connected
    await hello(other_device)

    response = await sync_to_async(leaving.post)("/accounts/logout/")
    assert response.status_code == 302

    assert await board.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    await sync_to_async(posts.post_create)(actor=world.resident_a, grid=world.grid_a, body="还在")
    event = await other_device.receive_json_from(timeout=5)
    assert event["type"] == "post.created"
    await other_device.disconnect()


async def test_an_app_logging_out_closes_its_token_sockets(world):
    token = await sync_to_async(app_token_for)(world.resident_a)
    board, connected, _ = await open_board(world.grid_a.pk, origin=None, token=token)
    assert connected
    await hello(board)

    response = await sync_to_async(Client().delete)(
        "/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token
    )
    assert response.status_code == 401  # allauth: the session is gone

    assert await board.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
