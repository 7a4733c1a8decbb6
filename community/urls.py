from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.event_api import LiveEventsSchemaView

api_v1 = [
    path("", include("grids.api_urls")),
    path("", include("residents.api_urls")),
    path("aid/", include("mutualaid.api_urls")),
    path("", include("activities.api_urls")),
    path("points/", include("points.api_urls")),
    path("events/schema/", LiveEventsSchemaView.as_view(), name="api-events-schema"),
]

urlpatterns = [
    path("", include("grids.urls")),
    path("", include("residents.urls")),
    path("mutual-aid/", include("mutualaid.urls")),
    path("activities/", include("activities.urls")),
    path("points/", include("points.urls")),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A bug in an API view answers `{code, detail}` as JSON, not the HTML 500 page.
handler500 = "core.views.server_error"
