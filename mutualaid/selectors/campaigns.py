"""Reads of campaigns: the lists, which campaigns a need or offer may join, and the dashboard.

What a campaign counts (the one rule, used by the page, the API and the live socket):
every handover *received in its area* (the claim's grid: the need's grid, or the
receiver's home grid when the claim is for no need), of one of its kinds, completed
inside its window (from `starts_at` until `ends_at`, or until it was closed earlier).
Whether the need or offer was attached to the campaign does not matter: residents who
never chose it are counted too, so the figures say what happened in the neighbourhood.
The givers may live anywhere.

The dashboard costs six queries whatever the size of the campaign; the handover figures
are range scans of `claim_handed_over_idx` (grid, category, closed_at WHERE handed over),
the open urgent needs of `need_open_urgent_idx` (grid, urgency WHERE open).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from grids.models import Grid, Membership
from grids.selectors.places import communities_managed_by
from mutualaid.models import Campaign, Claim, Need, Urgency
from points.models import PointsAccount
from residents.models import User

TOP_GIVERS = 10


@dataclass(frozen=True)
class CategoryFigure:
    id: int
    name: str
    unit: str
    quantity: int
    handovers: int
    needs_met: int


@dataclass(frozen=True)
class GridFigure:
    id: int
    name: str
    open_urgent: int


@dataclass(frozen=True)
class Giver:
    display_name: str
    quantity: int
    handovers: int


@dataclass
class Dashboard:
    campaign: Campaign
    version: int
    categories: list[CategoryFigure]
    area: list[GridFigure]
    top_givers: list[Giver]
    unit: str = ""
    handed_over: int = field(init=False)
    handovers: int = field(init=False)
    needs_met: int = field(init=False)
    open_urgent: int = field(init=False)

    def __post_init__(self) -> None:
        self.handed_over = sum(c.quantity for c in self.categories)
        self.handovers = sum(c.handovers for c in self.categories)
        self.needs_met = sum(c.needs_met for c in self.categories)
        self.open_urgent = sum(g.open_urgent for g in self.area)

    @property
    def target(self) -> int | None:
        return self.campaign.target_quantity

    @property
    def progress(self) -> int | None:
        """Percent of the target handed over, or None without a target. Never 0 once
        something was handed over (20 of 10,000 masks is 1%, not 0%), and never 100
        before the target is reached."""
        if not self.target:
            return None
        if self.handed_over >= self.target:
            return 100
        if self.handed_over <= 0:
            return 0
        return min(99, max(1, self.handed_over * 100 // self.target))

    @property
    def urgent_by_grid(self) -> list[GridFigure]:
        return [g for g in self.area if g.open_urgent]


def campaign_by_id(campaign_id: int) -> Campaign | None:
    return (
        Campaign.objects.select_related("community", "created_by")
        .prefetch_related("categories", "grids")
        .filter(pk=campaign_id)
        .first()
    )


def communities_of(user: User) -> QuerySet:
    """Where the user lives, serves as grid worker, or runs as cadre (or everything, for
    an admin): the communities whose campaigns they follow."""
    home = Membership.objects.filter(user=user, left_at__isnull=True).values("grid__community_id")
    served = Grid.objects.filter(grid_worker=user).values("community_id")
    managed = communities_managed_by(user).values("pk")
    return (
        Grid.objects.filter(
            Q(community_id__in=home) | Q(community_id__in=served) | Q(community_id__in=managed)
        )
        .values("community_id")
        .distinct()
    )


def campaigns_for(user: User) -> QuerySet[Campaign]:
    """The campaigns of the user's communities, running ones first, newest first."""
    return (
        Campaign.objects.filter(community_id__in=communities_of(user))
        .select_related("community")
        .prefetch_related("categories", "grids")
        .order_by("state", "-starts_at", "-id")
    )


def campaigns_open_for(*, grid: Grid, category_id: int | None = None) -> QuerySet[Campaign]:
    """Running campaigns a need or offer posted in `grid` (of that kind) may join."""
    now = timezone.now()
    whole_community = ~Exists(Campaign.grids.through.objects.filter(campaign_id=OuterRef("pk")))
    campaigns = (
        Campaign.objects.filter(
            community_id=grid.community_id,
            state=Campaign.State.ACTIVE,
            starts_at__lte=now,
            ends_at__gt=now,
        )
        .filter(
            whole_community
            | Exists(
                Campaign.grids.through.objects.filter(campaign_id=OuterRef("pk"), grid_id=grid.pk)
            )
        )
        .prefetch_related("categories")
        .order_by("ends_at", "id")
    )
    if category_id is not None:
        campaigns = campaigns.filter(
            Exists(
                Campaign.categories.through.objects.filter(
                    campaign_id=OuterRef("pk"), category_id=category_id
                )
            )
        )
    return campaigns


def campaigns_covering(*, grid_id: int, category_id: int, at: datetime) -> list[int]:
    """Ids of the running campaigns whose figures a change in this grid and kind moves
    (one query on `campaign_active_idx`)."""
    return list(
        Campaign.objects.filter(
            community_id=Subquery(Grid.objects.filter(pk=grid_id).values("community_id")),
            state=Campaign.State.ACTIVE,
            starts_at__lte=at,
            ends_at__gt=at,
            categories=category_id,
        )
        .filter(Q(grids=None) | Q(grids=grid_id))
        .values_list("pk", flat=True)
        .distinct()
    )


def counted_handovers(
    campaign: Campaign, *, grid_ids: list[int], category_ids: list[int]
) -> QuerySet[Claim]:
    return Claim.objects.filter(
        state=Claim.State.HANDED_OVER,
        grid_id__in=grid_ids,
        category_id__in=category_ids,
        closed_at__gte=campaign.starts_at,
        closed_at__lt=campaign.counted_until,
    )


def campaign_dashboard(campaign_id: int) -> Dashboard | None:
    """The live figures of a campaign: what was handed over per kind, the needs met, progress
    to the target, open urgent needs per grid, and the givers who chose to be named.

    Six queries for any number of handovers, needs and grids. The version is read first,
    so the figures are at least as new as the version they are sent with.
    """
    campaign = Campaign.objects.select_related("community").filter(pk=campaign_id).first()
    if campaign is None:
        return None
    categories = list(campaign.categories.order_by("position", "id"))
    chosen = Campaign.grids.through.objects.filter(campaign_id=campaign.pk, grid_id=OuterRef("pk"))
    grids = list(
        Grid.objects.filter(community_id=campaign.community_id)
        .annotate(chosen=Exists(chosen))
        .order_by("number", "id")
        .only("id", "name", "number")
    )
    area = [g for g in grids if g.chosen] or grids
    grid_ids = [g.pk for g in area]
    category_ids = [c.pk for c in categories]
    counted = counted_handovers(campaign, grid_ids=grid_ids, category_ids=category_ids)
    per_category = {
        row["category_id"]: row
        for row in counted.values("category_id").annotate(
            quantity=Sum("quantity"),
            handovers=Count("id"),
            needs_met=Count("need_id", distinct=True, filter=Q(need__state=Need.State.FULFILLED)),
        )
    }
    urgent = dict(
        Need.objects.filter(
            grid_id__in=grid_ids,
            category_id__in=category_ids,
            urgency=Urgency.URGENT,
            state__in=Need.OPEN_STATES,
            expires_at__gt=timezone.now(),
        )
        .values("grid_id")
        .annotate(n=Count("id"))
        .values_list("grid_id", "n")
    )
    named = PointsAccount.objects.filter(public=True).values("user_id")
    givers = (
        counted.filter(offer__giver_id__in=named)
        .values(giver_id=F("offer__giver_id"), display_name=F("offer__giver__display_name"))
        .annotate(quantity=Sum("quantity"), handovers=Count("id"))
        .order_by("-quantity", "-handovers", "giver_id")[:TOP_GIVERS]
    )
    units = {c.unit for c in categories}
    return Dashboard(
        campaign=campaign,
        version=campaign.version,
        unit=units.pop() if len(units) == 1 else "",
        categories=[
            CategoryFigure(
                id=c.pk,
                name=c.name,
                unit=c.unit,
                quantity=per_category.get(c.pk, {}).get("quantity") or 0,
                handovers=per_category.get(c.pk, {}).get("handovers") or 0,
                needs_met=per_category.get(c.pk, {}).get("needs_met") or 0,
            )
            for c in categories
        ],
        area=[GridFigure(id=g.pk, name=g.name, open_urgent=urgent.get(g.pk, 0)) for g in area],
        top_givers=[
            Giver(display_name=g["display_name"], quantity=g["quantity"], handovers=g["handovers"])
            for g in givers
        ],
    )
