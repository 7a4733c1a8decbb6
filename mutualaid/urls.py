from django.urls import path

from mutualaid import campaign_views, views

urlpatterns = [
    path("", views.index, name="mutualaid"),
    path("needs/<int:need_id>/", views.need_detail, name="aid-need"),
    path("needs/<int:need_id>/cancel/", views.need_cancel, name="aid-need-cancel"),
    path("offers/<int:offer_id>/", views.offer_detail, name="aid-offer"),
    path("offers/<int:offer_id>/withdraw/", views.offer_withdraw, name="aid-offer-withdraw"),
    path("offers/<int:offer_id>/claim/", views.offer_claim, name="aid-offer-claim"),
    path("claims/<int:claim_id>/", views.claim_detail, name="aid-claim"),
    path("claims/<int:claim_id>/<str:action>/", views.claim_action, name="aid-claim-action"),
    path("grids/<int:grid_id>/urgent/", views.urgent_needs, name="aid-urgent"),
    path("campaigns/", campaign_views.campaign_list, name="aid-campaigns"),
    path("campaigns/new/", campaign_views.campaign_new, name="aid-campaign-new"),
    path("campaigns/<int:campaign_id>/", campaign_views.campaign_detail, name="aid-campaign"),
    path(
        "campaigns/<int:campaign_id>/close/",
        campaign_views.campaign_close,
        name="aid-campaign-close",
    ),
]
