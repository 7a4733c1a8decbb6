"""Deadlines: a report not accepted by its accept deadline, or not closed by its close
deadline, escalates one level at the deadline and one more every
REPORTS_ESCALATION_STEP_HOURS after it, through REPORTS_ESCALATION_LEVELS (by default
the grid worker, the community's cadres, the street office), with a notice to the
people at each level and a step on the timeline. A closed report the reporter did not
answer is confirmed after REPORTS_AUTO_CONFIRM_HOURS.

`reports_sweep(now=…)` does both; the clock is a parameter, so tests move time by
passing it. It runs from `manage.py reports_sweep` (cron, every few minutes) or as a
django-tasks task; each report is handled in its own short transaction, locked and
re-checked, so two sweeps never escalate one report twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Role, RoleGrant
from reports import events
from reports.models import HandlingUnit, Report, ReportStep, UnitMember
from reports.services import states

A = ReportStep.Action


@dataclass
class SweepResult:
    escalated: int = 0
    confirmed: int = 0


def due_at(report: Report) -> datetime | None:
    """The deadline the report is held to now: acceptance while it waits, else closure."""
    if report.state in Report.WAITING and report.accept_due:
        return min(report.accept_due, report.close_due or report.accept_due)
    if report.state in (Report.State.ACCEPTED, Report.State.IN_PROGRESS, Report.State.SUBMITTED):
        return report.close_due
    if report.state == Report.State.RETURNED:
        return report.close_due
    return None


def level_due(report: Report, now: datetime) -> int:
    """How many levels an open report should have reached by `now`."""
    deadline = due_at(report)
    if deadline is None or now < deadline:
        return 0
    step = timedelta(hours=settings.REPORTS_ESCALATION_STEP_HOURS)
    levels = len(settings.REPORTS_ESCALATION_LEVELS)
    return min(levels, 1 + int((now - deadline) / step))


def people_at(report: Report, level: int) -> set[int]:
    """Who hears of an overdue report at `level` (1-based)."""
    name = settings.REPORTS_ESCALATION_LEVELS[level - 1]
    if name == "grid_worker":
        return {report.grid.grid_worker_id} if report.grid.grid_worker_id else set()
    if name == "cadre":
        return set(
            RoleGrant.objects.filter(
                community_id=report.community_id, role=Role.CADRE, revoked_at__isnull=True
            ).values_list("user_id", flat=True)
        )
    if name == "street_office":
        offices = HandlingUnit.objects.filter(
            kind=HandlingUnit.Kind.STREET_OFFICE, active=True, communities=report.community_id
        )
        return set(
            UnitMember.objects.filter(unit__in=offices, revoked_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
    return set()


LEVEL_NAMES = {
    "grid_worker": _("the grid worker"),
    "cadre": _("the community's cadres"),
    "street_office": _("the street office"),
}


@transaction.atomic
def report_escalate(*, report_id: int, now: datetime) -> bool:
    report = states.locked_report(report_id)
    if report.state not in Report.OPEN_STATES:
        return False
    target = level_due(report, now)
    if target <= report.escalation:
        return False
    for level in range(report.escalation + 1, target + 1):
        name = settings.REPORTS_ESCALATION_LEVELS[level - 1]
        report.escalation = level
        report.escalated_at = now
        report.updated_at = now
        report.version += 1
        report.save(update_fields=["escalation", "escalated_at", "updated_at", "version"])
        states.step_record(
            report,
            A.ESCALATED,
            actor=None,
            note=_("Overdue: %(who)s has been told.") % {"who": LEVEL_NAMES.get(name, name)},
            now=now,
        )
        events.report_escalated(report, user_ids=people_at(report, level), level=level)
    events.report_changed(report, notify=False)
    return True


@transaction.atomic
def report_auto_confirm(*, report_id: int, now: datetime) -> bool:
    report = states.locked_report(report_id)
    if report.state != Report.State.CLOSED or report.confirm_due() > now:
        return False
    states.move(
        report,
        A.AUTO_CONFIRMED,
        actor=None,
        note=_("No answer within %(h)d hours: counted as fixed.")
        % {"h": settings.REPORTS_AUTO_CONFIRM_HOURS},
        now=now,
    )
    return True


def reports_sweep(*, now: datetime | None = None, limit: int = 5000) -> SweepResult:
    """Escalate what is overdue and confirm what was left unanswered, as of `now`."""
    now = now or timezone.now()
    result = SweepResult()
    overdue = (
        Report.objects.filter(state__in=Report.OPEN_STATES)
        .filter(Q(close_due__lte=now) | Q(state__in=Report.WAITING, accept_due__lte=now))
        .order_by("close_due")
        .values_list("pk", flat=True)[:limit]
    )
    for report_id in list(overdue):
        result.escalated += report_escalate(report_id=report_id, now=now)
    stale = now - timedelta(hours=settings.REPORTS_AUTO_CONFIRM_HOURS)
    closed = (
        Report.objects.filter(state=Report.State.CLOSED, closed_at__lte=stale)
        .order_by("closed_at")
        .values_list("pk", flat=True)[:limit]
    )
    for report_id in list(closed):
        result.confirmed += report_auto_confirm(report_id=report_id, now=now)
    return result
