from django.urls import path

from reports.api import dashboard as api

urlpatterns = [
    path(
        "community/<int:scope_id>/",
        api.CommunityReportDashboardView.as_view(),
        name="api-reports-dashboard-community",
    ),
    path(
        "grid/<int:scope_id>/",
        api.GridReportDashboardView.as_view(),
        name="api-reports-dashboard-grid",
    ),
    path(
        "unit/<int:scope_id>/",
        api.UnitReportDashboardView.as_view(),
        name="api-reports-dashboard-unit",
    ),
]
