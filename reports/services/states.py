"""What every report service shares: the move table (the one place a report's state
changes), the lock, the timeline, and the live events after a move."""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grids.services.posts import post_ref_state_set
from reports import events
from reports.errors import NotFound, ReportStateConflict
from reports.models import Report, ReportStep
from reports.permissions import is_unit_staff
from residents.models import User

REPORT_REF = "reports.report"  # its card on the board: Post.ref_type

S = Report.State
A = ReportStep.Action

# action → (states it may start from, state it leads to). Nothing else moves a report.
MOVES: dict[str, tuple[frozenset[str], str]] = {
    A.DISPATCHED: (frozenset({S.SUBMITTED, S.RETURNED}), S.DISPATCHED),
    A.ACCEPTED: (frozenset({S.DISPATCHED, S.REOPENED}), S.ACCEPTED),
    A.PROGRESS: (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.IN_PROGRESS),
    A.CLOSED: (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.CLOSED),
    A.CONFIRMED: (frozenset({S.CLOSED}), S.CONFIRMED),
    A.AUTO_CONFIRMED: (frozenset({S.CLOSED}), S.CONFIRMED),
    A.REOPENED: (frozenset({S.CLOSED}), S.REOPENED),
    A.RETURNED: (frozenset({S.DISPATCHED, S.REOPENED, S.ACCEPTED, S.IN_PROGRESS}), S.RETURNED),
    A.REROUTED: (
        frozenset({S.DISPATCHED, S.REOPENED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED}),
        S.DISPATCHED,
    ),
    A.WITHDRAWN: (frozenset({S.DISPATCHED, S.RETURNED}), S.WITHDRAWN),
}

# Told to the person whose move came second (409), by the state they lost to.
TOO_LATE = {
    S.ACCEPTED: gettext_lazy("Someone else has already accepted this report."),
    S.IN_PROGRESS: gettext_lazy("This report is already being handled."),
    S.CLOSED: gettext_lazy("This report has already been marked done."),
    S.CONFIRMED: gettext_lazy("This report is already finished."),
    S.RETURNED: gettext_lazy("This report was returned and waits to be passed on."),
    S.WITHDRAWN: gettext_lazy("The reporter has withdrawn this report."),
}


def locked_report(report_id: int) -> Report:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("category", "grid", "community", "unit")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotFound(_("No such report."))
    return report


def check_move(report: Report, action: str) -> str:
    sources, target = MOVES[action]
    if report.state not in sources:
        raise ReportStateConflict(
            TOO_LATE.get(report.state)
            or _("This cannot be done while the report is “%(state)s”.")
            % {"state": Report.State(report.state).label}
        )
    return target


def actor_label(actor: User | None, report: Report) -> str:
    """Who acted, as others are shown: a unit's name for its staff, else a display name."""
    if actor is None:
        return _("System")
    if report.unit_id and actor.pk != report.reporter_id and is_unit_staff(actor, report.unit_id):
        return report.unit.name
    return actor.display_name


def step_record(
    report: Report,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    label: str | None = None,
    now=None,
) -> ReportStep:
    return ReportStep.objects.create(
        report=report,
        action=action,
        state=report.state,
        actor=actor,
        actor_label=label if label is not None else actor_label(actor, report),
        unit_id=report.unit_id,
        note=note,
        created_at=now or timezone.now(),
    )


def move(
    report: Report,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    now=None,
    fields: dict | None = None,
    notify: bool = True,
) -> Report:
    """Apply one move from MOVES to a locked report: its state, the extra `fields`, a
    new version, the timeline step, and the live events after commit."""
    now = now or timezone.now()
    label = actor_label(actor, report)
    report.state = check_move(report, action)
    for name, value in (fields or {}).items():
        setattr(report, name, value)
    report.updated_at = now
    report.version = F("version") + 1
    report.save()
    report.refresh_from_db(fields=["version"])
    step_record(report, action, actor=actor, note=note, label=label, now=now)
    if report.public:
        post_ref_state_set(ref_type=REPORT_REF, ref_id=report.pk, state=report.state)
    events.report_changed(report, note=note, notify=notify)
    return report


def touch(report: Report, *, now=None) -> None:
    """A change that is not a move (a +1, a rating): a new version, nudges after commit."""
    report.updated_at = now or timezone.now()
    report.version = F("version") + 1
    report.save(update_fields=["updated_at", "version"])
    report.refresh_from_db(fields=["version"])
