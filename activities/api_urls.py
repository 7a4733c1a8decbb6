from django.urls import path

from activities.api import attendance, publishing, signups

urlpatterns = [
    path("activities/", publishing.ActivitiesView.as_view(), name="api-activities"),
    path("activities/signups/", signups.MySignUpsView.as_view(), name="api-my-signups"),
    path(
        "activities/signups/<int:signup_id>/cancel/",
        signups.SignUpCancelView.as_view(),
        name="api-signup-cancel",
    ),
    path(
        "activities/signups/<int:signup_id>/attendance/",
        attendance.AttendanceView.as_view(),
        name="api-signup-attendance",
    ),
    path("activities/household/", signups.HouseholdView.as_view(), name="api-household"),
    path("activities/calendar/", publishing.CalendarFeedView.as_view(), name="api-calendar-feed"),
    path(
        "activities/<int:activity_id>/",
        publishing.ActivityDetailView.as_view(),
        name="api-activity",
    ),
    path(
        "activities/<int:activity_id>/cancel/",
        publishing.ActivityCancelView.as_view(),
        name="api-activity-cancel",
    ),
    path(
        "activities/<int:activity_id>/copy/",
        publishing.ActivityCopyView.as_view(),
        name="api-activity-copy",
    ),
    path(
        "activities/<int:activity_id>/signups/",
        signups.SignUpsView.as_view(),
        name="api-activity-signups",
    ),
    path(
        "activities/<int:activity_id>/attendees/",
        attendance.AttendeesView.as_view(),
        name="api-activity-attendees",
    ),
    path(
        "activities/<int:activity_id>/attendance/",
        attendance.AttendanceSummaryView.as_view(),
        name="api-activity-attendance",
    ),
    path(
        "activities/<int:activity_id>/attendance/close/",
        attendance.AttendanceCloseView.as_view(),
        name="api-activity-attendance-close",
    ),
    path(
        "activities/<int:activity_id>/message/",
        attendance.MessageView.as_view(),
        name="api-activity-message",
    ),
    path(
        "activities/<int:activity_id>/check-in/code/",
        attendance.CheckInCodeView.as_view(),
        name="api-activity-checkin-code",
    ),
    path(
        "activities/<int:activity_id>/check-in/",
        attendance.CheckInView.as_view(),
        name="api-activity-checkin",
    ),
]
