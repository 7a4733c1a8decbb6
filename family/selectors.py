"""Reads of family help. Lists are bounded and read in a fixed number of queries."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.services import access_log_record
from family.models import ProxyAction, ProxyGrant, ProxyRequest, Via
from grids.models import Membership, Role, RoleGrant
from residents.models import User

LIST_MAX = 50


def grants_given(user: User) -> QuerySet[ProxyGrant]:
    """Who may act for `user` (active first, then ended), index proxygrant_one_active."""
    return (
        ProxyGrant.objects.filter(principal=user)
        .select_related("agent")
        .order_by("revoked_at", "-id")
    )


def grants_held(user: User) -> QuerySet[ProxyGrant]:
    """For whom `user` may act now (partial index proxygrant_agent_idx)."""
    return ProxyGrant.objects.filter(agent=user, revoked_at__isnull=True).select_related(
        "principal"
    )


def actions_for(user: User) -> QuerySet[ProxyAction]:
    """What others did in `user`'s name, newest first (proxyaction_principal_idx)."""
    return ProxyAction.objects.filter(principal=user).select_related("agent")


def actions_by(user: User) -> QuerySet[ProxyAction]:
    """What `user` did for others, newest first (proxyaction_agent_idx)."""
    return ProxyAction.objects.filter(agent=user).select_related("principal")


def requests_to_me(user: User) -> QuerySet[ProxyRequest]:
    """Open asks to act for `user`, which they may agree to (proxyrequest_pending_idx)."""
    return ProxyRequest.objects.filter(
        principal=user, state=ProxyRequest.State.PENDING, expires_at__gt=timezone.now()
    ).select_related("agent")


def requests_by_me(user: User) -> QuerySet[ProxyRequest]:
    return ProxyRequest.objects.filter(
        agent=user, state=ProxyRequest.State.PENDING, expires_at__gt=timezone.now()
    )


def requests_for_grid_worker(actor: User) -> list[ProxyRequest]:
    """Open asks to act for residents of the grids `actor` serves, to check in person.
    Staff seeing who asks for whom is personal data: the read is logged."""
    rows = list(
        ProxyRequest.objects.filter(
            state=ProxyRequest.State.PENDING,
            expires_at__gt=timezone.now(),
            principal__memberships__left_at__isnull=True,
            principal__memberships__grid__grid_worker=actor,
        ).select_related("agent", "principal")[:LIST_MAX]
    )
    if rows:
        access_log_record(
            actor=actor,
            action="family.requests_listed",
            scope="grids_served",
            detail={"requests": [r.pk for r in rows]},
        )
    return rows


def staff_held_grants_for(actor: User) -> list[ProxyGrant]:
    """Family help held by grid workers for residents with no phone: the grid worker sees
    their own, a cadre those of their communities (and may end them). Logged."""
    communities = RoleGrant.objects.filter(
        user=actor, role=Role.CADRE, revoked_at__isnull=True
    ).values("community_id")
    principals = Membership.objects.filter(
        left_at__isnull=True, grid__community_id__in=communities
    ).values("user_id")
    query = ProxyGrant.objects.filter(via=Via.STAFF_HELD, revoked_at__isnull=True)
    if not actor.is_superuser:
        query = query.filter(Q(agent=actor) | Q(principal_id__in=principals))
    rows = list(query.select_related("agent", "principal")[:LIST_MAX])
    if rows:
        access_log_record(
            actor=actor,
            action="family.staff_grants_listed",
            detail={"grants": [g.pk for g in rows]},
        )
    return rows


def is_staff_for_family(actor: User) -> bool:
    """Serves a grid or is a cadre: sees the staff page."""
    return bool(actor.is_superuser) or (
        actor.is_authenticated
        and (
            actor.grids_served.exists()
            or RoleGrant.objects.filter(
                user=actor, role=Role.CADRE, revoked_at__isnull=True
            ).exists()
        )
    )
