"""Reads about places and people, written once with the right joins and indexes."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Subquery

from grids import permissions
from grids.models import Community, Grid, Membership, MicroGrid, Role, RoleGrant
from grids.selectors.rows import Columns, Sql, fetch, reader
from grids.services.places import normalize_join_code
from residents.models import User


def grid_by_join_code(code: str) -> Grid | None:
    """The grid a scanned QR code points at, with its buildings (unique index on join_code)."""
    return (
        Grid.objects.select_related("community")
        .prefetch_related(Prefetch("micro_grids", queryset=MicroGrid.objects.order_by("id")))
        .filter(join_code=normalize_join_code(code))
        .first()
    )


def home_membership(user: User) -> Membership | None:
    """The user's open membership (partial unique index membership_one_home_grid)."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("grid__community", "grid__grid_worker", "micro_grid")
        .filter(user=user, left_at__isnull=True)
        .first()
    )


def membership_history(user: User) -> list[Membership]:
    return list(
        Membership.objects.select_related("grid__community", "micro_grid")
        .filter(user=user)
        .order_by("-joined_at", "-id")
    )


@dataclass(frozen=True)
class RoleHeld:
    role: str
    label: str
    scope: str  # "community" | "grid" | "micro_grid"
    scope_id: int
    scope_name: str


def roles_of(user: User) -> list[RoleHeld]:
    """Every role the user holds now, with where: three small indexed queries."""
    if not user.is_authenticated:
        return []
    held: list[RoleHeld] = []
    labels = dict(Role.choices)
    for grant in RoleGrant.objects.select_related("community").filter(
        user=user, revoked_at__isnull=True
    ):
        held.append(
            RoleHeld(
                grant.role,
                str(labels[grant.role]),
                "community",
                grant.community_id,
                grant.community.name,
            )
        )
    for grid in Grid.objects.select_related("community").filter(grid_worker=user):
        held.append(
            RoleHeld(Role.GRID_WORKER, str(labels[Role.GRID_WORKER]), "grid", grid.pk, str(grid))
        )
    for micro in MicroGrid.objects.select_related("grid").filter(building_head=user):
        held.append(
            RoleHeld(
                Role.BUILDING_HEAD,
                str(labels[Role.BUILDING_HEAD]),
                "micro_grid",
                micro.pk,
                str(micro),
            )
        )
    return held


def grids_managed_by(user: User) -> QuerySet[Grid]:
    """Grids whose staff the user is: as grid worker, or as cadre of the community."""
    qs = Grid.objects.select_related("community", "grid_worker").annotate(
        member_count=Count("memberships", filter=Q(memberships__left_at__isnull=True))
    )
    if permissions.is_admin(user):
        return qs.order_by("community_id", "number")
    cadre_of = RoleGrant.objects.filter(user=user, role=Role.CADRE, revoked_at__isnull=True).values(
        "community_id"
    )
    return qs.filter(Q(grid_worker=user) | Q(community_id__in=cadre_of)).order_by(
        "community_id", "number"
    )


def grids_visible_to(user: User) -> QuerySet[Grid]:
    """The home grid plus every grid the user serves."""
    managed = grids_managed_by(user).values("pk")
    home = Membership.objects.filter(user=user, left_at__isnull=True).values("grid_id")
    return (
        Grid.objects.select_related("community", "grid_worker")
        .filter(Q(pk__in=managed) | Q(pk__in=home))
        .order_by("community_id", "number")
    )


def grid_members(*, grid: Grid) -> QuerySet[Membership]:
    """Open memberships of a grid, newest first (index membership_active_grid_idx)."""
    return (
        Membership.objects.select_related("user", "micro_grid", "micro_grid__building_head")
        .filter(grid=grid, left_at__isnull=True)
        .order_by("-joined_at", "-id")
    )


def communities_managed_by(user: User) -> QuerySet[Community]:
    if permissions.is_admin(user):
        return Community.objects.all()
    return Community.objects.filter(
        role_grants__user=user, role_grants__role=Role.CADRE, role_grants__revoked_at__isnull=True
    ).distinct()


def me_summary(user: User) -> dict:
    """Everything `GET /api/v1/me/` and the 我的 page show about the user to themselves."""
    history = membership_history(user)
    home = next((m for m in history if m.left_at is None), None)
    return {"account": user, "home": home, "history": history, "roles": roles_of(user)}


def grid_members_group(grid_id: int) -> str:
    """Where the personal streams of a grid's members listen for shared nudges."""
    return f"grid-{int(grid_id)}-members"


def me_stream_groups(user: User) -> list[str]:
    """The ME_STREAM_GROUPS hook: a member's personal stream hears their grid's nudges."""
    grid_id = (
        Membership.objects.filter(user=user, left_at__isnull=True)
        .values_list("grid_id", flat=True)
        .first()
    )
    return [grid_members_group(grid_id)] if grid_id else []


def grid_from_param(value: str) -> Grid | None:
    """The grid a query parameter names; anything but a plain id names none."""
    if not (value.isascii() and value.isdecimal()) or len(value) > 18:
        return None
    return Grid.objects.select_related("community").filter(pk=int(value)).first()


def grid_by_id(grid_id: int) -> Grid | None:
    return Grid.objects.select_related("community").filter(pk=grid_id).first()


def grid_with_worker(grid_id: int) -> Grid | None:
    """A grid with its community and grid worker, as its pages and API show it."""
    return Grid.objects.select_related("community", "grid_worker").filter(pk=grid_id).first()


_GRID = Columns(Grid, "g")
_GRID_FOR_VIEWER_SQL = Sql(
    """
    SELECT {GRID}, EXISTS (
        SELECT 1 FROM {membership} m
        WHERE m.grid_id = g.id AND m.user_id = %s AND m.left_at IS NULL
    )
    FROM {grid} g WHERE g.id = %s
""",
    GRID=_GRID,
    membership=Membership,
    grid=Grid,
)


def grid_for_reader(grid_id: int, viewer: User) -> Grid | None:
    """The grid, read with whether the viewer is one of its members, so that reading its
    board costs one query less (`permissions.is_member` uses the answer). For reads only:
    a service checks membership again inside its own transaction."""
    db = reader(Grid)
    found = fetch(db, _GRID_FOR_VIEWER_SQL.text(db), [viewer.pk, grid_id], [_GRID], prepared=True)
    if not found:
        return None
    grid, member = found[0]
    grid.membership_of = (viewer.pk, bool(member))
    return grid


def community_by_id(community_id: int) -> Community | None:
    return Community.objects.filter(pk=community_id).first()


def grids_of(communities) -> QuerySet[Grid]:
    """The grids of these communities, in community and number order."""
    return (
        Grid.objects.filter(community__in=communities)
        .select_related("community")
        .order_by("community_id", "number")
    )


def volunteers_appointed(community: Community) -> QuerySet[RoleGrant]:
    """The community's volunteers and volunteer leads, for its cadres."""
    return (
        RoleGrant.objects.filter(
            community=community,
            role__in=[Role.VOLUNTEER, Role.VOLUNTEER_LEAD],
            revoked_at__isnull=True,
        )
        .select_related("user")
        .order_by("role", "user__display_name")
    )


def appointed_by_id(community: Community, grant_id: int) -> RoleGrant | None:
    return volunteers_appointed(community).filter(pk=grant_id).first()


def resident_by_phone(community: Community, phone: str) -> User | None:
    """A resident living in the community with this (normalised) phone number."""
    return User.objects.filter(
        phone=phone,
        pk__in=Membership.objects.filter(grid__community=community, left_at__isnull=True).values(
            "user_id"
        ),
    ).first()


def community_of(user: User) -> Community | None:
    """The community a resident lives in (their active grid's), or else one they serve."""
    home = Membership.objects.filter(user=user, left_at__isnull=True).values("grid_id")[:1]
    found = Community.objects.filter(grids__pk__in=Subquery(home)).first()
    if found is not None:
        return found
    served = Grid.objects.filter(grid_worker=user).values("community_id")[:1]
    grant = RoleGrant.objects.filter(user=user, revoked_at__isnull=True).values("community_id")
    return Community.objects.filter(Q(pk__in=Subquery(served)) | Q(pk__in=grant[:1])).first()
