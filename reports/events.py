"""Reports' live events.

- On the personal stream (`/ws/me/`), stored and numbered: `report.updated` to the
  reporter and everyone who said "+1" whenever their report moves; `report.escalated`
  to the people an overdue report has reached.
- On the `reports` stream (`/ws/reports/<scope>/<id>/`), nudges only: `report.changed`
  tells a unit's queue, a grid worker's grid and a community's dashboard that a report
  moved; the page reads the row (or the figures) again, so a lost nudge leaves a late
  figure, never a wrong one.
"""

from core.event_schema import (
    choice,
    declare_event,
    declare_stream,
    error_fields,
    fields,
    integer,
    nullable,
    string,
)
from core.events import group_send_on_commit
from reports.models import Report
from residents.events import (
    declare_me_event,
    user_event_send_on_commit,
    user_group,
    users_event_send_on_commit,
)

REPORT_UPDATED = "report.updated"
REPORT_ESCALATED = "report.escalated"
REPORT_CHANGED = "report.changed"
REPORTS_STREAM = "reports"
SCOPES = ("unit", "grid", "community")

_report = {
    "report_id": integer("The report."),
    "state": choice(Report.State.values, "Its state now."),
    "state_label": string("The state in the reader's words (zh-hans first)."),
    "category": string("Its category's name."),
    "version": integer("The report's version; grows with every change.", minimum=1),
}
declare_me_event(
    REPORT_UPDATED,
    "A report you made or follow moved (dispatched, accepted, done, …); "
    "GET /api/v1/reports/<report_id>/ for the whole timeline.",
    {**_report, "note": string("What the handler wrote, or empty.")},
)
declare_me_event(
    REPORT_ESCALATED,
    "A report in your care is overdue and has reached you.",
    {**_report, "level": integer("The escalation level (1: grid worker, …).", minimum=1)},
)

declare_stream(
    REPORTS_STREAM,
    path="/ws/reports/<scope>/<id>/",
    description=(
        "Nudges for a unit's queue (`unit`), a grid's reports (`grid`, its grid worker and "
        "the community's cadres) and a community's dashboard (`community`, its cadres): "
        "read the report or the figures again. Nothing is replayed; read the page after a "
        "reconnect. Read-only."
    ),
)
declare_event(
    REPORTS_STREAM,
    REPORT_CHANGED,
    fields(
        {
            "report_id": integer("The report that moved."),
            "state": choice(Report.State.values, "Its state now."),
            "version": integer("Its version.", minimum=1),
            "unit_id": nullable(integer("The unit handling it now; null: the grid worker.")),
        }
    ),
    "A report in this scope was made or moved.",
)
declare_event(
    REPORTS_STREAM,
    "error",
    error_fields(["read_only", "invalid_message"]),
    "A message from the client was refused; the stream goes on.",
)


def reports_group(scope: str, scope_id: int) -> str:
    return f"reports-{scope}-{int(scope_id)}"


def _payload(report: Report) -> dict:
    return {
        "report_id": report.pk,
        "state": report.state,
        "state_label": str(Report.State(report.state).label),
        "category": report.category.name,
        "version": report.version,
    }


def report_changed(report: Report, *, note: str = "", notify: bool = True) -> None:
    """After commit: the queues and dashboards that show `report` hear a nudge; the
    reporter and followers get a stored `report.updated` (unless `notify` is off)."""
    groups = [
        reports_group("grid", report.grid_id),
        reports_group("community", report.community_id),
    ]
    if report.unit_id:
        groups.append(reports_group("unit", report.unit_id))
    group_send_on_commit(
        groups,
        {
            "type": "reports.nudge",
            "event": {
                "type": REPORT_CHANGED,
                "report_id": report.pk,
                "state": report.state,
                "version": report.version,
                "unit_id": report.unit_id,
            },
        },
    )
    if not notify:
        return
    user_ids = set(report.followers.values_list("user_id", flat=True))
    if report.reporter_id:
        user_ids.add(report.reporter_id)
    if not user_ids:
        return
    event = {"type": REPORT_UPDATED, **_payload(report), "note": note}
    if len(user_ids) == 1:
        user_event_send_on_commit(user_id=next(iter(user_ids)), event=event)
    else:
        users_event_send_on_commit(
            user_ids=user_ids, event=event, nudge_groups=[user_group(u) for u in user_ids]
        )


def report_escalated(report: Report, *, user_ids: set[int], level: int) -> None:
    if not user_ids:
        return
    event = {"type": REPORT_ESCALATED, **_payload(report), "level": level}
    users_event_send_on_commit(
        user_ids=user_ids, event=event, nudge_groups=[user_group(u) for u in user_ids]
    )
