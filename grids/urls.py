from django.urls import path, re_path

from grids.views import board, notices
from grids.views import places as views

urlpatterns = [
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
    path(
        "communities/<int:community_id>/roles/",
        views.community_role_grant,
        name="community-role-grant",
    ),
    path(
        "communities/<int:community_id>/roles/<int:grant_id>/revoke/",
        views.community_role_revoke,
        name="community-role-revoke",
    ),
]

urlpatterns += [
    path("grids/<int:grid_id>/board/", board.board, name="board"),
    path("grids/<int:grid_id>/board/more/", board.board_page, name="board-page"),
    path("grids/<int:grid_id>/moderation/", board.moderation_queue, name="moderation-queue"),
    path("grids/<int:grid_id>/notices/", notices.grid_notices, name="grid-notices"),
    path("posts/<int:post_id>/card/", board.post_card, name="post-card"),
    path("posts/<int:post_id>/comments/", board.comment_add, name="comment-add"),
    path("posts/<int:post_id>/reactions/", board.reaction_toggle, name="reaction-toggle"),
    path("posts/<int:post_id>/edit/", board.post_edit, name="post-edit"),
    path("posts/<int:post_id>/delete/", board.post_delete, name="post-delete"),
    path("posts/<int:post_id>/report/", board.flag_add, name="flag-add"),
    path("posts/<int:post_id>/mute-author/", board.mute, name="mute-author"),
    path("comments/<int:comment_id>/delete/", board.comment_delete, name="comment-delete"),
    path("notices/<int:notice_id>/", notices.notice_detail, name="notice"),
    path("notices/<int:notice_id>/receipts/", notices.notice_receipts, name="notice-receipts"),
    path("notices/<int:notice_id>/<str:action>/", notices.notice_action, name="notice-action"),
    path("communities/<int:community_id>/notices/", notices.notice_list, name="notices"),
]
