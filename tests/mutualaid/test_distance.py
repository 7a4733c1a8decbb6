"""Distances: other communities nearest first, and matches that say how far."""

import pytest
from django.utils import translation

from core import geo
from grids.models import Community
from mutualaid.models import Category, Offer
from mutualaid.selectors import matching
from mutualaid.services import needs
from tests.factories import CommunityFactory, GridFactory, MembershipFactory, MicroGridFactory

pytestmark = pytest.mark.django_db

JIAXING = (30.752200, 120.755500)


def test_haversine_at_city_scale():
    hangzhou = (30.274100, 120.155100)
    assert 77_000 < geo.distance_m(JIAXING, hangzhou) < 80_000
    assert geo.distance_m(JIAXING, JIAXING) == 0
    assert geo.distance_m(JIAXING, None) is None


def place(community, lat, lng):
    Community.objects.filter(pk=community.pk).update(latitude=lat, longitude=lng)


def giver_in(community):
    grid = GridFactory(community=community)
    return MembershipFactory(micro_grid=MicroGridFactory(grid=grid)).user


def test_other_communities_come_nearest_first_then_those_without_a_point(world):
    masks = Category.objects.get(slug="masks")
    place(world.east, *JIAXING)
    far = CommunityFactory(name="远处社区")
    near = CommunityFactory(name="近处社区")
    unknown = CommunityFactory(name="未标注社区")
    place(far, JIAXING[0] + 0.09, JIAXING[1])  # ~10 km north
    place(near, JIAXING[0] + 0.018, JIAXING[1])  # ~2 km north
    # Oldest first would put them far, unknown, near: distance must win.
    for community in (far, unknown, near):
        needs.offer_create(actor=giver_in(community), category_id=masks.pk, quantity=5)
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=3)

    matches = matching.offers_for_need(need)

    assert [m.item.grid.community_id for m in matches] == [near.pk, far.pk, unknown.pk]
    assert [m.tier for m in matches] == [matching.ELSEWHERE] * 3
    assert 1900 < matches[0].distance_m < 2100 and 9900 < matches[1].distance_m < 10100
    assert matches[2].distance_m is None
    with translation.override("en"):
        assert matches[0].reason == "Another community · about 2.0 km"
        assert matches[2].reason == "Another community"
    with translation.override("zh-hans"):
        assert matches[0].reason == "其他社区 · 约 2.0 公里"


def test_buildings_with_points_say_how_far_in_rounded_metres(world):
    masks = Category.objects.get(slug="masks")
    home, other = world.buildings["a"]
    home.latitude, home.longitude = JIAXING
    home.save()
    other.latitude, other.longitude = JIAXING[0] + 0.0027, JIAXING[1]  # ~300 m
    other.save()
    giver = world.resident_a2  # lives in the other building of grid A
    offer = needs.offer_create(actor=giver, category_id=masks.pk, quantity=5)
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=2)

    (match,) = matching.offers_for_need(need)
    assert match.item == offer and match.tier == matching.SAME_GRID
    with translation.override("zh-hans"):
        assert match.reason == "同网格 · 约 300 米"
    (back,) = matching.needs_for_offer(offer)
    assert back.distance_m == match.distance_m


def test_a_map_point_sharpens_the_distance_but_is_never_shown(world, client):
    masks = Category.objects.get(slug="masks")
    place(world.east, *JIAXING)
    client.force_login(world.resident_a)
    point = {"latitude": JIAXING[0] + 0.0045, "longitude": JIAXING[1]}  # ~500 m
    response = client.post(
        "/api/v1/aid/offers/",
        {"category": masks.pk, "quantity": 4, **point},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert "latitude" not in response.content.decode()
    offer = Offer.objects.get(pk=response.json()["id"])
    need = needs.need_create(actor=world.members["b"][0].user, category_id=masks.pk, quantity=1)
    (match,) = matching.offers_for_need(need)
    assert match.item == offer and 450 < match.distance_m < 550
    # Neighbours looking at the offer see neither the point nor the distance's inputs.
    client.force_login(world.members["b"][0].user)
    assert "latitude" not in client.get(f"/api/v1/aid/offers/{offer.pk}/").content.decode()


@pytest.mark.parametrize(
    "point",
    [{"latitude": 91, "longitude": 120}, {"latitude": 30, "longitude": 181}, {"latitude": 30}],
)
def test_a_bad_map_point_is_refused_clearly(world, client, point):
    masks = Category.objects.get(slug="masks")
    client.force_login(world.resident_a)
    response = client.post(
        "/api/v1/aid/needs/",
        {"category": masks.pk, "quantity": 1, **point},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not world.resident_a.needs.exists()
