"""The demo reports: units with their staff, the routing table and a dozen reports made
through the services; running the command twice changes nothing."""

import io
import json

import pytest
from django.core.management import call_command
from django.db.models import Sum

from grids.demo import COMMUNITY
from reports.demo import REPORTS
from reports.models import (
    HandlingUnit,
    Report,
    ReportStat,
    ReportStep,
    RoutingRule,
    UnitMember,
)
from residents.models import User

pytestmark = pytest.mark.django_db


def seed() -> dict:
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo_reports", json=True, stdout=out)
    return json.loads(out.getvalue())


def counts() -> dict:
    models = (HandlingUnit, UnitMember, RoutingRule, Report, ReportStep, ReportStat, User)
    return {model.__name__: model.objects.count() for model in models}


def test_running_the_demo_reports_twice_makes_nothing_twice():
    first = seed()
    before = counts()

    second = seed()
    printed = io.StringIO()
    call_command("seed_demo_reports", stdout=printed)

    assert counts() == before
    assert "demo reports added: 0" in printed.getvalue()
    assert "13900004002" in printed.getvalue()
    assert first["reports"] == len(REPORTS)
    assert second["reports"] == 0
    assert second["staff"] == first["staff"]
    assert before["HandlingUnit"] == 4
    assert before["UnitMember"] == 4
    assert Report.objects.filter(community__name=COMMUNITY).count() == len(REPORTS)


def test_the_river_report_goes_to_the_river_crew_and_its_staff_may_sign_in():
    demo = seed()

    report = Report.objects.get(category__code="river-litter")
    assert report.unit.kind == HandlingUnit.Kind.RIVER
    assert report.unit.name == "河道保洁队"
    assert report.state == Report.State.IN_PROGRESS
    crew = next(s for s in demo["staff"] if s["unit"] == "河道保洁队")
    staff = User.objects.get(phone=f"+86{crew['phone']}")
    assert UnitMember.objects.filter(unit=report.unit, user=staff).exists()
    assert staff.check_password(crew["password"])


def test_the_demo_reports_span_the_states_the_noise_complaint_stays_private():
    seed()

    states = set(Report.objects.values_list("state", flat=True))
    assert {"dispatched", "accepted", "in_progress", "closed", "confirmed"} <= states
    assert {"reopened", "returned", "withdrawn"} <= states
    noise = Report.objects.get(category__code="noise")
    assert noise.public is False
    assert noise.unit.kind == HandlingUnit.Kind.STREET_OFFICE
    assert Report.objects.filter(public=True).count() == len(REPORTS) - 1
    other = Report.objects.get(category__code="other")
    assert other.unit is None and other.handler_id == other.grid.grid_worker_id


def test_the_weekly_figures_count_what_the_reports_went_through():
    seed()

    totals = ReportStat.objects.aggregate(
        received=Sum("received"), closed=Sum("closed"), reopened=Sum("reopened")
    )
    assert totals["received"] == len(REPORTS)
    # Closed once each: the street light, the lift, the rubbish and the road (then reopened).
    assert totals["closed"] == 4
    assert totals["reopened"] == 1
    rated = ReportStat.objects.aggregate(n=Sum("rating_count"), total=Sum("rating_sum"))
    assert rated == {"n": 2, "total": 9}
