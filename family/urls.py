from django.urls import path

from family import views

urlpatterns = [
    path("", views.home, name="family-home"),
    path("help/", views.help_page, name="family-help"),
]
