"""Matching: for a need, the offers that can serve it; for an offer, the needs it can meet.

Ranked by proximity (same building → same grid → same community → elsewhere),
then urgency (for needs), then age (oldest first: whoever waited longest). Each
tier is its own small query on a partial index (`*_open_building_idx`,
`*_open_grid_idx`, `*_open_category_idx`) with a LIMIT, so the cost does not
grow with the number of open offers in the city.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import geo
from core.geo import Point
from grids.models import Community, Membership, Mute
from mutualaid import permissions
from mutualaid.models import Campaign, Category, Claim, ClaimMessage, Need, Offer, Urgency
from residents.models import User

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


def needs_nearby(*, viewer: User, community_id: int) -> QuerySet[Need]:
    return (
        Need.objects.filter(
            community_id=community_id,
            state__in=Need.OPEN_STATES,
            expires_at__gt=timezone.now(),
        )
        .select_related("requester", "category", "micro_grid", "grid")
        .order_by("-created_at", "-id")
    )


def offers_nearby(*, viewer: User, community_id: int) -> QuerySet[Offer]:
    return (
        Offer.objects.filter(
            community_id=community_id,
            state__in=Offer.OPEN_STATES,
            expires_at__gt=timezone.now(),
        )
        .filter(Q(for_person__isnull=True) | Q(for_person=viewer) | Q(giver=viewer))
        .select_related("giver", "category", "micro_grid", "grid")
        .order_by("-created_at", "-id")
    )


def claims_of(user: User) -> QuerySet[Claim]:
    """Claims where the user gives or receives, newest first."""
    return (
        Claim.objects.filter(Q(receiver=user) | Q(offer__giver=user))
        .select_related("offer__giver", "offer__category", "offer__micro_grid", "receiver", "need")
        .order_by("-created_at", "-id")
    )


def categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True)


def urgent_unmatched(*, grid_id: int, older_than_hours: int = 6) -> QuerySet[Need]:
    """Urgent needs in a grid still lacking after N hours: someone walks the last metre."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    return (
        Need.objects.filter(
            grid_id=grid_id,
            urgency=Urgency.URGENT,
            state__in=Need.OPEN_STATES,
            created_at__lte=cutoff,
            expires_at__gt=timezone.now(),
        )
        .select_related("requester", "category", "micro_grid")
        .order_by("created_at")
    )


def homes_of(user_ids: list[int]) -> dict[int, Membership]:
    """Each user's current home (building and room), for grid staff: one query."""
    return {
        m.user_id: m
        for m in Membership.objects.filter(
            user_id__in=set(user_ids), left_at__isnull=True
        ).select_related("micro_grid")
    }


def _contact(user: User, membership) -> dict:
    return {
        "display_name": user.display_name,
        "phone": user.national_phone,
        "building": membership.micro_grid.label if membership else None,
        "unit": membership.unit if membership else "",
    }


def claim_contacts(*, viewer: User, claims: list[Claim]) -> dict[int, dict]:
    """For each claim the viewer may see contacts of: the other party's number and room
    (or, for grid staff overseeing it, both parties'). Two queries for any number."""
    visible = [c for c in claims if permissions.sees_contact(viewer, c)]
    user_ids = {c.receiver_id for c in visible} | {c.offer.giver_id for c in visible}
    homes = {
        m.user_id: m
        for m in Membership.objects.filter(
            user_id__in=user_ids, left_at__isnull=True
        ).select_related("micro_grid")
    }
    contacts: dict[int, dict] = {}
    for claim in visible:
        giver, receiver = claim.offer.giver, claim.receiver
        if viewer.pk == receiver.pk:
            contacts[claim.pk] = _contact(giver, homes.get(giver.pk))
        elif viewer.pk == giver.pk:
            contacts[claim.pk] = _contact(receiver, homes.get(receiver.pk))
        else:
            contacts[claim.pk] = {
                "giver": _contact(giver, homes.get(giver.pk)),
                "receiver": _contact(receiver, homes.get(receiver.pk)),
            }
    return contacts


def claim_with_parties(claim_id: int) -> Claim | None:
    """A claim with its offer, giver, receiver and need: what its page and API show."""
    return (
        Claim.objects.select_related(
            "offer__giver",
            "offer__category",
            "offer__micro_grid",
            "offer__grid",
            "receiver",
            "need__grid",
        )
        .filter(pk=claim_id)
        .first()
    )


def need_by_id(need_id: int) -> Need | None:
    return (
        Need.objects.select_related(
            "requester", "category", "micro_grid", "grid__community", "campaign"
        )
        .filter(pk=need_id)
        .first()
    )


def offer_by_id(offer_id: int) -> Offer | None:
    return (
        Offer.objects.select_related(
            "giver", "category", "micro_grid", "grid__community", "campaign", "for_person"
        )
        .filter(pk=offer_id)
        .first()
    )


def open_needs_of(user: User, *, category_id: int) -> list[Need]:
    """The user's own open needs of a kind: what a claim on an offer can be for."""
    return list(
        Need.objects.select_related("category").filter(
            requester=user, category_id=category_id, state__in=Need.OPEN_STATES
        )
    )


def claim_messages(claim: Claim) -> QuerySet[ClaimMessage]:
    return ClaimMessage.objects.filter(claim=claim).select_related("author").order_by("id")
