"""The staff's today: for a grid worker, each grid's doors to knock on and lists to work
through (one query); for a cadre, what is overdue and the community's figures (eight)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from activities.models import Activity, SignUp
from activities.selectors import with_seats
from grids.models import (
    Comment,
    Community,
    ContentState,
    Grid,
    Membership,
    Notice,
    NoticeRead,
    Post,
    Role,
    RoleGrant,
)
from mutualaid.models import Campaign, Claim, Need, Urgency
from mutualaid.services.claims import ACCEPTED_CLAIM_TTL
from residents.models import User
from today.selectors.shared import count_of, notice_posts_on_boards, sum_of

# The grid worker's walking list (mutualaid's urgent page) starts at six hours.
URGENT_LATE_HOURS = 6
# An accepted claim lapses after ACCEPTED_CLAIM_TTL; halfway there it is running late.
CLAIM_LATE_AFTER = ACCEPTED_CLAIM_TTL / 2
# Activities ended this recently with attendance not yet confirmed are overdue.
ATTENDANCE_WITHIN_DAYS = 7
CADRE_NOTICES = 5
CADRE_LIST_LIMIT = 5


# The grid worker


def grids_served_today(user: User) -> list[Grid]:
    """The grids the user serves as grid worker, each with what waits for them: the latest
    notice and how many members have not read it, urgent needs unmatched after six hours,
    reported posts and comments to review, members to verify. One query."""
    latest = notice_posts_on_boards().filter(grid_id=OuterRef("pk")).order_by("-id")
    active = Membership.objects.filter(grid_id=OuterRef("pk"), left_at__isnull=True)
    now = timezone.now()
    grids = list(
        Grid.objects.filter(grid_worker=user)
        .select_related("community")
        .annotate(
            members=count_of(active),
            to_verify=count_of(active.filter(verified_at__isnull=True)),
            notice_id=Subquery(latest.values("notice_id")[:1]),
            notice_title=Subquery(latest.values("notice__title")[:1]),
            notice_read=count_of(
                NoticeRead.objects.filter(notice_id=OuterRef("notice_id"), grid_id=OuterRef("pk"))
            ),
            urgent=count_of(
                Need.objects.filter(
                    grid_id=OuterRef("pk"),
                    urgency=Urgency.URGENT,
                    state__in=Need.OPEN_STATES,
                    created_at__lte=now - timedelta(hours=URGENT_LATE_HOURS),
                    expires_at__gt=now,
                )
            ),
            flagged_posts=count_of(
                Post.objects.filter(grid_id=OuterRef("pk"), review_pending=True).exclude(
                    state=ContentState.DELETED
                )
            ),
            flagged_comments=count_of(
                Comment.objects.filter(post__grid_id=OuterRef("pk"), review_pending=True)
                .exclude(state=ContentState.DELETED)
                .exclude(post__state=ContentState.DELETED)
            ),
        )
        .order_by("community_id", "number")
    )
    for grid in grids:
        grid.notice_unread = max(0, grid.members - grid.notice_read) if grid.notice_id else 0
        grid.flags = grid.flagged_posts + grid.flagged_comments
    return grids


# The cadre


@dataclass
class NoticeRate:
    notice: Notice
    read: int
    members: int

    @property
    def percent(self) -> int:
        return self.read * 100 // self.members if self.members else 0


@dataclass
class CampaignTotal:
    campaign: Campaign
    handed_over: int
    unit: str

    @property
    def target(self) -> int | None:
        return self.campaign.target_quantity


@dataclass
class CadreToday:
    communities: list[Community]
    notices: list[NoticeRate]
    campaigns: list[CampaignTotal]
    activities: list[Activity]
    urgent_by_grid: list[dict]
    attendance_open: list[Activity]
    claims_late: int = field(init=False)

    def __post_init__(self) -> None:
        self.claims_late = sum(c.claims_late for c in self.communities)

    @property
    def urgent_late(self) -> int:
        return sum(row["n"] for row in self.urgent_by_grid)

    @property
    def overdue(self) -> bool:
        return bool(self.urgent_by_grid or self.claims_late or self.attendance_open)


def cadre_communities(user: User) -> list[Community]:
    """Communities the user is a cadre of, each with `claims_late`: accepted claims not
    handed over halfway to lapsing. One query."""
    late = timezone.now() - CLAIM_LATE_AFTER
    grants = RoleGrant.objects.filter(user=user, role=Role.CADRE, revoked_at__isnull=True)
    return list(
        Community.objects.filter(pk__in=grants.values("community_id"))
        .annotate(
            claims_late=count_of(
                Claim.objects.filter(
                    grid__community_id=OuterRef("pk"),
                    state=Claim.State.ACCEPTED,
                    accepted_at__lte=late,
                )
            )
        )
        .order_by("name", "id")
    )


def urgent_late_by_grid(community_ids: list[int]) -> list[dict]:
    """Urgent needs still lacking after six hours, counted per grid (for the grid's
    urgent list). One GROUP BY on need_open_urgent_idx."""
    now = timezone.now()
    return list(
        Need.objects.filter(
            community_id__in=community_ids,
            urgency=Urgency.URGENT,
            state__in=Need.OPEN_STATES,
            created_at__lte=now - timedelta(hours=URGENT_LATE_HOURS),
            expires_at__gt=now,
        )
        .values("grid_id", "grid__name")
        .annotate(n=Count("id"))
        .order_by("grid__name", "grid_id")
    )


def attendance_unconfirmed(community_ids: list[int]) -> list[Activity]:
    """Activities ended in the last week with places still only "confirmed": nobody has
    marked who came."""
    now = timezone.now()
    waiting = SignUp.objects.filter(activity_id=OuterRef("pk"), state=SignUp.State.CONFIRMED)
    return list(
        Activity.objects.filter(
            community_id__in=community_ids,
            state=Activity.State.PUBLISHED,
            ends_at__lte=now,
            ends_at__gt=now - timedelta(days=ATTENDANCE_WITHIN_DAYS),
        )
        .annotate(unconfirmed=count_of(waiting))
        .filter(unconfirmed__gt=0)
        .order_by("ends_at", "id")[:CADRE_LIST_LIMIT]
    )


def notices_with_rates(community_ids: list[int], *, limit: int = CADRE_NOTICES) -> list[NoticeRate]:
    """The communities' latest notices with readers / members of the grids they reach:
    four queries for any number of notices and communities (like
    `grids.selectors.board.notices_read_summary`, which takes one community)."""
    notices = list(
        Notice.objects.filter(community_id__in=community_ids, withdrawn_at__isnull=True).order_by(
            "-published_at", "-id"
        )[:limit]
    )
    if not notices:
        return []
    members: dict[int, int] = {}
    grids_of: dict[int, set[int]] = defaultdict(set)
    for grid_id, community_id, n in (
        Membership.objects.filter(grid__community_id__in=community_ids, left_at__isnull=True)
        .values("grid_id", "grid__community_id")
        .annotate(n=Count("id"))
        .values_list("grid_id", "grid__community_id", "n")
    ):
        members[grid_id] = n
        grids_of[community_id].add(grid_id)
    targets = {n.pk: set(grids_of[n.community_id]) for n in notices if n.all_grids}
    ids = [n.pk for n in notices]
    for notice_id, grid_id in Notice.grids.through.objects.filter(notice_id__in=ids).values_list(
        "notice_id", "grid_id"
    ):
        targets.setdefault(notice_id, set()).add(grid_id)
    read: dict[int, int] = defaultdict(int)
    for notice_id, grid_id, n in (
        NoticeRead.objects.filter(notice_id__in=ids)
        .values("notice_id", "grid_id")
        .annotate(n=Count("id"))
        .values_list("notice_id", "grid_id", "n")
    ):
        if grid_id in targets.get(notice_id, ()):
            read[notice_id] += n
    return [
        NoticeRate(
            notice=n,
            read=read[n.pk],
            members=sum(members.get(g, 0) for g in targets.get(n.pk, ())),
        )
        for n in notices
    ]


def campaigns_running(community_ids: list[int]) -> list[CampaignTotal]:
    """Running campaigns with what was handed over so far, counted by the campaigns' one
    rule (`mutualaid.selectors.campaigns`): handovers received in its area, of its kinds,
    inside its window. Two queries (the campaigns with their totals, their kinds)."""
    now = timezone.now()
    chosen = Campaign.grids.through.objects.filter(campaign_id=OuterRef(OuterRef("pk")))
    kinds = Campaign.categories.through.objects.filter(campaign_id=OuterRef(OuterRef("pk")))
    handed = Claim.objects.filter(
        state=Claim.State.HANDED_OVER,
        category_id__in=kinds.values("category_id"),
        closed_at__gte=OuterRef("starts_at"),
        closed_at__lt=OuterRef("ends_at"),
    ).filter(
        Q(grid_id__in=chosen.values("grid_id"))
        | (Q(grid__community_id=OuterRef("community_id")) & ~Exists(chosen))
    )
    campaigns = list(
        Campaign.objects.filter(
            community_id__in=community_ids,
            state=Campaign.State.ACTIVE,
            starts_at__lte=now,
            ends_at__gt=now,
        )
        .annotate(handed_over=sum_of(handed, "quantity"))
        .prefetch_related("categories")
        .order_by("ends_at", "id")[:CADRE_LIST_LIMIT]
    )
    totals = []
    for campaign in campaigns:
        units = {c.unit for c in campaign.categories.all()}
        totals.append(
            CampaignTotal(
                campaign=campaign,
                handed_over=campaign.handed_over,
                unit=units.pop() if len(units) == 1 else "",
            )
        )
    return totals


def activities_today(community_ids: list[int], *, now: datetime | None = None) -> list[Activity]:
    """The communities' activities starting today (local time), with their places."""
    now = timezone.localtime(now or timezone.now())
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        with_seats(
            Activity.objects.filter(
                community_id__in=community_ids,
                state=Activity.State.PUBLISHED,
                starts_at__gte=start,
                starts_at__lt=start + timedelta(days=1),
            )
        ).order_by("starts_at", "id")[: CADRE_LIST_LIMIT * 2]
    )


def cadre_today(communities: list[Community]) -> CadreToday:
    ids = [c.pk for c in communities]
    return CadreToday(
        communities=communities,
        notices=notices_with_rates(ids),
        campaigns=campaigns_running(ids),
        activities=activities_today(ids),
        urgent_by_grid=urgent_late_by_grid(ids),
        attendance_open=attendance_unconfirmed(ids),
    )
