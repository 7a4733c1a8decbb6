from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from activities import events, permissions
from activities.models import Activity
from core.event_schema import DeclaredStreamMixin


class ActivityConsumer(DeclaredStreamMixin, AsyncJsonWebsocketConsumer):
    """Places left on an activity, live: a snapshot on connect and after every change.

    Read-only; anyone who may see the activity may listen. Snapshots carry the
    activity's `version`, so a client ignores one older than what it has.
    """

    event_stream = events.ACTIVITY_STREAM

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.user = user
        self.activity_id = self.scope["url_route"]["kwargs"]["activity_id"]
        if not await self.allowed():
            await self.close(code=4403)
            return
        self.group = events.activity_group(self.activity_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(await self.snapshot())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "resume":
            await self.send_json(await self.snapshot())
            return
        await self.send_json({"type": "error", "code": "read_only", "detail": "read-only stream"})

    async def seats_nudge(self, message) -> None:
        await self.send_json(await self.snapshot())

    @database_sync_to_async
    def allowed(self) -> bool:
        activity = Activity.objects.filter(pk=self.activity_id).first()
        return activity is not None and permissions.can_view(self.user, activity)

    @database_sync_to_async
    def snapshot(self) -> dict:
        return events.seats_snapshot(self.activity_id, self.user.pk)
