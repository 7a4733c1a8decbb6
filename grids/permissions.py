"""Who may do what, scoped to a community, grid or building. API and pages both use these.

Rules:
- an admin (superuser) may do everything;
- a cadre manages every grid of their community, and grants roles there;
- a grid worker manages their own grid (members, verification, join code);
- a member reads their own grid; a resident sees neighbours' phone numbers
  only as 138****1234 and never their unit.
"""

from django.utils.translation import gettext as _

from grids.errors import NotAllowed, NotFound, OutOfScope
from grids.models import (
    Comment,
    Community,
    ContentState,
    Grid,
    Membership,
    Notice,
    Post,
    Role,
    RoleGrant,
)
from residents.models import User


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def is_cadre(user: User, community_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return RoleGrant.objects.filter(
        user=user, role=Role.CADRE, community_id=community_id, revoked_at__isnull=True
    ).exists()


def is_grid_worker(user: User, grid: Grid) -> bool:
    return user.is_authenticated and grid.grid_worker_id == user.pk


def is_member(user: User, grid: Grid) -> bool:
    if not user.is_authenticated:
        return False
    # Read with the grid (selectors.places.grid_for_reader)?
    known = getattr(grid, "membership_of", None)
    if known is not None and known[0] == user.pk:
        return known[1]
    return Membership.objects.filter(user=user, grid=grid, left_at__isnull=True).exists()


def can_manage_community(user: User, community: Community) -> bool:
    return is_admin(user) or is_cadre(user, community.pk)


def can_manage_grid(user: User, grid: Grid) -> bool:
    """Grid staff: its grid worker, its community's cadres, admins."""
    return is_admin(user) or is_grid_worker(user, grid) or is_cadre(user, grid.community_id)


def can_view_grid(user: User, grid: Grid) -> bool:
    """Staff or member. Members are asked about before cadres: most readers of a board
    are its members, and each check is a query."""
    return (
        is_admin(user)
        or is_grid_worker(user, grid)
        or is_member(user, grid)
        or is_cadre(user, grid.community_id)
    )


def can_grant_roles(user: User, community: Community) -> bool:
    return can_manage_community(user, community)


def require_manage_grid(user: User, grid: Grid | None) -> Grid:
    """Grid staff pass. A member of the grid is told no (403); anyone else cannot
    tell the grid from one that does not exist (404), so ids cannot be probed."""
    if grid is not None and can_manage_grid(user, grid):
        return grid
    if grid is not None and is_member(user, grid):
        raise NotAllowed(_("Only this grid's grid worker and community cadres can do this."))
    raise OutOfScope()


def lives_or_works_in(user: User, community_id: int) -> bool:
    """A resident of one of its grids, or one of its grid workers: someone who may know the
    community exists, and is told no (403) rather than that it does not (404)."""
    return (
        Membership.objects.filter(
            user=user, grid__community_id=community_id, left_at__isnull=True
        ).exists()
        or Grid.objects.filter(community_id=community_id, grid_worker=user).exists()
    )


def require_grant_roles(user: User, community: Community | None) -> Community:
    if community is not None and can_grant_roles(user, community):
        return community
    if community is not None and lives_or_works_in(user, community.pk):
        raise NotAllowed(_("Only the community's cadres can appoint roles."))
    raise OutOfScope()


def require_view_grid(user: User, grid: Grid | None) -> Grid:
    """Members and staff of a grid read and write its board; to anyone else it does not exist."""
    if grid is not None and can_view_grid(user, grid):
        return grid
    raise OutOfScope()


def require_read_post(user: User, post: Post | None) -> Post:
    """A post is readable on its grid's board; hidden ones only by its author and grid staff,
    deleted ones by nobody."""
    if post is None or post.state == ContentState.DELETED:
        raise OutOfScope()
    if post.state == ContentState.HIDDEN and post.author_id != user.pk:
        # Grid staff only: they read the grid's board too, so that is not asked again.
        if can_manage_grid(user, post.grid):
            return post
        raise OutOfScope()
    require_view_grid(user, post.grid)
    return post


def require_author(user: User, item: Post | Comment) -> None:
    if item.author_id != user.pk:
        raise NotAllowed(_("Only its author can change or delete this."))


def can_publish_notice(user: User, community: Community) -> bool:
    return can_manage_community(user, community)


def require_publish_notice(user: User, community: Community | None) -> Community:
    if community is not None and can_publish_notice(user, community):
        return community
    if community is not None and lives_or_works_in(user, community.pk):
        raise NotAllowed(_("Only the community's cadres can publish notices."))
    raise OutOfScope()


def notice_targets_user_grid(user: User, notice: Notice) -> bool:
    home = (
        Membership.objects.filter(user=user, left_at__isnull=True)
        .values_list("grid_id", flat=True)
        .first()
    )
    if home is None:
        return False
    if notice.all_grids:
        return Grid.objects.filter(pk=home, community_id=notice.community_id).exists()
    return notice.grids.filter(pk=home).exists()


def require_read_notice(user: User, notice: Notice | None) -> Notice:
    """Residents of a targeted grid, the community's staff and grid workers read a notice."""
    if notice is None:
        raise OutOfScope()
    if can_manage_community(user, notice.community):
        return notice
    if notice.withdrawn_at is not None:
        raise OutOfScope()  # withdrawn: gone for residents, kept for the record
    if notice_targets_user_grid(user, notice):
        return notice
    served = Grid.objects.filter(grid_worker=user, community_id=notice.community_id)
    if not notice.all_grids:
        served = served.filter(pk__in=notice.grids.values("pk"))
    if user.is_authenticated and served.exists():
        return notice
    raise OutOfScope()


def badge_for(user: User, grid: Grid) -> str:
    """The role shown beside a name on this grid's board (网格员, 社区干部, 楼长)."""
    if is_grid_worker(user, grid):
        return Role.GRID_WORKER
    if is_cadre(user, grid.community_id):
        return Role.CADRE
    if Membership.objects.filter(
        user=user, grid=grid, left_at__isnull=True, micro_grid__building_head=user
    ).exists():
        return Role.BUILDING_HEAD
    return ""


def require_community(community: Community | None) -> Community:
    """A community named by id in a request: it exists, or the caller hears so (404)."""
    if community is None:
        raise NotFound(_("No such community."))
    return community
