from django.urls import path

from activities.consumers import ActivityConsumer
from grids.consumers import BoardConsumer
from mutualaid.consumers import CampaignConsumer
from reports.consumers import ReportsConsumer
from residents.consumers import MeConsumer

websocket_urlpatterns = [
    path("ws/me/", MeConsumer.as_asgi()),
    path("ws/grids/<int:grid_id>/", BoardConsumer.as_asgi()),
    path("ws/aid/campaigns/<int:campaign_id>/", CampaignConsumer.as_asgi()),
    path("ws/activities/<int:activity_id>/", ActivityConsumer.as_asgi()),
    path("ws/reports/<str:scope>/<int:scope_id>/", ReportsConsumer.as_asgi()),
]
