"""The dashboards' weekly figures, kept in step with the reports in the same transaction
(one upsert of one `ReportStat` row per counted event), so a dashboard adds up a few
hundred rows instead of scanning a community's reports.

A row is (week, community, grid, unit, category). What is counted, in the week it happens:
received at submission (under the unit it was routed to), closed and closed on time
(by its close deadline) at closure (under the unit that closed it, with the hours from
submission in `close_hours_hist`), reopened when the reporter sends it back (against the
unit), ratings when given.
"""

import bisect
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from reports.models import Report, ReportStat

# Upper bounds (hours) of the closure-time buckets; the last bucket is everything longer.
HOUR_BUCKETS = (1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336)


def week_of(moment: datetime) -> date:
    day = timezone.localdate(moment)
    return day - timedelta(days=day.weekday())


def bucket_of(hours: float) -> int:
    return bisect.bisect_left(HOUR_BUCKETS, hours)


def bucket_hours(index: int) -> float:
    """A representative closure time for bucket `index` (its upper bound; the last,
    unbounded bucket: twice the largest bound)."""
    return float(HOUR_BUCKETS[index]) if index < len(HOUR_BUCKETS) else HOUR_BUCKETS[-1] * 2.0


def _row(report: Report, moment: datetime) -> ReportStat:
    key = {
        "week": week_of(moment),
        "community_id": report.community_id,
        "grid_id": report.grid_id,
        "unit_id": report.unit_id,
        "category_id": report.category_id,
    }
    row = ReportStat.objects.select_for_update().filter(**key).first()
    if row is None:
        try:
            with transaction.atomic():
                row = ReportStat.objects.create(
                    **key, close_hours_hist=[0] * (len(HOUR_BUCKETS) + 1)
                )
        except IntegrityError:  # another writer made it first
            pass
        row = ReportStat.objects.select_for_update().get(**key)
    return row


def _add(report: Report, moment: datetime, **counts: int) -> None:
    row = _row(report, moment)
    ReportStat.objects.filter(pk=row.pk).update(**{k: F(k) + v for k, v in counts.items()})


def count_received(report: Report) -> None:
    _add(report, report.created_at, received=1)


def count_closed(report: Report) -> None:
    moment = report.closed_at
    on_time = report.close_due is None or moment <= report.close_due
    row = _row(report, moment)
    hist = list(row.close_hours_hist) or [0] * (len(HOUR_BUCKETS) + 1)
    hist[bucket_of((moment - report.created_at).total_seconds() / 3600)] += 1
    ReportStat.objects.filter(pk=row.pk).update(
        closed=F("closed") + 1,
        closed_on_time=F("closed_on_time") + (1 if on_time else 0),
        close_hours_hist=hist,
    )


def count_reopened(report: Report, moment: datetime) -> None:
    _add(report, moment, reopened=1)


def count_rated(report: Report, moment: datetime) -> None:
    _add(report, moment, rating_sum=report.rating, rating_count=1)
