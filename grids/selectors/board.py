"""Board reads: the feed, pinned notices, events after a seq, the review queue,
notice read rates. Each costs a fixed number of queries, whatever the page size.

Indexes relied on: post_feed_idx (grid, -id WHERE visible) and
post_feed_kind_idx for the feed; boardevent_unique_seq for resume;
post_review_idx for the queue; noticeread_grid_idx for read rates.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import (
    BoardEvent,
    Comment,
    ContentState,
    Flag,
    Grid,
    Membership,
    Mute,
    Notice,
    NoticeRead,
    Post,
    PostPhoto,
    Reaction,
)
from grids.selectors import cards
from residents.models import User

EVENTS_PER_RESUME = 500
REACTION_NAMES = {
    "like": _("Like"),
    "heart": _("Love"),
    "thanks": _("Thanks"),
    "clap": _("Applause"),
    "haha": _("Ha ha"),
}


def muted_ids(viewer: User) -> QuerySet:
    return Mute.objects.filter(muter_id=viewer.pk).values("muted_id")


def feed_for_grid(
    *,
    viewer: User,
    grid: Grid,
    kind: str | None = None,
    author_id: int | None = None,
    has_photos: bool | None = None,
    q: str | None = None,
) -> QuerySet[Post]:
    """Visible posts of a grid, newest first, without those of members the viewer muted.

    Page `.values("id")` of it with a cursor paginator, read the page with `feed_page`,
    then hand it to `posts_decorate`.
    """
    posts = Post.objects.filter(grid=grid, state=ContentState.VISIBLE)
    if kind:
        posts = posts.filter(kind=kind)
    if author_id is not None:
        posts = posts.filter(author_id=author_id)
    if has_photos is True:
        posts = posts.filter(photo_count__gt=0)
    elif has_photos is False:
        posts = posts.filter(photo_count=0)
    if q:
        posts = posts.filter(body__icontains=q)
    return (
        posts.exclude(author_id__in=muted_ids(viewer))
        .select_related("author", "micro_grid", "notice")
        .order_by("-id")
    )


def pinned_for_grid(*, grid: Grid) -> list[Post]:
    """The grid's notices still pinned (not unpinned, expired, withdrawn or superseded),
    newest first, at most 10."""
    return feed_page([], pinned_in=grid)[1]


def feed_page(
    picked: Iterable[dict], *, pinned_in: Grid | None = None
) -> tuple[list[Post], list[Post]]:
    """The posts of a feed page, from the `{"id": …}` rows a cursor paginator picked out
    of `feed_for_grid(…).values("id")`, and with `pinned_in` (for the first page) that
    grid's pinned notices: both newest first, with author, building and notice, in one
    query.

    Paging by id alone, then reading 20 cards by primary key, costs a fraction of the
    Python time of paging the cards themselves through the ORM. A post hidden or
    deleted between the two reads is left out."""
    return cards.posts(
        [row["id"] for row in picked],
        pinned_in=pinned_in.pk if pinned_in is not None else None,
        now=timezone.now(),
    )


COMMENTS_INLINE = 5


def feed_cards(
    *,
    viewer: User,
    grid: Grid,
    kind: str | None = None,
    author_id: int | None = None,
    has_photos: bool | None = None,
    q: str | None = None,
    with_pinned: bool = False,
) -> cards.FeedCards:
    """`feed_for_grid` for the API: hand it to the cursor paginator as the queryset, and
    the slice it takes is the page's posts as rows, read with author, building and notice
    in one query (with the grid's pinned notices in `.pinned` when `with_pinned`). Then
    `cards_decorate` them; `card_data` writes each one's JSON."""
    return cards.FeedCards(
        grid_id=grid.pk,
        viewer_id=viewer.pk if viewer.is_authenticated else None,
        kind=kind,
        author_id=author_id,
        has_photos=has_photos,
        q=q,
        pinned_at=timezone.now() if with_pinned else None,
    )


def pinned_cards(*, grid: Grid) -> list[dict]:
    """`pinned_for_grid` as `feed_cards` rows (a cursor that walked back to the top)."""
    return cards.pinned_cards(grid.pk, now=timezone.now())


def cards_decorate(
    rows: Sequence[dict], *, viewer: User | None, comments_limit: int | None = COMMENTS_INLINE
) -> Sequence[dict]:
    """`posts_decorate` for `feed_cards` rows: `photos` and `comments` (rows), `reactions`
    (counts) and `my_reactions` (a set) on each, read in one query."""
    ids = [row["id"] for row in rows]
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    photos: dict[int, list[dict]] = {}
    comments: dict[int, list[dict]] = {}
    counts: dict[int, dict[str, int]] = {}
    mine: dict[int, set[str]] = {}
    if ids:
        photos, comments, counts, mine = cards.card_decorations(
            ids, viewer_id=viewer_id, limit=comments_limit
        )
    for row in rows:
        post_id = row["id"]
        row["photos"] = photos.get(post_id, ())
        row["comments"] = comments.get(post_id, ())
        row["reactions"] = counts.get(post_id, {})
        row["my_reactions"] = mine.get(post_id, ())
    return rows


_REACTION_BUTTONS = [(r.value, r.label, REACTION_NAMES[r.value]) for r in Reaction]


def posts_decorate(
    posts: Sequence[Post], *, viewer: User | None, comments_limit: int | None = COMMENTS_INLINE
) -> Sequence[Post]:
    """Attach photos, the latest visible comments (all with `comments_limit=None`, none
    and no query with 0) without those of members the viewer muted, reaction counts and
    the viewer's reactions: three queries for any number of posts, and a page's size
    bounded however busy one post's thread is. Indexes: postphoto_unique_position,
    comment_post_idx, postreaction_once_per_kind."""
    ids = [p.pk for p in posts]
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    photos: dict[int, list[PostPhoto]] = {}
    comments: dict[int, list[Comment]] = {}
    counts: dict[int, dict[str, int]] = {}
    mine: dict[int, set[str]] = {}
    if ids:
        photos = cards.photos(ids)
        if comments_limit != 0:
            comments = cards.comments(ids, viewer_id=viewer_id, limit=comments_limit)
        counts, mine = cards.reactions(ids, viewer_id=viewer_id)
    for post in posts:
        post.photo_list = photos.get(post.pk, [])
        post.comment_list = comments.get(post.pk, [])
        post.reaction_counts = counts.get(post.pk, {})
        post.my_reactions = mine.get(post.pk, set())
        post.reaction_buttons = [
            (value, label, post.reaction_counts.get(value, 0), value in post.my_reactions, name)
            for value, label, name in _REACTION_BUTTONS
        ]
    return posts


def post_for_payload(post_id: int) -> Post:
    """A post as its live event carries it: the feed's shape without comments, which
    travel as events of their own (so taking one down leaves no copy in the log)."""
    post = Post.objects.select_related("author", "micro_grid", "notice").get(pk=post_id)
    return posts_decorate([post], viewer=None, comments_limit=0)[0]


def events_after(*, grid_id: int, after: int, limit: int = EVENTS_PER_RESUME) -> list[BoardEvent]:
    return list(BoardEvent.objects.filter(grid_id=grid_id, seq__gt=after).order_by("seq")[:limit])


def review_queue(*, grids: Iterable[int]) -> list[dict]:
    """Reported posts and comments in these grids, oldest report first."""
    grid_ids = list(grids)
    posts = list(
        Post.objects.filter(grid_id__in=grid_ids, review_pending=True)
        .exclude(state=ContentState.DELETED)
        .select_related("author", "micro_grid", "notice")
        .order_by("id")[:100]
    )
    comments = list(
        Comment.objects.filter(post__grid_id__in=grid_ids, review_pending=True)
        .exclude(state=ContentState.DELETED)
        .exclude(post__state=ContentState.DELETED)
        .select_related(
            "author", "reply_to__author", "post__author", "post__micro_grid", "post__notice"
        )
        .order_by("id")[:100]
    )
    all_posts = {p.pk: p for p in posts}
    for comment in comments:
        all_posts.setdefault(comment.post_id, comment.post)
    posts_decorate(list(all_posts.values()), viewer=None)
    reasons: dict[tuple[int, int | None], dict[str, int]] = defaultdict(dict)
    for row in (
        Flag.objects.filter(post_id__in=list(all_posts), resolved_at__isnull=True)
        .values("post_id", "comment_id", "reason")
        .annotate(n=Count("id"))
    ):
        reasons[(row["post_id"], row["comment_id"])][row["reason"]] = row["n"]
    items = [
        {
            "post": p,
            "comment": None,
            "hidden": p.state == ContentState.HIDDEN,
            "reasons": reasons[(p.pk, None)],
        }
        for p in posts
    ] + [
        {
            "post": all_posts[c.post_id],
            "comment": c,
            "hidden": c.state == ContentState.HIDDEN,
            "reasons": reasons[(c.post_id, c.pk)],
        }
        for c in comments
    ]
    for item in items:
        item["flag_count"] = sum(item["reasons"].values())
    return items


def notices_for_community(*, community_id: int) -> QuerySet[Notice]:
    return Notice.objects.filter(community_id=community_id).select_related("author")


def notice_grids(notice: Notice) -> list[Grid]:
    if notice.all_grids:
        return list(Grid.objects.filter(community_id=notice.community_id).order_by("id"))
    return list(notice.grids.order_by("id"))


def notice_read_rates(notice: Notice) -> dict:
    """Members, readers and the read rate of each targeted grid: two GROUP BYs."""
    grids = notice_grids(notice)
    ids = [g.pk for g in grids]
    members = dict(
        Membership.objects.filter(grid_id__in=ids, left_at__isnull=True)
        .values("grid_id")
        .annotate(n=Count("id"))
        .values_list("grid_id", "n")
    )
    reads = dict(
        NoticeRead.objects.filter(notice=notice, grid_id__in=ids)
        .values("grid_id")
        .annotate(n=Count("id"))
        .values_list("grid_id", "n")
    )
    rows = []
    for grid in grids:
        m, r = members.get(grid.pk, 0), reads.get(grid.pk, 0)
        rows.append(
            {
                "grid": grid.pk,
                "grid_name": grid.name,
                "members": m,
                "read": r,
                "rate": round(r / m, 4) if m else 0.0,
            }
        )
    total_m = sum(r["members"] for r in rows)
    total_r = sum(r["read"] for r in rows)
    return {
        "notice": notice.pk,
        "members": total_m,
        "read": total_r,
        "rate": round(total_r / total_m, 4) if total_m else 0.0,
        "grids": rows,
    }


def notice_unread_members(*, notice: Notice, grid_id: int) -> list[Membership]:
    """Members of one grid who have not opened the notice: the doors to knock on."""
    read = NoticeRead.objects.filter(notice=notice, user_id=OuterRef("user_id"))
    return list(
        Membership.objects.filter(grid_id=grid_id, left_at__isnull=True)
        .exclude(Exists(read))
        .select_related("user", "micro_grid")
        .order_by("micro_grid_id", "unit", "id")
    )


def notices_read_summary(*, community_id: int, notices: Sequence[Notice]) -> dict[int, dict]:
    """Readers and members of each notice's grids: three queries for any number of notices
    (the cadre's list), where `notice_read_rates` would cost three each."""
    members = dict(
        Membership.objects.filter(grid__community_id=community_id, left_at__isnull=True)
        .values("grid_id")
        .annotate(n=Count("id"))
        .values_list("grid_id", "n")
    )
    targets = {n.pk: set(members) for n in notices if n.all_grids}
    through = Notice.grids.through.objects.filter(notice_id__in=[n.pk for n in notices])
    for notice_id, grid_id in through.values_list("notice_id", "grid_id"):
        targets.setdefault(notice_id, set()).add(grid_id)
    read: dict[int, int] = defaultdict(int)
    for notice_id, grid_id, n in (
        NoticeRead.objects.filter(notice_id__in=[x.pk for x in notices])
        .values("notice_id", "grid_id")
        .annotate(n=Count("id"))
        .values_list("notice_id", "grid_id", "n")
    ):
        if grid_id in targets.get(notice_id, ()):
            read[notice_id] += n
    return {
        n.pk: {
            "read": read[n.pk],
            "members": sum(members.get(g, 0) for g in targets.get(n.pk, ())),
        }
        for n in notices
    }


def notices_for_grid(*, grid: Grid, limit: int = 20) -> list[dict]:
    """The latest notices that reach one grid (not withdrawn), each with how many of the
    grid's members have read it: the grid worker's list of doors to knock on. Three
    queries for any number of notices (index noticeread_grid_idx)."""
    found = list(
        Notice.objects.filter(community_id=grid.community_id, withdrawn_at__isnull=True)
        .filter(Q(all_grids=True) | Q(grids=grid))
        .distinct()
        .order_by("-id")[:limit]
    )
    members = Membership.objects.filter(grid=grid, left_at__isnull=True).count()
    reads = dict(
        NoticeRead.objects.filter(notice__in=[n.pk for n in found], grid=grid)
        .values("notice_id")
        .annotate(n=Count("id"))
        .values_list("notice_id", "n")
    )
    return [
        {"notice": n, "read": reads.get(n.pk, 0), "unread": max(0, members - reads.get(n.pk, 0))}
        for n in found
    ]


def post_by_id(post_id: int) -> Post | None:
    """A post with what its card and its permission check read (grid, community, author)."""
    return (
        Post.objects.select_related("grid__community", "author", "micro_grid", "notice")
        .filter(pk=post_id)
        .first()
    )


def notice_by_id(notice_id: int) -> Notice | None:
    return (
        Notice.objects.select_related("community", "author", "superseded_by")
        .prefetch_related("grids")
        .filter(pk=notice_id)
        .first()
    )


def board_seq(grid_id: int) -> int:
    """The grid's last event seq. Read it before the feed: anything later is replayed."""
    return Grid.objects.values_list("board_seq", flat=True).get(pk=grid_id)


def comment_post_id(comment_id: int) -> int | None:
    return Comment.objects.filter(pk=comment_id).values_list("post_id", flat=True).first()
