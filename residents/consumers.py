from channels.generic.websocket import AsyncJsonWebsocketConsumer

from residents.events import user_group


class MeConsumer(AsyncJsonWebsocketConsumer):
    """The signed-in user's own stream. Read-only: clients write through REST."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        await self.send_json({"type": "error", "code": "read_only", "detail": "read-only stream"})

    async def user_event(self, message) -> None:
        await self.send_json(message["event"])
