"""Live reports: /ws/reports/<scope>/<id>/, nudges only.

- `unit/<id>`: the unit's staff (its queue);
- `grid/<id>`: the grid's worker and the community's cadres (reports of the grid,
  including those the grid worker handles);
- `community/<id>`: the community's cadres (the dashboard).

Anyone else is closed with 4403. Each `report.changed` says which report moved; the page
reads it again. Read-only.
"""

from channels.db import database_sync_to_async

from core.consumers import FORBIDDEN, ReadOnlyStreamConsumer
from grids.models import Community, Grid
from grids.permissions import can_manage_community, can_manage_grid
from reports.events import REPORTS_STREAM, SCOPES, reports_group
from reports.models import HandlingUnit
from reports.permissions import is_unit_staff


class ReportsConsumer(ReadOnlyStreamConsumer):
    event_stream = REPORTS_STREAM

    async def connect(self) -> None:
        user = self.scope["user"]
        kwargs = self.scope["url_route"]["kwargs"]
        scope, scope_id = kwargs["scope"], int(kwargs["scope_id"])
        if scope not in SCOPES or not await self.may_watch(user, scope, scope_id):
            await self.refuse(FORBIDDEN)
            return
        self.group = reports_group(scope, scope_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def reports_nudge(self, message) -> None:
        await self.send_json(message["event"])

    @database_sync_to_async
    def may_watch(self, user, scope: str, scope_id: int) -> bool:
        if scope == "unit":
            unit = HandlingUnit.objects.filter(pk=scope_id).first()
            return unit is not None and (user.is_superuser or is_unit_staff(user, unit.pk))
        if scope == "grid":
            grid = Grid.objects.filter(pk=scope_id).first()
            return grid is not None and can_manage_grid(user, grid)
        community = Community.objects.filter(pk=scope_id).first()
        return community is not None and can_manage_community(user, community)
