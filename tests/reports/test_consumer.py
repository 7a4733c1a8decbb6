"""/ws/reports/<scope>/<id>/: a unit's queue hears a new report and its acceptance live,
through the real ASGI application and channel layer; people outside are refused (4403)."""

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from community.asgi import application
from reports.models import Category, HandlingUnit, RoutingRule, UnitMember
from reports.services import handling, submitting
from tests.factories import MembershipFactory, MicroGridFactory, UserFactory
from tests.sockets import close_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = "http://127.0.0.1:8000"


@pytest_asyncio.fixture(autouse=True)
async def _close_db_connections():
    yield
    await sync_to_async(connections.close_all)()


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _open(path: str, user):
    cookie = await sync_to_async(_cookie)(user)
    headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"origin", ORIGIN.encode()),
        (b"cookie", f"sessionid={cookie}".encode()),
    ]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


def _world():
    building = MicroGridFactory()
    resident = MembershipFactory(micro_grid=building).user
    unit = HandlingUnit.objects.create(name="河道保洁队")
    category = Category.objects.get(code="river-litter")
    RoutingRule.objects.create(community=building.grid.community, category=category, unit=unit)
    staff = UserFactory()
    UnitMember.objects.create(unit=unit, user=staff)
    return building, resident, unit, category, staff


def _report(resident, building, category):
    place = submitting.place_resolve(actor=resident, micro_grid_id=building.pk)
    return submitting.report_create(actor=resident, category=category, place=place)


async def test_the_units_queue_hears_a_new_report_and_its_acceptance():
    building, resident, unit, category, staff = await sync_to_async(_world)()
    queue, connected, _ = await _open(f"/ws/reports/unit/{unit.pk}/", staff)
    assert connected
    report = await sync_to_async(_report)(resident, building, category)
    event = await queue.receive_json_from(timeout=5)
    assert event == {
        "type": "report.changed",
        "report_id": report.pk,
        "state": "dispatched",
        "version": 2,
        "unit_id": unit.pk,
    }
    await sync_to_async(handling.report_accept)(actor=staff, report_id=report.pk)
    accepted = await queue.receive_json_from(timeout=5)
    assert accepted["state"] == "accepted" and accepted["version"] == 3
    await queue.disconnect()


async def test_a_resident_cannot_watch_a_units_queue_or_a_community():
    building, resident, unit, _category, _staff = await sync_to_async(_world)()
    for path in (
        f"/ws/reports/unit/{unit.pk}/",
        f"/ws/reports/community/{building.grid.community_id}/",
        f"/ws/reports/grid/{building.grid_id}/",
        f"/ws/reports/planet/{unit.pk}/",
    ):
        communicator, connected, code = await _open(path, resident)
        assert await close_code(communicator, connected, code) == 4403, path
        await communicator.disconnect()
