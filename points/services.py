"""Business actions on points (积分): an append-only ledger whose account row holds the
running balance, and the rewards a community lists for points.

Apps that credit points (a volunteer shift attended, a mutual-aid handover) call
`points_earn`; nothing else writes the ledger.
"""

import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Community
from points import events, permissions
from points.errors import (
    Conflict,
    NotAllowed,
    NotEnoughPoints,
    NotFound,
    RewardInvalid,
    RewardUnavailable,
    ServiceError,
)
from points.models import PointsAccount, PointsEntry, Redemption, Reward
from residents.models import User


def _points_move(
    *,
    user_id: int,
    amount: int,
    kind: str,
    reason: str,
    ref: tuple[str, int] | None = None,
    reverses: PointsEntry | None = None,
    created_by: User | None = None,
) -> PointsEntry:
    """Add `amount` (negative to spend) to a balance and write the ledger line.

    The account row is created if missing, then changed by one conditional UPDATE
    that takes its lock: concurrent spends queue on it, and one that would go below
    zero changes nothing and is refused. The CheckConstraint is the last guard.
    """
    if amount == 0:
        raise ValueError("a ledger entry moves at least one point")
    PointsAccount.objects.bulk_create([PointsAccount(user_id=user_id)], ignore_conflicts=True)
    changed = PointsAccount.objects.filter(user_id=user_id, balance__gte=max(0, -amount)).update(
        balance=F("balance") + amount
    )
    balance = PointsAccount.objects.values_list("balance", flat=True).get(user_id=user_id)
    if not changed:
        raise NotEnoughPoints(balance, -amount)
    ref_type, ref_id = ref if ref else ("", None)
    return PointsEntry.objects.create(
        user_id=user_id,
        amount=amount,
        balance_after=balance,
        kind=kind,
        reason=reason[:200],
        ref_type=ref_type,
        ref_id=ref_id,
        reverses=reverses,
        created_by=created_by,
    )


@transaction.atomic
def points_earn(
    *, user_id: int, amount: int, kind: str, reason: str, ref: tuple[str, int]
) -> PointsEntry | None:
    """Credit points for something done (a shift attended, a handover), once per `ref`:
    a second credit for the same thing is a no-op and returns None."""
    if amount <= 0:
        return None
    if PointsEntry.objects.filter(
        user_id=user_id, kind=kind, ref_type=ref[0], ref_id=ref[1]
    ).exists():
        return None
    entry = _points_move(user_id=user_id, amount=amount, kind=kind, reason=reason, ref=ref)
    events.points_changed(entry, type=events.POINTS_EARNED)
    return entry


@transaction.atomic
def points_spend(*, user_id: int, amount: int, reason: str, ref: tuple[str, int]) -> PointsEntry:
    """Take `amount` points for a reward; refused (409) if the balance is short."""
    return _points_move(
        user_id=user_id, amount=-amount, kind=PointsEntry.Kind.REDEEM, reason=reason, ref=ref
    )


@transaction.atomic
def points_reverse(*, actor: User, entry_id: int, reason: str) -> PointsEntry:
    """Undo a ledger line with its opposite. The caller has checked that `actor` may
    correct this user's points. An entry is reversed at most once, and a reversal
    that would take the balance below zero is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why this is being corrected."), code="points_reason")
    entry = PointsEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such points entry."))
    if entry.reverses_id is not None:
        raise Conflict(_("This entry is itself a correction; it cannot be reversed."))
    if PointsEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("This entry has already been corrected."))
    correction = _points_move(
        user_id=entry.user_id,
        amount=-entry.amount,
        kind=PointsEntry.Kind.CORRECTION,
        reason=reason,
        reverses=entry,
        created_by=actor,
    )
    events.points_changed(correction, type=events.POINTS_CORRECTED)
    return correction


@transaction.atomic
def points_visibility_set(*, user: User, public: bool) -> PointsAccount:
    PointsAccount.objects.bulk_create([PointsAccount(user=user)], ignore_conflicts=True)
    PointsAccount.objects.filter(user=user).update(public=public)
    return PointsAccount.objects.get(user=user)


# Rewards and corrections by cadres


@transaction.atomic
def reward_create(
    *, actor: User, community: Community, name: str, cost: int, stock: int, description: str = ""
) -> Reward:
    if not permissions.can_manage_rewards(actor, community):
        raise NotAllowed(_("Only the community's cadres can list rewards."))
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise RewardInvalid(_("Give the reward a name of up to 40 characters."))
    if cost < 1 or stock < 0:
        raise RewardInvalid(_("A reward costs at least 1 point and its stock cannot be negative."))
    return Reward.objects.create(
        community=community,
        name=name,
        description=(description or "").strip()[:200],
        cost=cost,
        stock=stock,
        created_by=actor,
    )


@transaction.atomic
def reward_update(*, actor: User, reward_id: int, stock: int, active: bool) -> Reward:
    reward = Reward.objects.select_for_update().select_related("community").filter(pk=reward_id)
    reward = reward.first()
    if reward is None or not permissions.can_manage_rewards(actor, reward.community):
        raise NotFound(_("No such reward."))
    if stock < 0:
        raise RewardInvalid(_("Stock cannot be negative."))
    reward.stock, reward.active = stock, active
    reward.save(update_fields=["stock", "active"])
    return reward


@transaction.atomic
def reward_redeem(*, actor: User, reward_id: int) -> Redemption:
    """Spend points on a reward: one from stock and the points, both or neither."""
    reward = Reward.objects.select_related("community").filter(pk=reward_id, active=True).first()
    if reward is None or not permissions.in_community(actor, reward.community_id):
        raise NotFound(_("No such reward."))
    taken = Reward.objects.filter(pk=reward.pk, active=True, stock__gt=0).update(
        stock=F("stock") - 1
    )
    if not taken:
        raise RewardUnavailable(_("This reward has run out. Choose another or ask your cadre."))
    redemption = Redemption.objects.create(
        reward=reward, user=actor, cost=reward.cost, code=f"{secrets.randbelow(10**6):06d}"
    )
    points_spend(
        user_id=actor.pk,
        amount=reward.cost,
        reason=_("Redeemed: %(name)s") % {"name": reward.name},
        ref=("activity.redemption", redemption.pk),
    )
    return redemption


@transaction.atomic
def redemption_collect(*, actor: User, community: Community, code: str) -> Redemption:
    """A cadre hands the reward over against the resident's code."""
    if not permissions.can_manage_rewards(actor, community):
        raise NotAllowed(_("Only the community's cadres can hand out rewards."))
    redemption = (
        Redemption.objects.select_for_update()
        .filter(
            reward__community=community, code=(code or "").strip(), state=Redemption.State.REDEEMED
        )
        .order_by("-pk")
        .first()
    )
    if redemption is None:
        raise NotFound(_("No reward waiting with that code."))
    redemption.state = Redemption.State.COLLECTED
    redemption.collected_at = timezone.now()
    redemption.save(update_fields=["state", "collected_at"])
    return redemption


@transaction.atomic
def points_correct(*, actor: User, community: Community, entry_id: int, reason: str) -> PointsEntry:
    """A cadre undoes a wrong entry of one of their residents by a reversing entry."""
    if not permissions.can_manage_rewards(actor, community):
        raise NotAllowed(_("Only the community's cadres can correct points."))
    entry = PointsEntry.objects.filter(pk=entry_id).first()
    if entry is None or not permissions.in_community(entry.user, community.pk):
        raise NotFound(_("No such points entry."))
    return points_reverse(actor=actor, entry_id=entry.pk, reason=reason)
