"""What every mutual-aid action shares: the claim transition table and the settle
functions (the one place a need, offer or claim changes state), the locks in their one
order, the release of a reservation, and the quantity rule."""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.services.posts import post_ref_state_set
from mutualaid.errors import AidInvalid, TransitionRefused
from mutualaid.models import Claim, Need, Offer, Urgency
from mutualaid.services.campaigns import campaigns_touch_for

MAX_QUANTITY = 100_000
NEED_REF, OFFER_REF = "aid.need", "aid.offer"

CLAIM_MOVES = {
    Claim.State.REQUESTED: {
        Claim.State.ACCEPTED,
        Claim.State.DECLINED,
        Claim.State.CANCELLED,
        Claim.State.EXPIRED,
    },
    Claim.State.ACCEPTED: {Claim.State.HANDED_OVER, Claim.State.CANCELLED, Claim.State.EXPIRED},
}


def quantity_validate(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_QUANTITY:
        raise AidInvalid(_("The quantity must be a whole number of at least 1."))
    return value


def need_settle(need: Need) -> None:
    """Recompute an open need's state from its quantities."""
    if need.state in (Need.State.CANCELLED, Need.State.EXPIRED, Need.State.FULFILLED):
        return
    if need.fulfilled >= need.quantity:
        state = Need.State.FULFILLED
    elif need.matched >= need.quantity:
        state = Need.State.MATCHED
    elif need.matched > 0:
        state = Need.State.PARTLY_MATCHED
    else:
        state = Need.State.OPEN
    if state != need.state:
        was_open = need.state in Need.OPEN_STATES
        need.state = state
        need.save(update_fields=["state"])
        post_ref_state_set(ref_type=NEED_REF, ref_id=need.pk, state=state)
        if need.urgency == Urgency.URGENT and was_open != (state in Need.OPEN_STATES):
            campaigns_touch_for(grid_id=need.grid_id, category_id=need.category_id)


def offer_settle(offer: Offer) -> None:
    if offer.state in (Offer.State.WITHDRAWN, Offer.State.EXPIRED):
        return
    if offer.given >= offer.quantity or offer.reserved + offer.given >= offer.quantity:
        state = Offer.State.EXHAUSTED
    elif offer.reserved + offer.given > 0:
        state = Offer.State.PARTLY_CLAIMED
    else:
        state = Offer.State.OPEN
    if state != offer.state:
        offer.state = state
        offer.save(update_fields=["state"])
        post_ref_state_set(ref_type=OFFER_REF, ref_id=offer.pk, state=state)


def claim_move(claim: Claim, to: str) -> None:
    if to not in CLAIM_MOVES.get(claim.state, set()):
        raise TransitionRefused(
            _("This claim is %(state)s; it cannot be changed that way any more.")
            % {"state": claim.get_state_display()}
        )
    claim.state = to
    now = timezone.now()
    fields = ["state"]
    if to == Claim.State.ACCEPTED:
        claim.accepted_at = now
        fields.append("accepted_at")
    else:
        claim.closed_at = now
        fields.append("closed_at")
    claim.save(update_fields=fields)


def offer_lock(offer_id: int) -> Offer | None:
    return Offer.objects.select_for_update().filter(pk=offer_id).first()


def need_lock(need_id: int) -> Need | None:
    return Need.objects.select_for_update().filter(pk=need_id).first()


def claims_lock(claims: list[Claim]) -> list[Claim]:
    """Lock the claims' offers, then needs, then the claims: the one order every service
    uses, so no two of them ever wait on each other in a circle."""
    for offer_id in sorted({c.offer_id for c in claims}):
        offer_lock(offer_id)
    for need_id in sorted({c.need_id for c in claims if c.need_id is not None}):
        need_lock(need_id)
    return list(
        Claim.objects.select_for_update(of=("self",))
        .select_related("offer")
        .filter(pk__in=[c.pk for c in claims])
        .order_by("pk")
    )


def claim_release(claim: Claim) -> None:
    """An accepted claim ends without handover: its reservation goes back."""
    Offer.objects.filter(pk=claim.offer_id).update(reserved=F("reserved") - claim.quantity)
    if claim.need_id is not None:
        Need.objects.filter(pk=claim.need_id).update(matched=F("matched") - claim.quantity)


def claim_end(claim: Claim, to: str) -> None:
    was_accepted = claim.state == Claim.State.ACCEPTED
    claim_move(claim, to)
    if was_accepted:
        claim_release(claim)
        offer_settle(Offer.objects.get(pk=claim.offer_id))
        if claim.need_id is not None:
            need_settle(Need.objects.get(pk=claim.need_id))
