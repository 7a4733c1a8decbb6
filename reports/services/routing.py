"""Routing: category × area → the unit that fixes it, at submission, with no one in the loop.

The rules of the report's community that match its category (or every category) and its
area (the community, its grid, its building) are ranked, and the most specific wins:
a rule naming the category beats one for every category; within that, a building beats
a grid, and a grid beats the whole community. Then the category's default unit; then the
grid's grid worker; with none, the community's cadres (handler left empty: they see every
report of their community).
"""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When

from grids.models import Grid, MicroGrid
from reports.models import Category, HandlingUnit, RoutingRule


@dataclass(frozen=True)
class Route:
    unit: HandlingUnit | None
    handler_id: int | None
    rule_id: int | None = None

    @property
    def label(self) -> str:
        return self.unit.name if self.unit else ""


def specificity(rule: RoutingRule) -> tuple[int, int]:
    """The order rules are ranked in: (names the category, area level 0–2)."""
    area = 2 if rule.micro_grid_id else 1 if rule.grid_id else 0
    return (1 if rule.category_id else 0, area)


def matching_rules(*, category: Category, grid: Grid, micro_grid: MicroGrid | None):
    """Every active rule that matches, most specific first."""
    area = Q(grid__isnull=True) | Q(grid=grid, micro_grid__isnull=True)
    if micro_grid is not None:
        area |= Q(grid=grid, micro_grid=micro_grid)
    return (
        RoutingRule.objects.filter(community_id=grid.community_id, unit__active=True)
        .filter(Q(category=category) | Q(category__isnull=True))
        .filter(area)
        .select_related("unit")
        .annotate(
            rank=Case(
                When(category__isnull=False, then=Value(10)),
                default=Value(0),
                output_field=IntegerField(),
            )
            + Case(
                When(micro_grid__isnull=False, then=Value(2)),
                When(grid__isnull=False, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-rank", "id")
    )


def route(*, category: Category, grid: Grid, micro_grid: MicroGrid | None) -> Route:
    rule = matching_rules(category=category, grid=grid, micro_grid=micro_grid).first()
    if rule is not None:
        return Route(unit=rule.unit, handler_id=None, rule_id=rule.pk)
    if category.default_unit_id is not None:
        unit = HandlingUnit.objects.filter(pk=category.default_unit_id, active=True).first()
        if unit is not None:
            return Route(unit=unit, handler_id=None)
    return Route(unit=None, handler_id=grid.grid_worker_id)
