from channels.db import database_sync_to_async

from activities import events, permissions
from activities.models import Activity
from core.consumers import FORBIDDEN, ReadOnlyStreamConsumer


class ActivityConsumer(ReadOnlyStreamConsumer):
    """Places left on an activity, live: a snapshot on connect and after every change.

    Read-only; anyone who may see the activity may listen. Snapshots carry the
    activity's `version`, so a client ignores one older than what it has.
    """

    event_stream = events.ACTIVITY_STREAM

    async def connect(self) -> None:
        self.user = self.scope["user"]  # signed in: ReadOnlyStreamConsumer checked
        self.activity_id = self.scope["url_route"]["kwargs"]["activity_id"]
        if not await self.allowed():
            await self.refuse(FORBIDDEN)
            return
        self.group = events.activity_group(self.activity_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(await self.snapshot())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if content.get("type") == "resume":
            await self.send_json(await self.snapshot())
            return
        await super().receive_json(content)

    async def catch_up_after_outage(self) -> None:
        if hasattr(self, "group"):
            await self.send_json(await self.snapshot())

    async def seats_nudge(self, message) -> None:
        await self.send_json(await self.snapshot())

    @database_sync_to_async
    def allowed(self) -> bool:
        activity = Activity.objects.filter(pk=self.activity_id).first()
        return activity is not None and permissions.can_view(self.user, activity)

    @database_sync_to_async
    def snapshot(self) -> dict:
        return events.seats_snapshot(self.activity_id, self.user.pk)
