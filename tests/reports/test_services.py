"""Reports' services on the database: routing, the lifecycle's move table, duplicates and
+1, deadlines and escalation on an injected clock, privacy on the board, weekly figures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grids.models import Post
from reports.errors import ReportStateConflict
from reports.models import (
    Category,
    HandlingUnit,
    Report,
    ReportStat,
    RoutingRule,
    UnitMember,
)
from reports.services import escalation, handling, routing, states, submitting
from reports.services.submitting import ReportDuplicate
from residents.models import Notification
from tests.factories import (
    MembershipFactory,
    MicroGridFactory,
    UserFactory,
    make_cadre,
    make_grid_worker,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    building = MicroGridFactory(latitude="30.750000", longitude="120.750000")
    resident = MembershipFactory(micro_grid=building).user
    worker = make_grid_worker(building.grid)
    river = HandlingUnit.objects.create(name="河道保洁队", kind=HandlingUnit.Kind.RIVER)
    river.communities.add(building.grid.community)
    staff = UserFactory()
    UnitMember.objects.create(unit=river, user=staff)
    return {
        "building": building,
        "grid": building.grid,
        "community": building.grid.community,
        "resident": resident,
        "worker": worker,
        "river": river,
        "staff": staff,
        "litter": Category.objects.get(code="river-litter"),
    }


def _report(p, category=None, **kwargs):
    where = submitting.place_resolve(actor=p["resident"], micro_grid_id=p["building"].pk)
    return submitting.report_create(
        actor=p["resident"], category=category or p["litter"], place=where, **kwargs
    )


def test_the_most_specific_rule_wins(place):
    p = place
    whole = HandlingUnit.objects.create(name="物业")
    building_unit = HandlingUnit.objects.create(name="楼栋物业")
    RoutingRule.objects.create(community=p["community"], unit=whole)  # every category
    RoutingRule.objects.create(
        community=p["community"], grid=p["grid"], micro_grid=p["building"], unit=building_unit
    )
    args = {"category": p["litter"], "grid": p["grid"], "micro_grid": p["building"]}
    assert routing.route(**args).unit == building_unit
    RoutingRule.objects.create(community=p["community"], category=p["litter"], unit=p["river"])
    assert routing.route(**args).unit == p["river"]  # naming the category beats any area
    other = MicroGridFactory(grid=p["grid"])
    assert routing.route(**{**args, "micro_grid": other}).unit == p["river"]


def test_without_a_rule_the_grid_worker_handles_it(place):
    report = _report(place, category=Category.objects.get(code="lift"))
    assert report.unit is None and report.handler_id == place["worker"].pk
    assert report.state == Report.State.DISPATCHED


def test_the_whole_lifecycle_and_refused_moves(place):
    p = place
    RoutingRule.objects.create(community=p["community"], category=p["litter"], unit=p["river"])
    report = _report(p, description="河面漂着垃圾")
    assert report.unit == p["river"]
    with pytest.raises(ReportStateConflict):
        handling.report_close(actor=p["staff"], report_id=report.pk, note="好了")
    with pytest.raises(ReportStateConflict):
        handling.report_confirm(actor=p["resident"], report_id=report.pk)
    handling.report_accept(actor=p["staff"], report_id=report.pk)
    with pytest.raises(ReportStateConflict) as second:
        handling.report_accept(actor=p["staff"], report_id=report.pk)
    assert second.value.code == "report_state"
    with pytest.raises(ReportStateConflict):
        handling.report_withdraw(actor=p["resident"], report_id=report.pk)
    handling.report_close(actor=p["staff"], report_id=report.pk, note="已打捞")
    handling.report_reopen(actor=p["resident"], report_id=report.pk, reason="还有垃圾")
    handling.report_accept(actor=p["staff"], report_id=report.pk)
    handling.report_close(actor=p["staff"], report_id=report.pk, note="全部打捞")
    handling.report_rate(actor=p["resident"], report_id=report.pk, rating=4)
    report.refresh_from_db()
    assert report.state == Report.State.CONFIRMED and report.reopen_count == 1
    stat = ReportStat.objects.get(unit=p["river"])
    assert (stat.received, stat.closed, stat.reopened, stat.rating_sum) == (1, 2, 1, 4)
    card = Post.objects.get(ref_type=states.REPORT_REF, ref_id=report.pk)
    assert card.ref_state == Report.State.CONFIRMED
    types = set(Notification.objects.filter(user=p["resident"]).values_list("type", flat=True))
    assert "report.updated" in types


def test_every_move_outside_the_table_is_refused(place):
    report = _report(place)
    for state in Report.State.values:
        for action, (sources, _target) in states.MOVES.items():
            report.state = state
            if state in sources:
                assert states.check_move(report, action)
            else:
                with pytest.raises(ReportStateConflict):
                    states.check_move(report, action)


def test_a_second_report_nearby_is_offered_as_a_duplicate(place):
    p = place
    first = _report(p)
    neighbour = MembershipFactory(micro_grid=p["building"]).user
    where = submitting.place_resolve(actor=neighbour, micro_grid_id=p["building"].pk)
    with pytest.raises(ReportDuplicate) as refused:
        submitting.report_create(actor=neighbour, category=p["litter"], place=where)
    assert refused.value.report_ids == [first.pk]
    submitting.report_follow(actor=neighbour, report_id=first.pk)
    first.refresh_from_db()
    assert first.followers_count == 2 and Report.objects.count() == 1


def test_private_categories_never_reach_the_board(place):
    report = _report(place, category=Category.objects.get(code="noise"), public=True)
    assert report.public is False
    assert not Post.objects.filter(ref_type=states.REPORT_REF, ref_id=report.pk).exists()


def test_the_unit_gets_the_phone_only_when_allowed(place):
    assert _report(place).contact_phone == ""
    other = _report(place, category=Category.objects.get(code="rubbish"), contact_ok=True)
    assert other.contact_phone == place["resident"].phone


def test_overdue_reports_escalate_level_by_level(place, settings):
    settings.REPORTS_ESCALATION_STEP_HOURS = 24
    cadre = make_cadre(place["community"])
    report = _report(place)  # no rule: the grid worker; accept within 2 h
    start = report.created_at
    assert escalation.reports_sweep(now=start + timedelta(hours=1)).escalated == 0
    assert escalation.reports_sweep(now=start + timedelta(hours=3)).escalated == 1
    report.refresh_from_db()
    assert report.escalation == 1
    assert escalation.reports_sweep(now=start + timedelta(hours=4)).escalated == 0
    escalation.reports_sweep(now=start + timedelta(hours=27))
    report.refresh_from_db()
    assert report.escalation == 2
    assert Notification.objects.filter(user=cadre, type="report.escalated").exists()


def test_a_closed_report_left_unanswered_is_confirmed(place, settings):
    report = _report(place)
    handling.report_accept(actor=place["worker"], report_id=report.pk)
    handling.report_close(actor=place["worker"], report_id=report.pk, note="修好了")
    later = timezone.now() + timedelta(hours=settings.REPORTS_AUTO_CONFIRM_HOURS + 1)
    assert escalation.reports_sweep(now=later).confirmed == 1
    report.refresh_from_db()
    assert report.state == Report.State.CONFIRMED


def test_the_sweep_command_escalates_what_is_overdue(place):
    from io import StringIO

    from django.core.management import call_command

    report = _report(place)
    Report.objects.filter(pk=report.pk).update(accept_due=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("reports_sweep", stdout=out)
    assert "escalated: 1" in out.getvalue()
    report.refresh_from_db()
    assert report.escalation == 1
