"""The 互助 tab: ask in three taps, see matches, claim, hand over; the board card follows."""

import pytest

from core.models import AccessLog
from grids.models import Post
from mutualaid.models import Category, Claim, Need
from mutualaid.services import claims, needs

pytestmark = pytest.mark.django_db


def test_asking_from_the_tab_creates_a_need_and_shows_its_matches(client, world):
    masks = Category.objects.get(slug="masks")
    needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=30)
    client.force_login(world.resident_a)
    response = client.post(
        "/mutual-aid/",
        {"form": "ask", "ask-category": masks.pk, "ask-quantity": 20, "ask-urgency": "urgent"},
    )
    need = Need.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mutual-aid/needs/{need.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "同网格" in page and world.resident_a2.display_name in page
    assert world.resident_a2.national_phone not in page


def test_claiming_and_handing_over_from_the_pages_marks_the_board_card(client, world):
    masks = Category.objects.get(slug="masks")
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=20)
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=20)
    client.force_login(world.resident_a)
    client.post(f"/mutual-aid/offers/{offer.pk}/claim/", {"quantity": 20, "need": need.pk})
    claim = Claim.objects.get()
    client.force_login(world.resident_a2)
    client.post(f"/mutual-aid/claims/{claim.pk}/accept/")
    page = client.get(f"/mutual-aid/claims/{claim.pk}/").content.decode()
    assert world.resident_a.national_phone in page  # the parties see each other now
    client.post(f"/mutual-aid/claims/{claim.pk}/confirm/", {"code": claim.handover_code})
    need.refresh_from_db()
    assert need.state == "fulfilled"
    card = Post.objects.get(ref_type="aid.need", ref_id=need.pk)
    board = client.get(f"/grids/{world.grid_a.pk}/board/").content.decode()
    assert card.ref_state == "fulfilled" and "已完成" in board


def test_without_a_home_grid_the_tab_says_how_to_join(client, world):
    client.force_login(world.outsider)
    page = client.get("/mutual-aid/")
    assert page.status_code == 200 and "扫描" in page.content.decode()


def test_a_claims_page_shows_contacts_to_its_parties_only_and_logs_nothing(client, world):
    masks = Category.objects.get(slug="masks")
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=2)
    claim = claims.claim_request(actor=world.resident_a, offer_id=offer.pk, quantity=1)
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    client.force_login(world.resident_a)
    assert (
        world.resident_a2.national_phone
        in client.get(f"/mutual-aid/claims/{claim.pk}/").content.decode()
    )
    client.force_login(world.worker_a)
    page = client.get(f"/mutual-aid/claims/{claim.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert world.resident_a.national_phone not in text
    assert world.resident_a2.national_phone not in text
    assert not AccessLog.objects.exists()


def test_someone_elses_claim_page_does_not_exist(client, world):
    masks = Category.objects.get(slug="masks")
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=2)
    claim = claims.claim_request(actor=world.resident_a, offer_id=offer.pk, quantity=1)
    client.force_login(world.resident_b)
    assert client.get(f"/mutual-aid/claims/{claim.pk}/").status_code == 404


def test_a_requester_cancels_from_the_need_page_and_others_cannot(client, world):
    masks = Category.objects.get(slug="masks")
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=3)
    client.force_login(world.resident_a2)
    client.post(f"/mutual-aid/needs/{need.pk}/cancel/")
    need.refresh_from_db()
    assert need.state == "open"
    client.force_login(world.resident_a)
    page = client.get(f"/mutual-aid/needs/{need.pk}/").content.decode()
    assert "不再需要" in page
    client.post(f"/mutual-aid/needs/{need.pk}/cancel/")
    need.refresh_from_db()
    assert need.state == "cancelled"
    card = Post.objects.get(ref_type="aid.need", ref_id=need.pk)
    assert card.ref_state == "cancelled"


def test_a_giver_withdraws_from_the_offer_page(client, world):
    masks = Category.objects.get(slug="masks")
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=3)
    client.force_login(world.resident_a2)
    client.post(f"/mutual-aid/offers/{offer.pk}/withdraw/")
    offer.refresh_from_db()
    assert offer.state == "withdrawn"
