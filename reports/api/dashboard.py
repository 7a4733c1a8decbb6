"""The reports dashboards over REST, under /api/v1/reports/dashboard/: a community's (its
cadres), a grid's (its grid worker and the community's cadres) and a handling unit's (its
staff). Parse `weeks` → `selectors.dashboard` → serialize."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERRORS
from reports.selectors import dashboard as selectors


class ReportDashboardQuerySerializer(serializers.Serializer):
    weeks = serializers.IntegerField(
        min_value=1,
        max_value=selectors.WEEKS_MAX,
        default=selectors.WEEKS_DEFAULT,
        required=False,
        help_text="How many weeks up to the current one (Mondays, Asia/Shanghai).",
    )


class ReportDashboardFiguresSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="Reports made in these weeks.")
    open = serializers.IntegerField(
        help_text="Still open now (in a week's row: of those received that week)."
    )
    overdue = serializers.IntegerField(
        help_text="Open and past their deadline to accept or to close, now "
        "(in a week's row: of those received that week)."
    )
    closed = serializers.IntegerField(help_text="Closures in these weeks.")
    closed_on_time = serializers.IntegerField(help_text="Closures by their close deadline.")
    on_time_rate = serializers.FloatField(
        allow_null=True,
        help_text="按时办结率: closed_on_time / closed, 0–1; null without closures.",
    )
    median_close_hours = serializers.FloatField(
        allow_null=True,
        help_text="Median hours from report to closure, as the upper bound of the closure-time "
        "bucket that holds it (the last, unbounded bucket: twice the largest bound); "
        "null without closures.",
    )
    reopened = serializers.IntegerField(help_text="Reports sent back by their reporter.")
    reopen_rate = serializers.FloatField(
        allow_null=True,
        help_text="reopened / closed (may exceed 1 in a short range); null without closures.",
    )
    rating_average = serializers.FloatField(
        allow_null=True, help_text="Average rating, 1–5; null without ratings."
    )
    rating_count = serializers.IntegerField(help_text="Ratings given in these weeks.")


class ReportDashboardWeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday of the week.")
    figures = ReportDashboardFiguresSerializer()


class ReportDashboardSliceSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        allow_null=True, help_text="The grid, unit or category; null: no unit (the grid worker)."
    )
    name = serializers.CharField()
    figures = ReportDashboardFiguresSerializer(help_text="Over all the weeks shown.")


class ReportDashboardBreakdownSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=["grid", "unit", "category"])
    label = serializers.CharField(help_text="The breakdown's heading, in the reader's language.")
    rows = ReportDashboardSliceSerializer(many=True)


class ReportDashboardSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=list(selectors.SCOPES))
    id = serializers.IntegerField()
    name = serializers.CharField()
    weeks = serializers.IntegerField(source="week_count")
    first_week = serializers.DateField(help_text="The Monday of the first week shown.")
    last_week = serializers.DateField(help_text="The Monday of the current week.")
    as_of = serializers.DateTimeField(help_text="When open and overdue were counted.")
    totals = ReportDashboardFiguresSerializer()
    by_week = ReportDashboardWeekSerializer(many=True, source="weeks")
    breakdowns = ReportDashboardBreakdownSerializer(
        many=True,
        help_text="A community: by grid, by unit, by category; a grid or a unit: by category.",
    )


def _figures_data(figures: selectors.Figures) -> dict:
    return {
        "received": figures.received,
        "open": figures.open,
        "overdue": figures.overdue,
        "closed": figures.closed,
        "closed_on_time": figures.closed_on_time,
        "on_time_rate": figures.on_time_rate,
        "median_close_hours": _float(figures.median_close_hours),
        "reopened": figures.reopened,
        "reopen_rate": figures.reopen_rate,
        "rating_average": figures.rating_average,
        "rating_count": figures.rating_count,
    }


def _float(value) -> float | None:
    return None if value is None else float(value)


def dashboard_data(dashboard: selectors.Dashboard) -> dict:
    """Built by hand: a community's dashboard is a few hundred figures, and DRF's
    field-by-field rendering was an eighth of the request. ReportDashboardSerializer stays
    the schema; tests/reports/test_dashboard.py holds the two equal for every scope."""
    return {
        "scope": dashboard.scope,
        "id": dashboard.id,
        "name": dashboard.name,
        "weeks": dashboard.week_count,
        "first_week": dashboard.first_week.isoformat(),
        "last_week": dashboard.last_week.isoformat(),
        "as_of": serializers.DateTimeField().to_representation(dashboard.as_of),
        "totals": _figures_data(dashboard.totals),
        "by_week": [
            {"week": week.week.isoformat(), "figures": _figures_data(week.figures)}
            for week in dashboard.weeks
        ],
        "breakdowns": [
            {
                "dimension": breakdown.dimension,
                "label": str(breakdown.label),
                "rows": [
                    {"id": row.id, "name": str(row.name), "figures": _figures_data(row.figures)}
                    for row in breakdown.rows
                ],
            }
            for breakdown in dashboard.breakdowns
        ],
    }


DESCRIPTION = (
    "Received, open, overdue, closed, on-time closure rate, median hours to close, reopen rate "
    "and satisfaction: in total, per week and broken down. Outside the reader's scope the "
    "answer is 404, as for an id that does not exist."
)


def _schema(summary: str, scope_id: str):
    return extend_schema(
        parameters=[
            OpenApiParameter("scope_id", int, OpenApiParameter.PATH, description=scope_id),
            ReportDashboardQuerySerializer,
        ],
        responses={200: ReportDashboardSerializer, **ERRORS},
        summary=summary,
        description=DESCRIPTION,
    )


class ReportDashboardView(APIView):
    scope = ""

    def dashboard(self, request, scope_id: int) -> Response:
        query = ReportDashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        target = selectors.dashboard_target(
            viewer=request.user, scope=self.scope, scope_id=scope_id
        )
        figures = selectors.report_dashboard(
            scope=self.scope, target=target, weeks=query.validated_data["weeks"]
        )
        return Response(dashboard_data(figures))


class CommunityReportDashboardView(ReportDashboardView):
    scope = "community"

    @_schema("A community's reports dashboard (its cadres)", "The community's id.")
    def get(self, request, scope_id: int):
        return self.dashboard(request, scope_id)


class GridReportDashboardView(ReportDashboardView):
    scope = "grid"

    @_schema(
        "A grid's reports dashboard (its grid worker, the community's cadres)", "The grid's id."
    )
    def get(self, request, scope_id: int):
        return self.dashboard(request, scope_id)


class UnitReportDashboardView(ReportDashboardView):
    scope = "unit"

    @_schema("A handling unit's reports dashboard (its staff)", "The unit's id.")
    def get(self, request, scope_id: int):
        return self.dashboard(request, scope_id)
