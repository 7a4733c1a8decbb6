"""Help in three taps over REST: the prefills, 我来帮忙, 转为互助; refusals in Chinese."""

import pytest
from rest_framework.test import APIClient

from grids.models import Post, PostKind
from grids.services.posts import card_post_create
from mutualaid.models import Category, Claim, Need
from mutualaid.services import needs

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def masks():
    return Category.objects.get(slug="masks").pk


def test_helping_a_need_over_rest(world, masks):
    need = needs.need_create(actor=world.resident_a, category_id=masks, quantity=20)
    form = api(world.resident_a2).get(f"/api/v1/aid/needs/{need.pk}/help/").json()
    assert form == {
        "lacking": 20,
        "cap": 20,
        "quantity": 20,
        "chips": [5, 10, 20],
        "from_offer": None,
    }
    made = api(world.resident_a2).post(f"/api/v1/aid/needs/{need.pk}/help/", {"quantity": 12})
    assert made.status_code == 201, made.content
    assert (made.json()["state"], made.json()["quantity"]) == ("accepted", 12)
    assert "handover_code" not in made.json() or not made.json()["handover_code"]
    receiver = api(world.resident_a).get(f"/api/v1/aid/claims/{made.json()['id']}/").json()
    assert len(receiver["handover_code"]) == 6  # the asker shows it when they meet


def test_helping_beyond_what_a_need_lacks_is_a_409_in_chinese(world, masks):
    need = needs.need_create(actor=world.resident_a, category_id=masks, quantity=5)
    client = api(world.resident_a2)
    client.credentials(HTTP_ACCEPT_LANGUAGE="zh-hans")
    refused = client.post(f"/api/v1/aid/needs/{need.pk}/help/", {"quantity": 6})
    assert refused.status_code == 409 and refused.json()["code"] == "need_over_quantity"
    assert not Claim.objects.exists()
    bad = client.post(f"/api/v1/aid/needs/{need.pk}/help/", {"quantity": 0})
    assert bad.status_code == 400


def test_the_claim_prefill_names_my_need_and_the_quantity(world, masks):
    need = needs.need_create(actor=world.resident_a, category_id=masks, quantity=20)
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks, quantity=50)
    form = api(world.resident_a).get(f"/api/v1/aid/offers/{offer.pk}/claim-prefill/").json()
    assert (form["need"], form["needs"], form["quantity"], form["cap"]) == (
        need.pk,
        [need.pk],
        20,
        50,
    )


def test_turning_a_board_post_into_a_need_over_rest(world, masks):
    post = card_post_create(
        actor=world.resident_a,
        grid=world.grid_a,
        kind=PostKind.NEED,
        body="谁家有多余的口罩？",
        ref_type="",
        ref_id=None,
    )
    client = api(world.resident_a)
    unsaid = client.post(f"/api/v1/aid/posts/{post.pk}/convert/", {})
    assert unsaid.status_code == 400 and not Need.objects.exists()  # no number in its words
    made = client.post(f"/api/v1/aid/posts/{post.pk}/convert/", {"quantity": 10})
    assert made.status_code == 201, made.content
    need = Need.objects.get()
    assert (need.category_id, need.quantity) == (masks, 10)
    assert Post.objects.get(pk=post.pk).ref_id == need.pk
    other = api(world.resident_a2).post(f"/api/v1/aid/posts/{post.pk}/convert/", {"quantity": 1})
    assert other.status_code == 400
