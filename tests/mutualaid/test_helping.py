"""Help straight from a need ("我来帮忙"), the prefills of the help and claim forms, and a
board post asking for help turned into a need ("转为互助")."""

import pytest

from grids.models import Post, PostKind
from grids.services.posts import card_post_create
from mutualaid.errors import AidInvalid, ClaimOverQuantity, NeedOverQuantity, TransitionRefused
from mutualaid.models import Category, Claim, Need, Offer
from mutualaid.selectors import helping as prefills
from mutualaid.services import claims, helping, needs
from residents.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def masks(db):
    return Category.objects.get(slug="masks")


def bare_need_post(world, body: str) -> Post:
    """A request for help written on the board before needs were asked in 互助 only."""
    return card_post_create(
        actor=world.resident_a,
        grid=world.grid_a,
        kind=PostKind.NEED,
        body=body,
        ref_type="",
        ref_id=None,
    )


def ask(world, masks, quantity=20):
    return needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=quantity)


def test_helping_a_need_makes_an_agreed_claim_on_an_offer_directed_to_it(world, masks):
    need = ask(world, masks)
    claim = helping.need_help(actor=world.resident_a2, need_id=need.pk, quantity=20)
    assert (claim.state, claim.quantity, claim.need_id) == ("accepted", 20, need.pk)
    assert claim.receiver == world.resident_a and claim.offer.giver == world.resident_a2
    offer = Offer.objects.get(pk=claim.offer_id)
    assert offer.for_need_id == need.pk and (offer.quantity, offer.reserved) == (20, 20)
    assert offer.state == "exhausted"
    need.refresh_from_db()
    assert (need.matched, need.state) == (20, "matched")
    told = Notification.objects.get(user=world.resident_a, type="aid.help_coming")
    assert told.payload["by"] == world.resident_a2.display_name
    assert (told.payload["quantity"], told.payload["category"]) == (20, "口罩")


def test_the_help_is_handed_over_with_the_askers_code(world, masks):
    need = ask(world, masks, quantity=10)
    claim = helping.need_help(actor=world.resident_a2, need_id=need.pk, quantity=10)
    claims.claim_confirm(actor=world.resident_a2, claim_id=claim.pk, code=claim.handover_code)
    need.refresh_from_db()
    assert (need.fulfilled, need.state) == (10, "fulfilled")


def test_help_comes_from_my_open_offer_of_that_kind_when_i_have_one(world, masks):
    mine = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=30)
    need = ask(world, masks)
    assert prefills.help_prefill(world.resident_a2, need)["cap"] == 20
    claim = helping.need_help(actor=world.resident_a2, need_id=need.pk, quantity=15)
    assert claim.offer_id == mine.pk and claim.state == "accepted"
    mine.refresh_from_db()
    assert (mine.reserved, mine.available) == (15, 15)
    assert Offer.objects.count() == 1  # no second promise of the same masks


def test_the_help_is_capped_by_what_my_offer_has_left(world, masks):
    needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=8)
    need = ask(world, masks)
    prefill = prefills.help_prefill(world.resident_a2, need)
    assert (prefill["cap"], prefill["prefill"]) == (8, 8)
    with pytest.raises(ClaimOverQuantity):
        helping.need_help(actor=world.resident_a2, need_id=need.pk, quantity=9)


def test_no_one_gives_more_than_the_need_lacks(world, masks):
    need = ask(world, masks, quantity=20)
    helping.need_help(actor=world.resident_a2, need_id=need.pk, quantity=15)
    with pytest.raises(NeedOverQuantity) as refused:
        helping.need_help(actor=world.resident_b, need_id=need.pk, quantity=10)
    assert refused.value.status == 409 and "5" in str(refused.value.message)
    assert Claim.objects.count() == 1


def test_one_cannot_help_ones_own_need_or_a_closed_one(world, masks):
    need = ask(world, masks)
    with pytest.raises(AidInvalid):
        helping.need_help(actor=world.resident_a, need_id=need.pk, quantity=1)
    needs.need_cancel(actor=world.resident_a, need_id=need.pk)
    with pytest.raises(TransitionRefused):
        helping.need_help(actor=world.resident_a2, need_id=need.pk, quantity=1)


def test_cancelling_the_need_releases_the_help(world, masks):
    need = ask(world, masks)
    claim = helping.need_help(actor=world.resident_a2, need_id=need.pk, quantity=5)
    needs.need_cancel(actor=world.resident_a, need_id=need.pk)
    claim.refresh_from_db()
    assert claim.state == "cancelled"
    assert Offer.objects.get(pk=claim.offer_id).reserved == 0


def test_the_claim_form_prefills_my_one_matching_need_and_what_it_lacks(world, masks):
    need = ask(world, masks, quantity=20)
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=50)
    mine = [need]
    prefill = prefills.claim_prefill(world.resident_a, offer, mine)
    assert (prefill["need"], prefill["prefill"], prefill["cap"]) == (need, 20, 50)
    small = needs.offer_create(actor=world.resident_b, category_id=masks.pk, quantity=6)
    assert prefills.claim_prefill(world.resident_a, small, mine)["prefill"] == 6


def test_a_board_post_naming_a_kind_and_a_number_becomes_a_need_with_the_same_card(world, masks):
    post = bare_need_post(world, body="家里需要20个口罩")
    need = needs.need_from_post(actor=world.resident_a, post_id=post.pk)
    assert (need.category, need.quantity, need.requester) == (masks, 20, world.resident_a)
    post.refresh_from_db()
    assert (post.ref_type, post.ref_id) == ("aid.need", need.pk)
    assert Post.objects.filter(kind=PostKind.NEED).count() == 1  # one card, not two


def test_a_post_without_a_number_opens_the_ask_page_prefilled_instead(world, masks):
    post = bare_need_post(world, body="谁家有多余的口罩？")
    assert needs.need_from_post(actor=world.resident_a, post_id=post.pk) is None
    found = prefills.post_to_convert(world.resident_a, post.pk)
    assert found["category"] == masks and found["quantity"] is None
    assert not Need.objects.exists()


def test_only_the_author_can_turn_a_post_into_a_need(world, masks):
    post = bare_need_post(world, body="需要20个口罩")
    with pytest.raises(AidInvalid):
        needs.need_from_post(actor=world.resident_a2, post_id=post.pk)
    needs.need_from_post(actor=world.resident_a, post_id=post.pk)
    with pytest.raises(AidInvalid):  # already a need
        needs.need_from_post(actor=world.resident_a, post_id=post.pk)


def test_the_board_composer_no_longer_writes_a_bare_request_for_help(client, world):
    client.force_login(world.resident_a)
    client.post(f"/grids/{world.grid_a.pk}/board/", {"kind": "need", "body": "需要口罩"})
    assert not Post.objects.filter(kind=PostKind.NEED, ref_type="").exists()
    page = client.get(f"/grids/{world.grid_a.pk}/board/").content.decode()
    assert 'href="/mutual-aid/needs/new/"' in page


def test_the_author_of_a_bare_request_sees_turn_into_mutual_aid_on_its_card(client, world):
    post = bare_need_post(world, body="谁家有多余的口罩？")
    action = f'action="/mutual-aid/posts/{post.pk}/convert/"'
    client.force_login(world.resident_a)
    assert action in client.get(f"/grids/{world.grid_a.pk}/board/").content.decode()
    client.force_login(world.resident_a2)
    assert action not in client.get(f"/grids/{world.grid_a.pk}/board/").content.decode()


def test_a_help_already_under_way_between_the_two_is_not_made_twice(world, masks):
    mine = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=30)
    need = ask(world, masks)
    claims.claim_request(actor=world.resident_a, offer_id=mine.pk, quantity=5, need_id=need.pk)
    with pytest.raises(TransitionRefused) as refused:
        helping.need_help(actor=world.resident_a2, need_id=need.pk, quantity=5)
    assert refused.value.status == 409 and Claim.objects.count() == 1
