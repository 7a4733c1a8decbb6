"""Writing on a grid's board: posts, photos, comments, reactions.

Members and the grid's staff write; authors edit and delete their own. Each
action ends with its live event (`grids.events.board_event_emit`), sent after
commit.
"""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.photos import MAX_PHOTOS_PER_POST, PreparedPhoto, photo_files, photo_prepare
from grids import events, permissions
from grids.errors import CommentInvalid, OutOfScope, PostInvalid
from grids.models import (
    Comment,
    ContentState,
    Flag,
    Grid,
    Membership,
    Post,
    PostKind,
    PostPhoto,
    PostReaction,
    Reaction,
)
from grids.selectors.board import post_for_payload
from grids.serializers.board import CommentSerializer, PostSerializer
from residents.events import user_event_send_on_commit
from residents.models import User

# Needs and offers are mutual aid's cards (ref_type set): a bare "need help" post would be
# a request that 互助 does not know, so none is written any more (docs/architecture.md).
WRITABLE_KINDS = (PostKind.CHAT,)


def post_payload(post_id: int) -> dict:
    return {"post": PostSerializer(post_for_payload(post_id)).data}


def _clean_text(text: str, *, limit: int, error: type) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise error(_("Please keep it under %(n)d characters.") % {"n": limit})
    return text


def post_create(
    *,
    actor: User,
    grid: Grid,
    kind: str = PostKind.CHAT,
    body: str = "",
    photos: Sequence = (),
    ref_type: str = "",
    ref_id: int | None = None,
) -> Post:
    """Post on the board of a grid the actor belongs to or serves.

    Photos are checked and re-encoded before the transaction opens (slow work
    holds no locks); files of a post that then fails are deleted again.
    """
    permissions.require_view_grid(actor, grid)
    if kind not in WRITABLE_KINDS and not (kind in (PostKind.NEED, PostKind.OFFER) and ref_type):
        raise PostInvalid(_("Choose what kind of post this is."))
    body = _clean_text(body, limit=Post._meta.get_field("body").max_length, error=PostInvalid)
    if len(photos) > MAX_PHOTOS_PER_POST:
        raise PostInvalid(_("A post can carry at most 9 photos."))
    if not body and not photos and not ref_type:
        raise PostInvalid(_("Write something or add a photo."))
    prepared: list[PreparedPhoto] = [photo_prepare(upload) for upload in photos]
    with photo_files() as files:
        stored = [files.store(p, folder=f"board/{grid.pk}") for p in prepared]
        return _post_insert(
            actor=actor,
            grid=grid,
            kind=kind,
            body=body,
            prepared=prepared,
            stored=stored,
            ref_type=ref_type,
            ref_id=ref_id,
        )


def card_post_create(
    *,
    actor: User,
    grid: Grid,
    kind: str,
    body: str,
    ref_type: str,
    ref_id: int,
    ref_state: str = "",
) -> Post:
    """A card for another app's object (an activity) on a grid's board. The owning app
    has checked that `actor` may publish there (an organiser need not be a member).
    `ref_state`: the object's state already, so the card is born with it (one event)."""
    body = _clean_text(body, limit=Post._meta.get_field("body").max_length, error=PostInvalid)
    return _post_insert(
        actor=actor,
        grid=grid,
        kind=kind,
        body=body,
        prepared=[],
        stored=[],
        ref_type=ref_type,
        ref_id=ref_id,
        ref_state=ref_state,
    )


@transaction.atomic
def _post_insert(
    *, actor, grid, kind, body, prepared, stored, ref_type, ref_id, ref_state=""
) -> Post:
    home = (
        Membership.objects.filter(user=actor, grid=grid, left_at__isnull=True)
        .values_list("micro_grid_id", flat=True)
        .first()
    )
    post = Post.objects.create(
        grid=grid,
        author=actor,
        author_role=permissions.badge_for(actor, grid),
        micro_grid_id=home,
        kind=kind,
        body=body,
        photo_count=len(prepared),
        ref_type=ref_type,
        ref_id=ref_id,
        ref_state=ref_state,
    )
    PostPhoto.objects.bulk_create(
        PostPhoto(post=post, position=i, image=image, thumb=thumb, width=p.width, height=p.height)
        for i, (p, (image, thumb)) in enumerate(zip(prepared, stored, strict=True))
    )
    events.board_event_emit(
        grid_id=grid.pk, type=events.POST_CREATED, payload=post_payload(post.pk)
    )
    return post


def locked_post(post_id: int) -> Post:
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("grid")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise OutOfScope()
    return post


@transaction.atomic
def post_update(*, actor: User, post_id: int, body: str) -> Post:
    post = permissions.require_read_post(actor, locked_post(post_id))
    permissions.require_author(actor, post)
    if post.kind == PostKind.NOTICE:
        raise PostInvalid(_("Change a notice by publishing a new version of it."))
    body = _clean_text(body, limit=Post._meta.get_field("body").max_length, error=PostInvalid)
    if not body and not post.photo_count and not post.ref_type:
        raise PostInvalid(_("Write something or add a photo."))
    post.body = body
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at"])
    payload = post_payload(post.pk)
    # What was said before the edit leaves the replay log too.
    events.board_events_rewrite(grid_id=post.grid_id, post_id=post.pk, payload=payload)
    if post.state == ContentState.VISIBLE:
        events.board_event_emit(grid_id=post.grid_id, type=events.POST_UPDATED, payload=payload)
    return post


@transaction.atomic
def post_delete(*, actor: User, post_id: int) -> None:
    """The author takes their post down. The row stays (moderation history), unseen."""
    post = permissions.require_read_post(actor, locked_post(post_id))
    permissions.require_author(actor, post)
    if post.kind == PostKind.NOTICE:
        raise PostInvalid(_("Withdraw a notice from the notice page."))
    was_visible = post.state == ContentState.VISIBLE
    post.state = ContentState.DELETED
    post.review_pending = False
    post.save(update_fields=["state", "review_pending"])
    Flag.objects.filter(post=post, resolved_at__isnull=True).update(resolved_at=timezone.now())
    events.board_events_redact(grid_id=post.grid_id, post_id=post.pk)
    if was_visible:
        events.board_event_emit(
            grid_id=post.grid_id, type=events.POST_REMOVED, payload={"post_id": post.pk}
        )


@transaction.atomic
def comment_create(
    *, actor: User, post_id: int, body: str, reply_to_id: int | None = None
) -> Comment:
    post = permissions.require_read_post(actor, locked_post(post_id))
    if post.state != ContentState.VISIBLE:
        raise CommentInvalid(_("This post can no longer be commented on."))
    body = _clean_text(body, limit=Comment._meta.get_field("body").max_length, error=CommentInvalid)
    if not body:
        raise CommentInvalid(_("Write something first."))
    reply_to = None
    if reply_to_id is not None:
        reply_to = (
            Comment.objects.select_related("author")
            .filter(pk=reply_to_id, post=post, state=ContentState.VISIBLE)
            .first()
        )
        if reply_to is None:
            raise CommentInvalid(_("The comment you are replying to is no longer there."))
    comment = Comment.objects.create(
        post=post,
        author=actor,
        author_role=permissions.badge_for(actor, post.grid),
        body=body,
        reply_to=reply_to,
    )
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    comment = Comment.objects.select_related("author", "reply_to__author").get(pk=comment.pk)
    data = CommentSerializer(comment).data
    events.board_event_emit(
        grid_id=post.grid_id,
        type=events.COMMENT_CREATED,
        payload={"post_id": post.pk, "comment_count": post.comment_count + 1, "comment": data},
    )
    told = {actor.pk}
    for user_id, why in (
        (post.author_id, "reply.post"),
        (getattr(reply_to, "author_id", None), "reply.comment"),
    ):
        if user_id and user_id not in told:
            told.add(user_id)
            user_event_send_on_commit(
                user_id=user_id,
                event={
                    "type": why,
                    "grid": post.grid_id,
                    "post_id": post.pk,
                    "comment_id": comment.pk,
                    "by": actor.display_name,
                    "excerpt": body[:60],
                },
            )
    return comment


@transaction.atomic
def comment_delete(*, actor: User, comment_id: int) -> None:
    """The author takes a comment back, even under a post since hidden (their words, their
    right). Locks the post, then the comment: the order moderation uses too."""
    post_id = Comment.objects.filter(pk=comment_id).values_list("post_id", flat=True).first()
    if post_id is None:
        raise OutOfScope()
    post = locked_post(post_id)
    comment = (
        Comment.objects.select_for_update(of=("self",)).filter(pk=comment_id, post=post).first()
    )
    if comment is None or comment.state == ContentState.DELETED:
        raise OutOfScope()
    permissions.require_view_grid(actor, post.grid)
    permissions.require_author(actor, comment)
    was_visible = comment.state == ContentState.VISIBLE
    comment.state = ContentState.DELETED
    comment.review_pending = False
    comment.save(update_fields=["state", "review_pending"])
    Flag.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    if was_visible:
        comment_removed(post=post, comment_id=comment.pk)
    else:
        events.board_events_redact(grid_id=post.grid_id, post_id=post.pk, comment_id=comment.pk)


def comment_removed(*, post: Post, comment_id: int) -> None:
    """Shared by authors deleting and moderators hiding: recount, tell the board."""
    events.board_events_redact(grid_id=post.grid_id, post_id=post.pk, comment_id=comment_id)
    count = Comment.objects.filter(post=post, state=ContentState.VISIBLE).count()
    Post.objects.filter(pk=post.pk).update(comment_count=count)
    events.board_event_emit(
        grid_id=post.grid_id,
        type=events.COMMENT_REMOVED,
        payload={"post_id": post.pk, "comment_id": comment_id, "comment_count": count},
    )


@transaction.atomic
def reaction_set(*, actor: User, post_id: int, reaction: str, on: bool = True) -> dict[str, int]:
    """Add or take back a reaction; idempotent. Returns the post's counts."""
    if reaction not in Reaction.values:
        raise PostInvalid(_("Choose one of the offered reactions."))
    post = permissions.require_read_post(actor, locked_post(post_id))
    if post.state != ContentState.VISIBLE:
        raise PostInvalid(_("This post can no longer be reacted to."))
    if on:
        _obj, changed = PostReaction.objects.get_or_create(post=post, user=actor, reaction=reaction)
    else:
        changed = bool(
            PostReaction.objects.filter(post=post, user=actor, reaction=reaction).delete()[0]
        )
    counts = dict(
        PostReaction.objects.filter(post=post)
        .values_list("reaction")
        .annotate(n=Count("id"))
        .values_list("reaction", "n")
    )
    if changed:
        events.board_event_emit(
            grid_id=post.grid_id,
            type=events.REACTION_CHANGED,
            payload={
                "post_id": post.pk,
                "reactions": counts,
                "user_id": actor.pk,
                "reaction": reaction,
                "on": on,
            },
        )
    return counts


@transaction.atomic
def post_ref_attach(*, actor: User, post_id: int, ref_type: str, ref_id: int) -> Post:
    """The author's own bare "need help" post becomes the card of another app's object
    (a mutual-aid need): one object seen on the board and in that app, not two."""
    post = locked_post(post_id)
    if post.author_id != actor.pk or post.kind != PostKind.NEED or post.ref_type:
        raise PostInvalid(_("Only your own request for help can be turned into this."))
    if post.state != ContentState.VISIBLE:
        raise PostInvalid(_("This post is no longer on the board."))
    post.ref_type, post.ref_id = ref_type, ref_id
    post.save(update_fields=["ref_type", "ref_id"])
    events.board_event_emit(
        grid_id=post.grid_id, type=events.POST_UPDATED, payload=post_payload(post.pk)
    )
    return post


@transaction.atomic
def post_ref_state_set(*, ref_type: str, ref_id: int, state: str) -> None:
    """A card's object changed state (a need fulfilled): the cards say so, live.

    Called by the app that owns the object (mutualaid, activities), which has
    already checked who may change it.
    """
    for post in Post.objects.filter(ref_type=ref_type, ref_id=ref_id).order_by("grid_id"):
        if post.ref_state == state:
            continue
        post.ref_state = state
        post.save(update_fields=["ref_state"])
        if post.state == ContentState.VISIBLE:
            events.board_event_emit(
                grid_id=post.grid_id, type=events.POST_UPDATED, payload=post_payload(post.pk)
            )
