from django.urls import path, re_path

from grids import views

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.profile, name="profile"),
    path("join/", views.join_entry, name="join-entry"),
    path("join/<str:code>/", views.join, name="join"),
    path("grids/<int:grid_id>/manage/", views.grid_manage, name="grid-manage"),
    path("grids/<int:grid_id>/join-code/", views.join_code_rotate, name="grid-join-code"),
    path("grids/<int:grid_id>/poster/", views.grid_poster, name="grid-poster"),
    re_path(r"^grids/(?P<grid_id>[0-9]+)/qr\.(?P<fmt>svg|png)$", views.grid_qr, name="grid-qr"),
    path(
        "memberships/<int:membership_id>/verify/", views.membership_verify, name="membership-verify"
    ),
    path(
        "memberships/<int:membership_id>/remove/", views.membership_remove, name="membership-remove"
    ),
    path("communities/<int:community_id>/", views.community_overview, name="community"),
]
