"""The reports dashboards as pages, under /reports/dashboard/: a community's, a grid's and
a handling unit's, their figures fragment (read again on each live nudge) and their CSV.
Thin over `reports.selectors.dashboard`, like the API."""

import csv
import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from core.errors import ServiceError
from reports.selectors import dashboard as selectors
from reports.services.stats import HOUR_BUCKETS

WEEK_CHOICES = (4, 8, 13, 26, 52)


class WeeksForm(forms.Form):
    weeks = forms.IntegerField(
        label=gettext_lazy("Weeks shown"),
        min_value=1,
        max_value=selectors.WEEKS_MAX,
        required=False,
    )


def _weeks(request) -> int:
    form = WeeksForm(request.GET)
    if not form.is_valid():
        raise ServiceError(
            _("Choose between 1 and %(n)d weeks.") % {"n": selectors.WEEKS_MAX},
            code="invalid",
        )
    return form.cleaned_data["weeks"] or selectors.WEEKS_DEFAULT


def _dashboard(request, scope: str, scope_id: int) -> selectors.Dashboard:
    weeks = _weeks(request)
    target = selectors.dashboard_target(viewer=request.user, scope=scope, scope_id=scope_id)
    return selectors.report_dashboard(scope=scope, target=target, weeks=weeks)


def _context(dashboard: selectors.Dashboard) -> dict:
    return {"dashboard": dashboard, "longest_bucket": HOUR_BUCKETS[-1]}


@login_required
def dashboard_index(request):
    """Straight to the one dashboard a person may see; a list when there are several."""
    scopes = selectors.dashboards_of(request.user)
    found = [(scope, target) for scope, targets in scopes.items() for target in targets]
    if len(found) == 1:
        scope, target = found[0]
        return redirect(f"reports-dashboard-{scope}", scope_id=target.pk)
    return render(request, "reports/dashboard_index.html", {"scopes": scopes, "any": found})


@login_required
def dashboard_page(request, scope: str, scope_id: int):
    if request.GET.get("format") == "csv":
        return dashboard_csv(request, scope=scope, scope_id=scope_id)
    dashboard = _dashboard(request, scope, scope_id)
    choices = sorted({*WEEK_CHOICES, dashboard.week_count})
    return render(
        request,
        "reports/dashboard.html",
        {**_context(dashboard), "week_choices": choices},
    )


@never_cache
@login_required
def dashboard_figures(request, scope: str, scope_id: int):
    """The figures alone, for the page to swap in after a live nudge."""
    dashboard = _dashboard(request, scope, scope_id)
    return render(request, "reports/_dashboard_figures.html", _context(dashboard))


def _cell(value) -> str | int | float:
    """A figure as it goes into a spreadsheet: empty for "no figure"."""
    return "" if value is None else value


def _text(value: str) -> str:
    """A name that a spreadsheet must not take for a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _figure_cells(figures: selectors.Figures) -> list:
    return [
        figures.received,
        figures.open,
        figures.overdue,
        figures.closed,
        figures.closed_on_time,
        _cell(figures.on_time_percent),
        _cell(figures.median_close_hours),
        figures.reopened,
        _cell(figures.reopen_percent),
        _cell(figures.rating_average),
        figures.rating_count,
    ]


@login_required
def dashboard_csv(request, scope: str, scope_id: int):
    """One row per week × breakdown (the whole scope first, then each grid, unit and
    category), UTF-8 with a byte-order mark so that Excel reads the Chinese."""
    dashboard = _dashboard(request, scope, scope_id)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Week"),
            _("Breakdown"),
            _("ID"),
            _("Name of the grid, unit or category"),
            _("Received"),
            _("Open now"),
            _("Overdue now"),
            _("Closed reports"),
            _("Closed on time"),
            _("On-time closure rate (%)"),
            _("Median hours to close"),
            _("Sent back by the reporter"),
            _("Reopen rate (%)"),
            _("Average rating"),
            _("Ratings"),
        ]
    )
    everything = _("All")
    for week in dashboard.weeks:
        day = week.week.isoformat()
        writer.writerow(
            [day, everything, dashboard.id, _text(dashboard.name), *_figure_cells(week.figures)]
        )
        for breakdown in dashboard.breakdowns:
            label = str(breakdown.label)
            for part in breakdown.rows:
                writer.writerow(
                    [
                        day,
                        label,
                        _cell(part.id),
                        _text(part.name),
                        *_figure_cells(part.week(week.week)),
                    ]
                )
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = f"reports-{scope}-{dashboard.id}-{dashboard.first_week}-{dashboard.last_week}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
