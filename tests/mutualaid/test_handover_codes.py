"""The six-digit handover code cannot be guessed: five wrong tries lock it, everyone
concerned hears of it, the receiver issues a new one; a code is checked for its form
before it is compared. And the two neighbours' messages stay theirs."""

import pytest
from rest_framework.test import APIClient

from mutualaid.errors import (
    HandoverCodeInvalid,
    HandoverCodeLocked,
    HandoverCodeWrong,
    NotAllowed,
)
from mutualaid.models import Category, Claim
from mutualaid.services import claims, needs
from residents.models import Notification
from tests.mutualaid.test_services import wrong_code

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def accepted_claim(world) -> Claim:
    """resident_a2 gives 4 masks to resident_a (both of grid A), accepted."""
    masks = Category.objects.get(slug="masks")
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=4)
    claim = claims.claim_request(actor=world.resident_a, offer_id=offer.pk, quantity=4)
    return claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)


def guess(world, claim, code):
    return claims.claim_confirm(actor=world.resident_a2, claim_id=claim.pk, code=code)


def test_five_wrong_codes_lock_the_code_even_against_the_right_one(world):
    claim = accepted_claim(world)
    for _ in range(4):
        with pytest.raises(HandoverCodeWrong):
            guess(world, claim, wrong_code(claim))
    with pytest.raises(HandoverCodeLocked) as fifth:
        guess(world, claim, wrong_code(claim))
    assert (fifth.value.status, fifth.value.code) == (409, "handover_code_locked")
    with pytest.raises(HandoverCodeLocked):
        guess(world, claim, claim.handover_code)
    claim.refresh_from_db()
    assert (claim.state, claim.handover_code_misses, claim.giver_confirmed_at) == (
        "accepted",
        5,
        None,
    )


def test_a_right_code_before_the_lock_still_hands_over(world):
    claim = accepted_claim(world)
    for _ in range(4):
        with pytest.raises(HandoverCodeWrong):
            guess(world, claim, wrong_code(claim))
    assert guess(world, claim, claim.handover_code).state == "handed_over"


def test_the_lock_tells_both_parties_and_the_grid_worker_once(
    world, django_capture_on_commit_callbacks
):
    claim = accepted_claim(world)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            with pytest.raises((HandoverCodeWrong, HandoverCodeLocked)):
                guess(world, claim, wrong_code(claim))
        with pytest.raises(HandoverCodeLocked):
            guess(world, claim, wrong_code(claim))
    told = Notification.objects.filter(type="aid.handover_code_locked")
    assert sorted(told.values_list("user_id", flat=True)) == sorted(
        [world.resident_a.pk, world.resident_a2.pk, world.worker_a.pk]
    )
    assert told.first().payload["claim_id"] == claim.pk


def test_the_receiver_issues_a_fresh_code_that_resets_the_count(world):
    claim = accepted_claim(world)
    for _ in range(5):
        with pytest.raises((HandoverCodeWrong, HandoverCodeLocked)):
            guess(world, claim, wrong_code(claim))
    old = claim.handover_code
    with pytest.raises(NotAllowed):
        claims.claim_code_renew(actor=world.resident_a2, claim_id=claim.pk)
    renewed = claims.claim_code_renew(actor=world.resident_a, claim_id=claim.pk)
    assert renewed.handover_code_misses == 0 and len(renewed.handover_code) == 6
    assert Notification.objects.filter(
        user=world.resident_a2, type="aid.handover_code_renewed"
    ).exists()
    if renewed.handover_code != old:
        with pytest.raises(HandoverCodeWrong):
            guess(world, claim, old)
    assert guess(world, claim, renewed.handover_code).state == "handed_over"


@pytest.mark.parametrize("code", ["ö", "١٢٣٤٥٦", "12345", "1234567", "12 456", "abcdef"])
def test_a_code_that_is_not_six_ascii_digits_is_refused_before_it_is_compared(world, code):
    claim = accepted_claim(world)
    with pytest.raises(HandoverCodeInvalid):
        guess(world, claim, code)
    claim.refresh_from_db()
    assert claim.handover_code_misses == 0


def test_a_non_ascii_code_is_a_400_on_the_api_and_a_message_on_the_page(world, client):
    claim = accepted_claim(world)
    response = api(world.resident_a2).post(
        f"/api/v1/aid/claims/{claim.pk}/confirm/", {"code": "ö"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "handover_code_invalid")
    client.force_login(world.resident_a2)
    page = client.post(f"/mutual-aid/claims/{claim.pk}/confirm/", {"code": "ö"}, follow=True)
    assert page.status_code == 200
    assert "六位数字" in page.content.decode()


def test_the_api_locks_the_code_and_the_receiver_renews_it(world):
    claim = accepted_claim(world)
    giver, receiver = api(world.resident_a2), api(world.resident_a)
    url = f"/api/v1/aid/claims/{claim.pk}/"
    for _ in range(4):
        wrong = giver.post(url + "confirm/", {"code": wrong_code(claim)})
        assert (wrong.status_code, wrong.json()["code"]) == (400, "handover_code_wrong")
    locked = giver.post(url + "confirm/", {"code": wrong_code(claim)})
    assert (locked.status_code, locked.json()["code"]) == (409, "handover_code_locked")
    right = giver.post(url + "confirm/", {"code": claim.handover_code})
    assert (right.status_code, right.json()["code"]) == (409, "handover_code_locked")
    assert receiver.get(url).json()["handover_code_locked"] is True
    assert giver.post(url + "renew-code/").status_code == 403
    renewed = receiver.post(url + "renew-code/")
    assert renewed.status_code == 200
    assert renewed.json()["handover_code_locked"] is False
    done = giver.post(url + "confirm/", {"code": renewed.json()["handover_code"]})
    assert done.json()["state"] == "handed_over"


def test_the_page_locks_the_code_and_offers_the_receiver_a_new_one(world, client):
    claim = accepted_claim(world)
    client.force_login(world.resident_a2)
    for _ in range(5):
        client.post(f"/mutual-aid/claims/{claim.pk}/confirm/", {"code": wrong_code(claim)})
    page = client.post(
        f"/mutual-aid/claims/{claim.pk}/confirm/", {"code": claim.handover_code}, follow=True
    ).content.decode()
    claim.refresh_from_db()
    assert claim.state == "accepted" and 'id="handover-code-locked"' in page
    client.force_login(world.resident_a)
    page = client.get(f"/mutual-aid/claims/{claim.pk}/").content.decode()
    assert 'id="renew-code"' in page and claim.handover_code not in page
    client.post(f"/mutual-aid/claims/{claim.pk}/renew-code/")
    claim.refresh_from_db()
    assert claim.handover_code_misses == 0
    assert claim.handover_code in client.get(f"/mutual-aid/claims/{claim.pk}/").content.decode()


# The parties' messages


def test_staff_overseeing_a_claim_cannot_read_its_messages(world):
    claim = accepted_claim(world)
    claims.claim_message_add(actor=world.resident_a, claim_id=claim.pk, body="我晚上七点来取")
    url = f"/api/v1/aid/claims/{claim.pk}/messages/"
    assert api(world.resident_a2).get(url).json()[0]["body"] == "我晚上七点来取"
    for staff in (world.worker_a, world.cadre_east, world.admin):
        assert api(staff).get(f"/api/v1/aid/claims/{claim.pk}/").status_code == 200
        response = api(staff).get(url)
        assert response.status_code == 404, staff
        assert "我晚上七点来取" not in response.content.decode()
