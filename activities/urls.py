from django.urls import path

from activities.views import organiser, pages

urlpatterns = [
    path("", pages.index, name="activities"),
    path("mine/", pages.mine, name="activities-mine"),
    path("new/", organiser.activity_new, name="activity-new"),
    path("calendar/<str:token>.ics", pages.feed_ics, name="activities-feed"),
    path("signups/<int:signup_id>/cancel/", pages.signup_cancel, name="signup-cancel"),
    path("signups/<int:signup_id>/attendance/", organiser.attendance, name="signup-attendance"),
    path("<int:activity_id>/", pages.detail, name="activity"),
    path("<int:activity_id>/signup/", pages.signup, name="activity-signup"),
    path("<int:activity_id>/calendar.ics", pages.activity_ics, name="activity-ics"),
    path("<int:activity_id>/manage/", organiser.manage, name="activity-manage"),
    path("<int:activity_id>/attendees.csv", organiser.attendees_csv, name="activity-csv"),
    path("<int:activity_id>/message/", organiser.message_all, name="activity-message"),
    path("<int:activity_id>/edit/", organiser.edit, name="activity-edit"),
    path("<int:activity_id>/copy/", organiser.copy, name="activity-copy"),
    path("<int:activity_id>/cancel/", organiser.cancel, name="activity-cancel"),
    path("<int:activity_id>/close/", organiser.close_attendance, name="activity-close"),
    path("<int:activity_id>/tickets/<int:signup_id>/", organiser.ticket, name="activity-ticket"),
    path("<int:activity_id>/check-in/", organiser.checkin, name="activity-checkin"),
    path("<int:activity_id>/check-in/qr/", organiser.checkin_qr, name="activity-checkin-qr"),
    path(
        "<int:activity_id>/check-in/qr/code/",
        organiser.checkin_qr_partial,
        name="activity-checkin-qr-code",
    ),
]
