"""Who may do what with points: residents spend in their own community; its cadres
list rewards, hand them over and correct the ledger. API and pages both use these."""

from grids.models import Community
from grids.permissions import can_manage_community, is_admin, is_cadre, lives_or_works_in
from residents.models import User


def can_manage_rewards(user: User, community: Community) -> bool:
    """Rewards, redemptions and points corrections: the community's cadres."""
    return user.is_authenticated and can_manage_community(user, community)


def in_community(user: User, community_id: int) -> bool:
    """Lives in (a member of a grid of) the community, or serves it."""
    return lives_or_works_in(user, community_id) or is_cadre(user, community_id) or is_admin(user)
