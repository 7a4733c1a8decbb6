"""A cadre's set-up in admin: categories, units and routing rules open; a report is read
there without its reporter's phone."""

import pytest

from reports.models import Category, HandlingUnit, RoutingRule
from reports.services import submitting
from tests.factories import MembershipFactory, MicroGridFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_sets_up_routing_and_never_shows_the_reporters_phone(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    building = MicroGridFactory()
    resident = MembershipFactory(micro_grid=building).user
    unit = HandlingUnit.objects.create(name="河道保洁队")
    RoutingRule.objects.create(community=building.grid.community, unit=unit)
    place = submitting.place_resolve(actor=resident, micro_grid_id=building.pk)
    report = submitting.report_create(
        actor=resident, category=Category.objects.get(code="rubbish"), place=place, contact_ok=True
    )
    assert report.contact_phone == resident.phone
    for url in (
        "/admin/reports/category/",
        "/admin/reports/handlingunit/add/",
        "/admin/reports/routingrule/",
        "/admin/reports/report/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/reports/report/{report.pk}/change/")
    assert page.status_code == 200
    assert resident.phone not in page.content.decode()
    assert resident.national_phone not in page.content.decode()
