from django.urls import path

from mutualaid import views

urlpatterns = [
    path("", views.index, name="mutualaid"),
    path("needs/<int:need_id>/", views.need_detail, name="aid-need"),
    path("needs/<int:need_id>/cancel/", views.need_cancel, name="aid-need-cancel"),
    path("offers/<int:offer_id>/", views.offer_detail, name="aid-offer"),
    path("offers/<int:offer_id>/withdraw/", views.offer_withdraw, name="aid-offer-withdraw"),
    path("offers/<int:offer_id>/claim/", views.offer_claim, name="aid-offer-claim"),
    path("claims/<int:claim_id>/", views.claim_detail, name="aid-claim"),
    path("claims/<int:claim_id>/<str:action>/", views.claim_action, name="aid-claim-action"),
]
