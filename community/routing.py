from django.urls import path

from grids.consumers import BoardConsumer
from residents.consumers import MeConsumer

websocket_urlpatterns = [
    path("ws/me/", MeConsumer.as_asgi()),
    path("ws/grids/<int:grid_id>/", BoardConsumer.as_asgi()),
]
