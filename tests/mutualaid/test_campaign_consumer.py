"""/ws/aid/campaigns/<id>/: the live dashboard, through the real ASGI application and channel
layer (channels-redis when REDIS_URL is set)."""

from datetime import timedelta

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client
from django.utils import timezone

from community.asgi import application
from mutualaid.models import Category
from mutualaid.services import campaigns, claims, needs
from tests.sockets import assert_garbage_is_refused_then_closed, close_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = "http://127.0.0.1:8000"


@pytest_asyncio.fixture(autouse=True)
async def _close_db_connections():
    """Sync code called from these async tests runs in one shared thread; close its
    database connection so the test database can be dropped."""
    yield
    await sync_to_async(connections.close_all)()


def session_cookie_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def open_dashboard(campaign_id, *, user=None, origin=ORIGIN):
    headers = [(b"host", b"127.0.0.1:8000"), (b"origin", origin.encode())]
    if user is not None:
        cookie = await sync_to_async(session_cookie_for)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(
        application, f"/ws/aid/campaigns/{campaign_id}/", headers=headers
    )
    connected, code = await communicator.connect()
    return communicator, connected, code


def start(world):
    masks = Category.objects.get(slug="masks")
    campaign = campaigns.campaign_create(
        actor=world.cadre_east,
        community_id=world.east.pk,
        title="口罩援助",
        category_ids=[masks.pk],
        target_quantity=100,
        ends_at=timezone.now() + timedelta(days=7),
    )
    return campaign, masks


def hand_over(giver, receiver, masks, quantity):
    offer = needs.offer_create(actor=giver, category_id=masks.pk, quantity=quantity)
    claim = claims.claim_request(actor=receiver, offer_id=offer.pk, quantity=quantity)
    claims.claim_accept(actor=giver, claim_id=claim.pk)
    claims.claim_confirm(actor=giver, claim_id=claim.pk, code=claim.handover_code)


async def test_a_resident_gets_a_snapshot_and_a_new_one_after_a_handover(world):
    campaign, masks = await sync_to_async(start)(world)
    dashboard, connected, _ = await open_dashboard(campaign.pk, user=world.resident_b)
    assert connected
    first = await dashboard.receive_json_from(timeout=5)
    assert first["type"] == "campaign.snapshot"
    assert first["dashboard"]["handed_over"] == 0 and first["version"] == 0

    await sync_to_async(hand_over)(world.resident_a2, world.resident_a, masks, 30)

    second = await dashboard.receive_json_from(timeout=5)
    assert second["type"] == "campaign.snapshot" and second["version"] > first["version"]
    assert second["dashboard"]["categories"][0]["quantity"] == 30
    assert second["dashboard"]["progress"] == 30
    assert await dashboard.receive_nothing(timeout=0.3)
    await dashboard.disconnect()


async def test_a_handover_elsewhere_sends_nothing(world):
    campaign, masks = await sync_to_async(start)(world)
    dashboard, connected, _ = await open_dashboard(campaign.pk, user=world.cadre_east)
    assert connected
    await dashboard.receive_json_from(timeout=5)
    west_neighbour = world.members["c"][1].user
    await sync_to_async(hand_over)(world.resident_c, west_neighbour, masks, 5)
    assert await dashboard.receive_nothing(timeout=0.5)
    await dashboard.disconnect()


async def test_strangers_anonymous_and_foreign_origins_are_refused(world):
    campaign, _masks = await sync_to_async(start)(world)
    for kwargs, expected in (
        ({}, 4401),
        ({"user": world.resident_c}, 4403),
        ({"user": world.outsider}, 4403),
    ):
        communicator, connected, code = await open_dashboard(campaign.pk, **kwargs)
        assert await close_code(communicator, connected, code) == expected
        await communicator.disconnect()
    communicator, connected, _ = await open_dashboard(
        campaign.pk, user=world.resident_a, origin="https://evil.example"
    )
    assert not connected
    await communicator.disconnect()
    communicator, connected, code = await open_dashboard(campaign.pk + 1000, user=world.admin)
    assert await close_code(communicator, connected, code) == 4403
    await communicator.disconnect()


async def test_the_stream_is_read_only(world):
    campaign, _masks = await sync_to_async(start)(world)
    dashboard, connected, _ = await open_dashboard(campaign.pk, user=world.resident_a)
    assert connected
    await dashboard.receive_json_from(timeout=5)
    await dashboard.send_json_to({"type": "campaign.close"})
    reply = await dashboard.receive_json_from(timeout=5)
    assert reply["code"] == "read_only"
    await dashboard.disconnect()


async def test_any_frame_is_answered_and_repeated_garbage_closes_the_socket(world, caplog):
    campaign, _masks = await sync_to_async(start)(world)
    dashboard, connected, _ = await open_dashboard(campaign.pk, user=world.resident_a)
    assert connected
    await dashboard.receive_json_from(timeout=5)
    await assert_garbage_is_refused_then_closed(dashboard, caplog)
