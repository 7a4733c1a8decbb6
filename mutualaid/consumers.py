"""A campaign's live dashboard: /ws/aid/campaigns/<id>/.

Residents, grid workers and cadres of the campaign's community are let in; anyone else
is closed with 4403 as soon as the socket opens, and everyone with 4404 once the
campaign is gone. On connect, and on every nudge after a change commits, the
consumer reads the dashboard and sends it whole as `{"type": "campaign.snapshot",
"version": n, "dashboard": {...}}`. Versions only grow on one socket: a nudge whose
change an earlier snapshot already showed sends nothing. A snapshot is the full state,
so a client that reconnects needs nothing replayed. Read-only: write through the API.
"""

from channels.db import database_sync_to_async

from core.consumers import FORBIDDEN, GONE, ReadOnlyStreamConsumer
from mutualaid import permissions
from mutualaid.events import CAMPAIGN_SNAPSHOT, CAMPAIGN_STREAM, campaign_group
from mutualaid.models import Campaign
from mutualaid.selectors import campaigns
from mutualaid.serializers import DashboardSerializer


class CampaignConsumer(ReadOnlyStreamConsumer):
    event_stream = CAMPAIGN_STREAM

    async def connect(self) -> None:
        user = self.scope["user"]  # signed in: ReadOnlyStreamConsumer checked
        campaign_id = int(self.scope["url_route"]["kwargs"]["campaign_id"])
        if not await self.may_view(user, campaign_id):
            await self.refuse(FORBIDDEN)
            return
        self.campaign_id = campaign_id
        self.group = campaign_group(campaign_id)
        self.version = -1
        # Join first, then read: nothing committed after the read goes unheard.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_snapshot()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def catch_up_after_outage(self) -> None:
        if hasattr(self, "group"):
            await self.send_snapshot()

    async def campaign_nudge(self, message) -> None:
        await self.send_snapshot()

    async def send_snapshot(self) -> None:
        snapshot = await self.snapshot()
        if snapshot is None:
            await self.close(code=GONE)
            return
        if snapshot["version"] <= self.version:
            return  # an earlier snapshot already showed this change
        self.version = snapshot["version"]
        await self.send_json(
            {"type": CAMPAIGN_SNAPSHOT, "version": self.version, "dashboard": snapshot}
        )

    @database_sync_to_async
    def may_view(self, user, campaign_id: int) -> bool:
        campaign = Campaign.objects.select_related("community").filter(pk=campaign_id).first()
        return campaign is not None and permissions.can_view_campaign(user, campaign)

    @database_sync_to_async
    def snapshot(self) -> dict | None:
        dashboard = campaigns.campaign_dashboard(self.campaign_id)
        return dict(DashboardSerializer(dashboard).data) if dashboard is not None else None
