from django.urls import path

from grids.api import board, moderation, notices
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

urlpatterns += [
    path("grids/<int:grid_id>/posts/", board.GridPostsView.as_view(), name="api-grid-posts"),
    path("grids/<int:grid_id>/events/", board.GridEventsView.as_view(), name="api-grid-events"),
    path(
        "grids/<int:grid_id>/moderation-log/",
        moderation.ModerationLogView.as_view(),
        name="api-grid-moderation-log",
    ),
    path("posts/<int:post_id>/", board.PostDetailView.as_view(), name="api-post"),
    path("posts/<int:post_id>/comments/", board.PostCommentsView.as_view(), name="api-comments"),
    path("posts/<int:post_id>/reactions/", board.PostReactionsView.as_view(), name="api-reactions"),
    path("posts/<int:post_id>/flags/", board.PostFlagView.as_view(), name="api-post-flags"),
    path("comments/<int:comment_id>/", board.CommentDetailView.as_view(), name="api-comment"),
    path(
        "comments/<int:comment_id>/flags/",
        board.CommentFlagView.as_view(),
        name="api-comment-flags",
    ),
    path("moderation/queue/", moderation.ReviewQueueView.as_view(), name="api-review-queue"),
    path(
        "moderation/decisions/",
        moderation.ModerationDecisionView.as_view(),
        name="api-moderation-decisions",
    ),
    path("mutes/<int:user_id>/", moderation.MuteView.as_view(), name="api-mute"),
    path(
        "communities/<int:community_id>/notices/",
        notices.CommunityNoticesView.as_view(),
        name="api-community-notices",
    ),
    path("notices/<int:notice_id>/", notices.NoticeDetailView.as_view(), name="api-notice"),
    path(
        "notices/<int:notice_id>/receipts/",
        notices.NoticeReceiptsView.as_view(),
        name="api-notice-receipts",
    ),
    *[
        path(
            f"notices/<int:notice_id>/{action}/",
            notices.NoticeActionView.as_view(action=action),
            name=f"api-notice-{action}",
        )
        for action in ("unpin", "withdraw", "supersede")
    ],
]
