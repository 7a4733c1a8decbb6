"""Two staff of a unit accept one report at the same moment, on PostgreSQL with real
transactions and threads: one wins, the other is told (409), the timeline has one step."""

import threading

import pytest
from django.db import connection

from reports.errors import ReportStateConflict
from reports.models import Category, HandlingUnit, Report, ReportStep, RoutingRule, UnitMember
from reports.services import handling, submitting
from tests.factories import MembershipFactory, MicroGridFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_staff_accepting_at_once_one_wins():
    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL (set DATABASE_URL)")
    building = MicroGridFactory()
    resident = MembershipFactory(micro_grid=building).user
    unit = HandlingUnit.objects.create(name="河道保洁队")
    category = Category.objects.get(code="river-litter")
    RoutingRule.objects.create(community=building.grid.community, category=category, unit=unit)
    staff = [UserFactory(), UserFactory()]
    for person in staff:
        UnitMember.objects.create(unit=unit, user=person)
    place = submitting.place_resolve(actor=resident, micro_grid_id=building.pk)
    report = submitting.report_create(actor=resident, category=category, place=place)

    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def accept(i: int) -> None:
        try:
            barrier.wait(10)
            outcomes[i] = handling.report_accept(actor=staff[i], report_id=report.pk)
        except Exception as error:  # the outcome under test
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    won = [o for o in outcomes if isinstance(o, Report)]
    lost = [o for o in outcomes if isinstance(o, ReportStateConflict)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].status == 409
    assert ReportStep.objects.filter(report=report, action="accepted").count() == 1
    report.refresh_from_db()
    assert report.state == Report.State.ACCEPTED and report.version == 3
