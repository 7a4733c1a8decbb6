"""Board pages: the feed, posting, comments and reactions (htmx partials), reports,
mutes, the moderation queue. Thin over services; notices are in notices.py."""

from urllib.parse import parse_qs, urlencode, urlparse

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import NotFound as CursorInvalid
from rest_framework.request import Request

from core.errors import ServiceError
from core.throttles import throttle_page
from grids import permissions
from grids.api.board import FeedPagination
from grids.errors import OutOfScope
from grids.forms import CommentForm, FlagForm, PostForm
from grids.models import COMMENT_MAX_CHARS, POST_MAX_CHARS, Flag, Grid, Post, Reaction
from grids.selectors import board as selectors
from grids.selectors.places import grid_by_id
from grids.services import moderation, posts

FEED_PAGE_SIZE = 15


def _grid(user, grid_id: int) -> Grid:
    # Refusals (404 outside the grid) are rendered by residents.middleware, as everywhere.
    return permissions.require_view_grid(user, grid_by_id(grid_id))


def _feed_page(request, grid: Grid):
    paginator = FeedPagination()
    paginator.page_size = FEED_PAGE_SIZE
    drf_request = Request(request)
    try:
        picked = paginator.paginate_queryset(
            selectors.feed_for_grid(viewer=request.user, grid=grid).values("id"), drf_request
        )
    except (CursorInvalid, InvalidPage):
        raise Http404 from None
    page, _ = selectors.feed_page(picked)
    next_link = paginator.get_next_link()
    if next_link:
        cursor = parse_qs(urlparse(next_link).query)[paginator.cursor_query_param][0]
        next_link = f"{reverse('board-page', args=[grid.pk])}?{urlencode({'cursor': cursor})}"
    return list(page), next_link


def _card_context(request, grid: Grid) -> dict:
    return {
        "grid": grid,
        "can_moderate": permissions.can_manage_grid(request.user, grid),
        "reactions": Reaction.choices,
        "flag_reasons": Flag.Reason.choices,
        "comment_form": CommentForm(),
        "post_max": POST_MAX_CHARS,
        "comment_max": COMMENT_MAX_CHARS,
    }


@login_required
@throttle_page("write")
def board(request, grid_id: int):
    grid = _grid(request.user, grid_id)
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            posts.post_create(
                actor=request.user,
                grid=grid,
                kind=form.cleaned_data["kind"],
                body=form.cleaned_data["body"],
                photos=form.cleaned_data["photos"],
            )
        except ServiceError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Posted."))
            return redirect("board", grid_id=grid.pk)
    seq = selectors.board_seq(grid.pk)
    page, next_link = _feed_page(request, grid)
    pinned = selectors.pinned_for_grid(grid=grid)
    selectors.posts_decorate([*pinned, *page], viewer=request.user)
    context = _card_context(request, grid)
    context |= {
        "can_publish": context["can_moderate"]
        and permissions.can_publish_notice(request.user, grid.community),
        "form": form,
        "seq": seq,
        "pinned": pinned,
        "posts": page,
        "next_link": next_link,
    }
    return render(request, "grids/board.html", context, status=400 if form.errors else 200)


@login_required
def board_page(request, grid_id: int):
    """The next page of the feed (htmx "more")."""
    grid = _grid(request.user, grid_id)
    page, next_link = _feed_page(request, grid)
    selectors.posts_decorate(page, viewer=request.user)
    context = _card_context(request, grid) | {"posts": page, "next_link": next_link}
    return render(request, "grids/_feed_page.html", context)


def _readable_post(request, post_id: int) -> Post:
    return permissions.require_read_post(request.user, selectors.post_by_id(post_id))


def _card(request, post_id: int, *, status: int = 200, error: str = "") -> HttpResponse:
    post = _readable_post(request, post_id)
    every_comment = request.GET.get("comments") == "all"
    selectors.posts_decorate(
        [post],
        viewer=request.user,
        comments_limit=None if every_comment else selectors.COMMENTS_INLINE,
    )
    context = _card_context(request, post.grid) | {"post": post, "card_error": error}
    return render(request, "grids/_post_card.html", context, status=status)


@login_required
def post_card(request, post_id: int):
    """One card, rendered as the feed renders it: the live board fetches these.
    `?pin=1` renders a notice as the pinned strip (empty once it is no longer pinned)."""
    if request.GET.get("pin"):
        post = _readable_post(request, post_id)
        pinned = {p.pk for p in selectors.pinned_for_grid(grid=post.grid)}
        if post.pk not in pinned:
            return HttpResponse("")
        return render(request, "grids/_notice_pin.html", {"post": post})
    return _card(request, post_id)


def _act(request, post_id: int, action) -> HttpResponse:
    """Run a service for a card's button, answer with the fresh card (or the reason why not)."""
    try:
        action()
    except OutOfScope:
        raise Http404 from None
    except ServiceError as error:
        if request.htmx:
            return _card(request, post_id, status=200, error=str(error.message))
        messages.error(request, str(error.message))
    if request.htmx:
        return _card(request, post_id)
    post = _readable_post(request, post_id)
    return redirect(f"{reverse('board', args=[post.grid_id])}#post-{post_id}")


@login_required
@require_POST
@throttle_page("write")
def comment_add(request, post_id: int):
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _card(request, post_id, error=_("Write something first."))
    return _act(
        request,
        post_id,
        lambda: posts.comment_create(
            actor=request.user,
            post_id=post_id,
            body=form.cleaned_data["body"],
            reply_to_id=form.cleaned_data["reply_to"],
        ),
    )


@login_required
@require_POST
@throttle_page("write")
def reaction_toggle(request, post_id: int):
    reaction = request.POST.get("reaction", "")
    on = request.POST.get("on", "1") == "1"
    return _act(
        request,
        post_id,
        lambda: posts.reaction_set(actor=request.user, post_id=post_id, reaction=reaction, on=on),
    )


@login_required
@require_POST
@throttle_page("write")
def post_edit(request, post_id: int):
    body = request.POST.get("body", "")
    return _act(
        request, post_id, lambda: posts.post_update(actor=request.user, post_id=post_id, body=body)
    )


@login_required
@require_POST
@throttle_page("write")
def post_delete(request, post_id: int):
    post = _readable_post(request, post_id)
    try:
        posts.post_delete(actor=request.user, post_id=post_id)
    except ServiceError as error:
        return _card(request, post_id, error=str(error.message))
    if request.htmx:
        return HttpResponse("")
    messages.success(request, _("Deleted."))
    return redirect("board", grid_id=post.grid_id)


@login_required
@require_POST
@throttle_page("write")
def comment_delete(request, comment_id: int):
    post_id = selectors.comment_post_id(comment_id)
    if post_id is None:
        raise Http404
    return _act(
        request,
        post_id,
        lambda: posts.comment_delete(actor=request.user, comment_id=comment_id),
    )


@login_required
@require_POST
@throttle_page("write")
def flag_add(request, post_id: int):
    form = FlagForm(request.POST)
    if not form.is_valid():
        return _card(request, post_id, error=_("Choose a reason for the report."))

    def report():
        moderation.flag_create(
            actor=request.user,
            post_id=post_id,
            comment_id=form.cleaned_data["comment"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Thank you. Grid staff will review it."))

    return _act(request, post_id, report)


@login_required
@require_POST
@throttle_page("write")
def mute(request, post_id: int):
    post = _readable_post(request, post_id)
    try:
        moderation.mute_set(actor=request.user, user_id=post.author_id, muted=True)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("You will no longer see posts by %(name)s.") % {"name": post.author.display_name},
        )
    return redirect("board", grid_id=post.grid_id)


# Moderation


@login_required
@throttle_page("write")
def moderation_queue(request, grid_id: int):
    grid = permissions.require_manage_grid(request.user, grid_by_id(grid_id))
    if request.method == "POST":
        try:
            moderation.moderation_decide(
                actor=request.user,
                post_id=int(request.POST.get("post", "0")),
                comment_id=int(request.POST["comment"]) if request.POST.get("comment") else None,
                action=request.POST.get("action", ""),
                reason=request.POST.get("reason", ""),
            )
        except (ValueError, OutOfScope):
            raise Http404 from None
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("moderation-queue", grid_id=grid.pk)
    items = selectors.review_queue(grids=[grid.pk])
    labels = dict(Flag.Reason.choices)
    for item in items:
        item["reason_labels"] = [(labels[r], n) for r, n in item["reasons"].items()]
    return render(request, "grids/moderation.html", {"grid": grid, "items": items})
