"""Reads of points: a balance, a history (keyset-paged by id), the leaderboard, a
community's rewards. Each is one or two queries whatever the ledger's size, on the
indexes named in `points/models.py` (`points_entry_user_idx`, `redemption_user_idx`)."""

from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Sum

from core.services import access_log_record
from grids.models import Membership
from points.models import PointsAccount, PointsEntry, Redemption, Reward
from residents.models import User

# What higher apps add to a person's points summary (activities: volunteer hours).
# A lower app offers a hook instead of importing them; each adds its keys.
SummaryPart = Callable[[User], dict[str, Any]]
_summary_parts: list[SummaryPart] = []


def summary_part_register(part: SummaryPart) -> None:
    if part not in _summary_parts:
        _summary_parts.append(part)


def points_summary(user: User) -> dict[str, Any]:
    account = points_balance(user)
    summary: dict[str, Any] = {"balance": account.balance, "public": account.public}
    for part in _summary_parts:
        summary |= part(user)
    return summary


def points_balance(user: User) -> PointsAccount:
    return PointsAccount.objects.filter(user=user).first() or PointsAccount(user=user)


def points_history(user: User) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(user=user).order_by("-id")


def leaderboard(*, community_id: int, limit: int = 20) -> list[dict]:
    """Who earned most (volunteering, handovers, less corrections), among the community's
    residents. Names only for those who opted in; the rest are counted, not named."""
    residents = Membership.objects.filter(
        grid__community_id=community_id, left_at__isnull=True
    ).values("user_id")
    public = PointsAccount.objects.filter(user_id=OuterRef("user_id"), public=True)
    rows = (
        PointsEntry.objects.filter(user_id__in=residents)
        .exclude(kind=PointsEntry.Kind.REDEEM)
        .values("user_id", "user__display_name")
        .annotate(earned=Sum("amount"), public=Exists(public))
        .filter(earned__gt=0)
        .order_by("-earned", "user_id")[:limit]
    )
    return [
        {
            "rank": i,
            "name": row["user__display_name"] if row["public"] else None,
            "earned": row["earned"],
        }
        for i, row in enumerate(rows, start=1)
    ]


def points_entries_for_community(
    *, actor: User, community_id: int, limit: int = 30
) -> list[PointsEntry]:
    """The latest ledger lines of the community's residents, for a cadre to correct one.
    Whose points moved is personal data: the look is logged in the access log."""
    access_log_record(
        actor=actor, action="points.community_entries", scope=f"community:{community_id}"
    )
    residents = Membership.objects.filter(
        grid__community_id=community_id, left_at__isnull=True
    ).values("user_id")
    return list(
        PointsEntry.objects.filter(user_id__in=residents)
        .select_related("user", "reversed_by")
        .order_by("-id")[:limit]
    )


def rewards_for(*, community_id: int, include_inactive: bool = False) -> QuerySet[Reward]:
    qs = Reward.objects.filter(community_id=community_id)
    if not include_inactive:
        qs = qs.filter(active=True)
    return qs.order_by("cost", "id")


def redemptions_of(user: User) -> QuerySet[Redemption]:
    return Redemption.objects.filter(user=user).select_related("reward").order_by("-id")
