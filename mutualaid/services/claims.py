"""Claims: ask an offer for a quantity, the giver accepts or declines, either side
cancels, the handover is confirmed by both (or by the receiver's code), the two write to
each other; and what ran out expires."""

import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Grid
from grids.services.posts import post_ref_state_set
from mutualaid import permissions
from mutualaid.errors import (
    AidInvalid,
    ClaimOverQuantity,
    HandoverCodeInvalid,
    HandoverCodeLocked,
    HandoverCodeWrong,
    NeedOverQuantity,
    NotAllowed,
    NotFound,
    TransitionRefused,
)
from mutualaid.models import Campaign, Claim, ClaimMessage, Need, Offer, Urgency
from mutualaid.services.campaigns import campaigns_touch_for
from mutualaid.services.states import (
    NEED_REF,
    OFFER_REF,
    claim_end,
    claim_move,
    claims_lock,
    need_lock,
    need_settle,
    offer_lock,
    offer_settle,
    quantity_validate,
)
from points.models import PointsEntry
from points.services import points_earn
from residents.events import user_event_send_on_commit, user_group, users_event_send_on_commit
from residents.models import User

ACCEPTED_CLAIM_TTL = timedelta(hours=48)
HANDOVER_CODE = re.compile(r"[0-9]{6}")


def handover_code_new() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _tell(user_id: int, type: str, claim: Claim) -> None:
    user_event_send_on_commit(
        user_id=user_id,
        event={
            "type": type,
            "claim_id": claim.pk,
            "offer_id": claim.offer_id,
            "quantity": claim.quantity,
        },
    )


@transaction.atomic
def claim_request(
    *, actor: User, offer_id: int, quantity: int, need_id: int | None = None
) -> Claim:
    """Ask an offer for a quantity (for one of my needs, or just for me)."""
    home = permissions.home_of(actor)
    # Locked first (the order `claims_lock` uses): two requests by one resident at once
    # queue here, so the second finds the first claim and is refused with 409.
    offer = offer_lock(offer_id)
    if offer is None or not permissions.can_see_offer(actor, offer):
        raise NotFound(_("This offer is no longer here."))
    if offer.giver_id == actor.pk:
        raise AidInvalid(_("This is your own offer."))
    if offer.state not in Offer.OPEN_STATES or offer.expires_at <= timezone.now():
        raise TransitionRefused(_("This offer is no longer open."))
    quantity = quantity_validate(quantity)
    if quantity > offer.available:
        raise ClaimOverQuantity(offer.available)
    need = None
    if need_id is not None:
        need = Need.objects.filter(pk=need_id, requester=actor).first()
        if need is None or need.category_id != offer.category_id:
            raise AidInvalid(_("Choose one of your own needs of this kind."))
        if need.state not in Need.OPEN_STATES:
            raise TransitionRefused(_("That need is already closed."))
    if offer.for_need_id is not None and (need is None or need.pk != offer.for_need_id):
        raise NotAllowed(_("This offer is promised to another neighbour's need."))
    grid_id = need.grid_id if need is not None else home.grid_id
    if offer.campaign_id is not None and not _in_campaign_area(offer.campaign_id, grid_id):
        raise NotAllowed(_("This offer is given to a campaign for another area."))
    if Claim.objects.filter(offer=offer, receiver=actor, state__in=Claim.LIVE_STATES).exists():
        raise TransitionRefused(_("You have already asked this offer; wait for the answer."))
    claim = Claim.objects.create(
        offer=offer,
        need=need,
        receiver=actor,
        category_id=offer.category_id,
        grid_id=grid_id,
        quantity=quantity,
        handover_code=handover_code_new(),
    )
    _tell(offer.giver_id, "aid.claim_requested", claim)
    return claim


def _in_campaign_area(campaign_id: int, grid_id: int) -> bool:
    campaign = Campaign.objects.filter(pk=campaign_id).prefetch_related("grids").first()
    if campaign is None:
        return True  # the campaign was deleted: the offer is an ordinary one now
    chosen = {g.pk for g in campaign.grids.all()}
    if chosen:
        return grid_id in chosen
    return Grid.objects.filter(pk=grid_id, community_id=campaign.community_id).exists()


@transaction.atomic
def claim_accept(*, actor: User, claim_id: int) -> Claim:
    """The giver says yes: the quantity is reserved, or refused with 409 if no longer there.

    One conditional UPDATE per row: under any number of concurrent accepts the
    offer never promises more than it has, nor the need takes more than it lacks.
    """
    found = Claim.objects.filter(pk=claim_id).select_related("offer").first()
    if found is None or found.offer.giver_id != actor.pk:
        raise NotFound(_("This claim is not yours."))
    (claim,) = claims_lock([found])
    if claim.state != Claim.State.REQUESTED:
        claim_move(claim, Claim.State.ACCEPTED)  # refuses with the state's name
    reserved = Offer.objects.filter(
        pk=claim.offer_id,
        state__in=Offer.OPEN_STATES,
        quantity__gte=F("reserved") + F("given") + claim.quantity,
    ).update(reserved=F("reserved") + claim.quantity)
    if not reserved:
        offer = Offer.objects.get(pk=claim.offer_id)
        raise ClaimOverQuantity(max(offer.available, 0))
    if claim.need_id is not None:
        matched = Need.objects.filter(
            pk=claim.need_id,
            state__in=Need.OPEN_STATES,
            quantity__gte=F("matched") + claim.quantity,
        ).update(matched=F("matched") + claim.quantity)
        if not matched:
            need = Need.objects.get(pk=claim.need_id)
            raise NeedOverQuantity(max(need.remaining, 0))  # rolls the offer back too
    claim_move(claim, Claim.State.ACCEPTED)
    offer_settle(Offer.objects.get(pk=claim.offer_id))
    if claim.need_id is not None:
        need_settle(Need.objects.get(pk=claim.need_id))
    _tell(claim.receiver_id, "aid.claim_accepted", claim)
    return claim


@transaction.atomic
def claim_decline(*, actor: User, claim_id: int) -> Claim:
    claim = _party_claim(actor, claim_id)
    if claim.offer.giver_id != actor.pk:
        raise NotAllowed(_("Only the giver can decline."))
    if claim.state != Claim.State.REQUESTED:
        raise TransitionRefused(_("Only a claim not yet accepted can be declined."))
    claim_move(claim, Claim.State.DECLINED)
    _tell(claim.receiver_id, "aid.claim_declined", claim)
    return claim


@transaction.atomic
def claim_cancel(*, actor: User, claim_id: int) -> Claim:
    """Either side calls it off before the handover; a reservation is released."""
    claim = _party_claim(actor, claim_id)
    claim_end(claim, Claim.State.CANCELLED)
    other = claim.offer.giver_id if actor.pk == claim.receiver_id else claim.receiver_id
    _tell(other, "aid.claim_cancelled", claim)
    return claim


def _party_claim(actor: User, claim_id: int) -> Claim:
    found = Claim.objects.filter(pk=claim_id).select_related("offer").first()
    if found is None or not permissions.is_party(actor, found):
        raise NotFound(_("This claim is not yours."))
    (claim,) = claims_lock([found])
    return claim


def claim_confirm(*, actor: User, claim_id: int, code: str = "") -> Claim:
    """Each side confirms the handover. The giver may instead type the receiver's code,
    which confirms both at once. When both have confirmed, the quantity is given.

    A code is six ASCII digits, checked before it is compared. Each try is counted before
    the comparison by one conditional UPDATE, so no number of guesses at once passes
    `Claim.HANDOVER_CODE_TRIES`; a wrong try is committed even though it is refused, and
    the last one locks the code (even the right one is refused until the receiver issues
    a new code) and tells both parties and the grid worker."""
    code = (code or "").strip()
    if code and not HANDOVER_CODE.fullmatch(code):
        raise HandoverCodeInvalid()
    with transaction.atomic():
        claim = _party_claim(actor, claim_id)
        if claim.state != Claim.State.ACCEPTED:
            raise TransitionRefused(_("Only an accepted claim can be handed over."))
        refusal = _confirm(claim, actor, code)
        if refusal is None:
            return claim
    raise refusal  # after the block: the counted try stays counted


def _confirm(claim: Claim, actor: User, code: str) -> Exception | None:
    now = timezone.now()
    if actor.pk == claim.offer.giver_id:
        if code:
            if not _code_try(claim, code):
                return _code_missed(claim)
            claim.receiver_confirmed_at = claim.receiver_confirmed_at or now
        claim.giver_confirmed_at = claim.giver_confirmed_at or now
    else:
        claim.receiver_confirmed_at = claim.receiver_confirmed_at or now
    claim.save(update_fields=["giver_confirmed_at", "receiver_confirmed_at"])
    if claim.giver_confirmed_at and claim.receiver_confirmed_at:
        _handover(claim)
    return None


def _code_try(claim: Claim, code: str) -> bool:
    """Count one try (refused if the code is already locked), then compare."""
    counted = Claim.objects.filter(
        pk=claim.pk, handover_code_misses__lt=Claim.HANDOVER_CODE_TRIES
    ).update(handover_code_misses=F("handover_code_misses") + 1)
    if not counted:
        raise HandoverCodeLocked()
    if secrets.compare_digest(code, claim.handover_code):
        Claim.objects.filter(pk=claim.pk).update(handover_code_misses=F("handover_code_misses") - 1)
        return True
    return False


def _code_missed(claim: Claim) -> Exception:
    """The refusal for a wrong try; the try that locks the code tells everyone concerned."""
    claim.refresh_from_db(fields=["handover_code_misses"])
    if not claim.handover_code_locked:
        return HandoverCodeWrong()
    told = {claim.receiver_id, claim.offer.giver_id}
    told |= set(
        Grid.objects.filter(
            pk__in={claim.grid_id, claim.offer.grid_id}, grid_worker__isnull=False
        ).values_list("grid_worker_id", flat=True)
    )
    users_event_send_on_commit(
        user_ids=sorted(told),
        event={
            "type": "aid.handover_code_locked",
            "claim_id": claim.pk,
            "offer_id": claim.offer_id,
            "quantity": claim.quantity,
        },
        nudge_groups=[user_group(u) for u in sorted(told)],
    )
    return HandoverCodeLocked()


@transaction.atomic
def claim_code_renew(*, actor: User, claim_id: int) -> Claim:
    """The receiver issues a fresh handover code (after a lock, or if the old one was seen
    by someone else): the old code stops working and the count of tries starts again."""
    claim = _party_claim(actor, claim_id)
    if actor.pk != claim.receiver_id:
        raise NotAllowed(_("Only the receiver can issue a new code."))
    if claim.state not in Claim.LIVE_STATES:
        raise TransitionRefused(_("This claim is closed; its code is no longer needed."))
    claim.handover_code = handover_code_new()
    claim.handover_code_misses = 0
    claim.save(update_fields=["handover_code", "handover_code_misses"])
    _tell(claim.offer.giver_id, "aid.handover_code_renewed", claim)
    return claim


def _handover(claim: Claim) -> None:
    Offer.objects.filter(pk=claim.offer_id).update(
        reserved=F("reserved") - claim.quantity, given=F("given") + claim.quantity
    )
    if claim.need_id is not None:
        Need.objects.filter(pk=claim.need_id).update(fulfilled=F("fulfilled") + claim.quantity)
    claim_move(claim, Claim.State.HANDED_OVER)
    offer_settle(Offer.objects.get(pk=claim.offer_id))
    if claim.need_id is not None:
        need_settle(Need.objects.get(pk=claim.need_id))
    for user_id in (claim.receiver_id, claim.offer.giver_id):
        _tell(user_id, "aid.handed_over", claim)
    campaigns_touch_for(grid_id=claim.grid_id, category_id=claim.category_id)
    points_earn(
        user_id=claim.offer.giver_id,
        amount=settings.POINTS_PER_HANDOVER,
        kind=PointsEntry.Kind.AID,
        reason=_("Gave %(quantity)d %(unit)s of %(category)s")
        % {
            "quantity": claim.quantity,
            "unit": claim.offer.category.unit,
            "category": claim.offer.category.name,
        },
        ref=("aid.claim", claim.pk),
    )


@transaction.atomic
def claim_message_add(*, actor: User, claim_id: int, body: str) -> ClaimMessage:
    claim = Claim.objects.filter(pk=claim_id).select_related("offer").first()
    if claim is None or not permissions.is_party(actor, claim):
        raise NotFound(_("This claim is not yours."))
    if claim.state not in (Claim.State.ACCEPTED, Claim.State.HANDED_OVER):
        raise TransitionRefused(_("You can write to each other once the giver has accepted."))
    body = body.strip()
    if not body or len(body) > 500:
        raise AidInvalid(_("Write a message of up to 500 characters."))
    message = ClaimMessage.objects.create(claim=claim, author=actor, body=body)
    other = claim.offer.giver_id if actor.pk == claim.receiver_id else claim.receiver_id
    user_event_send_on_commit(
        user_id=other,
        event={
            "type": "aid.message",
            "claim_id": claim.pk,
            "by": actor.display_name,
            "excerpt": body[:60],
        },
    )
    return message


def aid_expire(*, now: datetime | None = None) -> dict[str, int]:
    """Close what ran out: stale accepted claims release their reservation; needs and offers
    past their date expire (their live claims with them). Run every few minutes."""
    now = now or timezone.now()
    counts = {"claims": 0, "needs": 0, "offers": 0}
    for claim_id in Claim.objects.filter(
        state=Claim.State.ACCEPTED, accepted_at__lte=now - ACCEPTED_CLAIM_TTL
    ).values_list("pk", flat=True):
        with transaction.atomic():
            claim = _claim_for_expiry(claim_id)
            if claim is not None and claim.state == Claim.State.ACCEPTED:
                claim_end(claim, Claim.State.EXPIRED)
                counts["claims"] += 1
    for offer_id in Offer.objects.filter(
        state__in=Offer.OPEN_STATES, expires_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            offer = offer_lock(offer_id)
            if offer is None or offer.state not in Offer.OPEN_STATES:
                continue
            for claim in Claim.objects.select_for_update().filter(
                offer=offer, state=Claim.State.REQUESTED
            ):
                claim_move(claim, Claim.State.EXPIRED)
            offer.state = Offer.State.EXPIRED
            offer.save(update_fields=["state"])
            post_ref_state_set(ref_type=OFFER_REF, ref_id=offer.pk, state=offer.state)
            counts["offers"] += 1
    for need_id in Need.objects.filter(state__in=Need.OPEN_STATES, expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            need = need_lock(need_id)
            if need is None or need.state not in Need.OPEN_STATES:
                continue
            need.state = Need.State.EXPIRED
            need.save(update_fields=["state"])
            post_ref_state_set(ref_type=NEED_REF, ref_id=need.pk, state=need.state)
            if need.urgency == Urgency.URGENT:
                campaigns_touch_for(grid_id=need.grid_id, category_id=need.category_id)
            counts["needs"] += 1
    return counts


def _claim_for_expiry(claim_id: int) -> Claim | None:
    found = Claim.objects.filter(pk=claim_id).first()
    return claims_lock([found])[0] if found is not None else None
