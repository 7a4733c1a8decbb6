"""A resident's today: the latest notice, my open needs, claims and sign-ups, and what
neighbours nearby need. Five queries."""

from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from activities.models import Activity, SignUp
from grids.models import Membership, Mute, NoticeRead, Post
from mutualaid.models import Claim, Need, Urgency
from mutualaid.selectors.matching import SAME_BUILDING, SAME_COMMUNITY, SAME_GRID
from residents.models import User
from today.selectors.shared import notice_posts_on_boards

MINE_LIMIT = 10
NEARBY_LIMIT = 3


@dataclass
class ResidentToday:
    membership: Membership
    notice: Post | None
    needs: list[Need]
    claims: list[Claim]
    signups: list[SignUp]
    nearby: list[Need]

    @property
    def has_open_items(self) -> bool:
        return bool(self.needs or self.claims or self.signups)


def latest_notice(*, user: User, grid_id: int) -> Post | None:
    """The newest notice card of the grid, with `read` (has the user opened it)."""
    return (
        notice_posts_on_boards()
        .filter(grid_id=grid_id)
        .select_related("notice")
        .annotate(
            read=Exists(NoticeRead.objects.filter(notice_id=OuterRef("notice_id"), user=user))
        )
        .order_by("-id")
        .first()
    )


def my_open_needs(user: User) -> list[Need]:
    """Needs still waiting for help or for their handover, newest first."""
    return list(
        Need.objects.filter(requester=user, state__in=[*Need.OPEN_STATES, Need.State.MATCHED])
        .select_related("category")
        .order_by("-created_at", "-id")[:MINE_LIMIT]
    )


def my_live_claims(user: User) -> list[Claim]:
    """Claims I give or receive that wait for an answer or a handover, oldest first (the
    one closest to lapsing comes first)."""
    return list(
        Claim.objects.filter(Q(receiver=user) | Q(offer__giver=user), state__in=Claim.LIVE_STATES)
        .select_related("offer__giver", "offer__category", "receiver")
        .order_by("created_at", "id")[:MINE_LIMIT]
    )


def my_coming_signups(user: User) -> list[SignUp]:
    """Places I (or my household) hold or wait for in shifts not yet over, soonest first."""
    return list(
        SignUp.objects.filter(
            user=user,
            state__in=[SignUp.State.CONFIRMED, SignUp.State.WAITLISTED],
            slot__ends_at__gt=timezone.now(),
            activity__state=Activity.State.PUBLISHED,
        )
        .select_related("activity", "slot")
        .order_by("slot__starts_at", "id")[:MINE_LIMIT]
    )


def needs_nearby(*, user: User, membership: Membership, limit: int = NEARBY_LIMIT) -> list[Need]:
    """Open needs of neighbours in my community that I might meet: same building first,
    then same grid, then the community; urgent first within each; whoever waited longest
    first. Each has `tier` (mutualaid's proximity tiers). Never my own, never someone I
    muted or who muted me. One query on need_open_nearby_idx (community, open)."""
    now = timezone.now()
    return list(
        Need.objects.filter(
            community_id=membership.grid.community_id,
            state__in=Need.OPEN_STATES,
            expires_at__gt=now,
        )
        .exclude(requester=user)
        .exclude(requester_id__in=Mute.objects.filter(muter=user).values("muted_id"))
        .exclude(requester_id__in=Mute.objects.filter(muted=user).values("muter_id"))
        .annotate(
            tier=Case(
                When(micro_grid_id=membership.micro_grid_id, then=Value(SAME_BUILDING)),
                When(grid_id=membership.grid_id, then=Value(SAME_GRID)),
                default=Value(SAME_COMMUNITY),
                output_field=IntegerField(),
            ),
            urgent_first=Case(
                When(urgency=Urgency.URGENT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .select_related("category", "requester")
        .order_by("tier", "urgent_first", "created_at", "id")[:limit]
    )


def resident_today(user: User, membership: Membership) -> ResidentToday:
    return ResidentToday(
        membership=membership,
        notice=latest_notice(user=user, grid_id=membership.grid_id),
        needs=my_open_needs(user),
        claims=my_live_claims(user),
        signups=my_coming_signups(user),
        nearby=needs_nearby(user=user, membership=membership),
    )
