"""Open311 GeoReport v2 under /open311/v2/: every resource as `.xml` or `.json`."""

from django.urls import re_path

from reports.open311 import views

FORMAT = r"\.(?P<format>json|xml)$"

urlpatterns = [
    re_path(r"^services" + FORMAT, views.ServicesView.as_view(), name="open311-services"),
    re_path(
        r"^services/(?P<service_code>[^/]+?)" + FORMAT,
        views.ServiceDefinitionView.as_view(),
        name="open311-service",
    ),
    re_path(r"^requests" + FORMAT, views.RequestsView.as_view(), name="open311-requests"),
    re_path(
        r"^requests/(?P<request_id>[^/]+?)" + FORMAT,
        views.RequestView.as_view(),
        name="open311-request",
    ),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FORMAT, views.TokenView.as_view(), name="open311-token"),
    re_path(r"^(?P<rest>.*?)(?:\.(?P<format>json|xml))?$", views.UnknownView.as_view()),
]
