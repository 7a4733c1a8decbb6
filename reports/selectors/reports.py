"""Reads of reports: one report with its photos and timeline, a person's own reports, a
unit's queue and a grid worker's, by deadline. Each is a fixed number of queries
(photos and steps prefetched), on the indexes named beside it.

Privacy: the reporter's contact (`contact_phone`) is only ever read by
`report_contact`, for a report whose reporter agreed to be contacted, and that read is
written to the access log.
"""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import access_log_record
from grids.models import Grid, MicroGrid
from grids.selectors.places import grids_managed_by
from reports import permissions
from reports.errors import NotAllowed, NotFound
from reports.models import Category, HandlingUnit, Report, ReportPhoto, ReportStep
from residents.models import User

LIST_FIELDS = ("category", "grid", "micro_grid", "unit")


def _with_photos(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(
        Prefetch("photos", queryset=ReportPhoto.objects.order_by("kind", "position"))
    )


def report_for_viewer(*, viewer: User, report_id: int) -> Report:
    """One report with its photos and timeline, or 404 to whoever may not read it."""
    report = (
        _with_photos(Report.objects.select_related(*LIST_FIELDS, "community"))
        .prefetch_related(Prefetch("steps", queryset=ReportStep.objects.order_by("id")))
        .filter(pk=report_id)
        .first()
    )
    return permissions.require_read(viewer, report)


def reports_of(user: User) -> QuerySet:
    """What a person reported or said +1 to, newest first (`report_reporter_idx`,
    `reportfollower_user_idx`)."""
    return _with_photos(
        Report.objects.select_related(*LIST_FIELDS)
        .filter(Q(reporter=user) | Q(followers__user=user))
        .distinct()
        .order_by("-created_at", "-id")
    )


# The queues as the ORM states them. The API and the pages read them through
# `reports.selectors.cards.queue_cards` (one plain-SQL statement per page); the tests hold
# that page equal, report for report and field for field, to these.


def unit_queue(*, unit_id: int) -> QuerySet:
    """A unit's open reports, soonest deadline first (`report_unit_queue_idx`)."""
    return _with_photos(
        Report.objects.select_related(*LIST_FIELDS)
        .filter(unit_id=unit_id, state__in=Report.OPEN_STATES)
        .order_by("close_due", "id")
    )


def handler_queue(*, user: User) -> QuerySet:
    """Reports a grid worker handles themself (no unit matched), soonest deadline first
    (`report_handler_queue_idx`)."""
    return _with_photos(
        Report.objects.select_related(*LIST_FIELDS)
        .filter(handler=user, unit__isnull=True, state__in=Report.OPEN_STATES)
        .order_by("close_due", "id")
    )


def community_open(*, community_id: int) -> QuerySet:
    """A community's open reports, soonest deadline first, for its cadres (returned ones
    first: they wait for someone to pass them on) (`report_open_community_idx`)."""
    return _with_photos(
        Report.objects.select_related(*LIST_FIELDS)
        .filter(community_id=community_id, state__in=Report.OPEN_STATES)
        .order_by("close_due", "id")
    )


# Lookups the pages and the API share.


def categories_active() -> QuerySet:
    """The kinds of problem a person may choose, in their order, with their questions."""
    return (
        Category.objects.filter(active=True)
        .prefetch_related("attributes")
        .order_by("position", "id")
    )


def category_active(category_id: int | None) -> Category | None:
    if not category_id:
        return None
    return Category.objects.filter(pk=category_id, active=True).first()


def unit_by_id(unit_id: int) -> HandlingUnit | None:
    return HandlingUnit.objects.filter(pk=unit_id).first()


def units_serving(community_id: int) -> QuerySet:
    """Where a report of this community can be passed on to."""
    return HandlingUnit.objects.filter(communities=community_id, active=True)


def first_unit_of(user: User) -> HandlingUnit | None:
    return (
        HandlingUnit.objects.filter(pk__in=permissions.unit_ids_of(user)).order_by("name").first()
    )


def buildings_of(grid: Grid) -> list[MicroGrid]:
    return list(MicroGrid.objects.filter(grid=grid).order_by("id"))


def reports_by_ids(ids: list[int]) -> list[Report]:
    """Reports shown as cards (the "已有人反映" offer after a refused send)."""
    return list(_with_photos(Report.objects.select_related(*LIST_FIELDS)).filter(pk__in=ids))


def close_due_of(report_id: int):
    """Where a queue's page ends (its keyset: close_due, id)."""
    return Report.objects.filter(pk=report_id).values_list("close_due", flat=True).first()


def patrol_grids(user: User) -> list[Grid]:
    """The grids staff on patrol may report in: those they serve (grid worker, cadre) and
    those of the communities their unit serves. At most 100, in order."""
    served = list(grids_managed_by(user)[:100])
    units = permissions.unit_ids_of(user)
    if units and len(served) < 100:
        known = {g.pk for g in served}
        served += [
            g
            for g in Grid.objects.select_related("community")
            .filter(community__handling_units__in=units, community__handling_units__active=True)
            .distinct()
            .order_by("community_id", "number")[: 100 - len(served)]
            if g.pk not in known
        ]
    return served


def units_of(user: User) -> list[HandlingUnit]:
    """The units a person is staff of, each with `open_count` and `overdue_count` (its
    queue at a glance on home). One query."""
    if not user.is_authenticated:
        return []
    now = timezone.now()
    open_q = Q(reports__state__in=Report.OPEN_STATES)
    return list(
        HandlingUnit.objects.filter(
            members__user=user, members__revoked_at__isnull=True, active=True
        )
        .annotate(
            open_count=Count("reports", filter=open_q),
            overdue_count=Count(
                "reports",
                filter=open_q
                & (
                    Q(reports__close_due__lt=now)
                    | Q(reports__state__in=Report.WAITING, reports__accept_due__lt=now)
                ),
            ),
        )
        .order_by("name")
    )


def report_contact(*, viewer: User, report: Report) -> str:
    """The reporter's phone, for the unit handling it (or the grid worker when no unit
    does), only if the reporter agreed; written to the access log."""
    # The reporter agreed to be phoned by the unit handling it, no one else.
    if not permissions.can_handle(viewer, report):
        raise NotAllowed(_("Only the unit handling this report can do this."))
    if not report.contact_ok or not report.contact_phone:
        raise NotFound(_("The reporter chose not to be contacted."))
    access_log_record(
        actor=viewer,
        action="report_contact",
        subject=report.reporter,
        scope=f"report:{report.pk}",
    )
    return report.contact_phone
