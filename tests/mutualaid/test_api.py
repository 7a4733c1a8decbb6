"""The mutual-aid API: the story over REST, and who sees which contact details when."""

import pytest
from rest_framework.test import APIClient

from core.models import AccessLog
from mutualaid.models import Category

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def masks():
    return Category.objects.get(slug="masks").pk


def test_asking_offering_claiming_and_handing_over_over_rest(world, masks):
    alice, bob = world.resident_a, world.resident_a2
    need = api(alice).post(
        "/api/v1/aid/needs/", {"category": masks, "quantity": 20, "urgency": "urgent"}
    )
    assert need.status_code == 201, need.content
    offer = api(bob).post("/api/v1/aid/offers/", {"category": masks, "quantity": 30})
    assert offer.status_code == 201
    matches = api(alice).get(f"/api/v1/aid/needs/{need.json()['id']}/matches/").json()
    assert [(m["reason"], m["offer"]["id"]) for m in matches] == [("同网格", offer.json()["id"])]
    claim = api(alice).post(
        f"/api/v1/aid/offers/{offer.json()['id']}/claims/",
        {"quantity": 20, "need": need.json()["id"]},
    )
    assert claim.status_code == 201
    claim_id = claim.json()["id"]
    code = claim.json()["handover_code"]
    assert len(code) == 6
    assert api(bob).get(f"/api/v1/aid/claims/{claim_id}/").json()["handover_code"] is None
    accepted = api(bob).post(f"/api/v1/aid/claims/{claim_id}/accept/")
    assert accepted.json()["state"] == "accepted"
    done = api(bob).post(f"/api/v1/aid/claims/{claim_id}/confirm/", {"code": code})
    assert done.json()["state"] == "handed_over"
    assert api(alice).get(f"/api/v1/aid/needs/{need.json()['id']}/").json()["state"] == "fulfilled"


def test_contact_details_are_hidden_before_acceptance_and_shown_to_the_parties_after(world, masks):
    alice, bob = world.resident_a, world.resident_a2
    offer = api(bob).post("/api/v1/aid/offers/", {"category": masks, "quantity": 3}).json()
    listed = api(alice).get("/api/v1/aid/offers/").content.decode()
    assert bob.national_phone not in listed and bob.masked_phone in listed
    assert world.members["a"][1].unit not in listed
    claim = api(alice).post(f"/api/v1/aid/offers/{offer['id']}/claims/", {"quantity": 1}).json()
    assert claim["contact"] is None
    assert bob.national_phone not in str(claim)
    api(bob).post(f"/api/v1/aid/claims/{claim['id']}/accept/")
    seen_by_alice = api(alice).get(f"/api/v1/aid/claims/{claim['id']}/").json()["contact"]
    assert seen_by_alice["phone"] == bob.national_phone
    assert seen_by_alice["unit"] == world.members["a"][1].unit
    seen_by_bob = api(bob).get(f"/api/v1/aid/claims/{claim['id']}/").json()["contact"]
    assert seen_by_bob["phone"] == alice.national_phone
    assert api(world.resident_b).get(f"/api/v1/aid/claims/{claim['id']}/").status_code == 404
    staff_view = api(world.worker_a).get(f"/api/v1/aid/claims/{claim['id']}/").json()["contact"]
    assert staff_view["giver"]["phone"] == bob.national_phone
    assert AccessLog.objects.filter(actor=world.worker_a, action="aid.claim_contacts").exists()


def test_a_claim_beyond_what_is_left_is_a_409_with_a_chinese_reason(world, masks):
    offer = (
        api(world.resident_a2)
        .post("/api/v1/aid/offers/", {"category": masks, "quantity": 2})
        .json()
    )
    response = api(world.resident_a).post(
        f"/api/v1/aid/offers/{offer['id']}/claims/", {"quantity": 5}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "claim_over_quantity"
    assert "只剩 2" in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"category": 0, "quantity": 1},
        {"category": "masks", "quantity": 1},
        {"quantity": 0},
        {"quantity": "many"},
        {"quantity": 1, "urgency": "yesterday"},
    ],
)
def test_bad_input_is_a_400_never_a_500(world, masks, body):
    body = {"category": masks, **body} if "category" not in body else body
    response = api(world.resident_a).post("/api/v1/aid/needs/", body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] in ("invalid", "aid_invalid")


def test_without_a_home_grid_there_is_no_aid_list(world):
    response = api(world.outsider).get("/api/v1/aid/needs/")
    assert response.status_code == 403
    assert response.json()["code"] == "aid_no_home_grid"


def test_the_grid_worker_sees_urgent_needs_left_unmatched_and_others_do_not(world, masks):
    assert (
        api(world.worker_a)
        .get(f"/api/v1/aid/grids/{world.grid_a.pk}/urgent-needs/?hours=1")
        .status_code
        == 200
    )
    assert (
        api(world.resident_a).get(f"/api/v1/aid/grids/{world.grid_a.pk}/urgent-needs/").status_code
        == 403
    )
    assert (
        api(world.worker_b).get(f"/api/v1/aid/grids/{world.grid_a.pk}/urgent-needs/").status_code
        == 404
    )
