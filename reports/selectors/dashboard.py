"""The reports dashboards of a community, a grid or a handling unit: received, open,
overdue, closed, on-time closure rate (按时办结率), median hours to close, reopen rate and
satisfaction, in total, per week and per grid, unit and category.

A dashboard costs a fixed number of queries whatever the size of the data:

- the weekly figures are `ReportStat` rows (kept in step by `reports.services.stats`),
  read for a bounded range of weeks on `reportstat_community_idx`, `reportstat_grid_idx`
  or `reportstat_unit_idx` and added up here; the median is read off the merged
  closure-time histograms;
- open and overdue are counted now, over the open reports only: the partial indexes
  `report_open_community_idx` (a community, and a grid inside it) and
  `report_unit_queue_idx` (a unit). In a week's row they count the reports received that
  week that are still open (overdue) now;
- a community's grids are listed (one query), so a grid with nothing to show still shows.

Ratios whose denominator is zero are None (shown as "—").
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.api import ID_MAX
from grids.models import Community, Grid
from grids.permissions import can_manage_grid, is_admin
from grids.selectors.places import communities_managed_by
from reports import permissions
from reports.errors import NotFound
from reports.models import OPEN_Q, HandlingUnit, Report, ReportStat
from reports.services.stats import HOUR_BUCKETS, bucket_hours, week_of
from residents.models import User

SCOPES = ("community", "grid", "unit")
WEEKS_DEFAULT = 8
WEEKS_MAX = 52
BUCKETS = len(HOUR_BUCKETS) + 1

# What each scope is broken down by, in the order shown.
DIMENSIONS = {
    "community": ("grid", "unit", "category"),
    "grid": ("category",),
    "unit": ("category",),
}
DIMENSION_LABELS = {
    "grid": gettext_lazy("By grid"),
    "unit": gettext_lazy("By handling unit"),
    "category": gettext_lazy("By category"),
}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Figures:
    """The figures of one slice (everything, a week, a grid, a grid in a week …)."""

    received: int = 0
    open: int = 0
    overdue: int = 0
    closed: int = 0
    closed_on_time: int = 0
    reopened: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    close_hours_hist: list[int] = field(default_factory=lambda: [0] * BUCKETS)

    def add_stat(self, counts: tuple, hist: list | None) -> None:
        received, closed, on_time, reopened, rating_sum, rating_count = counts
        self.received += received
        self.closed += closed
        self.closed_on_time += on_time
        self.reopened += reopened
        self.rating_sum += rating_sum
        self.rating_count += rating_count
        if closed and hist:  # the histogram counts closures (stats.count_closed): else zeros
            mine = self.close_hours_hist
            for i, n in enumerate(hist[:BUCKETS]):
                if n:
                    mine[i] += n

    def add_open(self, open_count: int, overdue: int) -> None:
        self.open += open_count
        self.overdue += overdue

    @property
    def on_time_rate(self) -> float | None:
        """按时办结率: closures by their deadline per closure."""
        return _ratio(self.closed_on_time, self.closed)

    @property
    def reopen_rate(self) -> float | None:
        """Reports sent back by their reporter per closure, in the same weeks."""
        return _ratio(self.reopened, self.closed)

    @property
    def on_time_percent(self) -> float | None:
        rate = self.on_time_rate
        return None if rate is None else round(rate * 100, 1)

    @property
    def reopen_percent(self) -> float | None:
        rate = self.reopen_rate
        return None if rate is None else round(rate * 100, 1)

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None

    @property
    def median_close_hours(self) -> float | None:
        """The bucket of `HOUR_BUCKETS` that holds the middle closure, as its representative
        hours (`stats.bucket_hours`: its upper bound)."""
        total = sum(self.close_hours_hist)
        if not total:
            return None
        middle = (total + 1) // 2
        seen = 0
        for i, n in enumerate(self.close_hours_hist):
            seen += n
            if seen >= middle:
                return bucket_hours(i)
        return None  # pragma: no cover  (seen reaches total)

    @property
    def median_is_longest(self) -> bool:
        """The median falls in the last, unbounded bucket: "more than" its lower bound."""
        median = self.median_close_hours
        return median is not None and median > HOUR_BUCKETS[-1]


@dataclass
class Slice:
    """One row of a breakdown: a grid, a unit (None: the grid worker) or a category, with
    its figures over the whole range and week by week."""

    id: int | None
    name: str
    figures: Figures = field(default_factory=Figures)
    by_week: dict[date, Figures] = field(default_factory=lambda: defaultdict(Figures))

    def week(self, week: date) -> Figures:
        return self.by_week.get(week) or Figures()


@dataclass
class Week:
    week: date
    figures: Figures


@dataclass
class Breakdown:
    dimension: str
    label: str | Promise
    rows: list[Slice]


@dataclass
class Dashboard:
    scope: str
    id: int
    name: str
    first_week: date
    last_week: date
    as_of: datetime
    totals: Figures
    weeks: list[Week]
    breakdowns: list[Breakdown]

    @property
    def week_count(self) -> int:
        return len(self.weeks)


def dashboard_target(*, viewer: User, scope: str, scope_id: int) -> Community | Grid | HandlingUnit:
    """The community, grid or unit whose dashboard `viewer` asks for. Outside their scope
    it does not exist for them (404, like a wrong id): a community's cadres and admins;
    a grid's worker and its community's cadres; a unit's staff and admins."""
    if scope not in SCOPES or not 0 < scope_id <= ID_MAX:
        raise NotFound(_("Not found, or not a dashboard you may see."))
    if scope == "community":
        community = Community.objects.filter(pk=scope_id).first()
        if community is not None and permissions.can_see_community_dashboard(viewer, community):
            return community
    elif scope == "grid":
        grid = Grid.objects.select_related("community").filter(pk=scope_id).first()
        if grid is not None and can_manage_grid(viewer, grid):
            return grid
    else:
        unit = HandlingUnit.objects.filter(pk=scope_id).first()
        if unit is not None and (is_admin(viewer) or permissions.is_unit_staff(viewer, unit.pk)):
            return unit
    raise NotFound(_("Not found, or not a dashboard you may see."))


def week_range(weeks: int, now: datetime | None = None) -> tuple[date, date]:
    """The Mondays (Asia/Shanghai, as `stats.week_of`) of the first and the current week."""
    last = week_of(now or timezone.now())
    return last - timedelta(weeks=weeks - 1), last


def _scope_filter(scope: str, target) -> dict:
    return {f"{scope}_id": target.pk}


def _open_filter(scope: str, target) -> Q:
    """Conditions that let the planner use an open-report partial index."""
    if scope == "community":
        return OPEN_Q & Q(community_id=target.pk)
    if scope == "grid":
        return OPEN_Q & Q(community_id=target.community_id, grid_id=target.pk)
    return OPEN_Q & Q(unit_id=target.pk)


KEY_FIELDS = {
    "grid": ("grid_id", "grid__name"),
    "unit": ("unit_id", "unit__name"),
    "category": ("category_id", "category__name"),
}
STAT_COUNTS = ("received", "closed", "closed_on_time", "reopened", "rating_sum", "rating_count")


def report_dashboard(
    *,
    scope: str,
    target: Community | Grid | HandlingUnit,
    weeks: int = WEEKS_DEFAULT,
    now: datetime | None = None,
) -> Dashboard:
    """The dashboard of `target` for the `weeks` weeks up to the current one.

    Three queries for a community (its grids, the weekly rows, the open counts), two for
    a grid or a unit; no query grows with the number of reports."""
    if not 1 <= weeks <= WEEKS_MAX:
        raise ValueError(f"weeks must be 1..{WEEKS_MAX}")
    now = now or timezone.now()
    first, last = week_range(weeks, now)
    week_list = [first + timedelta(weeks=i) for i in range(weeks)]
    dimensions = DIMENSIONS[scope]
    key_names = [name for d in dimensions for name in KEY_FIELDS[d]]

    slices: dict[str, dict[int | None, Slice]] = {d: {} for d in dimensions}
    if scope == "community":
        for grid_id, name in (
            Grid.objects.filter(community_id=target.pk)
            .order_by("number", "id")
            .values_list("id", "name")
        ):
            slices["grid"][grid_id] = Slice(grid_id, name)

    def slice_for(dimension: str, key: int | None, name: str | None) -> Slice:
        found = slices[dimension].get(key)
        if found is None:
            if name is None:  # no unit: the grid worker handles it
                name = _("Grid worker") if dimension == "unit" else "—"
            found = slices[dimension][key] = Slice(key, name)
        return found

    totals = Figures()
    by_week: dict[date, Figures] = {w: Figures() for w in week_list}

    stat_rows = (
        ReportStat.objects.filter(**_scope_filter(scope, target), week__gte=first, week__lte=last)
        .order_by()
        .values_list("week", *STAT_COUNTS, "close_hours_hist", *key_names)
    )
    for row in stat_rows:
        week, counts, hist, keys = row[0], row[1:7], row[7], row[8:]
        week -= timedelta(days=week.weekday())  # a row written as any day counts in its week
        totals.add_stat(counts, hist)
        by_week[week].add_stat(counts, hist)
        for i, dimension in enumerate(dimensions):
            part = slice_for(dimension, keys[2 * i], keys[2 * i + 1])
            part.figures.add_stat(counts, hist)
            part.by_week[week].add_stat(counts, hist)

    overdue_q = Q(close_due__lt=now) | Q(state__in=Report.WAITING, accept_due__lt=now)
    open_rows = (
        Report.objects.filter(_open_filter(scope, target))
        .annotate(
            received_week=TruncWeek(
                "created_at", output_field=DateField(), tzinfo=timezone.get_current_timezone()
            )
        )
        .values("received_week", *key_names)
        .annotate(n_open=Count("id"), n_overdue=Count("id", filter=overdue_q))
        .order_by()
        .values_list("received_week", "n_open", "n_overdue", *key_names)
    )
    for row in open_rows:
        week, n_open, n_overdue, keys = row[0], row[1], row[2], row[3:]
        totals.add_open(n_open, n_overdue)
        in_range = week in by_week
        if in_range:
            by_week[week].add_open(n_open, n_overdue)
        for i, dimension in enumerate(dimensions):
            part = slice_for(dimension, keys[2 * i], keys[2 * i + 1])
            part.figures.add_open(n_open, n_overdue)
            if in_range:
                part.by_week[week].add_open(n_open, n_overdue)

    breakdowns = []
    for dimension in dimensions:
        rows = list(slices[dimension].values())
        if dimension != "grid":
            # Units and categories by how much they received; the grid worker's share last.
            rows.sort(key=lambda s: (s.id is None, -s.figures.received, s.name))
        breakdowns.append(Breakdown(dimension, DIMENSION_LABELS[dimension], rows))

    return Dashboard(
        scope=scope,
        id=target.pk,
        name=target.name,
        first_week=first,
        last_week=last,
        as_of=now,
        totals=totals,
        weeks=[Week(w, by_week[w]) for w in week_list],
        breakdowns=breakdowns,
    )


def dashboards_of(viewer: User) -> dict[str, list]:
    """The scopes whose dashboard `viewer` may see, for the index page: the communities
    they are a cadre of (every one for an admin), the grids they are grid worker of, the
    units they work for (every one for an admin)."""
    communities = list(communities_managed_by(viewer).order_by("name", "id"))
    grids = list(
        Grid.objects.filter(grid_worker=viewer)
        .select_related("community")
        .order_by("community_id", "number")
    )
    units = HandlingUnit.objects.order_by("name", "id")
    if not is_admin(viewer):
        units = units.filter(pk__in=permissions.unit_ids_of(viewer))
    return {"community": communities, "grid": grids, "unit": list(units)}
