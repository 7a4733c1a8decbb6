"""Reads of needs and offers: the community's lists, one need or offer with what its page
shows, the kinds of help, and the grid staff's list of urgent needs still waiting."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.services import access_log_record
from grids.models import Membership
from mutualaid.models import Category, Need, Offer, Urgency
from residents.models import User


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


def urgent_with_homes(*, viewer: User, grid_id: int, older_than_hours: int, limit: int = 100):
    """The grid worker's walking list: urgent needs still unmatched, each with the asker's
    home (building and room). Two queries; showing homes is written to the access log."""
    urgent = list(urgent_unmatched(grid_id=grid_id, older_than_hours=older_than_hours)[:limit])
    ids = {n.requester_id for n in urgent}
    homes = {
        m.user_id: m
        for m in Membership.objects.filter(user_id__in=ids, left_at__isnull=True).select_related(
            "micro_grid"
        )
    }
    access_log_record(
        actor=viewer,
        action="aid.urgent_listed",
        scope=f"grid:{grid_id}",
        detail={"count": len(urgent), "hours": older_than_hours},
    )
    return [{"need": n, "home": homes.get(n.requester_id)} for n in urgent]


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
