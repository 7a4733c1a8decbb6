from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.module_loading import import_string

from core.consumers import RESUME_INVALID, ReadOnlyStreamConsumer, seq_or_none
from residents.events import ME_STREAM, user_group
from residents.models import Notification, NotificationStream

BATCH = 200
MAX_REPLAY = 1000  # events; beyond this a client reloads its notifications over REST


class MeConsumer(ReadOnlyStreamConsumer):
    """The signed-in user's own stream, in Notification id order.

    Read-only: clients write through REST. `?after=<seq>` in the URL (or a
    `{"type": "resume", "after": seq}` message) sends everything after `seq`;
    otherwise the stream starts from now. More than MAX_REPLAY events behind, the
    client gets `{"type": "reset", "seq": latest}` instead and reads the history
    from GET /api/v1/me/notifications/.
    """

    event_stream = ME_STREAM

    async def connect(self) -> None:
        user = self.scope["user"]  # signed in: ReadOnlyStreamConsumer checked
        self.user_id = user.pk
        self.groups_joined = [user_group(user.pk), *await self.shared_groups(user)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self.last_seq = await self.latest_seq()
        await self.accept()
        await self.send_json({"type": "hello", "seq": self.last_seq})
        after = _after_param(self.scope)
        if after is not None and after < self.last_seq:
            await self.replay_from(after, self.last_seq)

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if content.get("type") != "resume":
            await super().receive_json(content)
            return
        after = seq_or_none(content.get("after"))
        if after is None:
            await self.refuse_message(RESUME_INVALID, "after: a seq >= 0")
            return
        await self.replay_from(after, await self.latest_seq())

    async def replay_from(self, after: int, latest: int) -> None:
        """Send what came after `after`, or a reset if that is more than MAX_REPLAY."""
        if latest - after > MAX_REPLAY:
            self.last_seq = latest
            await self.send_json({"type": "reset", "seq": latest})
            return
        self.last_seq = after
        await self.send_pending()

    async def catch_up_after_outage(self) -> None:
        if hasattr(self, "last_seq"):
            await self.send_pending()

    async def stream_nudge(self, message) -> None:
        await self.send_pending()

    async def send_pending(self) -> None:
        while True:
            events = await self.events_after(self.last_seq)
            for event in events:
                await self.send_json(event)
                self.last_seq = event["seq"]
            if len(events) < BATCH:
                return

    @database_sync_to_async
    def shared_groups(self, user) -> list[str]:
        if not settings.ME_STREAM_GROUPS:
            return []
        return list(import_string(settings.ME_STREAM_GROUPS)(user))

    @database_sync_to_async
    def latest_seq(self) -> int:
        stream = NotificationStream.objects.filter(user_id=self.user_id).first()
        return stream.seq if stream else 0

    @database_sync_to_async
    def events_after(self, after: int) -> list[dict]:
        rows = Notification.objects.filter(user_id=self.user_id, seq__gt=after).order_by("seq")
        return [n.as_event() for n in rows[:BATCH]]


def _after_param(scope) -> int | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin1")).get("after")
    if not values or not (values[0].isascii() and values[0].isdecimal()) or len(values[0]) > 18:
        return None
    return int(values[0])
