"""A queue's page of open reports in one plain-SQL statement, for the API's cursor paginator
and the pages' keyset.

A unit's queue is the page its staff reload all day. Through the ORM it cost two queries
(the reports with their category, grid, building and unit joined, then their photos) and,
on PostgreSQL, 3.5 ms of planning for the five-table join alone. Here the page is chosen
first, in a subquery the planner plans on its own (`report_unit_queue_idx`,
`report_handler_queue_idx`, `report_open_community_idx`), and only its rows are joined,
their photos riding along as JSON: one statement, under a millisecond of planning. Rows
become the instances the ORM would give (grids.selectors.rows), with the photos in place
of a prefetch, so serializers and permissions read them as usual.
"""

import copy
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from grids.models import Grid, MicroGrid
from grids.selectors.rows import Columns, Sql, fetch, literal, reader
from reports.models import Category, HandlingUnit, Report, ReportPhoto

REPORT = Columns(Report, "r")
CATEGORY = Columns(Category, "c", shared=True)
GRID = Columns(Grid, "g", shared=True)
BUILDING = Columns(MicroGrid, "m", shared=True)
UNIT = Columns(HandlingUnit, "u", shared=True)

# The open states written into the statement, as the partial indexes' condition is: a
# prepared statement's plan for any unit must still see that it may use them.
_OPEN_STATES = literal(*Report.OPEN_STATES)
_PAGE = Sql(
    """SELECT {REPORT}, {CATEGORY}, {GRID}, {BUILDING}, {UNIT},
    (SELECT json_agg(json_build_array(p.id, p.kind, p.position, p.image, p.thumb, p.width,
                                      p.height) ORDER BY p.kind, p.position)
       FROM {photo} p WHERE p.report_id = r.id)
FROM (SELECT * FROM {report} q WHERE {{scope}} AND q.state IN ({open_states}){{bound}}
      ORDER BY q.close_due {{direction}}, q.id {{direction}} LIMIT %s OFFSET %s) r
JOIN {category} c ON c.id = r.category_id
JOIN {grid} g ON g.id = r.grid_id
LEFT JOIN {building} m ON m.id = r.micro_grid_id
LEFT JOIN {unit} u ON u.id = r.unit_id
ORDER BY r.close_due {{direction}}, r.id {{direction}}""",
    REPORT=REPORT,
    CATEGORY=CATEGORY,
    GRID=GRID,
    BUILDING=BUILDING,
    UNIT=UNIT,
    report=Report,
    photo=ReportPhoto,
    category=Category,
    grid=Grid,
    building=MicroGrid,
    unit=HandlingUnit,
    open_states=_OPEN_STATES,
)
_SCOPES = {
    "unit": "q.unit_id = %s",
    "handler": "q.handler_id = %s AND q.unit_id IS NULL",
    "community": "q.community_id = %s",
}
# The foreign keys the joined rows fill, in the order of their columns.
_RELATED = [Report._meta.get_field(name) for name in ("category", "grid", "micro_grid", "unit")]
_PHOTOS_CACHE = Report._meta.get_field("photos").cache_name
_NO_PHOTOS = ReportPhoto.objects.none()
_DEADLINE = models.DateTimeField()


class QueueCards:
    """Open reports of a unit, of a grid worker (no unit), or of a community, as a
    `CursorPagination` on ("close_due", "id") pages them (`order_by`, then
    `filter(close_due__gt=…)` or `__lt`, then a slice of Report instances) or as the pages
    do (`after` a report, then a slice)."""

    def __init__(self, *, scope: str, target_id: int):
        if scope not in _SCOPES:
            raise ValueError(f"no queue of {scope}")
        self.scope, self.target_id = scope, target_id
        self.descending = False
        self.bound: tuple[str, datetime] | None = None
        self.keyset: tuple[datetime, int] | None = None

    def _clone(self, **changes) -> "QueueCards":
        clone = object.__new__(QueueCards)
        clone.__dict__.update(self.__dict__, **changes)
        return clone

    def order_by(self, *ordering: str) -> "QueueCards":
        if ordering not in (("close_due", "id"), ("-close_due", "-id")):
            raise ValueError(f"a queue pages by deadline only, not {ordering}")
        return self._clone(descending=ordering[0].startswith("-"))

    def filter(self, **bound) -> "QueueCards":
        ((lookup, value),) = bound.items()
        if lookup not in ("close_due__gt", "close_due__lt"):
            raise ValueError(f"a queue pages by deadline only, not {lookup}")
        try:
            deadline = _DEADLINE.to_python(value)
        except ValidationError:
            deadline = None
        if deadline is None:  # a cursor pointing nowhere: as DRF answers one it cannot read
            raise NotFound(CursorPagination.invalid_cursor_message)
        return self._clone(bound=(">" if lookup == "close_due__gt" else "<", deadline))

    def after(self, close_due: datetime, report_id: int) -> "QueueCards":
        """The pages' keyset: what follows the report `report_id` due at `close_due`."""
        return self._clone(keyset=(close_due, report_id))

    def __getitem__(self, window: slice) -> list[Report]:
        offset = window.start or 0
        db = reader(Report)
        params: list = [self.target_id]
        bound = ""
        if self.bound is not None:
            bound = f" AND q.close_due {self.bound[0]} %s"
            params.append(self.bound[1])
        if self.keyset is not None:
            bound += " AND (q.close_due > %s OR (q.close_due = %s AND q.id > %s))"
            params += [self.keyset[0], *self.keyset]
        params += [window.stop - offset, offset]
        sql = _PAGE.text(db).format(
            scope=_SCOPES[self.scope],
            bound=bound,
            direction="DESC" if self.descending else "ASC",
        )
        reports = []
        for report, *related, photos in fetch(
            db, sql, params, [REPORT, CATEGORY, GRID, BUILDING, UNIT], prepared=True
        ):
            for field, value in zip(_RELATED, related, strict=True):
                field.set_cached_value(report, value)
            _put_photos(report, photos or [])
            reports.append(report)
        return reports


def _put_photos(report: Report, rows: list) -> None:
    """The report's photos where prefetch_related("photos") would leave them."""
    photos = copy.copy(_NO_PHOTOS)
    photos._result_cache = [
        ReportPhoto(
            id=pk,
            report=report,
            kind=kind,
            position=position,
            image=image,
            thumb=thumb,
            width=width,
            height=height,
        )
        for pk, kind, position, image, thumb, width, height in rows
    ]
    photos._prefetch_done = True
    report._prefetched_objects_cache = {_PHOTOS_CACHE: photos}


def queue_cards(*, scope: str, target_id: int) -> QueueCards:
    """A queue for the API and the pages: `scope` "unit" (its id), "handler" (the grid
    worker's user id) or "community" (its id)."""
    return QueueCards(scope=scope, target_id=target_id)
