"""Business actions on accounts. Views, API, admin and commands all call these."""

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.adapter import default_display_name
from residents.errors import Conflict, NotEnoughPoints, NotFound, ServiceError
from residents.events import user_event_send_on_commit
from residents.models import (
    AccessLog,
    AgeBand,
    HouseholdMember,
    Notification,
    PointsAccount,
    PointsEntry,
    User,
)
from residents.phones import normalize_phone


@transaction.atomic
def user_create(*, phone: str, display_name: str = "", password: str | None = None) -> User:
    """Create an account for a phone number (roster import, demo data, admin)."""
    phone = normalize_phone(phone)
    return User.objects.create_user(
        phone=phone,
        password=password,
        display_name=display_name.strip() or default_display_name(phone),
    )


@transaction.atomic
def profile_update(*, user: User, display_name: str) -> User:
    user.display_name = display_name.strip()
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=["display_name"])
    return user


def access_log_record(
    *,
    actor: User,
    action: str,
    subject: User | None = None,
    scope: str = "",
    detail: dict[str, Any] | None = None,
) -> AccessLog:
    """Write down that staff saw or changed a resident's personal data.

    Runs in the caller's transaction, so a refused action leaves no entry and
    a shown page always has one.
    """
    return AccessLog.objects.create(
        actor=actor, action=action, subject=subject, scope=scope, detail=detail or {}
    )


@transaction.atomic
def notifications_mark_read(*, user: User, up_to: int) -> int:
    """Mark the user's notifications up to seq `up_to` read; returns how many changed."""
    return Notification.objects.filter(user=user, seq__lte=up_to, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# Points (积分): an append-only ledger; the account row holds the running balance.


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
    user_event_send_on_commit(
        user_id=user_id,
        event={
            "type": "points.earned",
            "amount": amount,
            "balance": entry.balance_after,
            "reason": entry.reason,
        },
    )
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
    user_event_send_on_commit(
        user_id=entry.user_id,
        event={
            "type": "points.corrected",
            "amount": correction.amount,
            "balance": correction.balance_after,
            "reason": correction.reason,
        },
    )
    return correction


@transaction.atomic
def points_visibility_set(*, user: User, public: bool) -> PointsAccount:
    PointsAccount.objects.bulk_create([PointsAccount(user=user)], ignore_conflicts=True)
    PointsAccount.objects.filter(user=user).update(public=public)
    return PointsAccount.objects.get(user=user)


@transaction.atomic
def household_member_add(*, owner: User, name: str, age_band: str) -> HouseholdMember:
    """Remember someone the resident signs up for (no ID numbers, only a name and age band)."""
    name = (name or "").strip()
    if not name or len(name) > 30:
        raise ServiceError(_("Give a name of up to 30 characters."), code="household_name")
    if age_band not in AgeBand.values:
        raise ServiceError(_("Choose an age band."), code="household_age")
    member, _created = HouseholdMember.objects.update_or_create(
        owner=owner, name=name, defaults={"age_band": age_band}
    )
    return member
