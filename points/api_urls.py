from django.urls import path

from points import api

urlpatterns = [
    path("", api.PointsView.as_view(), name="api-points"),
    path("entries/", api.PointsEntriesView.as_view(), name="api-points-entries"),
    path(
        "entries/<int:entry_id>/reverse/",
        api.PointsCorrectView.as_view(),
        name="api-points-correct",
    ),
    path("rewards/", api.RewardsView.as_view(), name="api-rewards"),
    path("rewards/<int:reward_id>/", api.RewardDetailView.as_view(), name="api-reward"),
    path("rewards/<int:reward_id>/redeem/", api.RedeemView.as_view(), name="api-redeem"),
    path("redemptions/", api.RedemptionsView.as_view(), name="api-redemptions"),
    path("redemptions/collect/", api.CollectView.as_view(), name="api-collect"),
    path("leaderboard/", api.LeaderboardView.as_view(), name="api-leaderboard"),
]
