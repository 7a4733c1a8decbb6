from django.urls import path

from family import api

urlpatterns = [
    path("grants/", api.GrantsView.as_view(), name="api-family-grants"),
    path("grants/<int:grant_id>/revoke/", api.GrantRevokeView.as_view(), name="api-family-revoke"),
    path("requests/", api.RequestsView.as_view(), name="api-family-requests"),
    path(
        "requests/<int:request_id>/confirm/",
        api.RequestConfirmView.as_view(),
        name="api-family-confirm",
    ),
    path(
        "requests/<int:request_id>/approve/",
        api.RequestApproveView.as_view(),
        name="api-family-approve",
    ),
    path(
        "requests/<int:request_id>/decline/",
        api.RequestDeclineView.as_view(),
        name="api-family-decline",
    ),
    path("actions/", api.ActionsView.as_view(), name="api-family-actions"),
]
