"""Mutual aid rules: asking, offering, matching, claims and handovers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grids.models import Post
from grids.services import moderation
from mutualaid.errors import (
    AidInvalid,
    ClaimOverQuantity,
    HandoverCodeWrong,
    NoHomeGrid,
    NotAllowed,
    NotFound,
    TransitionRefused,
)
from mutualaid.models import Category, Claim, Need, Offer
from mutualaid.selectors import matching
from mutualaid.selectors import needs as need_selectors
from mutualaid.services import campaigns, claims, needs
from residents.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def masks(db):
    return Category.objects.get(slug="masks")


def need(world, user, masks, quantity=20, **kwargs):
    return needs.need_create(actor=user, category_id=masks.pk, quantity=quantity, **kwargs)


def offer(world, user, masks, quantity=10, **kwargs):
    return needs.offer_create(actor=user, category_id=masks.pk, quantity=quantity, **kwargs)


def test_the_categories_are_seeded():
    assert set(Category.objects.values_list("name", flat=True)) >= {"口罩", "药品", "跑腿", "助老"}


def test_a_need_lands_on_the_board_as_a_card(world, masks):
    n = need(world, world.resident_a, masks, description="家里老人咳嗽", urgency="urgent")
    card = Post.objects.get(ref_type="aid.need", ref_id=n.pk)
    assert card.grid == world.grid_a and card.kind == "need"
    assert "20" in card.body and "口罩" in card.body and "家里老人咳嗽" in card.body
    assert (n.grid, n.micro_grid) == (world.grid_a, world.members["a"][0].micro_grid)


def test_only_residents_with_a_home_grid_ask_or_offer(world, masks):
    with pytest.raises(NoHomeGrid):
        need(world, world.outsider, masks)
    with pytest.raises(NoHomeGrid):
        offer(world, world.cadre_east, masks)


@pytest.mark.parametrize("quantity", [0, -3, 10**9, True])
def test_bad_quantities_are_refused(world, masks, quantity):
    with pytest.raises(AidInvalid):
        need(world, world.resident_a, masks, quantity=quantity)
    assert not Need.objects.exists()


def test_a_need_is_matched_nearest_first_with_a_reason(world, masks):
    same_building = world.members["a"][0]
    # A neighbour in the same building, one in the same grid, one in grid B, one in the west.
    from tests.factories import MembershipFactory

    building_mate = MembershipFactory(micro_grid=same_building.micro_grid).user
    far = offer(world, world.resident_c, masks)
    community = offer(world, world.resident_b, masks)
    grid = offer(world, world.resident_a2, masks)
    building = offer(world, building_mate, masks)
    n = need(world, world.resident_a, masks)
    ranked = matching.offers_for_need(n)
    assert [m.item.pk for m in ranked] == [building.pk, grid.pk, community.pk, far.pk]
    assert [m.reason for m in ranked] == ["同楼栋", "同网格", "同社区", "其他社区"]


def test_new_offers_tell_the_best_matching_requesters(world, masks):
    n = need(world, world.resident_a, masks)
    offer(world, world.resident_a2, masks)
    told = Notification.objects.get(user=world.resident_a, type="aid.offer_for_you")
    assert (told.payload["reason"], told.payload["quantity"]) == ("同网格", 10)
    need(world, world.resident_b, masks)
    told = Notification.objects.get(user=world.resident_a2, type="aid.need_for_you")
    assert told.payload["reason"] == "同社区"
    assert n.requester == world.resident_a


def test_nothing_expired_exhausted_own_or_muted_is_matched(world, masks):
    n = need(world, world.resident_a, masks)
    own = offer(world, world.resident_a, masks)
    expired = offer(world, world.resident_a2, masks)
    Offer.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    muted = offer(world, world.resident_b, masks)
    moderation.mute_set(actor=world.resident_a, user_id=world.resident_b.pk)
    exhausted = offer(world, world.resident_c, masks, quantity=1)
    Offer.objects.filter(pk=exhausted.pk).update(given=1)
    assert matching.offers_for_need(n) == []
    Offer.objects.filter(pk=exhausted.pk).update(given=0)
    assert [m.item.pk for m in matching.offers_for_need(n)] == [exhausted.pk]
    assert own.pk and muted.pk


def test_the_whole_claim_story_moves_quantities_and_marks_the_card(world, masks):
    n = need(world, world.resident_a, masks, quantity=20)
    o = offer(world, world.resident_a2, masks, quantity=30)
    claim = claims.claim_request(actor=world.resident_a, offer_id=o.pk, quantity=20, need_id=n.pk)
    assert Notification.objects.filter(user=world.resident_a2, type="aid.claim_requested").exists()
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    o.refresh_from_db()
    n.refresh_from_db()
    assert (o.reserved, o.available, o.state) == (20, 10, "partly_claimed")
    assert (n.matched, n.state) == (20, "matched")
    with pytest.raises(HandoverCodeWrong):
        claims.claim_confirm(actor=world.resident_a2, claim_id=claim.pk, code=wrong_code(claim))
    claims.claim_confirm(actor=world.resident_a2, claim_id=claim.pk, code=claim.handover_code)
    claim.refresh_from_db()
    o.refresh_from_db()
    n.refresh_from_db()
    assert claim.state == "handed_over"
    assert (o.reserved, o.given, n.fulfilled, n.state) == (0, 20, 20, "fulfilled")
    card = Post.objects.get(ref_type="aid.need", ref_id=n.pk)
    assert card.ref_state == "fulfilled"


def test_both_taps_also_complete_a_handover(world, masks):
    o = offer(world, world.resident_a2, masks, quantity=5)
    claim = claims.claim_request(actor=world.resident_a, offer_id=o.pk, quantity=5)
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    claims.claim_confirm(actor=world.resident_a, claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.state == "accepted"
    claims.claim_confirm(actor=world.resident_a2, claim_id=claim.pk)
    o.refresh_from_db()
    assert (o.given, o.state) == (5, "exhausted")


def test_cancelling_an_accepted_claim_releases_the_reservation(world, masks):
    n = need(world, world.resident_a, masks, quantity=8)
    o = offer(world, world.resident_a2, masks, quantity=8)
    claim = claims.claim_request(actor=world.resident_a, offer_id=o.pk, quantity=8, need_id=n.pk)
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    claims.claim_cancel(actor=world.resident_a, claim_id=claim.pk)
    o.refresh_from_db()
    n.refresh_from_db()
    assert (o.reserved, o.state, n.matched, n.state) == (0, "open", 0, "open")
    with pytest.raises(TransitionRefused):
        claims.claim_confirm(actor=world.resident_a2, claim_id=claim.pk)
    with pytest.raises(TransitionRefused):
        claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)


def test_every_illegal_claim_move_is_refused(world, masks):
    o = offer(world, world.resident_a2, masks, quantity=5)
    claim = claims.claim_request(actor=world.resident_a, offer_id=o.pk, quantity=2)
    with pytest.raises(TransitionRefused):
        claims.claim_confirm(actor=world.resident_a, claim_id=claim.pk)  # not accepted yet
    with pytest.raises(NotFound):
        claims.claim_accept(actor=world.resident_a, claim_id=claim.pk)  # not the giver
    claims.claim_decline(actor=world.resident_a2, claim_id=claim.pk)
    for move in (
        lambda: claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk),
        lambda: claims.claim_decline(actor=world.resident_a2, claim_id=claim.pk),
        lambda: claims.claim_cancel(actor=world.resident_a, claim_id=claim.pk),
    ):
        with pytest.raises(TransitionRefused):
            move()
    with pytest.raises(NotFound):
        claims.claim_cancel(actor=world.resident_b, claim_id=claim.pk)


def test_asking_more_than_is_left_is_a_clear_conflict(world, masks):
    o = offer(world, world.resident_a2, masks, quantity=3)
    with pytest.raises(ClaimOverQuantity) as refused:
        claims.claim_request(actor=world.resident_a, offer_id=o.pk, quantity=4)
    assert refused.value.status == 409
    with pytest.raises(AidInvalid):
        claims.claim_request(actor=world.resident_a2, offer_id=o.pk, quantity=1)  # own offer


def test_a_directed_donation_serves_only_its_need(world, masks):
    n = need(world, world.resident_a, masks, quantity=5)
    o = offer(world, world.resident_a2, masks, quantity=5, for_need_id=n.pk)
    assert not Post.objects.filter(ref_type="aid.offer", ref_id=o.pk).exists()
    with pytest.raises(NotAllowed):
        claims.claim_request(actor=world.resident_b, offer_id=o.pk, quantity=1)
    assert [m.item.pk for m in matching.needs_for_offer(o)] == [n.pk]
    claim = claims.claim_request(actor=world.resident_a, offer_id=o.pk, quantity=5, need_id=n.pk)
    assert claim.need == n


def test_withdrawing_an_offer_cancels_its_claims_and_releases_the_need(world, masks):
    n = need(world, world.resident_a, masks, quantity=5)
    o = offer(world, world.resident_a2, masks, quantity=5)
    claim = claims.claim_request(actor=world.resident_a, offer_id=o.pk, quantity=5, need_id=n.pk)
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    with pytest.raises(NotAllowed):
        needs.offer_withdraw(actor=world.resident_a, offer_id=o.pk)
    needs.offer_withdraw(actor=world.resident_a2, offer_id=o.pk)
    claim.refresh_from_db()
    n.refresh_from_db()
    assert claim.state == "cancelled" and (n.matched, n.state) == (0, "open")


def test_stale_accepted_claims_and_past_needs_and_offers_expire(world, masks):
    n = need(world, world.resident_a, masks, quantity=5)
    o = offer(world, world.resident_a2, masks, quantity=5)
    claim = claims.claim_request(actor=world.resident_a, offer_id=o.pk, quantity=5, need_id=n.pk)
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    later = timezone.now() + timedelta(days=4)
    counts = claims.aid_expire(now=later)
    assert counts == {"claims": 1, "needs": 1, "offers": 1}
    claim.refresh_from_db()
    o.refresh_from_db()
    n.refresh_from_db()
    assert (claim.state, o.reserved, o.state, n.state) == ("expired", 0, "expired", "expired")
    assert claims.aid_expire(now=later) == {"claims": 0, "needs": 0, "offers": 0}


def test_messages_open_only_after_acceptance_and_only_to_the_parties(world, masks):
    o = offer(world, world.resident_a2, masks, quantity=5)
    claim = claims.claim_request(actor=world.resident_a, offer_id=o.pk, quantity=1)
    with pytest.raises(TransitionRefused):
        claims.claim_message_add(actor=world.resident_a, claim_id=claim.pk, body="在吗")
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    claims.claim_message_add(actor=world.resident_a, claim_id=claim.pk, body="我晚上来拿")
    with pytest.raises(NotFound):
        claims.claim_message_add(actor=world.resident_b, claim_id=claim.pk, body="偷看")
    assert Notification.objects.filter(user=world.resident_a2, type="aid.message").exists()


def test_urgent_needs_left_unmatched_show_up_for_the_grid_worker(world, masks):
    n = need(world, world.resident_a, masks, urgency="urgent")
    Need.objects.filter(pk=n.pk).update(created_at=timezone.now() - timedelta(hours=7))
    need(world, world.resident_a2, masks, urgency="urgent")  # too fresh
    assert [x.pk for x in need_selectors.urgent_unmatched(grid_id=world.grid_a.pk)] == [n.pk]


def test_claim_states_are_the_documented_ones():
    assert set(Claim.State.values) == {
        "requested",
        "accepted",
        "handed_over",
        "declined",
        "cancelled",
        "expired",
    }


def test_the_expiry_command_reports_what_it_closed(world, masks):
    import io

    from django.core.management import call_command

    n = need(world, world.resident_a, masks)
    Need.objects.filter(pk=n.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    out = io.StringIO()
    call_command("aid_expire", stdout=out)
    assert out.getvalue().strip() == "expired: 0 claims, 1 needs, 0 offers"


@pytest.mark.django_db(transaction=True)
def test_an_urgent_need_is_asked_outside_any_outer_transaction(world):
    """Requests run in autocommit: the service is its own transaction (campaign figures
    are bumped inside it)."""
    masks = Category.objects.get(slug="masks")
    campaigns.campaign_create(
        actor=world.cadre_east,
        community_id=world.east.pk,
        title="口罩援助",
        category_ids=[masks.pk],
        ends_at=timezone.now() + timedelta(days=14),
    )
    made = need(world, world.resident_a, masks, urgency="urgent")
    assert Need.objects.filter(pk=made.pk, urgency="urgent").exists()


def test_a_need_whose_board_card_fails_is_not_left_half_written(world, masks, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("board down")

    monkeypatch.setattr(needs, "post_create", broken)
    with pytest.raises(RuntimeError):
        need(world, world.resident_a, masks)
    assert not Need.objects.exists()


def wrong_code(claim) -> str:
    """Six digits that are not the claim's code."""
    return f"{(int(claim.handover_code) + 1) % 10**6:06d}"
