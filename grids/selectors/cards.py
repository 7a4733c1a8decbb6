"""The reads behind a board's cards, in plain SQL: posts with their author, building and
notice; each post's photos, latest comments and reaction counts.

Why not the ORM: the feed is the portal's most read page, and its ORM queries cost
several times more Python time to compile (a window function above all) and to turn
into objects than PostgreSQL spends running them. The SQL here is plain enough for
SQLite too. Selected columns come from the models' field lists and values pass
through the ORM's converters, so rows become the same model instances (`from_db`) a
queryset gives, and cards and serializers read them as before. People are read as id
and display name only: a card never needs a phone number or a password hash.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from grids.models import (
    Comment,
    ContentState,
    MicroGrid,
    Mute,
    Notice,
    Post,
    PostKind,
    PostPhoto,
    PostReaction,
)
from grids.selectors.rows import Columns, Sql, fetch, reader
from residents.models import User


def _in(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


POST = Columns(Post, "p")
AUTHOR = Columns(User, "author", ["id", "display_name"], shared=True)
BUILDING = Columns(MicroGrid, "building", shared=True)
NOTICE = Columns(Notice, "notice", shared=True)

_POSTS_SQL = Sql(
    """
    SELECT {POST}, {AUTHOR}, {BUILDING}, {NOTICE}, wanted.pinned
    FROM ({{wanted}}) wanted
    JOIN {post} p ON p.id = wanted.id
    JOIN {user} author ON author.id = p.author_id
    LEFT JOIN {microgrid} building ON building.id = p.micro_grid_id
    LEFT JOIN {notice} notice ON notice.id = p.notice_id
    ORDER BY p.id DESC
""",
    POST=POST,
    AUTHOR=AUTHOR,
    BUILDING=BUILDING,
    NOTICE=NOTICE,
    post=Post,
    user=User,
    microgrid=MicroGrid,
    notice=Notice,
)
_VISIBLE_IDS = Sql(
    "SELECT id, 0 AS pinned FROM {post} WHERE id IN ({{ids}}) AND state = %s", post=Post
)
# Index: post_feed_kind_idx.
_PINNED_IDS = Sql(
    """
    SELECT id, 1 AS pinned FROM (
        SELECT p.id FROM {post} p JOIN {notice} notice ON notice.id = p.notice_id
        WHERE p.grid_id = %s AND p.kind = %s AND p.state = %s
          AND notice.unpinned_at IS NULL AND notice.withdrawn_at IS NULL
          AND notice.superseded_by_id IS NULL
          AND (notice.pinned_until IS NULL OR notice.pinned_until > %s)
        ORDER BY p.id DESC LIMIT %s
    ) pinned_ids
""",
    post=Post,
    notice=Notice,
)


def posts(
    ids: Sequence[int],
    *,
    pinned_in: int | None = None,
    now: datetime | None = None,
    pinned_limit: int = 10,
) -> tuple[list[Post], list[Post]]:
    """The posts among `ids` still visible and, with `pinned_in`, the newest notice posts
    of that grid whose notice is still pinned at `now`: both newest first, with author,
    building and notice, in one query."""
    db = reader(Post)
    wanted, params = [], []
    if ids:
        wanted.append(_VISIBLE_IDS.text(db).format(ids=_in(ids)))
        params += [*ids, ContentState.VISIBLE]
    if pinned_in is not None:
        wanted.append(_PINNED_IDS.text(db))
        now = db.ops.adapt_datetimefield_value(now)  # as the backend stores dates
        params += [pinned_in, PostKind.NOTICE, ContentState.VISIBLE, now, pinned_limit]
    page: list[Post] = []
    pinned: list[Post] = []
    if not wanted:
        return page, pinned
    sql = _POSTS_SQL.text(db).format(wanted=" UNION ALL ".join(wanted))
    for post, author, building, notice, is_pinned in fetch(
        db, sql, params, [POST, AUTHOR, BUILDING, NOTICE]
    ):
        post.author = author
        if building is not None:
            post.micro_grid = building
        if notice is not None:
            post.notice = notice
        (pinned if is_pinned else page).append(post)
    return page, pinned


PHOTO = Columns(PostPhoto, "photo")
_PHOTOS_SQL = Sql(
    """
    SELECT {PHOTO} FROM {postphoto} photo
    WHERE photo.post_id IN ({{posts}}) ORDER BY photo.post_id, photo.position
""",
    PHOTO=PHOTO,
    postphoto=PostPhoto,
)


def photos(post_ids: Sequence[int]) -> dict[int, list[PostPhoto]]:
    """Index: postphoto_unique_position."""
    db = reader(PostPhoto)
    sql = _PHOTOS_SQL.text(db).format(posts=_in(post_ids))
    found: dict[int, list[PostPhoto]] = defaultdict(list)
    for (photo,) in fetch(db, sql, post_ids, [PHOTO]):
        found[photo.post_id].append(photo)
    return found


COMMENT = Columns(Comment, "c")
COMMENTER = Columns(User, "author", ["id", "display_name"], shared=True)
REPLY_TO = Columns(Comment, "reply", ["id", "author"])
REPLY_TO_AUTHOR = Columns(User, "reply_author", ["id", "display_name"], shared=True)
_COMMENTS_SQL = Sql(
    """
    SELECT {COMMENT}, {COMMENTER}, {REPLY_TO}, {REPLY_TO_AUTHOR}
    FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY post_id ORDER BY id DESC) AS latest
        FROM {comment}
        WHERE post_id IN ({{posts}}) AND state = %s
          AND author_id NOT IN (SELECT muted_id FROM {mute} WHERE muter_id = %s)
    ) c
    JOIN {user} author ON author.id = c.author_id
    LEFT JOIN {comment} reply ON reply.id = c.reply_to_id
    LEFT JOIN {user} reply_author ON reply_author.id = reply.author_id
    {{latest}}
    ORDER BY c.post_id, c.id
""",
    COMMENT=COMMENT,
    COMMENTER=COMMENTER,
    REPLY_TO=REPLY_TO,
    REPLY_TO_AUTHOR=REPLY_TO_AUTHOR,
    comment=Comment,
    mute=Mute,
    user=User,
)


def comments(
    post_ids: Sequence[int], *, viewer_id: int | None, limit: int | None
) -> dict[int, list[Comment]]:
    """Visible comments, oldest first; the latest `limit` of each post (all with None)
    and none by members the viewer muted. Index: comment_post_idx."""
    params = [*post_ids, ContentState.VISIBLE, viewer_id]
    latest = ""
    if limit is not None:
        latest, params = "WHERE c.latest <= %s", [*params, limit]
    db = reader(Comment)
    sql = _COMMENTS_SQL.text(db).format(posts=_in(post_ids), latest=latest)
    found: dict[int, list[Comment]] = defaultdict(list)
    for comment, author, reply_to, reply_author in fetch(
        db, sql, params, [COMMENT, COMMENTER, REPLY_TO, REPLY_TO_AUTHOR]
    ):
        comment.author = author
        if reply_to is not None:
            reply_to.author = reply_author
            comment.reply_to = reply_to
        found[comment.post_id].append(comment)
    return found


_REACTIONS_SQL = Sql(
    """
    SELECT post_id, reaction, COUNT(*), SUM(CASE WHEN user_id = %s THEN 1 ELSE 0 END)
    FROM {postreaction} WHERE post_id IN ({{posts}}) GROUP BY post_id, reaction
""",
    postreaction=PostReaction,
)


def reactions(
    post_ids: Sequence[int], *, viewer_id: int | None
) -> tuple[dict[int, dict[str, int]], dict[int, set[str]]]:
    """Each post's count per reaction, and the reactions the viewer gave. Index:
    postreaction_once_per_kind."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, set[str]] = defaultdict(set)
    db = reader(PostReaction)
    with db.cursor() as cursor:
        cursor.execute(_REACTIONS_SQL.text(db).format(posts=_in(post_ids)), [viewer_id, *post_ids])
        for post_id, reaction, n, by_viewer in cursor.fetchall():
            counts[post_id][reaction] = n
            if by_viewer:
                mine[post_id].add(reaction)
    return counts, mine
