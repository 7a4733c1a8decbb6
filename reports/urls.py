from django.urls import include, path

from reports.views import reports

urlpatterns = [
    path("", reports.mine, name="reports-mine"),
    path("new/", reports.report_new, name="report-new"),
    path("similar/", reports.similar, name="reports-similar"),
    path("work/", reports.work, name="reports-work"),
    path("handling/", reports.handling_queue, name="reports-handling"),
    path("units/<int:unit_id>/", reports.unit_queue, name="reports-unit-queue"),
    path(
        "communities/<int:community_id>/",
        reports.community_open,
        name="reports-community-open",
    ),
    path("<int:report_id>/", reports.detail, name="report"),
    path("<int:report_id>/contact/", reports.contact, name="report-contact"),
    path("<int:report_id>/<slug:name>/", reports.action, name="report-action"),
    path("dashboard/", include("reports.dashboard_urls")),
]
