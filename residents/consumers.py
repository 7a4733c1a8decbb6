from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils.module_loading import import_string

from residents.events import user_group
from residents.models import Notification

BATCH = 200


class MeConsumer(AsyncJsonWebsocketConsumer):
    """The signed-in user's own stream, in Notification id order.

    Read-only: clients write through REST. `{"type": "resume", "after": id}`
    sends everything after `id`; otherwise the stream starts from now.
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.user_id = user.pk
        self.groups_joined = [user_group(user.pk), *await self.shared_groups(user)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self.last_id = await self.latest_id()
        await self.accept()
        await self.send_json({"type": "hello", "last_id": self.last_id})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "resume":
            after = content.get("after")
            if not isinstance(after, int) or after < 0:
                await self.send_json(
                    {"type": "error", "code": "resume_invalid", "detail": "after: an id >= 0"}
                )
                return
            self.last_id = after
            await self.send_pending()
            return
        await self.send_json({"type": "error", "code": "read_only", "detail": "read-only stream"})

    async def stream_nudge(self, message) -> None:
        await self.send_pending()

    async def send_pending(self) -> None:
        while True:
            events = await self.events_after(self.last_id)
            for event in events:
                await self.send_json(event)
                self.last_id = event["id"]
            if len(events) < BATCH:
                return

    @database_sync_to_async
    def shared_groups(self, user) -> list[str]:
        if not settings.ME_STREAM_GROUPS:
            return []
        return list(import_string(settings.ME_STREAM_GROUPS)(user))

    @database_sync_to_async
    def latest_id(self) -> int:
        last = (
            Notification.objects.filter(user_id=self.user_id)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        return last or 0

    @database_sync_to_async
    def events_after(self, after: int) -> list[dict]:
        rows = Notification.objects.filter(user_id=self.user_id, id__gt=after).order_by("id")
        return [n.as_event() for n in rows[:BATCH]]
