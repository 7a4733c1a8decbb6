"""Keeping a board civil: reports (flags), review by grid staff, mutes.

Enough distinct reports hide a post or comment at once, pending review; the
grid worker or a cadre then hides it for good, restores it, or warns the
author. Every decision is written to ModerationAction.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grids import events, permissions
from grids.errors import FlagDuplicate, FlagInvalid, OutOfScope
from grids.models import Comment, ContentState, Flag, ModerationAction, Mute, Post, PostKind
from grids.services.posts import comment_removed, locked_post, post_payload
from residents.events import user_event_send_on_commit
from residents.models import User

Action = ModerationAction.Action


def _target(post_id: int, comment_id: int | None) -> tuple[Post, Comment | None]:
    post = locked_post(post_id)
    comment = None
    if comment_id is not None:
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .filter(pk=comment_id, post=post)
            .exclude(state=ContentState.DELETED)
            .first()
        )
        if comment is None:
            raise OutOfScope()
    return post, comment


def _hide(post: Post, comment: Comment | None) -> None:
    item = comment or post
    item.state = ContentState.HIDDEN
    item.save(update_fields=["state"])
    if comment is not None:
        comment_removed(post=post, comment_id=comment.pk)
    else:
        events.board_events_redact(grid_id=post.grid_id, post_id=post.pk)
        events.board_event_emit(
            grid_id=post.grid_id, type=events.POST_REMOVED, payload={"post_id": post.pk}
        )


@transaction.atomic
def flag_create(
    *, actor: User, post_id: int, comment_id: int | None = None, reason: str, note: str = ""
) -> Flag:
    post, comment = _target(post_id, comment_id)
    permissions.require_read_post(actor, post)
    if post.kind == PostKind.NOTICE and comment is None:
        raise FlagInvalid(_("Notices are the community's to correct: tell your grid worker."))
    item = comment or post
    if item.author_id == actor.pk:
        raise FlagInvalid(_("You cannot report your own words; delete them instead."))
    if reason not in Flag.Reason.values:
        raise FlagInvalid(_("Choose a reason for the report."))
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                post=post, comment=comment, flagger=actor, reason=reason, note=note.strip()[:200]
            )
    except IntegrityError:
        raise FlagDuplicate() from None
    open_flags = Flag.objects.filter(post=post, comment=comment, resolved_at__isnull=True).count()
    item.review_pending = True
    item.save(update_fields=["review_pending"])
    if open_flags >= settings.BOARD_FLAGS_TO_HIDE and item.state == ContentState.VISIBLE:
        ModerationAction.objects.create(
            grid_id=post.grid_id,
            post=post,
            comment=comment,
            actor=None,
            action=Action.AUTO_HIDE,
            reason=_("%(n)d reports") % {"n": open_flags},
        )
        _hide(post, comment)
    return flag


@transaction.atomic
def moderation_decide(
    *, actor: User, post_id: int, comment_id: int | None = None, action: str, reason: str = ""
) -> ModerationAction:
    """Grid staff hide, restore or warn. Open reports on the item are closed."""
    post, comment = _target(post_id, comment_id)
    if post.state == ContentState.DELETED:
        raise OutOfScope()
    permissions.require_manage_grid(actor, post.grid)
    if post.kind == PostKind.NOTICE and comment is None:
        raise FlagInvalid(_("Notices are unpinned or withdrawn by the community's cadres."))
    if action not in (Action.HIDE, Action.RESTORE, Action.WARN):
        raise FlagInvalid(_("Choose hide, restore or warn."))
    item = comment or post
    if action == Action.HIDE and item.state == ContentState.VISIBLE:
        _hide(post, comment)
    elif action == Action.RESTORE and item.state == ContentState.HIDDEN:
        item.state = ContentState.VISIBLE
        item.save(update_fields=["state"])
        if comment is not None:
            count = Comment.objects.filter(post=post, state=ContentState.VISIBLE).count()
            Post.objects.filter(pk=post.pk).update(comment_count=count)
        # The restored post comes back whole; clients insert it if they lack it.
        if post.state == ContentState.VISIBLE:
            events.board_event_emit(
                grid_id=post.grid_id, type=events.POST_UPDATED, payload=post_payload(post.pk)
            )
    elif action == Action.WARN:
        user_event_send_on_commit(
            user_id=item.author_id,
            event={
                "type": "moderation.warned",
                "grid": post.grid_id,
                "post_id": post.pk,
                "reason": reason,
            },
        )
    item.review_pending = False
    item.save(update_fields=["review_pending"])
    Flag.objects.filter(post=post, comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    return ModerationAction.objects.create(
        grid_id=post.grid_id,
        post=post,
        comment=comment,
        actor=actor,
        action=action,
        reason=reason.strip()[:200],
    )


@transaction.atomic
def mute_set(*, actor: User, user_id: int, muted: bool = True) -> None:
    """Hide (or show again) a member's posts and comments in the actor's own feed."""
    if user_id == actor.pk:
        raise FlagInvalid(_("You cannot mute yourself."))
    if not User.objects.filter(pk=user_id).exists():
        raise OutOfScope()
    if muted:
        Mute.objects.get_or_create(muter=actor, muted_id=user_id)
    else:
        Mute.objects.filter(muter=actor, muted_id=user_id).delete()
