"""What a viewer may do with a report now, for the API's `can` and the pages' buttons.

`report_actions` follows `reports.services.states.MOVES` and `reports.permissions`, so a
button is shown exactly when its service would accept the move. `decorate` reads what a
page of reports needs about the viewer (which of them they follow; their units and the
communities they are a cadre of) in two queries, whatever the page's size.
"""

from collections.abc import Sequence

from grids.permissions import is_admin
from reports.models import Report, ReportFollower, ReportStep
from reports.permissions import cadre_communities, can_handle
from reports.services import handling, submitting
from reports.services.states import MOVES
from residents.models import User

A = ReportStep.Action
S = Report.State

# Every action a viewer may be offered, in the order buttons appear.
ACTIONS = (
    "accept",
    "progress",
    "close",
    "return",
    "reroute",
    "confirm",
    "reopen",
    "rate",
    "withdraw",
    "follow",
)
# Each move's service and the values it takes from the form or the API body (forms and
# serializers name them alike), for the pages and the API both.
MOVE_SERVICES = {
    "follow": (submitting.report_follow, ()),
    "accept": (handling.report_accept, ()),
    "progress": (handling.report_progress, ("note",)),
    "close": (handling.report_close, ("note", "photos")),
    "return": (handling.report_return, ("reason",)),
    "reroute": (handling.report_reroute, ("unit", "note")),
    "confirm": (handling.report_confirm, ()),
    "reopen": (handling.report_reopen, ("reason",)),
    "withdraw": (handling.report_withdraw, ()),
    "rate": (handling.report_rate, ("rating", "comment")),
}
# Where a value's name and the service's argument differ.
MOVE_ARGUMENTS = {"unit": "unit_id"}


def report_move(name: str, *, actor: User, report_id: int, values: dict):
    """Make move `name` on a report with the validated `values` of its form or body."""
    service, fields = MOVE_SERVICES[name]
    arguments = {MOVE_ARGUMENTS.get(f, f): values[f] for f in fields}
    return service(actor=actor, report_id=report_id, **arguments)


HANDLER_MOVES = {
    "accept": A.ACCEPTED,
    "progress": A.PROGRESS,
    "close": A.CLOSED,
    "return": A.RETURNED,
}
REPORTER_MOVES = {"confirm": A.CONFIRMED, "reopen": A.REOPENED, "withdraw": A.WITHDRAWN}


def oversees(user: User, report: Report) -> bool:
    """Same answer as permissions.can_oversee, without a query per report."""
    return (
        is_admin(user)
        or report.grid.grid_worker_id == user.pk
        or report.community_id in cadre_communities(user)
    )


def _allowed(report: Report, action: str) -> bool:
    return report.state in MOVES[action][0]


def follows(user: User, report: Report) -> bool:
    known = getattr(report, "viewer_follows", None)
    if known is None:
        known = report.followers.filter(user=user).exists()
        report.viewer_follows = known
    return known


def report_actions(viewer: User, report: Report) -> list[str]:
    if not viewer.is_authenticated:
        return []
    found = set()
    staff = False
    if can_handle(viewer, report):
        staff = True
        found |= {name for name, move in HANDLER_MOVES.items() if _allowed(report, move)}
    if oversees(viewer, report):
        staff = True
        if _allowed(report, A.REROUTED):
            found.add("reroute")
    if report.reporter_id == viewer.pk:
        found |= {name for name, move in REPORTER_MOVES.items() if _allowed(report, move)}
        if report.rating is None and report.state in (S.CLOSED, S.CONFIRMED):
            found.add("rate")
    elif not staff and report.is_open and not follows(viewer, report):
        found.add("follow")
    return [name for name in ACTIONS if name in found]


def decorate(reports: Sequence[Report], *, viewer: User) -> Sequence[Report]:
    """Warm the viewer's roles, then mark which reports they follow (one query), for
    the reports where it decides a button: open, neither theirs nor theirs to handle or
    oversee. A unit's queue needs none."""
    if not viewer.is_authenticated or not reports:
        return reports
    cadre_communities(viewer)  # with the viewer's units: one query
    asked = [
        r
        for r in reports
        if r.is_open
        and r.reporter_id != viewer.pk
        and not can_handle(viewer, r)
        and not oversees(viewer, r)
    ]
    followed = (
        set(
            ReportFollower.objects.filter(
                user=viewer, report_id__in=[r.pk for r in asked]
            ).values_list("report_id", flat=True)
        )
        if asked
        else set()
    )
    for report in asked:
        report.viewer_follows = report.pk in followed
    return reports
