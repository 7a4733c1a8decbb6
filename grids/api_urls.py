from django.urls import path

from grids.api import places as api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("grids/", api.GridListView.as_view(), name="api-grids"),
    path("grids/join/", api.JoinView.as_view(), name="api-grid-join"),
    path("grids/join/<str:code>/", api.JoinInfoView.as_view(), name="api-grid-join-info"),
    path("grids/<int:grid_id>/", api.GridDetailView.as_view(), name="api-grid"),
    path("grids/<int:grid_id>/members/", api.GridMembersView.as_view(), name="api-grid-members"),
    path(
        "grids/<int:grid_id>/join-code/",
        api.GridJoinCodeRotateView.as_view(),
        name="api-grid-join-code",
    ),
    path(
        "memberships/<int:membership_id>/verify/",
        api.MembershipVerifyView.as_view(),
        name="api-membership-verify",
    ),
    path(
        "memberships/<int:membership_id>/remove/",
        api.MembershipRemoveView.as_view(),
        name="api-membership-remove",
    ),
    path(
        "communities/<int:community_id>/roles/",
        api.CommunityRoleGrantView.as_view(),
        name="api-community-roles",
    ),
    path(
        "communities/<int:community_id>/roles/revoke/",
        api.CommunityRoleRevokeView.as_view(),
        name="api-community-roles-revoke",
    ),
]
