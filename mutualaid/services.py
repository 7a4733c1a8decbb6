"""Business actions of mutual aid: ask, offer, claim, accept, hand over, cancel, expire.

Quantities move only through conditional UPDATEs (`… WHERE quantity >= reserved
+ given + q`), so concurrent claims can never over-allocate; the CheckConstraints
on the tables are the last line. Locks are taken in one order: offer, then need,
then claim. States change only through `_offer_settle`, `_need_settle` and
`_claim_move`, which refuse illegal transitions.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Grid, Membership, PostKind
from grids.services.posts import post_create, post_ref_state_set
from mutualaid import permissions
from mutualaid.campaign_services import campaign_for_post, campaigns_touch_for
from mutualaid.errors import (
    AidInvalid,
    ClaimOverQuantity,
    HandoverCodeWrong,
    NeedOverQuantity,
    NotAllowed,
    NotFound,
    TransitionRefused,
)
from mutualaid.models import Campaign, Category, Claim, ClaimMessage, Need, Offer, Urgency
from mutualaid.selectors import needs_for_offer, offers_for_need
from points.models import PointsEntry
from points.services import points_earn
from residents.events import user_event_send_on_commit
from residents.models import User

DEFAULT_DAYS = 3
ACCEPTED_CLAIM_TTL = timedelta(hours=48)
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


def _category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id, active=True).first()
    if category is None:
        raise AidInvalid(_("Choose one of the listed kinds of help."))
    return category


def _quantity(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_QUANTITY:
        raise AidInvalid(_("The quantity must be a whole number of at least 1."))
    return value


def _until(expires_at: datetime | None) -> datetime:
    now = timezone.now()
    if expires_at is None:
        return now + timedelta(days=DEFAULT_DAYS)
    if expires_at <= now:
        raise AidInvalid(_("The end date must be in the future."))
    return min(expires_at, now + timedelta(days=90))


def _tell_matches(matches, *, type: str, about: dict, top: int = 3) -> None:
    """The people a new need or offer best matches hear of it, live and in their messages."""
    told: set[int] = set()
    for match in matches[:top]:
        user_id = getattr(match.item, "giver_id", None) or match.item.requester_id
        if user_id in told:
            continue
        told.add(user_id)
        user_event_send_on_commit(
            user_id=user_id, event={"type": type, "reason": match.reason, **about}
        )


def _need_settle(need: Need) -> None:
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


def _offer_settle(offer: Offer) -> None:
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


def _claim_move(claim: Claim, to: str) -> None:
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


# Needs and offers


def _point(point: tuple[float, float] | None) -> dict:
    """An optional map point, checked: latitude -90..90, longitude -180..180."""
    if point is None:
        return {}
    latitude, longitude = point
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise AidInvalid(_("That map point is not on the map. Leave it out to use your building."))
    return {"latitude": round(latitude, 6), "longitude": round(longitude, 6)}


@transaction.atomic
def need_create(
    *,
    actor: User,
    category_id: int,
    quantity: int,
    description: str = "",
    urgency: str = Urgency.NORMAL,
    expires_at: datetime | None = None,
    on_behalf_of: str = "",
    campaign_id: int | None = None,
    point: tuple[float, float] | None = None,
) -> Need:
    """Ask the neighbourhood for something; it appears on the grid's board and the best
    matching givers are told. It may join a campaign running in the grid."""
    home = permissions.home_of(actor)
    if urgency not in Urgency.values:
        raise AidInvalid(_("Choose how urgent it is."))
    category = _category(category_id)
    need = Need.objects.create(
        requester=actor,
        on_behalf_of=on_behalf_of.strip()[:30],
        category=category,
        campaign=campaign_for_post(campaign_id=campaign_id, grid=home.grid, category=category),
        quantity=_quantity(quantity),
        description=description.strip()[:300],
        urgency=urgency,
        grid=home.grid,
        community_id=home.grid.community_id,
        micro_grid=home.micro_grid,
        expires_at=_until(expires_at),
        **_point(point),
    )
    post_create(
        actor=actor,
        grid=home.grid,
        kind=PostKind.NEED,
        body=_card_text(need.category, need.quantity, need.description, need=True),
        ref_type=NEED_REF,
        ref_id=need.pk,
    )
    _tell_matches(
        offers_for_need(need),
        type="aid.need_for_you",
        about={"need_id": need.pk, "category": need.category.name, "quantity": need.quantity},
    )
    if need.urgency == Urgency.URGENT:
        campaigns_touch_for(grid_id=need.grid_id, category_id=need.category_id)
    return need


def _card_text(category: Category, quantity: int, description: str, *, need: bool) -> str:
    head = (
        _("Needs %(quantity)d %(unit)s of %(category)s")
        if need
        else _("Can give %(quantity)d %(unit)s of %(category)s")
    ) % {"quantity": quantity, "unit": category.unit, "category": category.name}
    return f"{head}\n{description}".strip()


@transaction.atomic
def offer_create(
    *,
    actor: User,
    category_id: int,
    quantity: int,
    description: str = "",
    handover: str = Offer.Handover.PICKUP,
    expires_at: datetime | None = None,
    for_need_id: int | None = None,
    for_person_id: int | None = None,
    campaign_id: int | None = None,
    on_behalf_of: str = "",
    point: tuple[float, float] | None = None,
) -> Offer:
    """Offer something spare. A directed donation goes to one need (`for_need_id`), one
    neighbour of the giver's community (`for_person_id`) or a campaign's area
    (`campaign_id`); only one of them. Directed offers get no board card."""
    home = permissions.home_of(actor)
    if handover not in Offer.Handover.values:
        raise AidInvalid(_("Choose pick-up or delivery."))
    if sum(x is not None for x in (for_need_id, for_person_id, campaign_id)) > 1:
        raise AidInvalid(_("Direct a donation to one need, one neighbour or one campaign."))
    category = _category(category_id)
    for_need = None
    if for_need_id is not None:
        for_need = Need.objects.filter(pk=for_need_id, state__in=Need.OPEN_STATES).first()
        if for_need is None or for_need.category_id != category.pk:
            raise AidInvalid(_("That need is no longer open for this kind of help."))
    for_person = None
    if for_person_id is not None:
        for_person = _neighbour(actor, for_person_id, community_id=home.grid.community_id)
    campaign = campaign_for_post(campaign_id=campaign_id, grid=home.grid, category=category)
    offer = Offer.objects.create(
        giver=actor,
        on_behalf_of=on_behalf_of.strip()[:30],
        category=category,
        quantity=_quantity(quantity),
        description=description.strip()[:300],
        handover=handover,
        grid=home.grid,
        community_id=home.grid.community_id,
        micro_grid=home.micro_grid,
        for_need=for_need,
        for_person=for_person,
        campaign=campaign,
        expires_at=_until(expires_at),
        **_point(point),
    )
    if for_need is None and for_person is None:
        post_create(
            actor=actor,
            grid=home.grid,
            kind=PostKind.OFFER,
            body=_card_text(category, offer.quantity, offer.description, need=False),
            ref_type=OFFER_REF,
            ref_id=offer.pk,
        )
    about = {"offer_id": offer.pk, "category": category.name, "quantity": offer.quantity}
    if for_person is not None:
        user_event_send_on_commit(
            user_id=for_person.pk,
            event={"type": "aid.offer_for_you", "reason": str(_("For you")), **about},
        )
    else:
        _tell_matches(needs_for_offer(offer), type="aid.offer_for_you", about=about)
    return offer


def _neighbour(actor: User, user_id: int, *, community_id: int) -> User:
    """A person a donation is directed to: a resident of the giver's community. Anyone
    else gets the same answer as someone who does not exist, so ids cannot be probed."""
    if user_id == actor.pk:
        raise AidInvalid(_("You cannot direct a donation to yourself."))
    lives_here = Membership.objects.filter(
        user_id=user_id, grid__community_id=community_id, left_at__isnull=True
    ).exists()
    person = User.objects.filter(pk=user_id, is_active=True).first() if lives_here else None
    if person is None:
        raise AidInvalid(_("Choose a neighbour of your own community."))
    return person


def _locked_offer(offer_id: int) -> Offer | None:
    return Offer.objects.select_for_update().filter(pk=offer_id).first()


def _locked_need(need_id: int) -> Need | None:
    return Need.objects.select_for_update().filter(pk=need_id).first()


def _lock_claims(claims: list[Claim]) -> list[Claim]:
    """Lock the claims' offers, then needs, then the claims: the one order every service
    uses, so no two of them ever wait on each other in a circle."""
    for offer_id in sorted({c.offer_id for c in claims}):
        _locked_offer(offer_id)
    for need_id in sorted({c.need_id for c in claims if c.need_id is not None}):
        _locked_need(need_id)
    return list(
        Claim.objects.select_for_update(of=("self",))
        .select_related("offer")
        .filter(pk__in=[c.pk for c in claims])
        .order_by("pk")
    )


def _release(claim: Claim) -> None:
    """An accepted claim ends without handover: its reservation goes back."""
    Offer.objects.filter(pk=claim.offer_id).update(reserved=F("reserved") - claim.quantity)
    if claim.need_id is not None:
        Need.objects.filter(pk=claim.need_id).update(matched=F("matched") - claim.quantity)


@transaction.atomic
def need_cancel(*, actor: User, need_id: int) -> Need:
    permissions.require_requester(actor, Need.objects.filter(pk=need_id).first())
    live = list(Claim.objects.filter(need_id=need_id, state__in=Claim.LIVE_STATES))
    for offer_id in sorted({c.offer_id for c in live}):
        _locked_offer(offer_id)
    need = _locked_need(need_id)
    if need.state not in (*Need.OPEN_STATES, Need.State.MATCHED):
        raise TransitionRefused(_("This need is already closed."))
    for claim in _lock_claims(live):
        if claim.state in Claim.LIVE_STATES:
            _claim_end(claim, Claim.State.CANCELLED)
    need.refresh_from_db()
    was_open = need.state in Need.OPEN_STATES
    need.state = Need.State.CANCELLED
    need.save(update_fields=["state"])
    post_ref_state_set(ref_type=NEED_REF, ref_id=need.pk, state=need.state)
    if need.urgency == Urgency.URGENT and was_open:
        campaigns_touch_for(grid_id=need.grid_id, category_id=need.category_id)
    return need


@transaction.atomic
def offer_withdraw(*, actor: User, offer_id: int) -> Offer:
    offer = permissions.require_giver(actor, _locked_offer(offer_id))
    if offer.state not in (*Offer.OPEN_STATES, Offer.State.EXHAUSTED):
        raise TransitionRefused(_("This offer is already closed."))
    for claim in _lock_claims(list(Claim.objects.filter(offer=offer, state__in=Claim.LIVE_STATES))):
        if claim.state in Claim.LIVE_STATES:
            _claim_end(claim, Claim.State.CANCELLED)
    offer.refresh_from_db()
    offer.state = Offer.State.WITHDRAWN
    offer.save(update_fields=["state"])
    post_ref_state_set(ref_type=OFFER_REF, ref_id=offer.pk, state=offer.state)
    return offer


# Claims


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
    offer = Offer.objects.filter(pk=offer_id).select_related("category").first()
    if offer is None or not permissions.can_see_offer(actor, offer):
        raise NotFound(_("This offer is no longer here."))
    if offer.giver_id == actor.pk:
        raise AidInvalid(_("This is your own offer."))
    if offer.state not in Offer.OPEN_STATES or offer.expires_at <= timezone.now():
        raise TransitionRefused(_("This offer is no longer open."))
    quantity = _quantity(quantity)
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
        handover_code=f"{secrets.randbelow(10**6):06d}",
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
    (claim,) = _lock_claims([found])
    if claim.state != Claim.State.REQUESTED:
        _claim_move(claim, Claim.State.ACCEPTED)  # refuses with the state's name
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
    _claim_move(claim, Claim.State.ACCEPTED)
    _offer_settle(Offer.objects.get(pk=claim.offer_id))
    if claim.need_id is not None:
        _need_settle(Need.objects.get(pk=claim.need_id))
    _tell(claim.receiver_id, "aid.claim_accepted", claim)
    return claim


def _claim_end(claim: Claim, to: str) -> None:
    was_accepted = claim.state == Claim.State.ACCEPTED
    _claim_move(claim, to)
    if was_accepted:
        _release(claim)
        _offer_settle(Offer.objects.get(pk=claim.offer_id))
        if claim.need_id is not None:
            _need_settle(Need.objects.get(pk=claim.need_id))


@transaction.atomic
def claim_decline(*, actor: User, claim_id: int) -> Claim:
    claim = _party_claim(actor, claim_id)
    if claim.offer.giver_id != actor.pk:
        raise NotAllowed(_("Only the giver can decline."))
    if claim.state != Claim.State.REQUESTED:
        raise TransitionRefused(_("Only a claim not yet accepted can be declined."))
    _claim_move(claim, Claim.State.DECLINED)
    _tell(claim.receiver_id, "aid.claim_declined", claim)
    return claim


@transaction.atomic
def claim_cancel(*, actor: User, claim_id: int) -> Claim:
    """Either side calls it off before the handover; a reservation is released."""
    claim = _party_claim(actor, claim_id)
    _claim_end(claim, Claim.State.CANCELLED)
    other = claim.offer.giver_id if actor.pk == claim.receiver_id else claim.receiver_id
    _tell(other, "aid.claim_cancelled", claim)
    return claim


def _party_claim(actor: User, claim_id: int) -> Claim:
    found = Claim.objects.filter(pk=claim_id).select_related("offer").first()
    if found is None or not permissions.is_party(actor, found):
        raise NotFound(_("This claim is not yours."))
    (claim,) = _lock_claims([found])
    return claim


@transaction.atomic
def claim_confirm(*, actor: User, claim_id: int, code: str = "") -> Claim:
    """Each side confirms the handover. The giver may instead type the receiver's code,
    which confirms both at once. When both have confirmed, the quantity is given."""
    claim = _party_claim(actor, claim_id)
    if claim.state != Claim.State.ACCEPTED:
        raise TransitionRefused(_("Only an accepted claim can be handed over."))
    now = timezone.now()
    if actor.pk == claim.offer.giver_id:
        if code:
            if not secrets.compare_digest(code.strip(), claim.handover_code):
                raise HandoverCodeWrong()
            claim.receiver_confirmed_at = claim.receiver_confirmed_at or now
        claim.giver_confirmed_at = claim.giver_confirmed_at or now
    else:
        claim.receiver_confirmed_at = claim.receiver_confirmed_at or now
    claim.save(update_fields=["giver_confirmed_at", "receiver_confirmed_at"])
    if claim.giver_confirmed_at and claim.receiver_confirmed_at:
        _handover(claim)
    return claim


def _handover(claim: Claim) -> None:
    Offer.objects.filter(pk=claim.offer_id).update(
        reserved=F("reserved") - claim.quantity, given=F("given") + claim.quantity
    )
    if claim.need_id is not None:
        Need.objects.filter(pk=claim.need_id).update(fulfilled=F("fulfilled") + claim.quantity)
    _claim_move(claim, Claim.State.HANDED_OVER)
    _offer_settle(Offer.objects.get(pk=claim.offer_id))
    if claim.need_id is not None:
        _need_settle(Need.objects.get(pk=claim.need_id))
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
                _claim_end(claim, Claim.State.EXPIRED)
                counts["claims"] += 1
    for offer_id in Offer.objects.filter(
        state__in=Offer.OPEN_STATES, expires_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            offer = _locked_offer(offer_id)
            if offer is None or offer.state not in Offer.OPEN_STATES:
                continue
            for claim in Claim.objects.select_for_update().filter(
                offer=offer, state=Claim.State.REQUESTED
            ):
                _claim_move(claim, Claim.State.EXPIRED)
            offer.state = Offer.State.EXPIRED
            offer.save(update_fields=["state"])
            post_ref_state_set(ref_type=OFFER_REF, ref_id=offer.pk, state=offer.state)
            counts["offers"] += 1
    for need_id in Need.objects.filter(state__in=Need.OPEN_STATES, expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            need = _locked_need(need_id)
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
    return _lock_claims([found])[0] if found is not None else None
