from django.urls import path

from points import views

urlpatterns = [
    path("", views.points, name="points"),
    path("visibility/", views.visibility, name="points-visibility"),
    path("rewards/new/", views.reward_new, name="reward-new"),
    path("rewards/<int:reward_id>/", views.reward_update, name="reward-update"),
    path("rewards/<int:reward_id>/redeem/", views.redeem, name="reward-redeem"),
    path("collect/", views.collect, name="reward-collect"),
    path("entries/<int:entry_id>/correct/", views.correct, name="points-correct"),
]
