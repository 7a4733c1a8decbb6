from django.urls import path

from family import views

urlpatterns = [
    path("", views.home, name="family-home"),
    path("help/", views.help_page, name="family-help"),
    path("ask/", views.ask, name="family-ask"),
    path("requests/<int:request_id>/", views.request_detail, name="family-request"),
    path("requests/<int:request_id>/resend/", views.request_resend, name="family-request-resend"),
    path(
        "requests/<int:request_id>/approve/", views.request_approve, name="family-request-approve"
    ),
    path(
        "requests/<int:request_id>/decline/", views.request_decline, name="family-request-decline"
    ),
    path("grants/<int:grant_id>/revoke/", views.grant_revoke, name="family-grant-revoke"),
    path("acting/<int:grant_id>/start/", views.acting_start, name="family-acting-start"),
    path("acting/stop/", views.acting_stop, name="family-acting-stop"),
    path("staff/", views.staff, name="family-staff"),
    path("staff/register/", views.assisted_register, name="family-assisted-register"),
]
