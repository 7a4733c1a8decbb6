from django.urls import path

from today import views

urlpatterns = [
    path("", views.home, name="home"),
]
