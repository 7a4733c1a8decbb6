"""Family help once agreed: ending it, acting under it, what was done, and the residents
with no phone whom their grid worker helps."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.services import access_log_record
from family import permissions
from family.errors import AlreadyHelping, GrantEnded, NameInvalid, RequestNotFound
from family.events import family_event_emit
from family.models import AssistedResident, ProxyAction, ProxyGrant, ProxyRequest, Via
from grids.errors import OutOfScope
from grids.models import Grid, Membership, MicroGrid
from residents.models import User

# The ITU's reserved country code: no real line has it (see AssistedResident).
PLACEHOLDER_PREFIX = "+999"


def grant_create(
    *,
    request: ProxyRequest | None,
    principal: User,
    agent: User,
    via: str,
    approved_by: User | None,
) -> ProxyGrant:
    existing = ProxyGrant.objects.filter(
        principal=principal, agent=agent, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            grant = ProxyGrant.objects.create(
                principal=principal, agent=agent, via=via, request=request, approved_by=approved_by
            )
    except IntegrityError:
        raise AlreadyHelping() from None
    family_event_emit(
        user_id=principal.pk,
        event={"type": "family.granted", "grant_id": grant.pk, "by": agent.display_name},
    )
    return grant


@transaction.atomic
def proxy_grant_revoke(*, actor: User, grant_id: int) -> ProxyGrant:
    """End family help: the resident, the helper giving it up, or a cadre of the resident's
    community. Acting ends at the helper's next request (the middleware checks each time)."""
    grant = (
        ProxyGrant.objects.select_for_update(of=("self",))
        .select_related("principal")
        .filter(pk=grant_id)
        .first()
    )
    if grant is None or not permissions.can_end_grant(
        actor, principal_id=grant.principal_id, agent_id=grant.agent_id, principal=grant.principal
    ):
        raise RequestNotFound()
    if grant.revoked_at is not None:
        raise GrantEnded()
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    if actor.pk not in (grant.principal_id, grant.agent_id):
        access_log_record(
            actor=actor,
            action="family.grant_revoked",
            subject=grant.principal,
            detail={"grant": grant.pk},
        )
    if actor.pk != grant.principal_id:
        family_event_emit(
            user_id=grant.principal_id,
            event={"type": "family.revoked", "grant_id": grant.pk, "by": actor.display_name},
        )
    return grant


def acting_grant(*, agent: User, grant_id: int) -> ProxyGrant:
    """The active grant `agent` may act under, or a refusal (for starting to act)."""
    grant = (
        ProxyGrant.objects.select_related("principal")
        .filter(pk=grant_id, agent=agent, revoked_at__isnull=True, principal__is_active=True)
        .first()
    )
    if grant is None:
        raise RequestNotFound()
    return grant


@transaction.atomic
def proxy_action_record(
    *,
    grant: ProxyGrant,
    label: str,
    object_type: str = "",
    object_id: int | None = None,
    path: str = "",
) -> ProxyAction:
    """Write down one thing done in the resident's name, and tell the resident."""
    action = ProxyAction.objects.create(
        grant=grant,
        principal_id=grant.principal_id,
        agent_id=grant.agent_id,
        label=label[:120],
        object_type=object_type[:40],
        object_id=object_id,
        path=path[:200],
    )
    family_event_emit(
        user_id=grant.principal_id,
        event={
            "type": "family.acted",
            "grant_id": grant.pk,
            "action_id": action.pk,
            "by": grant.agent.display_name,
            "label": action.label,
        },
    )
    return action


def _placeholder_phone() -> str:
    while True:
        phone = f"{PLACEHOLDER_PREFIX}{secrets.randbelow(10**11):011d}"
        if not User.objects.filter(phone=phone).exists():
            return phone


@transaction.atomic
def assisted_resident_register(
    *, actor: User, grid_id: int, micro_grid_id: int, name: str
) -> ProxyGrant:
    """A grid worker registers a resident of their grid who has no phone, and helps them.

    The account gets a +999 placeholder number (see AssistedResident) and an unusable
    password: nobody signs in as them. The grid worker's role is the check: the grant is
    theirs at once, and the community's cadres can see and end it."""
    name = (name or "").strip()
    if not name or len(name) > 30:
        raise NameInvalid()
    grid = Grid.objects.filter(pk=grid_id).first()
    if grid is None or not (actor.is_superuser or grid.grid_worker_id == actor.pk):
        raise OutOfScope()
    micro_grid = MicroGrid.objects.filter(pk=micro_grid_id, grid=grid).first()
    if micro_grid is None:
        raise OutOfScope()
    user = User.objects.create_user(phone=_placeholder_phone(), display_name=name)
    AssistedResident.objects.create(user=user, registered_by=actor)
    Membership.objects.create(
        user=user, grid=grid, micro_grid=micro_grid, verified_at=timezone.now(), verified_by=actor
    )
    access_log_record(
        actor=actor, action="family.assisted_registered", subject=user, scope=f"grid:{grid.pk}"
    )
    return grant_create(
        request=None, principal=user, agent=actor, via=Via.STAFF_HELD, approved_by=actor
    )
