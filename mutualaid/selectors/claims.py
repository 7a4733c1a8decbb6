"""Reads of claims: mine (given or received), one with its parties, its messages, and the
contacts the viewer may see on it."""

from django.db.models import Q, QuerySet

from core.services import access_log_record
from grids.models import Membership
from mutualaid import permissions
from mutualaid.models import Claim, ClaimMessage
from residents.models import User


def claims_of(user: User) -> QuerySet[Claim]:
    """Claims where the user gives or receives, newest first."""
    return (
        Claim.objects.filter(Q(receiver=user) | Q(offer__giver=user))
        .select_related("offer__giver", "offer__category", "offer__micro_grid", "receiver", "need")
        .order_by("-created_at", "-id")
    )


def _contact(user: User, membership) -> dict:
    return {
        "display_name": user.display_name,
        "phone": user.national_phone,
        "building": membership.micro_grid.label if membership else None,
        "unit": membership.unit if membership else "",
    }


def claim_contacts(*, viewer: User, claims: list[Claim]) -> dict[int, dict]:
    """For each claim the viewer may see contacts of: the other party's number and room
    (or, for grid staff overseeing it, both parties'). Two queries for any number, and
    for staff one access-log row per claim whose parties' contacts they are shown (pages
    and API alike)."""
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
            access_log_record(
                actor=viewer,
                action="aid.claim_contacts",
                scope=f"grid:{claim.offer.grid_id}",
                detail={"claim": claim.pk},
            )
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


def claim_messages(claim: Claim) -> QuerySet[ClaimMessage]:
    return ClaimMessage.objects.filter(claim=claim).select_related("author").order_by("id")


def helps_for_need(need_id: int) -> list[Claim]:
    """The live and handed-over claims for a need, oldest first, with their givers: what
    its page tells the asker ("王阿姨会给您 10 个口罩"). One query on the claims' need."""
    return list(
        Claim.objects.filter(
            need_id=need_id,
            state__in=[*Claim.LIVE_STATES, Claim.State.HANDED_OVER],
        )
        .select_related("offer__giver", "offer__category")
        .order_by("created_at", "id")
    )
