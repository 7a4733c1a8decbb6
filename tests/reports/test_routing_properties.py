"""Routing as properties (hypothesis): every category routes somewhere (a unit, or the
grid's worker); a more specific rule always beats a less specific one, whatever else the
table holds."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.models import Category, HandlingUnit, RoutingRule
from reports.services import routing
from tests.factories import MicroGridFactory, make_grid_worker

pytestmark = pytest.mark.django_db

# A rule: (names the category?, area level 0 community / 1 grid / 2 building).
RULES = st.lists(
    st.tuples(st.booleans(), st.integers(min_value=0, max_value=2)), max_size=6, unique=True
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rules=RULES, code=st.sampled_from(["river-litter", "noise", "lift", "other"]))
def test_every_category_routes_and_the_most_specific_rule_wins(rules, code):
    building = MicroGridFactory()
    grid, community = building.grid, building.grid.community
    worker = make_grid_worker(grid)
    category = Category.objects.get(code=code)
    units = {}
    for names_category, level in rules:
        unit = HandlingUnit.objects.create(name=f"单位{names_category}{level}")
        RoutingRule.objects.create(
            community=community,
            grid=grid if level >= 1 else None,
            micro_grid=building if level == 2 else None,
            category=category if names_category else None,
            unit=unit,
        )
        units[(names_category, level)] = unit
    found = routing.route(category=category, grid=grid, micro_grid=building)
    if not rules:
        assert found.unit is None and found.handler_id == worker.pk
    else:
        best = max(units)  # (names the category, deeper area) in that order
        assert found.unit == units[best]
    assert found.unit is not None or found.handler_id is not None
