from django.urls import include, path

urlpatterns = [
    path("dashboard/", include("reports.dashboard_urls")),
]
