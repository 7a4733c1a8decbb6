from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.event_api import LiveEventsSchemaView
from core.health import healthz, readyz
from core.metrics import metrics_view

api_v1 = [
    path("", include("grids.api_urls")),
    path("", include("residents.api_urls")),
    path("aid/", include("mutualaid.api_urls")),
    path("", include("activities.api_urls")),
    path("points/", include("points.api_urls")),
    path("family/", include("family.api_urls")),
    path("reports/", include("reports.api_urls")),
    path("events/schema/", LiveEventsSchemaView.as_view(), name="api-events-schema"),
]

urlpatterns = [
    path("", include("today.urls")),
    path("", include("grids.urls")),
    path("", include("residents.urls")),
    path("mutual-aid/", include("mutualaid.urls")),
    path("activities/", include("activities.urls")),
    path("points/", include("points.urls")),
    path("family/", include("family.urls")),
    path("reports/", include("reports.urls")),
    path("open311/v2/", include("reports.open311.urls")),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Under /api/ a bug or an unknown address answers `{code, detail}` as JSON, not an HTML page.
handler500 = "core.views.server_error"
handler404 = "core.views.not_found"
