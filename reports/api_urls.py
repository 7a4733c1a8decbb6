from django.urls import include, path

urlpatterns = [
    path("dashboard/", include("reports.api.dashboard_urls")),
]
