"""Who may do what in mutual aid.

- Residents with a home grid ask and offer; they see others' open needs and
  offers with a display name, a building and a masked phone.
- Only the two parties of an accepted claim see each other's number and room,
  and the grid worker of either side's grid (logged). Their messages are the two
  parties' alone: staff do not read them.
- An offer directed to one neighbour is seen by the giver and that neighbour only.
- The community's cadres run its campaigns; its residents and grid workers follow them.
"""

from django.utils.translation import gettext as _

from grids import permissions as grid_permissions
from grids.models import Community, Grid, Membership
from mutualaid.errors import NoHomeGrid, NotAllowed, NotFound
from mutualaid.models import Campaign, Claim, Need, Offer
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


def require_own_claim(user: User, claim: Claim | None) -> Claim:
    """The two parties only: their messages are between the two neighbours, so staff
    overseeing the claim are told it is not theirs, as on the claim's page."""
    if claim is None or not is_party(user, claim):
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


def has_home(user: User) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, left_at__isnull=True).exists()
    )


def _staff_of(user: User, grid_id: int) -> bool:
    """The grid's worker and its community's cadres look at the needs and offers on its board
    and urgent list (without a home grid of their own, they cannot act in them)."""
    grid = Grid.objects.select_related("community").filter(pk=grid_id).first()
    return grid is not None and grid_permissions.can_manage_grid(user, grid)


def require_visible_need(user: User, need: Need | None) -> Need:
    """Any resident with a home grid may look at a need (matching crosses grids), and so
    may the staff of the need's grid."""
    if need is not None and _staff_of(user, need.grid_id):
        return need
    home_of(user)
    if need is None:
        raise NotFound(_("This need is no longer here."))
    return need


def require_visible_offer(user: User, offer: Offer | None) -> Offer:
    if offer is not None and offer.for_person_id is None and _staff_of(user, offer.grid_id):
        return offer
    home_of(user)
    if offer is None or not can_see_offer(user, offer):
        raise NotFound(_("This offer is no longer here."))
    return offer


# Campaigns


def can_manage_campaigns(user: User, community: Community) -> bool:
    """The community's cadres (and admins) run its campaigns."""
    return grid_permissions.can_manage_community(user, community)


def _belongs_to(user: User, community_id: int) -> bool:
    return user.is_authenticated and (
        Membership.objects.filter(
            user=user, grid__community_id=community_id, left_at__isnull=True
        ).exists()
        or Grid.objects.filter(community_id=community_id, grid_worker=user).exists()
    )


def require_manage_campaigns(user: User, community: Community | None) -> Community:
    """Cadres pass; the community's residents and grid workers are told no (403);
    anyone else cannot tell the community from one that does not exist (404)."""
    if community is not None and can_manage_campaigns(user, community):
        return community
    if community is not None and _belongs_to(user, community.pk):
        raise NotAllowed(_("Only the community's cadres can run campaigns."))
    raise NotFound(_("This community is not yours."))


def can_view_campaign(user: User, campaign: Campaign) -> bool:
    """Its community's residents, grid workers and cadres follow a campaign."""
    return can_manage_campaigns(user, campaign.community) or _belongs_to(
        user, campaign.community_id
    )


def require_view_campaign(user: User, campaign: Campaign | None) -> Campaign:
    if campaign is None or not can_view_campaign(user, campaign):
        raise NotFound(_("This campaign is not in your community."))
    return campaign


def can_see_offer(user: User, offer: Offer) -> bool:
    """An offer directed to one neighbour is seen by the giver and that neighbour only."""
    return offer.for_person_id is None or user.pk in (offer.giver_id, offer.for_person_id)
