"""Who may confirm, see and end family help. Pages and API call these through the services."""

from grids.models import Membership, Role, RoleGrant
from residents.models import User


def home_grid_of(user: User) -> Membership | None:
    return Membership.objects.select_related("grid").filter(user=user, left_at__isnull=True).first()


def is_grid_worker_of(actor: User, principal: User) -> bool:
    """The grid worker of the grid the resident lives in: the one who can check in person."""
    if not actor.is_authenticated:
        return False
    return Membership.objects.filter(
        user=principal, left_at__isnull=True, grid__grid_worker=actor
    ).exists()


def is_cadre_of(actor: User, principal: User) -> bool:
    if not actor.is_authenticated:
        return False
    communities = Membership.objects.filter(user=principal, left_at__isnull=True).values(
        "grid__community_id"
    )
    return RoleGrant.objects.filter(
        user=actor, role=Role.CADRE, revoked_at__isnull=True, community_id__in=communities
    ).exists()


def can_verify_for(actor: User, principal: User) -> bool:
    """Confirm in person that someone may act for `principal`."""
    return bool(actor.is_superuser) or is_grid_worker_of(actor, principal)


def can_end_grant(actor: User, *, principal_id: int, agent_id: int, principal: User) -> bool:
    """The resident, the helper giving it up, or a cadre of the resident's community."""
    return (
        actor.pk in (principal_id, agent_id)
        or bool(actor.is_superuser)
        or is_cadre_of(actor, principal)
    )
