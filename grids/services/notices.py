"""Cadre notices (通知): publish to a community or chosen grids, pin, read receipts.

A notice becomes one post per targeted grid, so it sits in each board's feed
and live stream; members also get it in their personal stream.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import access_log_record
from grids import events, permissions
from grids.errors import NoticeInvalid, NoticePermanent, NoticeSuperseded, OutOfScope
from grids.models import (
    Community,
    ContentState,
    Grid,
    Membership,
    Notice,
    NoticeRead,
    Post,
    PostKind,
)
from grids.selectors.board import notice_grids, notice_unread_members
from grids.selectors.places import grid_members_group
from grids.services.posts import post_payload
from residents.events import users_event_send_on_commit
from residents.models import User


def _target_grids(community: Community, grid_ids: list[int]) -> list[Grid]:
    grids = Grid.objects.filter(community=community)
    if grid_ids:
        grids = grids.filter(pk__in=set(grid_ids))
        found = list(grids.order_by("id"))
        if len(found) != len(set(grid_ids)):
            raise NoticeInvalid(_("Choose grids of this community only."))
        return found
    return list(grids.order_by("id"))


@transaction.atomic
def notice_publish(
    *,
    actor: User,
    community: Community,
    title: str,
    body: str,
    category: str = Notice.Category.GENERAL,
    grid_ids: list[int] | None = None,
    pinned_until: datetime | None = None,
    supersedes: Notice | None = None,
) -> Notice:
    """Publish a notice to the whole community (no `grid_ids`) or to chosen grids."""
    permissions.require_publish_notice(actor, community)
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise NoticeInvalid(_("A notice needs a title and a text."))
    if category not in Notice.Category.values:
        raise NoticeInvalid(_("Choose a notice category."))
    if pinned_until is not None and pinned_until <= timezone.now():
        raise NoticeInvalid(_("The pin must end in the future."))
    grids = _target_grids(community, list(grid_ids or []))
    if not grids:
        raise NoticeInvalid(_("This community has no grids yet."))
    notice = Notice.objects.create(
        community=community,
        author=actor,
        category=category,
        title=title,
        body=body,
        all_grids=not grid_ids,
        pinned_until=pinned_until,
    )
    if grid_ids:
        notice.grids.set(grids)
    posts = Post.objects.bulk_create(
        Post(
            grid=grid,
            author=actor,
            author_role=permissions.badge_for(actor, grid),
            kind=PostKind.NOTICE,
            body=title,
            notice=notice,
        )
        for grid in grids
    )
    if supersedes is not None:
        supersedes.superseded_by = notice
        supersedes.save(update_fields=["superseded_by"])
    members = Membership.objects.filter(grid__in=grids, left_at__isnull=True).values_list(
        "user_id", flat=True
    )
    users_event_send_on_commit(
        user_ids=list(members),
        event={
            "type": "notice.for_me",
            "notice_id": notice.pk,
            "title": title,
            "category": category,
        },
        nudge_groups=[grid_members_group(g.pk) for g in grids],
    )
    old_posts = (
        {p.grid_id: p.pk for p in supersedes.posts.filter(state=ContentState.VISIBLE)}
        if supersedes is not None
        else {}
    )
    # Payloads first, then the events in a tight loop: each event locks its grid's row
    # until commit, in grid id order, so two cadres publishing never deadlock and the
    # boards are held no longer than needed.
    payloads = [
        (
            grid.pk,
            post_payload(post.pk),
            old_posts.get(grid.pk) and post_payload(old_posts[grid.pk]),
        )
        for grid, post in zip(grids, posts, strict=True)
    ]
    for grid_id, published, superseded in payloads:
        events.board_event_emit(grid_id=grid_id, type=events.NOTICE_PUBLISHED, payload=published)
        if superseded:
            events.board_event_emit(grid_id=grid_id, type=events.NOTICE_UPDATED, payload=superseded)
    return notice


def _locked_notice(actor: User, notice_id: int) -> Notice:
    notice = (
        Notice.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        raise OutOfScope()
    permissions.require_publish_notice(actor, notice.community)
    return notice


def _notice_changed(notice: Notice, *, removed: bool = False) -> None:
    """Tell each board its copy changed. Copies already off a board say nothing more."""
    for post in notice.posts.order_by("grid_id"):
        if post.state != ContentState.VISIBLE and not removed:
            continue
        if removed:
            events.board_events_redact(grid_id=post.grid_id, post_id=post.pk)
            events.board_event_emit(
                grid_id=post.grid_id, type=events.POST_REMOVED, payload={"post_id": post.pk}
            )
        else:
            events.board_event_emit(
                grid_id=post.grid_id, type=events.NOTICE_UPDATED, payload=post_payload(post.pk)
            )


@transaction.atomic
def notice_unpin(*, actor: User, notice_id: int) -> Notice:
    notice = _locked_notice(actor, notice_id)
    if notice.unpinned_at is None and notice.withdrawn_at is None:
        notice.unpinned_at = timezone.now()
        notice.save(update_fields=["unpinned_at"])
        _notice_changed(notice)
    return notice


@transaction.atomic
def notice_withdraw(*, actor: User, notice_id: int) -> Notice:
    """Take a general notice off the boards. Affairs disclosures refuse (superseded only)."""
    notice = _locked_notice(actor, notice_id)
    if notice.category == Notice.Category.AFFAIRS:
        raise NoticePermanent()
    if notice.withdrawn_at is None:
        notice.withdrawn_at = timezone.now()
        notice.save(update_fields=["withdrawn_at"])
        notice.posts.update(state=ContentState.HIDDEN)
        _notice_changed(notice, removed=True)
    return notice


@transaction.atomic
def notice_supersede(
    *,
    actor: User,
    notice_id: int,
    title: str,
    body: str,
    pinned_until: datetime | None = None,
) -> Notice:
    """Publish a corrected version to the same grids; the old one points to it."""
    old = _locked_notice(actor, notice_id)
    if old.superseded_by_id is not None:
        raise NoticeSuperseded()
    if old.withdrawn_at is not None:
        raise OutOfScope()
    grid_ids = [] if old.all_grids else list(old.grids.values_list("pk", flat=True))
    return notice_publish(
        actor=actor,
        community=old.community,
        title=title,
        body=body,
        category=old.category,
        grid_ids=grid_ids,
        pinned_until=pinned_until,
        supersedes=old,
    )


@transaction.atomic
def notice_read_mark(*, actor: User, notice_id: int) -> NoticeRead | None:
    """Opening a notice marks it read, once. Staff reading do not count towards a grid."""
    notice = permissions.require_read_notice(
        actor, Notice.objects.select_related("community").filter(pk=notice_id).first()
    )
    home = (
        Membership.objects.filter(user=actor, left_at__isnull=True)
        .values_list("grid_id", flat=True)
        .first()
    )
    if home is None or not permissions.notice_targets_user_grid(actor, notice):
        return None
    read, _created = NoticeRead.objects.get_or_create(
        notice=notice, user=actor, defaults={"grid_id": home}
    )
    return read


def notice_unread_list(*, actor: User, notice: Notice, grid: Grid) -> list[Membership]:
    """The grid's members who have not opened the notice, with their contact details, for
    the grid's staff (the doors to knock on). Every look is written to the access log."""
    if grid not in notice_grids(notice):
        raise OutOfScope()
    permissions.require_manage_grid(actor, grid)
    access_log_record(
        actor=actor,
        action="notice.unread_members",
        scope=f"grid:{grid.pk}",
        detail={"notice": notice.pk},
    )
    return notice_unread_members(notice=notice, grid_id=grid.pk)
