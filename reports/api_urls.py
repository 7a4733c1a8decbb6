from django.urls import include, path

from reports.api import reports

urlpatterns = [
    path("", reports.ReportsView.as_view(), name="api-reports"),
    path("categories/", reports.CategoriesView.as_view(), name="api-reports-categories"),
    path("similar/", reports.SimilarView.as_view(), name="api-reports-similar"),
    path("handling/", reports.HandlingView.as_view(), name="api-reports-handling"),
    path("<int:report_id>/", reports.ReportDetailView.as_view(), name="api-report"),
    path("<int:report_id>/contact/", reports.ContactView.as_view(), name="api-report-contact"),
    *[
        path(f"<int:report_id>/{action}/", view.as_view(), name=f"api-report-{action}")
        for action, view in reports.MOVE_VIEWS.items()
    ],
    path(
        "units/<int:unit_id>/queue/",
        reports.UnitQueueView.as_view(),
        name="api-reports-unit-queue",
    ),
    path(
        "communities/<int:community_id>/open/",
        reports.CommunityOpenView.as_view(),
        name="api-reports-community-open",
    ),
    path(
        "communities/<int:community_id>/units/",
        reports.CommunityUnitsView.as_view(),
        name="api-reports-community-units",
    ),
    path("dashboard/", include("reports.api.dashboard_urls")),
]
