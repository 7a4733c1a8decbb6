"""Quantities under real concurrent transactions on PostgreSQL: never over-allocated."""

import threading

import pytest
from django.db import connections

from mutualaid.errors import ClaimOverQuantity, NeedOverQuantity
from mutualaid.models import Category, Claim, Offer
from mutualaid.services import claims, needs
from tests.factories import MembershipFactory
from tests.residents.test_stream_order import postgres_or_skip

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs) -> list:
    """Start every job at the same moment; return each one's result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(10)
            results[i] = job()
        except Exception as error:  # the outcome under test, collected for assertions
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_fifty_concurrent_accepts_on_ten_masks_reserve_at_most_ten(world):
    postgres_or_skip()
    masks = Category.objects.get(slug="masks")
    giver = world.resident_a
    offer = needs.offer_create(actor=giver, category_id=masks.pk, quantity=10)
    receivers = [MembershipFactory(micro_grid=world.buildings["a"][1]).user for _ in range(50)]
    requested = [
        claims.claim_request(actor=r, offer_id=offer.pk, quantity=1 + i % 3)
        for i, r in enumerate(receivers)
    ]

    results = run_together(
        [lambda c=c: claims.claim_accept(actor=giver, claim_id=c.pk) for c in requested]
    )

    accepted = [r for r in results if isinstance(r, Claim)]
    refused = [r for r in results if not isinstance(r, Claim)]
    assert refused and all(isinstance(r, ClaimOverQuantity) for r in refused), refused[:3]
    assert all(r.status == 409 for r in refused)
    offer.refresh_from_db()
    assert offer.reserved == sum(c.quantity for c in accepted) <= 10
    assert offer.reserved >= 8  # it fills up: at most 2 short of 10 with claims of 1–3
    assert Claim.objects.filter(state="accepted").count() == len(accepted)
    assert Claim.objects.filter(state="requested").count() == len(refused)


def test_concurrent_gifts_never_overfill_a_need(world):
    postgres_or_skip()
    masks = Category.objects.get(slug="masks")
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=5)
    givers = [MembershipFactory(micro_grid=world.buildings["a"][1]).user for _ in range(10)]
    offers = [needs.offer_create(actor=g, category_id=masks.pk, quantity=3) for g in givers]
    requested = [
        claims.claim_request(actor=world.resident_a, offer_id=o.pk, quantity=2, need_id=need.pk)
        for o in offers
    ]
    results = run_together(
        [
            lambda c=c, g=g: claims.claim_accept(actor=g, claim_id=c.pk)
            for c, g in zip(requested, givers, strict=True)
        ]
    )
    accepted = [r for r in results if isinstance(r, Claim)]
    assert all(isinstance(r, Claim | NeedOverQuantity) for r in results), results
    need.refresh_from_db()
    assert need.matched == 2 * len(accepted) <= 5
    assert len(accepted) == 2
    # The refused accepts left their offers untouched (rolled back with the refusal).
    assert (
        sum(Offer.objects.filter(pk__in=[o.pk for o in offers]).values_list("reserved", flat=True))
        == 4
    )


def test_a_cancel_racing_a_handover_ends_in_exactly_one_of_them(world):
    postgres_or_skip()
    masks = Category.objects.get(slug="masks")
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=4)
    claim = claims.claim_request(actor=world.resident_a, offer_id=offer.pk, quantity=4)
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    results = run_together(
        [
            lambda: claims.claim_confirm(
                actor=world.resident_a2, claim_id=claim.pk, code=claim.handover_code
            ),
            lambda: claims.claim_cancel(actor=world.resident_a, claim_id=claim.pk),
        ]
    )
    claim.refresh_from_db()
    offer.refresh_from_db()
    assert claim.state in ("handed_over", "cancelled")
    assert sum(isinstance(r, Claim) for r in results) == 1
    if claim.state == "handed_over":
        assert (offer.given, offer.reserved) == (4, 0)
    else:
        assert (offer.given, offer.reserved) == (0, 0)


def test_a_stale_claim_expiring_while_it_is_handed_over_ends_in_exactly_one(world):
    """The expiry job and the two neighbours at the door race for the same claim."""
    postgres_or_skip()
    from datetime import timedelta

    from django.utils import timezone

    from points.models import PointsEntry

    masks = Category.objects.get(slug="masks")
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=6)
    claim = claims.claim_request(actor=world.resident_a, offer_id=offer.pk, quantity=6)
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    later = timezone.now() + claims.ACCEPTED_CLAIM_TTL + timedelta(minutes=1)

    results = run_together(
        [
            lambda: claims.claim_confirm(
                actor=world.resident_a2, claim_id=claim.pk, code=claim.handover_code
            ),
            lambda: claims.aid_expire(now=later),
        ]
    )

    assert not any(isinstance(r, Exception) and getattr(r, "status", 0) >= 500 for r in results)
    claim.refresh_from_db()
    offer.refresh_from_db()
    credited = PointsEntry.objects.filter(user=world.resident_a2, ref_id=claim.pk).count()
    assert claim.state in ("handed_over", "expired"), claim.state
    if claim.state == "handed_over":
        assert (offer.given, offer.reserved, credited) == (6, 0, 1)
        assert results[1] == {"claims": 0, "needs": 0, "offers": 0}
    else:
        assert (offer.given, offer.reserved, credited) == (0, 0, 0)
        assert isinstance(results[0], Exception) and results[0].status == 409


def test_offers_and_needs_expiring_while_claims_are_accepted_keep_their_books(world):
    """Offers and a need run out while givers accept claims on them: whatever the order,
    an offer's reservation is exactly what its accepted claims hold, and nothing over-fills."""
    postgres_or_skip()
    from datetime import timedelta

    from django.db.models import Sum
    from django.utils import timezone

    masks = Category.objects.get(slug="masks")
    soon = timezone.now() + timedelta(minutes=5)
    need = needs.need_create(
        actor=world.resident_a, category_id=masks.pk, quantity=10, expires_at=soon
    )
    givers = [MembershipFactory(micro_grid=world.buildings["a"][1]).user for _ in range(6)]
    offers = [
        needs.offer_create(actor=g, category_id=masks.pk, quantity=3, expires_at=soon)
        for g in givers
    ]
    requested = [
        claims.claim_request(actor=world.resident_a, offer_id=o.pk, quantity=2, need_id=need.pk)
        for o in offers
    ]
    after = soon + timedelta(minutes=1)

    results = run_together(
        [
            *(
                lambda c=c, g=g: claims.claim_accept(actor=g, claim_id=c.pk)
                for c, g in zip(requested, givers, strict=True)
            ),
            lambda: claims.aid_expire(now=after),
        ]
    )

    refused = [r for r in results[:-1] if not isinstance(r, Claim)]
    assert all(getattr(r, "status", 500) == 409 for r in refused), refused
    need.refresh_from_db()
    # Fully matched before the job reached it, it waits for its handovers; else it expired.
    assert need.state == ("matched" if need.matched == need.quantity else "expired")
    for offer in offers:
        offer.refresh_from_db()
        held = Claim.objects.filter(offer=offer, state="accepted").aggregate(n=Sum("quantity"))
        assert offer.reserved == (held["n"] or 0)
        assert offer.state == "expired"
    accepted = Claim.objects.filter(need=need, state="accepted").aggregate(n=Sum("quantity"))
    assert need.matched == (accepted["n"] or 0) <= need.quantity
    assert not Claim.objects.filter(state="requested").exists()


def test_twenty_wrong_codes_at_once_are_counted_to_the_limit_and_no_further(world):
    """Guesses fired together cannot slip past the five tries: each is counted before it
    is compared, by one conditional UPDATE."""
    postgres_or_skip()
    from mutualaid.errors import HandoverCodeLocked, HandoverCodeWrong
    from residents.models import Notification

    masks = Category.objects.get(slug="masks")
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=2)
    claim = claims.claim_request(actor=world.resident_a, offer_id=offer.pk, quantity=2)
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    wrong = f"{(int(claim.handover_code) + 1) % 10**6:06d}"

    results = run_together(
        [
            lambda: claims.claim_confirm(actor=world.resident_a2, claim_id=claim.pk, code=wrong)
            for _ in range(20)
        ]
    )

    assert sum(isinstance(r, HandoverCodeWrong) for r in results) == 4, results
    assert sum(isinstance(r, HandoverCodeLocked) for r in results) == 16, results
    claim.refresh_from_db()
    assert (claim.handover_code_misses, claim.state) == (5, "accepted")
    assert Notification.objects.filter(type="aid.handover_code_locked").count() == 3


def test_one_resident_claiming_one_offer_eight_times_at_once_gets_one_claim(world):
    """Without the offer's lock the existing-claim check let twins through to the unique
    index (IntegrityError, a 500); now the others queue and are told 409."""
    postgres_or_skip()
    from mutualaid.errors import TransitionRefused

    masks = Category.objects.get(slug="masks")
    for _ in range(3):
        offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=5)
        results = run_together(
            [
                lambda o=offer: claims.claim_request(
                    actor=world.resident_a, offer_id=o.pk, quantity=1
                )
                for _ in range(8)
            ]
        )
        assert sum(isinstance(r, Claim) for r in results) == 1, results
        refused = [r for r in results if not isinstance(r, Claim)]
        assert all(isinstance(r, TransitionRefused) and r.status == 409 for r in refused), refused
        assert Claim.objects.filter(offer=offer).count() == 1
