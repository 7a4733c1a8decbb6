"""Matching: for a need, the offers that can serve it; for an offer, the needs it can meet.

Ranked by proximity (same building → same grid → same community → elsewhere),
then urgency (for needs), then age (oldest first: whoever waited longest). Each
tier is its own small query on a partial index (`*_open_building_idx`,
`*_open_grid_idx`, `*_open_category_idx`) with a LIMIT, so the cost does not
grow with the number of open offers in the city.
"""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import geo
from core.geo import Point
from grids.models import Community, Mute
from mutualaid.models import Campaign, Need, Offer, Urgency

SAME_BUILDING, SAME_GRID, SAME_COMMUNITY, ELSEWHERE = 0, 1, 2, 3
REASONS = {
    SAME_BUILDING: _("Same building"),
    SAME_GRID: _("Same grid"),
    SAME_COMMUNITY: _("Same community"),
    ELSEWHERE: _("Another community"),
}


NEAREST_COMMUNITIES = 5


@dataclass(frozen=True)
class Match:
    item: Need | Offer
    tier: int
    distance_m: int | None = None

    @property
    def reason(self) -> str:
        """Why this match, in a resident's words: "同网格 · 约 300 米"."""
        reason = str(REASONS[self.tier])
        if self.distance_m is None or self.tier == SAME_BUILDING:
            return reason
        return f"{reason} · {about_distance(self.distance_m)}"


def about_distance(metres: int) -> str:
    """Rounded, so a stated distance never pins down a door: 约 300 米, 约 2.4 公里."""
    if metres < 1000:
        return _("about %(m)d m") % {"m": max(100, round(metres, -2))}
    return _("about %(km)s km") % {"km": f"{metres / 1000:.1f}"}


def where(item: Need | Offer) -> Point | None:
    """An item's point: its own map point, else its building's, else its community's."""
    return (
        geo.point(item.latitude, item.longitude)
        or geo.point(item.micro_grid.latitude, item.micro_grid.longitude)
        or geo.point(item.grid.community.latitude, item.grid.community.longitude)
    )


def _matches(items, tier: int, origin: Point | None) -> list[Match]:
    return [Match(item, tier, geo.distance_m(origin, where(item))) for item in items]


def communities_nearest(community: Community, *, limit: int = NEAREST_COMMUNITIES) -> list[int]:
    """The ids of the communities nearest to `community` (those with a map point)."""
    origin = geo.point(community.latitude, community.longitude)
    if origin is None:
        return []
    others = Community.objects.exclude(pk=community.pk).filter(
        latitude__isnull=False, longitude__isnull=False
    )
    ranked = sorted(
        (geo.distance_m(origin, geo.point(lat, lng)), pk)
        for pk, lat, lng in others.values_list("pk", "latitude", "longitude")
    )
    return [pk for _distance, pk in ranked[:limit]]


def _muted_either_way(user_id: int) -> tuple[QuerySet, QuerySet]:
    return (
        Mute.objects.filter(muter_id=user_id).values("muted_id"),
        Mute.objects.filter(muted_id=user_id).values("muter_id"),
    )


def open_offers(category_id: int) -> QuerySet[Offer]:
    """Open, unexpired offers with something left (the partial indexes' predicate)."""
    return Offer.objects.filter(
        category_id=category_id,
        state__in=Offer.OPEN_STATES,
        expires_at__gt=timezone.now(),
        quantity__gt=F("reserved") + F("given"),
    )


def open_needs(category_id: int) -> QuerySet[Need]:
    return Need.objects.filter(
        category_id=category_id,
        state__in=Need.OPEN_STATES,
        expires_at__gt=timezone.now(),
        quantity__gt=F("matched"),
    )


def _serves_area(*, grid_id: int, community_id: int) -> Q:
    """Offers a resident of this grid may claim: not directed to a campaign, or directed to
    one whose area includes the grid."""
    through = Campaign.grids.through.objects
    return (
        Q(campaign__isnull=True)
        | Exists(through.filter(campaign_id=OuterRef("campaign_id"), grid_id=grid_id))
        | (
            Q(campaign__community_id=community_id)
            & ~Exists(through.filter(campaign_id=OuterRef("campaign_id")))
        )
    )


def _tiers(base: QuerySet, *, micro_grid_id: int, grid_id: int, community: Community):
    """The tiers in order, each its own bounded query, built only when reached. Other
    communities come nearest first (one query each for the few nearest that have a map
    point), then the rest."""
    yield SAME_BUILDING, base.filter(micro_grid_id=micro_grid_id)
    yield SAME_GRID, base.filter(grid_id=grid_id).exclude(micro_grid_id=micro_grid_id)
    yield SAME_COMMUNITY, base.filter(community_id=community.pk).exclude(grid_id=grid_id)
    nearest = communities_nearest(community)
    for pk in nearest:
        yield ELSEWHERE, base.filter(community_id=pk)
    yield ELSEWHERE, base.exclude(community_id__in=[community.pk, *nearest])


def offers_for_need(need: Need, *, limit: int = 10) -> list[Match]:
    """Offers that can serve `need`, best first."""
    muted, muting = _muted_either_way(need.requester_id)
    base = (
        open_offers(need.category_id)
        .exclude(giver_id=need.requester_id)
        .exclude(giver_id__in=muted)
        .exclude(giver_id__in=muting)
        .filter(Q(for_need__isnull=True) | Q(for_need=need))
        .filter(Q(for_person__isnull=True) | Q(for_person_id=need.requester_id))
        .filter(_serves_area(grid_id=need.grid_id, community_id=need.grid.community_id))
        .select_related("giver", "category", "micro_grid", "grid__community")
    )
    origin = where(need)
    matches: list[Match] = []
    for tier, offers in _tiers(
        base,
        micro_grid_id=need.micro_grid_id,
        grid_id=need.grid_id,
        community=need.grid.community,
    ):
        if len(matches) >= limit:
            break
        rows = offers.order_by("created_at", "id")[: limit - len(matches)]
        matches += _matches(rows, tier, origin)
    return matches


def needs_for_offer(offer: Offer, *, limit: int = 10) -> list[Match]:
    """Needs that `offer` can meet, best first: nearer, then urgent, then older."""
    if offer.for_need_id is not None:
        directed = open_needs(offer.category_id).filter(pk=offer.for_need_id)
        return [
            Match(n, SAME_BUILDING)
            for n in directed.select_related("requester", "category", "micro_grid", "grid")
        ]
    if offer.for_person_id is not None:
        theirs = open_needs(offer.category_id).filter(requester_id=offer.for_person_id)
        return [
            Match(n, SAME_BUILDING)
            for n in theirs.select_related("requester", "category").order_by("created_at")[:limit]
        ]
    muted, muting = _muted_either_way(offer.giver_id)
    base = (
        open_needs(offer.category_id)
        .exclude(requester_id=offer.giver_id)
        .exclude(requester_id__in=muted)
        .exclude(requester_id__in=muting)
        .select_related("requester", "category", "micro_grid", "grid__community")
    )
    if offer.campaign_id is not None:
        base = base.filter(_in_campaign_area(offer.campaign_id))
    origin = where(offer)
    matches: list[Match] = []
    for tier, needs in _tiers(
        base,
        micro_grid_id=offer.micro_grid_id,
        grid_id=offer.grid_id,
        community=offer.grid.community,
    ):
        for urgency in (Urgency.URGENT, Urgency.NORMAL):
            if len(matches) >= limit:
                return matches
            rows = needs.filter(urgency=urgency).order_by("created_at", "id")
            matches += _matches(rows[: limit - len(matches)], tier, origin)
    return matches


def _in_campaign_area(campaign_id: int) -> Q:
    """Needs whose grid lies in the campaign's area (chosen grids, or its whole community)."""
    through = Campaign.grids.through.objects.filter(campaign_id=campaign_id)
    return Q(grid_id__in=through.values("grid_id")) | (
        Q(community_id__in=Campaign.objects.filter(pk=campaign_id).values("community_id"))
        & ~Exists(through)
    )
