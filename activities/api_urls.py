from django.urls import path

from activities import api

urlpatterns = [
    path("activities/", api.ActivitiesView.as_view(), name="api-activities"),
    path("activities/signups/", api.MySignUpsView.as_view(), name="api-my-signups"),
    path(
        "activities/signups/<int:signup_id>/cancel/",
        api.SignUpCancelView.as_view(),
        name="api-signup-cancel",
    ),
    path(
        "activities/signups/<int:signup_id>/attendance/",
        api.AttendanceView.as_view(),
        name="api-signup-attendance",
    ),
    path("activities/household/", api.HouseholdView.as_view(), name="api-household"),
    path("activities/calendar/", api.CalendarFeedView.as_view(), name="api-calendar-feed"),
    path("activities/<int:activity_id>/", api.ActivityDetailView.as_view(), name="api-activity"),
    path(
        "activities/<int:activity_id>/cancel/",
        api.ActivityCancelView.as_view(),
        name="api-activity-cancel",
    ),
    path(
        "activities/<int:activity_id>/copy/",
        api.ActivityCopyView.as_view(),
        name="api-activity-copy",
    ),
    path(
        "activities/<int:activity_id>/signups/",
        api.SignUpsView.as_view(),
        name="api-activity-signups",
    ),
    path(
        "activities/<int:activity_id>/attendees/",
        api.AttendeesView.as_view(),
        name="api-activity-attendees",
    ),
    path(
        "activities/<int:activity_id>/attendance/",
        api.AttendanceSummaryView.as_view(),
        name="api-activity-attendance",
    ),
    path(
        "activities/<int:activity_id>/attendance/close/",
        api.AttendanceCloseView.as_view(),
        name="api-activity-attendance-close",
    ),
    path(
        "activities/<int:activity_id>/message/",
        api.MessageView.as_view(),
        name="api-activity-message",
    ),
    path(
        "activities/<int:activity_id>/check-in/code/",
        api.CheckInCodeView.as_view(),
        name="api-activity-checkin-code",
    ),
    path(
        "activities/<int:activity_id>/check-in/",
        api.CheckInView.as_view(),
        name="api-activity-checkin",
    ),
]
