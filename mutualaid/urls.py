from django.urls import path

from mutualaid.views import campaigns, claims, helping, needs

urlpatterns = [
    path("", needs.index, name="mutualaid"),
    path("needs/new/", helping.need_new, name="aid-need-new"),
    path("needs/<int:need_id>/", needs.need_detail, name="aid-need"),
    path("needs/<int:need_id>/help/", helping.need_help, name="aid-need-help"),
    path("posts/<int:post_id>/convert/", helping.post_convert, name="aid-post-convert"),
    path("needs/<int:need_id>/cancel/", needs.need_cancel, name="aid-need-cancel"),
    path("offers/<int:offer_id>/", needs.offer_detail, name="aid-offer"),
    path("offers/<int:offer_id>/withdraw/", needs.offer_withdraw, name="aid-offer-withdraw"),
    path("offers/<int:offer_id>/claim/", claims.offer_claim, name="aid-offer-claim"),
    path("claims/<int:claim_id>/", claims.claim_detail, name="aid-claim"),
    path("claims/<int:claim_id>/<str:action>/", claims.claim_action, name="aid-claim-action"),
    path("grids/<int:grid_id>/urgent/", needs.urgent_needs, name="aid-urgent"),
    path("campaigns/", campaigns.campaign_list, name="aid-campaigns"),
    path("campaigns/new/", campaigns.campaign_new, name="aid-campaign-new"),
    path("campaigns/<int:campaign_id>/", campaigns.campaign_detail, name="aid-campaign"),
    path(
        "campaigns/<int:campaign_id>/close/",
        campaigns.campaign_close,
        name="aid-campaign-close",
    ),
]
