"""Ranking properties, over many generated neighbourhoods (hypothesis)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.models import Category, Need, Offer
from mutualaid.selectors import matching

pytestmark = pytest.mark.django_db

WHERE = st.sampled_from(["building", "grid", "community", "elsewhere"])
OFFER = st.tuples(
    WHERE,
    st.integers(min_value=1, max_value=5),  # quantity
    st.integers(min_value=0, max_value=5),  # given
    st.booleans(),  # expired
    st.integers(min_value=0, max_value=10_000),  # age in minutes
)


def place(world, where):
    return {
        "building": (world.grid_a, world.buildings["a"][0]),
        "grid": (world.grid_a, world.buildings["a"][1]),
        "community": (world.grid_b, world.buildings["b"][0]),
        "elsewhere": (world.grid_c, world.buildings["c"][0]),
    }[where]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offers=st.lists(OFFER, max_size=12))
def test_nearer_always_ranks_first_and_nothing_spent_or_expired_is_returned(world, offers):
    Offer.objects.all().delete()
    Need.objects.all().delete()
    masks = Category.objects.get(slug="masks")
    now = timezone.now()
    givers = [world.resident_a2, world.resident_b, world.resident_c, world.worker_a]
    grid, building = place(world, "building")
    need = Need.objects.create(
        requester=world.resident_a,
        category=masks,
        quantity=3,
        grid=grid,
        community=grid.community,
        micro_grid=building,
        expires_at=now + timedelta(days=1),
    )
    rows = []
    for i, (where, quantity, given_, expired, age) in enumerate(offers):
        grid, building = place(world, where)
        rows.append(
            Offer.objects.create(
                giver=givers[i % len(givers)],
                category=masks,
                quantity=quantity,
                given=min(given_, quantity),
                grid=grid,
                community=grid.community,
                micro_grid=building,
                expires_at=now - timedelta(minutes=1) if expired else now + timedelta(days=1),
                created_at=now - timedelta(minutes=age),
            )
        )
    ranked = matching.offers_for_need(need, limit=50)
    tiers = {"building": 0, "grid": 1, "community": 2, "elsewhere": 3}
    got = [(m.tier, m.item.created_at, m.item.pk) for m in ranked]
    assert got == sorted(got), "nearer first; within a tier, who waited longest first"
    for match in ranked:
        assert match.item.available > 0 and match.item.expires_at > now
    expected = {o.pk for o in rows if o.quantity > o.given and o.expires_at > now}
    assert {m.item.pk for m in ranked} == expected
    for o, (where, *_rest) in zip(rows, offers, strict=True):
        if o.pk in expected:
            assert next(m.tier for m in ranked if m.item.pk == o.pk) == tiers[where]
