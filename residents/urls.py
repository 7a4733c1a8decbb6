from django.urls import path

from residents import views

urlpatterns = [
    path("prefs/large-text/", views.large_text_toggle, name="large-text-toggle"),
    path("me/notifications/", views.notifications, name="notifications"),
]
