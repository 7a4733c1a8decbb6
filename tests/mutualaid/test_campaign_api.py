"""Campaigns over REST: cadres start, change and close them; their community follows the figures."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mutualaid.models import Campaign, Category
from mutualaid.services import claims, needs
from points.services import points_visibility_set

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def masks():
    return Category.objects.get(slug="masks")


def new_campaign(world, masks, **extra) -> dict:
    return {
        "community": world.east.pk,
        "title": "口罩援助",
        "categories": [masks.pk],
        "target_quantity": 20000,
        "ends_at": (timezone.now() + timedelta(days=7)).isoformat(),
        **extra,
    }


def test_a_cadre_starts_a_campaign_and_residents_follow_its_figures(world, masks):
    created = api(world.cadre_east).post(
        "/api/v1/aid/campaigns/", new_campaign(world, masks), format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    campaign_id = body["campaign"]["id"]
    assert body["campaign"]["grids"] == [] and body["can_manage"] is True
    assert body["dashboard"]["handed_over"] == 0 and body["dashboard"]["progress"] == 0

    points_visibility_set(user=world.resident_a2, public=True)
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=12_430)
    claim = claims.claim_request(actor=world.resident_a, offer_id=offer.pk, quantity=12_430)
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    claims.claim_confirm(actor=world.resident_a2, claim_id=claim.pk, code=claim.handover_code)

    seen = api(world.resident_b).get(f"/api/v1/aid/campaigns/{campaign_id}/").json()
    assert seen["can_manage"] is False
    dashboard = seen["dashboard"]
    assert dashboard["categories"] == [
        {
            "id": masks.pk,
            "name": "口罩",
            "unit": "个",
            "quantity": 12430,
            "handovers": 1,
            "needs_met": 0,
        }
    ]
    assert (dashboard["progress"], dashboard["unit"], dashboard["version"]) == (62, "个", 1)
    assert dashboard["top_givers"] == [
        {"display_name": world.resident_a2.display_name, "quantity": 12430, "handovers": 1}
    ]
    listed = api(world.resident_a).get("/api/v1/aid/campaigns/").json()["results"]
    assert [c["id"] for c in listed] == [campaign_id]
    assert api(world.resident_c).get("/api/v1/aid/campaigns/").json()["results"] == []


def test_others_cannot_start_change_close_or_see_a_campaign(world, masks):
    response = api(world.resident_a).post(
        "/api/v1/aid/campaigns/", new_campaign(world, masks), format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    response = api(world.cadre_west).post(
        "/api/v1/aid/campaigns/", new_campaign(world, masks), format="json"
    )
    assert response.status_code == 404
    campaign_id = (
        api(world.cadre_east)
        .post("/api/v1/aid/campaigns/", new_campaign(world, masks), format="json")
        .json()["campaign"]["id"]
    )
    assert api(world.resident_c).get(f"/api/v1/aid/campaigns/{campaign_id}/").status_code == 404
    patch = api(world.worker_a).patch(
        f"/api/v1/aid/campaigns/{campaign_id}/", {"title": "改"}, format="json"
    )
    assert patch.status_code == 403
    assert (
        api(world.resident_a).post(f"/api/v1/aid/campaigns/{campaign_id}/close/").status_code == 403
    )
    assert (
        api(world.cadre_west).post(f"/api/v1/aid/campaigns/{campaign_id}/close/").status_code == 404
    )


def test_a_cadre_changes_and_closes_a_campaign(world, masks):
    campaign_id = (
        api(world.cadre_east)
        .post("/api/v1/aid/campaigns/", new_campaign(world, masks), format="json")
        .json()["campaign"]["id"]
    )
    changed = api(world.cadre_east).patch(
        f"/api/v1/aid/campaigns/{campaign_id}/",
        {"grids": [world.grid_b.pk], "target_quantity": None},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["campaign"]["grids"] == [
        {"id": world.grid_b.pk, "name": world.grid_b.name}
    ]
    assert changed.json()["dashboard"]["target"] is None
    closed = api(world.cadre_east).post(f"/api/v1/aid/campaigns/{campaign_id}/close/")
    assert closed.json()["campaign"]["state"] == "closed"
    again = api(world.cadre_east).post(f"/api/v1/aid/campaigns/{campaign_id}/close/")
    assert (again.status_code, again.json()["code"]) == (409, "campaign_closed")


@pytest.mark.parametrize(
    "change",
    [
        {"categories": []},
        {"categories": [0]},
        {"categories": "masks"},
        {"title": ""},
        {"target_quantity": 0},
        {"target_quantity": "lots"},
        {"ends_at": "tomorrow"},
        {"ends_at": "2001-01-01T00:00:00Z"},
        {"grids": [999999]},
        {"grids": [10**20]},
        {"categories": [10**20]},
        {"community": "east"},
    ],
)
def test_bad_campaigns_are_a_400_never_a_500(world, masks, change):
    response = api(world.cadre_east).post(
        "/api/v1/aid/campaigns/", new_campaign(world, masks, **change), format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] in ("invalid", "campaign_invalid")
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("change", [{"grids": [10**20]}, {"categories": [10**20]}])
def test_changing_a_campaign_to_ids_beyond_any_row_is_a_400(world, masks, change):
    created = api(world.cadre_east).post(
        "/api/v1/aid/campaigns/", new_campaign(world, masks), format="json"
    )
    campaign_id = created.json()["campaign"]["id"]
    client = api(world.cadre_east)
    client.raise_request_exception = False
    response = client.patch(f"/api/v1/aid/campaigns/{campaign_id}/", change, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_a_need_joins_a_campaign_and_an_offer_is_given_to_one(world, masks):
    campaign_id = (
        api(world.cadre_east)
        .post("/api/v1/aid/campaigns/", new_campaign(world, masks), format="json")
        .json()["campaign"]["id"]
    )
    need = api(world.resident_a).post(
        "/api/v1/aid/needs/",
        {"category": masks.pk, "quantity": 3, "campaign": campaign_id},
        format="json",
    )
    assert need.status_code == 201 and need.json()["campaign"] == campaign_id
    offer = api(world.resident_a2).post(
        "/api/v1/aid/offers/",
        {"category": masks.pk, "quantity": 3, "campaign": campaign_id},
        format="json",
    )
    assert offer.status_code == 201 and offer.json()["campaign"] == campaign_id
    wrong = api(world.resident_c).post(
        "/api/v1/aid/needs/",
        {"category": masks.pk, "quantity": 3, "campaign": campaign_id},
        format="json",
    )
    assert (wrong.status_code, wrong.json()["code"]) == (400, "campaign_invalid")


def test_an_offer_for_one_neighbour_is_hidden_from_the_others(world, masks):
    offer = api(world.resident_a2).post(
        "/api/v1/aid/offers/",
        {"category": masks.pk, "quantity": 2, "for_person": world.resident_b.pk},
        format="json",
    )
    assert offer.status_code == 201 and offer.json()["for_person"] == world.resident_b.pk
    offer_id = offer.json()["id"]
    assert api(world.resident_a).get(f"/api/v1/aid/offers/{offer_id}/").status_code == 404
    assert api(world.resident_b).get(f"/api/v1/aid/offers/{offer_id}/").status_code == 200
    listed = api(world.resident_a).get("/api/v1/aid/offers/").json()["results"]
    assert offer_id not in [o["id"] for o in listed]
