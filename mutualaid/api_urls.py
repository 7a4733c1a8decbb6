from django.urls import path

from mutualaid.api import campaigns, claims, helping, needs

urlpatterns = [
    path("categories/", needs.CategoriesView.as_view(), name="api-aid-categories"),
    path("needs/", needs.NeedsView.as_view(), name="api-aid-needs"),
    path("needs/<int:need_id>/", needs.NeedDetailView.as_view(), name="api-aid-need"),
    path(
        "needs/<int:need_id>/matches/", needs.NeedMatchesView.as_view(), name="api-aid-need-matches"
    ),
    path("needs/<int:need_id>/help/", helping.NeedHelpView.as_view(), name="api-aid-need-help"),
    path(
        "offers/<int:offer_id>/claim-prefill/",
        helping.OfferClaimPrefillView.as_view(),
        name="api-aid-offer-claim-prefill",
    ),
    path(
        "posts/<int:post_id>/convert/",
        helping.PostConvertView.as_view(),
        name="api-aid-post-convert",
    ),
    path("needs/<int:need_id>/help/", helping.NeedHelpView.as_view(), name="api-aid-need-help"),
    path(
        "offers/<int:offer_id>/claim-prefill/",
        helping.OfferClaimPrefillView.as_view(),
        name="api-aid-offer-claim-prefill",
    ),
    path(
        "posts/<int:post_id>/convert/",
        helping.PostConvertView.as_view(),
        name="api-aid-post-convert",
    ),
    path("needs/<int:need_id>/cancel/", needs.NeedCancelView.as_view(), name="api-aid-need-cancel"),
    path("offers/", needs.OffersView.as_view(), name="api-aid-offers"),
    path("offers/<int:offer_id>/", needs.OfferDetailView.as_view(), name="api-aid-offer"),
    path(
        "offers/<int:offer_id>/matches/",
        needs.OfferMatchesView.as_view(),
        name="api-aid-offer-matches",
    ),
    path(
        "offers/<int:offer_id>/withdraw/",
        needs.OfferWithdrawView.as_view(),
        name="api-aid-offer-withdraw",
    ),
    path(
        "offers/<int:offer_id>/claims/",
        claims.OfferClaimsView.as_view(),
        name="api-aid-offer-claims",
    ),
    path("claims/", claims.ClaimsView.as_view(), name="api-aid-claims"),
    path("claims/<int:claim_id>/", claims.ClaimDetailView.as_view(), name="api-aid-claim"),
    path(
        "claims/<int:claim_id>/messages/",
        claims.ClaimMessagesView.as_view(),
        name="api-aid-claim-messages",
    ),
    *[
        path(
            f"claims/<int:claim_id>/{action}/",
            claims.ClaimActionView.as_view(action=action),
            name=f"api-aid-claim-{action}",
        )
        for action in ("accept", "decline", "cancel", "confirm")
    ],
    path(
        "claims/<int:claim_id>/renew-code/",
        claims.ClaimCodeRenewView.as_view(),
        name="api-aid-claim-renew-code",
    ),
    path(
        "grids/<int:grid_id>/urgent-needs/", needs.UrgentNeedsView.as_view(), name="api-aid-urgent"
    ),
    path("campaigns/", campaigns.CampaignsView.as_view(), name="api-aid-campaigns"),
    path(
        "campaigns/<int:campaign_id>/",
        campaigns.CampaignDetailView.as_view(),
        name="api-aid-campaign",
    ),
    path(
        "campaigns/<int:campaign_id>/close/",
        campaigns.CampaignCloseView.as_view(),
        name="api-aid-campaign-close",
    ),
]
