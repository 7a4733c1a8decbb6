"""我来帮忙 under real concurrent transactions on PostgreSQL: a need is never matched
beyond its quantity, nor a giver's offer promised beyond what it has."""

import pytest

from mutualaid.errors import ClaimOverQuantity, NeedOverQuantity, TransitionRefused
from mutualaid.models import Category, Claim, Need, Offer
from mutualaid.services import helping, needs
from tests.factories import MembershipFactory
from tests.mutualaid.test_concurrency import run_together
from tests.residents.test_stream_order import postgres_or_skip

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_neighbours_helping_one_need_at_once_never_overfill_it(world):
    postgres_or_skip()
    masks = Category.objects.get(slug="masks")
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=20)
    givers = [MembershipFactory(micro_grid=world.buildings["a"][1]).user for _ in range(20)]

    results = run_together(
        [
            lambda g=g, i=i: helping.need_help(actor=g, need_id=need.pk, quantity=1 + i % 4)
            for i, g in enumerate(givers)
        ]
    )

    helped = [r for r in results if isinstance(r, Claim)]
    refused = [r for r in results if not isinstance(r, Claim)]
    # too many for what it still lacks, or already fully matched: both a 409 with words
    assert refused and all(
        isinstance(r, NeedOverQuantity | TransitionRefused) and r.status == 409 for r in refused
    ), refused[:3]
    need.refresh_from_db()
    assert need.matched == sum(c.quantity for c in helped) <= 20
    assert need.matched >= 17  # it fills up: at most 3 short with helps of 1–4
    assert Claim.objects.filter(state="accepted").count() == len(helped)
    # a refused help leaves no directed offer behind
    assert Offer.objects.filter(for_need=need).count() == len(helped)


def test_one_giver_helping_many_needs_at_once_never_promises_more_than_the_offer(world):
    postgres_or_skip()
    masks = Category.objects.get(slug="masks")
    giver = world.resident_a
    offer = needs.offer_create(actor=giver, category_id=masks.pk, quantity=10)
    askers = [MembershipFactory(micro_grid=world.buildings["a"][1]).user for _ in range(8)]
    asked = [needs.need_create(actor=a, category_id=masks.pk, quantity=3) for a in askers]

    results = run_together(
        [lambda n=n: helping.need_help(actor=giver, need_id=n.pk, quantity=3) for n in asked]
    )

    helped = [r for r in results if isinstance(r, Claim)]
    refused = [r for r in results if not isinstance(r, Claim)]
    assert refused and all(isinstance(r, ClaimOverQuantity) for r in refused), refused[:3]
    offer.refresh_from_db()
    assert offer.reserved == 3 * len(helped) == 9  # three helps of 3 fit in 10
    assert all(c.offer_id == offer.pk for c in helped)
    assert sum(n.matched for n in Need.objects.all()) == 9
