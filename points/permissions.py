"""Who may do what with points: residents spend in their own community; its cadres
list rewards, hand them over and correct the ledger. API and pages both use these."""

from grids.models import Community, Grid, Membership, Role, RoleGrant
from grids.permissions import can_manage_community, is_admin
from residents.models import User


def can_manage_rewards(user: User, community: Community) -> bool:
    """Rewards, redemptions and points corrections: the community's cadres."""
    return user.is_authenticated and can_manage_community(user, community)


def in_community(user: User, community_id: int) -> bool:
    """Lives in (a member of a grid of) the community, or serves it."""
    return (
        Membership.objects.filter(
            user=user, grid__community_id=community_id, left_at__isnull=True
        ).exists()
        or Grid.objects.filter(community_id=community_id, grid_worker=user).exists()
        or RoleGrant.objects.filter(
            user=user, community_id=community_id, role=Role.CADRE, revoked_at__isnull=True
        ).exists()
        or is_admin(user)
    )
