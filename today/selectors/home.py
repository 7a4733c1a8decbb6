"""Everything home shows a logged-in person, by the roles they hold, in order."""

from dataclasses import dataclass

from grids.models import Grid
from grids.selectors.places import home_membership
from reports.models import HandlingUnit
from reports.selectors.reports import units_of
from residents.models import User
from today.selectors.resident import ResidentToday, resident_today
from today.selectors.staff import CadreToday, cadre_communities, cadre_today, grids_served_today


@dataclass
class Today:
    resident: ResidentToday | None
    grids: list[Grid]
    cadre: CadreToday | None
    units: list[HandlingUnit]

    @property
    def is_staff(self) -> bool:
        return bool(self.grids or self.cadre or self.units)

    @property
    def sections(self) -> list[str]:
        """The order of the parts: the staff's work first (the grid worker's doors, then
        the community's figures), then the person's own things."""
        order = []
        if self.units:
            order.append("unit")
        if self.grids:
            order.append("grid_worker")
        if self.cadre:
            order.append("cadre")
        if self.resident:
            order.append("resident")
        return order


def today_for(user: User) -> Today:
    """Everything the home page shows a logged-in person, by the roles they hold."""
    membership = home_membership(user)
    communities = cadre_communities(user)
    return Today(
        resident=resident_today(user, membership) if membership else None,
        grids=grids_served_today(user),
        cadre=cadre_today(communities) if communities else None,
        units=units_of(user),
    )
