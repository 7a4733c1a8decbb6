"""Help straight from a need ("我来帮忙"): the giver names a quantity and the help exists,
already agreed by the giver, so the asker need not approve a stranger first.

One call makes the claim, accepted: on the giver's open offer of that kind when they have
one (so they never promise the same masks twice), else on a new offer directed to the
need. Quantities move by the same conditional UPDATEs as `claim_accept`, in the same lock
order (offer, then need), so no number of helpers at once matches a need beyond what it
lacks. The handover then runs as for any claim: the asker shows the code, the giver
types it."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid import permissions
from mutualaid.errors import (
    AidInvalid,
    ClaimOverQuantity,
    NeedOverQuantity,
    NotFound,
    TransitionRefused,
)
from mutualaid.models import Claim, Need, Offer
from mutualaid.selectors.helping import offer_to_help_from
from mutualaid.services.claims import handover_code_new
from mutualaid.services.states import (
    need_lock,
    need_settle,
    offer_lock,
    offer_settle,
    quantity_validate,
)
from residents.events import user_event_send_on_commit
from residents.models import User


@transaction.atomic
def need_help(
    *, actor: User, need_id: int, quantity: int, handover: str = Offer.Handover.DELIVERY
) -> Claim:
    """Give `quantity` to a neighbour's need. Refused (409) when the need lacks less than
    that now, or the giver's open offer has less left; the asker hears it live and in
    their messages, in words."""
    home = permissions.home_of(actor)
    quantity = quantity_validate(quantity)
    if handover not in Offer.Handover.values:
        raise AidInvalid(_("Choose pick-up or delivery."))
    found = Need.objects.filter(pk=need_id).select_related("category").first()
    if found is None:
        raise NotFound(_("This need is no longer here."))
    if found.requester_id == actor.pk:
        raise AidInvalid(_("This is your own request."))
    own = offer_to_help_from(actor, found)
    offer = offer_lock(own.pk) if own is not None else None  # offer first, then need
    need = need_lock(need_id)
    if need.state not in Need.OPEN_STATES or need.expires_at <= timezone.now():
        raise TransitionRefused(_("This request is already met or closed. Thank you all the same!"))
    if quantity > need.remaining:
        raise NeedOverQuantity(need.remaining)
    if offer is not None and offer.state in Offer.OPEN_STATES:
        if Claim.objects.filter(
            offer=offer, receiver_id=need.requester_id, state__in=Claim.LIVE_STATES
        ).exists():
            raise TransitionRefused(
                _("You and this neighbour already have a help under way; see it in My claims.")
            )
        reserved = Offer.objects.filter(
            pk=offer.pk,
            state__in=Offer.OPEN_STATES,
            quantity__gte=F("reserved") + F("given") + quantity,
        ).update(reserved=F("reserved") + quantity)
        if not reserved:
            raise ClaimOverQuantity(max(offer.available, 0))
    else:
        offer = Offer.objects.create(
            giver=actor,
            category=need.category,
            quantity=quantity,
            reserved=quantity,
            handover=handover,
            grid=home.grid,
            community_id=home.grid.community_id,
            micro_grid=home.micro_grid,
            for_need=need,
            expires_at=need.expires_at,
            state=Offer.State.EXHAUSTED,
        )
    matched = Need.objects.filter(
        pk=need.pk, state__in=Need.OPEN_STATES, quantity__gte=F("matched") + quantity
    ).update(matched=F("matched") + quantity)
    if not matched:
        raise NeedOverQuantity(max(Need.objects.get(pk=need.pk).remaining, 0))
    now = timezone.now()
    claim = Claim.objects.create(
        offer=offer,
        need=need,
        receiver_id=need.requester_id,
        category_id=need.category_id,
        grid_id=need.grid_id,
        quantity=quantity,
        state=Claim.State.ACCEPTED,
        accepted_at=now,
        handover_code=handover_code_new(),
    )
    offer_settle(Offer.objects.get(pk=offer.pk))
    need_settle(Need.objects.get(pk=need.pk))
    user_event_send_on_commit(
        user_id=need.requester_id,
        event={
            "type": "aid.help_coming",
            "claim_id": claim.pk,
            "offer_id": offer.pk,
            "need_id": need.pk,
            "quantity": quantity,
            "by": actor.display_name,
            "category": need.category.name,
            "unit": need.category.unit,
        },
    )
    return claim
