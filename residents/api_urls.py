from django.urls import path

from residents import api

urlpatterns = [
    path("me/notifications/", api.NotificationsView.as_view(), name="api-notifications"),
    path(
        "me/notifications/read/", api.NotificationsReadView.as_view(), name="api-notifications-read"
    ),
]
