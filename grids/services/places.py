"""Business actions on places, memberships and roles.

Every page, API view, admin action and management command goes through these.
Each runs in one transaction, checks the actor's scope through
`grids.permissions`, and tells the people concerned after commit.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import access_log_record
from grids import permissions
from grids.errors import (
    JoinCodeInvalid,
    MembershipClosed,
    MicroGridInvalid,
    OutOfScope,
    RoleInvalid,
)
from grids.events import board_access_check_on_commit
from grids.models import (
    JOIN_CODE_ALPHABET,
    Community,
    Grid,
    Membership,
    MicroGrid,
    Role,
    RoleGrant,
    new_join_code,
)
from residents.events import user_event_send_on_commit
from residents.models import User


def normalize_join_code(code: str) -> str:
    """Codes are read aloud and typed by elders: ignore case, spaces and dashes."""
    return "".join(ch for ch in (code or "").upper() if ch in JOIN_CODE_ALPHABET)


@transaction.atomic
def grid_join(*, user: User, code: str, micro_grid_id: int, unit: str = "") -> Membership:
    """Make `user` a member of the grid whose join code is `code`, in building `micro_grid_id`.

    A resident has one home grid: joining another closes the current
    membership (reason "moved"). Joining the same building again changes
    nothing.
    """
    grid = Grid.objects.filter(join_code=normalize_join_code(code)).first()
    if grid is None:
        raise JoinCodeInvalid()
    micro_grid = MicroGrid.objects.filter(pk=micro_grid_id, grid=grid).first()
    if micro_grid is None:
        raise MicroGridInvalid()
    # Serialise joins of one user: the row lock makes "close old, open new" atomic.
    User.objects.select_for_update().filter(pk=user.pk).get()
    current = Membership.objects.filter(user=user, left_at__isnull=True).first()
    unit = unit.strip()
    if current is not None and current.micro_grid_id == micro_grid.pk:
        if unit and unit != current.unit:
            current.unit = unit
            current.save(update_fields=["unit"])
        return current
    now = timezone.now()
    if current is not None:
        current.left_at = now
        current.left_reason = Membership.LeftReason.MOVED
        current.save(update_fields=["left_at", "left_reason"])
        if current.grid_id != grid.pk:
            board_access_check_on_commit(grid_id=current.grid_id, user_id=user.pk)
    membership = Membership.objects.create(
        user=user, grid=grid, micro_grid=micro_grid, unit=unit, joined_at=now
    )
    user_event_send_on_commit(
        user_id=user.pk,
        event={"type": "membership.joined", "grid": grid.pk, "micro_grid": micro_grid.pk},
    )
    return membership


def _managed_membership(*, actor: User, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("grid")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise OutOfScope()
    permissions.require_manage_grid(actor, membership.grid)
    if membership.left_at is not None:
        raise MembershipClosed()
    return membership


@transaction.atomic
def membership_verify(*, actor: User, membership_id: int) -> Membership:
    """A grid worker confirms, after checking the address, that the resident lives there."""
    membership = _managed_membership(actor=actor, membership_id=membership_id)
    if membership.verified_at is None:
        membership.verified_at = timezone.now()
        membership.verified_by = actor
        membership.save(update_fields=["verified_at", "verified_by"])
        access_log_record(
            actor=actor,
            action="membership.verified",
            subject=membership.user,
            scope=f"grid:{membership.grid_id}",
        )
        user_event_send_on_commit(
            user_id=membership.user_id,
            event={"type": "membership.verified", "grid": membership.grid_id},
        )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership_id: int, reason: str = "") -> Membership:
    """Grid staff remove someone who does not live here (moved away, wrong building)."""
    membership = _managed_membership(actor=actor, membership_id=membership_id)
    membership.left_at = timezone.now()
    membership.left_reason = Membership.LeftReason.REMOVED
    membership.removed_by = actor
    membership.save(update_fields=["left_at", "left_reason", "removed_by"])
    board_access_check_on_commit(grid_id=membership.grid_id, user_id=membership.user_id)
    access_log_record(
        actor=actor,
        action="membership.removed",
        subject=membership.user,
        scope=f"grid:{membership.grid_id}",
        detail={"reason": reason.strip()[:200]},
    )
    user_event_send_on_commit(
        user_id=membership.user_id,
        event={"type": "membership.removed", "grid": membership.grid_id},
    )
    return membership


@transaction.atomic
def grid_join_code_rotate(*, actor: User, grid_id: int) -> Grid:
    """Replace a grid's join code (a poster was photographed and shared too widely)."""
    grid = permissions.require_manage_grid(
        actor, Grid.objects.select_for_update().filter(pk=grid_id).first()
    )
    grid.join_code = new_join_code()
    grid.join_code_rotated_at = timezone.now()
    grid.save(update_fields=["join_code", "join_code_rotated_at"])
    return grid


@transaction.atomic
def role_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    community: Community,
    grid: Grid | None = None,
    micro_grid: MicroGrid | None = None,
) -> None:
    """Give `user` a role in `community`. Only its cadres and admins may (actor None: a
    management command run by an operator).

    Cadre and volunteer are community-wide; a grid worker needs `grid`, a building
    head needs `micro_grid`, both inside `community`.
    """
    if actor is not None:
        permissions.require_grant_roles(actor, community)
    if role in RoleGrant.COMMUNITY_ROLES:
        RoleGrant.objects.get_or_create(
            user=user,
            role=role,
            community=community,
            revoked_at__isnull=True,
            defaults={"granted_by": actor},
        )
        scope = f"community:{community.pk}"
    elif role == Role.GRID_WORKER:
        if grid is None or grid.community_id != community.pk:
            raise RoleInvalid(_("Choose a grid of this community for the grid worker."))
        Grid.objects.filter(pk=grid.pk).update(grid_worker=user)
        grid.grid_worker = user
        scope = f"grid:{grid.pk}"
    elif role == Role.BUILDING_HEAD:
        if micro_grid is None or micro_grid.grid.community_id != community.pk:
            raise RoleInvalid(_("Choose a building of this community for the building head."))
        MicroGrid.objects.filter(pk=micro_grid.pk).update(building_head=user)
        micro_grid.building_head = user
        scope = f"micro_grid:{micro_grid.pk}"
    else:
        raise RoleInvalid(_("This role cannot be granted."))
    if actor is not None:
        access_log_record(
            actor=actor, action="role.granted", subject=user, scope=scope, detail={"role": role}
        )
    user_event_send_on_commit(user_id=user.pk, event={"type": "role.granted", "role": role})


@transaction.atomic
def role_revoke(
    *,
    actor: User,
    user: User,
    role: str,
    community: Community,
    grid: Grid | None = None,
    micro_grid: MicroGrid | None = None,
) -> None:
    permissions.require_grant_roles(actor, community)
    now = timezone.now()
    if role in RoleGrant.COMMUNITY_ROLES:
        RoleGrant.objects.filter(
            user=user, role=role, community=community, revoked_at__isnull=True
        ).update(revoked_at=now, revoked_by=actor)
        scope = f"community:{community.pk}"
    elif role == Role.GRID_WORKER and grid is not None and grid.community_id == community.pk:
        Grid.objects.filter(pk=grid.pk, grid_worker=user).update(grid_worker=None)
        scope = f"grid:{grid.pk}"
    elif (
        role == Role.BUILDING_HEAD
        and micro_grid is not None
        and micro_grid.grid.community_id == community.pk
    ):
        MicroGrid.objects.filter(pk=micro_grid.pk, building_head=user).update(building_head=None)
        scope = f"micro_grid:{micro_grid.pk}"
    else:
        raise RoleInvalid(_("This role cannot be removed here."))
    access_log_record(
        actor=actor, action="role.revoked", subject=user, scope=scope, detail={"role": role}
    )


def members_listed(*, actor: User, grid: Grid, count: int, page: str = "") -> None:
    """Staff were shown a page of the grid's members with phones and rooms: the look is
    written to the access log (pages and API alike)."""
    detail: dict[str, int | str] = {"count": count}
    if page:
        detail["page"] = page
    access_log_record(actor=actor, action="members.listed", scope=f"grid:{grid.pk}", detail=detail)
