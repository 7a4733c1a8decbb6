"""/ws/activities/<id>/: places left, live, through the real ASGI application and channel
layer (channels-redis when REDIS_URL is set)."""

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from activities.services import signups
from community.asgi import application
from tests.activities.conftest import make_class
from tests.grids.test_consumers import ORIGIN, session_cookie_for
from tests.sockets import assert_garbage_is_refused_then_closed, close_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest_asyncio.fixture(autouse=True)
async def _close_db_connections():
    yield
    await sync_to_async(connections.close_all)()


async def open_seats(activity_id, *, user=None):
    headers = [(b"host", b"127.0.0.1:8000"), (b"origin", ORIGIN.encode())]
    if user is not None:
        cookie = await sync_to_async(session_cookie_for)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(
        application, f"/ws/activities/{activity_id}/", headers=headers
    )
    connected, code = await communicator.connect()
    return communicator, connected, code


async def snapshot(communicator) -> dict:
    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] == "activity.seats", message
    return message


async def snapshot_after(communicator, version: int) -> dict:
    """The next snapshot newer than `version` (a repeated nudge may bring the same one)."""
    while True:
        message = await snapshot(communicator)
        if message["version"] > version:
            return message


def slot_id(activity) -> int:
    return activity.slots.get().pk


async def test_an_anonymous_socket_is_refused(world):
    activity = await sync_to_async(make_class)(world)
    seats, connected, code = await open_seats(activity.pk)
    assert await close_code(seats, connected, code) == 4401
    await seats.disconnect()


@pytest.mark.parametrize("who", ["resident_a", "worker_a", "resident_c", "cadre_west", "outsider"])
async def test_those_who_may_not_see_the_activity_are_refused(world, who):
    activity = await sync_to_async(make_class)(world, grid_ids=[world.grid_b.pk])
    seats, connected, code = await open_seats(activity.pk, user=getattr(world, who))
    assert await close_code(seats, connected, code) == 4403
    await seats.disconnect()


async def test_a_socket_for_an_activity_that_does_not_exist_is_refused(world):
    seats, connected, code = await open_seats(999999, user=world.resident_a)
    assert await close_code(seats, connected, code) == 4403
    await seats.disconnect()


async def test_a_viewer_gets_a_snapshot_on_connect(world):
    activity = await sync_to_async(make_class)(world, capacity=3)
    signup = await sync_to_async(signups.signup_create)(
        actor=world.resident_a, slot_id=await sync_to_async(slot_id)(activity)
    )
    seats, connected, _ = await open_seats(activity.pk, user=world.resident_a)
    assert connected
    first = await snapshot(seats)
    assert first["activity"] == activity.pk
    assert isinstance(first["version"], int) and first["version"] >= 1
    assert [
        (s["capacity"], s["confirmed"], s["waitlisted"], s["left"]) for s in first["slots"]
    ] == [(3, 1, 0, 2)]
    assert [(m["id"], m["state"], m["name"]) for m in first["mine"]] == [
        (signup.pk, "confirmed", world.resident_a.display_name)
    ]
    await seats.disconnect()


async def test_another_persons_sign_up_arrives_as_a_newer_snapshot_with_a_place_fewer(world):
    activity = await sync_to_async(make_class)(world, capacity=2)
    seats, connected, _ = await open_seats(activity.pk, user=world.resident_b)
    assert connected
    first = await snapshot(seats)
    assert [s["left"] for s in first["slots"]] == [2] and first["mine"] == []
    await sync_to_async(signups.signup_create)(
        actor=world.resident_a, slot_id=await sync_to_async(slot_id)(activity)
    )
    after = await snapshot_after(seats, first["version"])
    assert [s["left"] for s in after["slots"]] == [1]
    assert after["mine"] == []  # someone else's sign-up is counted, not shown
    await seats.disconnect()


async def test_the_waitlisted_person_sees_their_promotion_live(world):
    activity = await sync_to_async(make_class)(world, capacity=1)
    slot = await sync_to_async(slot_id)(activity)
    taken = await sync_to_async(signups.signup_create)(actor=world.resident_a, slot_id=slot)
    waiting = await sync_to_async(signups.signup_create)(actor=world.resident_a2, slot_id=slot)
    seats, connected, _ = await open_seats(activity.pk, user=world.resident_a2)
    assert connected
    first = await snapshot(seats)
    assert [(m["id"], m["state"]) for m in first["mine"]] == [(waiting.pk, "waitlisted")]
    assert [(s["left"], s["waitlisted"]) for s in first["slots"]] == [(0, 1)]

    await sync_to_async(signups.signup_cancel)(actor=world.resident_a, signup_id=taken.pk)
    promoted = await snapshot_after(seats, first["version"])
    assert [(m["id"], m["state"]) for m in promoted["mine"]] == [(waiting.pk, "confirmed")]
    assert [(s["confirmed"], s["waitlisted"], s["left"]) for s in promoted["slots"]] == [(1, 0, 0)]
    await seats.disconnect()


async def test_the_socket_is_read_only_but_answers_a_resume_with_the_current_snapshot(world):
    activity = await sync_to_async(make_class)(world, capacity=2)
    seats, connected, _ = await open_seats(activity.pk, user=world.resident_a)
    assert connected
    first = await snapshot(seats)
    await seats.send_json_to({"type": "signup", "slot": first["slots"][0]["id"]})
    error = await seats.receive_json_from(timeout=5)
    assert (error["type"], error["code"]) == ("error", "read_only")
    await seats.send_json_to({"type": "resume"})
    again = await snapshot(seats)
    assert again["version"] == first["version"] and again["slots"] == first["slots"]
    assert not await sync_to_async(activity.signups.exists)()
    await seats.disconnect()


async def test_any_frame_is_answered_and_repeated_garbage_closes_the_socket(world, caplog):
    activity = await sync_to_async(make_class)(world)
    seats, connected, _ = await open_seats(activity.pk, user=world.resident_a)
    assert connected
    await snapshot(seats)
    await assert_garbage_is_refused_then_closed(seats, caplog)
