"""The points ledger: any sequence of earns, spends and corrections keeps
balance = sum of entries >= 0, and history is never edited."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import Conflict, ServiceError
from points.errors import NotEnoughPoints
from points.models import PointsAccount, PointsEntry
from points.services import points_earn, points_reverse, points_spend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

operation = st.one_of(
    st.tuples(st.just("earn"), st.integers(min_value=-5, max_value=60)),
    st.tuples(st.just("spend"), st.integers(min_value=1, max_value=80)),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=30)),
)


def balance_of(user) -> int:
    return PointsAccount.objects.filter(user=user).values_list("balance", flat=True).first() or 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(operation, max_size=25))
def test_any_sequence_keeps_balance_equal_to_the_sum_and_never_negative(ops):
    user = UserFactory()
    admin = UserFactory(is_superuser=True)
    seen: list[tuple[int, int, str]] = []  # (id, amount, reason) of every line ever written
    for n, (op, value) in enumerate(ops):
        before = (
            PointsAccount.objects.filter(user=user).values_list("balance", flat=True).first() or 0
        )
        try:
            if op == "earn":
                entry = points_earn(
                    user_id=user.pk, amount=value, kind="volunteer", reason="值班", ref=("t", n)
                )
                if value <= 0:
                    assert entry is None
                    continue
            elif op == "spend":
                entry = points_spend(user_id=user.pk, amount=value, reason="兑换", ref=("r", n))
                assert before >= value
            else:
                entries = list(PointsEntry.objects.filter(user=user).order_by("id"))
                if not entries:
                    continue
                target = entries[value % len(entries)]
                entry = points_reverse(actor=admin, entry_id=target.pk, reason="更正")
                assert entry.amount == -target.amount and entry.reverses_id == target.pk
        except NotEnoughPoints as refused:
            assert refused.status == 409
            assert balance_of(user) == before  # a refused spend changes nothing
            continue
        except Conflict:
            continue  # reversing a reversal, or one already reversed: refused, nothing written
        seen.append((entry.pk, entry.amount, entry.reason))
        assert entry.balance_after == before + entry.amount

        balance = PointsAccount.objects.get(user=user).balance
        total = sum(PointsEntry.objects.filter(user=user).values_list("amount", flat=True))
        assert balance == total >= 0
    # Append-only: every line written is still there, unchanged.
    assert list(
        PointsEntry.objects.filter(user=user).order_by("id").values_list("id", "amount", "reason")
    ) == sorted(seen)


def test_the_same_thing_earns_once(world):
    user = world.resident_a
    first = points_earn(user_id=user.pk, amount=10, kind="aid", reason="送口罩", ref=("claim", 7))
    again = points_earn(user_id=user.pk, amount=10, kind="aid", reason="送口罩", ref=("claim", 7))
    assert first is not None and again is None
    assert PointsAccount.objects.get(user=user).balance == 10


def test_a_correction_needs_a_reason_and_happens_once(world):
    user = world.resident_a
    entry = points_earn(user_id=user.pk, amount=10, kind="aid", reason="送口罩", ref=("claim", 8))
    with pytest.raises(ServiceError):
        points_reverse(actor=world.admin, entry_id=entry.pk, reason=" ")
    points_reverse(actor=world.admin, entry_id=entry.pk, reason="重复记录")
    with pytest.raises(Conflict):
        points_reverse(actor=world.admin, entry_id=entry.pk, reason="again")
    assert PointsAccount.objects.get(user=user).balance == 0


def test_a_correction_that_would_go_negative_is_refused(world):
    user = world.resident_a
    entry = points_earn(user_id=user.pk, amount=10, kind="aid", reason="送口罩", ref=("claim", 9))
    points_spend(user_id=user.pk, amount=8, reason="兑换", ref=("r", 1))
    with pytest.raises(NotEnoughPoints):
        points_reverse(actor=world.admin, entry_id=entry.pk, reason="错记")
    assert PointsAccount.objects.get(user=user).balance == 2
    assert PointsEntry.objects.filter(user=user).count() == 2


def test_a_handover_credits_the_giver(world):
    from mutualaid.categories import categories_seed
    from mutualaid.models import Category
    from mutualaid.services import claims, needs

    categories_seed(Category)
    masks = Category.objects.get(slug="masks")
    giver, receiver = world.resident_a, world.resident_a2
    offer = needs.offer_create(actor=giver, category_id=masks.pk, quantity=10)
    claim = claims.claim_request(actor=receiver, offer_id=offer.pk, quantity=4)
    claims.claim_accept(actor=giver, claim_id=claim.pk)
    claims.claim_confirm(actor=giver, claim_id=claim.pk, code=claim.handover_code)

    entry = PointsEntry.objects.get(user=giver)
    assert (
        entry.kind == "aid"
        and entry.amount > 0
        and (entry.ref_type, entry.ref_id)
        == (
            "aid.claim",
            claim.pk,
        )
    )
    assert not PointsEntry.objects.filter(user=receiver).exists()
