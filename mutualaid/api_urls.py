from django.urls import path

from mutualaid import api, campaign_api

urlpatterns = [
    path("categories/", api.CategoriesView.as_view(), name="api-aid-categories"),
    path("needs/", api.NeedsView.as_view(), name="api-aid-needs"),
    path("needs/<int:need_id>/", api.NeedDetailView.as_view(), name="api-aid-need"),
    path(
        "needs/<int:need_id>/matches/", api.NeedMatchesView.as_view(), name="api-aid-need-matches"
    ),
    path("needs/<int:need_id>/cancel/", api.NeedCancelView.as_view(), name="api-aid-need-cancel"),
    path("offers/", api.OffersView.as_view(), name="api-aid-offers"),
    path("offers/<int:offer_id>/", api.OfferDetailView.as_view(), name="api-aid-offer"),
    path(
        "offers/<int:offer_id>/matches/",
        api.OfferMatchesView.as_view(),
        name="api-aid-offer-matches",
    ),
    path(
        "offers/<int:offer_id>/withdraw/",
        api.OfferWithdrawView.as_view(),
        name="api-aid-offer-withdraw",
    ),
    path(
        "offers/<int:offer_id>/claims/", api.OfferClaimsView.as_view(), name="api-aid-offer-claims"
    ),
    path("claims/", api.ClaimsView.as_view(), name="api-aid-claims"),
    path("claims/<int:claim_id>/", api.ClaimDetailView.as_view(), name="api-aid-claim"),
    path(
        "claims/<int:claim_id>/messages/",
        api.ClaimMessagesView.as_view(),
        name="api-aid-claim-messages",
    ),
    *[
        path(
            f"claims/<int:claim_id>/{action}/",
            api.ClaimActionView.as_view(action=action),
            name=f"api-aid-claim-{action}",
        )
        for action in ("accept", "decline", "cancel", "confirm")
    ],
    path("grids/<int:grid_id>/urgent-needs/", api.UrgentNeedsView.as_view(), name="api-aid-urgent"),
    path("campaigns/", campaign_api.CampaignsView.as_view(), name="api-aid-campaigns"),
    path(
        "campaigns/<int:campaign_id>/",
        campaign_api.CampaignDetailView.as_view(),
        name="api-aid-campaign",
    ),
    path(
        "campaigns/<int:campaign_id>/close/",
        campaign_api.CampaignCloseView.as_view(),
        name="api-aid-campaign-close",
    ),
]
