"""Who may do what in mutual aid.

- Residents with a home grid ask and offer; they see others' open needs and
  offers with a display name, a building and a masked phone.
- Only the two parties of an accepted claim see each other's number and room,
  and the grid worker of either side's grid (logged).
"""

from django.utils.translation import gettext as _

from grids import permissions as grid_permissions
from grids.models import Membership
from mutualaid.errors import NoHomeGrid, NotAllowed, NotFound
from mutualaid.models import Claim, Need, Offer
from residents.models import User


def home_of(user: User) -> Membership:
    membership = (
        Membership.objects.select_related("grid", "micro_grid")
        .filter(user=user, left_at__isnull=True)
        .first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise NoHomeGrid()
    return membership


def require_requester(user: User, need: Need | None) -> Need:
    if need is None:
        raise NotFound(_("This need is no longer here."))
    if need.requester_id != user.pk:
        raise NotAllowed(_("Only the neighbour who asked can change this need."))
    return need


def require_giver(user: User, offer: Offer | None) -> Offer:
    if offer is None:
        raise NotFound(_("This offer is no longer here."))
    if offer.giver_id != user.pk:
        raise NotAllowed(_("Only the neighbour who offered can do this."))
    return offer


def is_party(user: User, claim: Claim) -> bool:
    return user.pk in (claim.receiver_id, claim.offer.giver_id)


def require_party(user: User, claim: Claim | None) -> Claim:
    if claim is None or not (is_party(user, claim) or can_oversee(user, claim)):
        raise NotFound(_("This claim is not yours."))
    return claim


def can_oversee(user: User, claim: Claim) -> bool:
    """The grid worker (or cadre, admin) of either side's grid walks the last metre."""
    return grid_permissions.can_manage_grid(user, claim.offer.grid) or (
        claim.need_id is not None and grid_permissions.can_manage_grid(user, claim.need.grid)
    )


def sees_contact(user: User, claim: Claim) -> bool:
    """Numbers and rooms are shown once the giver has accepted, to the parties only."""
    accepted = claim.state in (Claim.State.ACCEPTED, Claim.State.HANDED_OVER)
    return (accepted and is_party(user, claim)) or can_oversee(user, claim)


def require_visible_need(user: User, need: Need | None) -> Need:
    """Any resident with a home grid may look at a need (matching crosses grids)."""
    home_of(user)
    if need is None:
        raise NotFound(_("This need is no longer here."))
    return need


def require_visible_offer(user: User, offer: Offer | None) -> Offer:
    home_of(user)
    if offer is None:
        raise NotFound(_("This offer is no longer here."))
    return offer
