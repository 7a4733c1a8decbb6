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

from django.db import connection

from grids.models import Comment, ContentState, MicroGrid, Notice, Post, PostKind, PostPhoto
from grids.selectors.rows import Columns, fetch
from residents.models import User


def _in(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


POST = Columns(Post, "p")
AUTHOR = Columns(User, "author", ["id", "display_name"], shared=True)
BUILDING = Columns(MicroGrid, "building", shared=True)
NOTICE = Columns(Notice, "notice", shared=True)

_POSTS_SQL = f"""
    SELECT {POST.sql}, {AUTHOR.sql}, {BUILDING.sql}, {NOTICE.sql}, wanted.pinned
    FROM ({{wanted}}) wanted
    JOIN grids_post p ON p.id = wanted.id
    JOIN residents_user author ON author.id = p.author_id
    LEFT JOIN grids_microgrid building ON building.id = p.micro_grid_id
    LEFT JOIN grids_notice notice ON notice.id = p.notice_id
    ORDER BY p.id DESC
"""
_VISIBLE_IDS = "SELECT id, 0 AS pinned FROM grids_post WHERE id IN ({ids}) AND state = %s"
# Index: post_feed_kind_idx.
_PINNED_IDS = """
    SELECT id, 1 AS pinned FROM (
        SELECT p.id FROM grids_post p JOIN grids_notice notice ON notice.id = p.notice_id
        WHERE p.grid_id = %s AND p.kind = %s AND p.state = %s
          AND notice.unpinned_at IS NULL AND notice.withdrawn_at IS NULL
          AND notice.superseded_by_id IS NULL
          AND (notice.pinned_until IS NULL OR notice.pinned_until > %s)
        ORDER BY p.id DESC LIMIT %s
    ) pinned_ids
"""


def posts(
    ids: Sequence[int], *, pinned_in: int | None = None, now: object = None, pinned_limit: int = 10
) -> tuple[list[Post], list[Post]]:
    """The posts among `ids` still visible and, with `pinned_in`, the newest notice posts
    of that grid whose notice is still pinned (at `now`, as the backend stores dates):
    both newest first, with author, building and notice, in one query."""
    wanted, params = [], []
    if ids:
        wanted.append(_VISIBLE_IDS.format(ids=_in(ids)))
        params += [*ids, ContentState.VISIBLE]
    if pinned_in is not None:
        wanted.append(_PINNED_IDS)
        params += [pinned_in, PostKind.NOTICE, ContentState.VISIBLE, now, pinned_limit]
    page: list[Post] = []
    pinned: list[Post] = []
    if not wanted:
        return page, pinned
    sql = _POSTS_SQL.format(wanted=" UNION ALL ".join(wanted))
    for post, author, building, notice, is_pinned in fetch(
        sql, params, [POST, AUTHOR, BUILDING, NOTICE]
    ):
        post.author = author
        if building is not None:
            post.micro_grid = building
        if notice is not None:
            post.notice = notice
        (pinned if is_pinned else page).append(post)
    return page, pinned


PHOTO = Columns(PostPhoto, "photo")
_PHOTOS_SQL = f"""
    SELECT {PHOTO.sql} FROM grids_postphoto photo
    WHERE photo.post_id IN ({{posts}}) ORDER BY photo.post_id, photo.position
"""


def photos(post_ids: Sequence[int]) -> dict[int, list[PostPhoto]]:
    """Index: postphoto_unique_position."""
    found: dict[int, list[PostPhoto]] = defaultdict(list)
    for (photo,) in fetch(_PHOTOS_SQL.format(posts=_in(post_ids)), post_ids, [PHOTO]):
        found[photo.post_id].append(photo)
    return found


COMMENT = Columns(Comment, "c")
COMMENTER = Columns(User, "author", ["id", "display_name"], shared=True)
REPLY_TO = Columns(Comment, "reply", ["id", "author"])
REPLY_TO_AUTHOR = Columns(User, "reply_author", ["id", "display_name"], shared=True)
_COMMENTS_SQL = f"""
    SELECT {COMMENT.sql}, {COMMENTER.sql}, {REPLY_TO.sql}, {REPLY_TO_AUTHOR.sql}
    FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY post_id ORDER BY id DESC) AS latest
        FROM grids_comment
        WHERE post_id IN ({{posts}}) AND state = %s
          AND author_id NOT IN (SELECT muted_id FROM grids_mute WHERE muter_id = %s)
    ) c
    JOIN residents_user author ON author.id = c.author_id
    LEFT JOIN grids_comment reply ON reply.id = c.reply_to_id
    LEFT JOIN residents_user reply_author ON reply_author.id = reply.author_id
    {{latest}}
    ORDER BY c.post_id, c.id
"""


def comments(
    post_ids: Sequence[int], *, viewer_id: int | None, limit: int | None
) -> dict[int, list[Comment]]:
    """Visible comments, oldest first; the latest `limit` of each post (all with None)
    and none by members the viewer muted. Index: comment_post_idx."""
    params = [*post_ids, ContentState.VISIBLE, viewer_id]
    latest = ""
    if limit is not None:
        latest, params = "WHERE c.latest <= %s", [*params, limit]
    sql = _COMMENTS_SQL.format(posts=_in(post_ids), latest=latest)
    found: dict[int, list[Comment]] = defaultdict(list)
    for comment, author, reply_to, reply_author in fetch(
        sql, params, [COMMENT, COMMENTER, REPLY_TO, REPLY_TO_AUTHOR]
    ):
        comment.author = author
        if reply_to is not None:
            reply_to.author = reply_author
            comment.reply_to = reply_to
        found[comment.post_id].append(comment)
    return found


_REACTIONS_SQL = """
    SELECT post_id, reaction, COUNT(*), SUM(CASE WHEN user_id = %s THEN 1 ELSE 0 END)
    FROM grids_postreaction WHERE post_id IN ({posts}) GROUP BY post_id, reaction
"""


def reactions(
    post_ids: Sequence[int], *, viewer_id: int | None
) -> tuple[dict[int, dict[str, int]], dict[int, set[str]]]:
    """Each post's count per reaction, and the reactions the viewer gave. Index:
    postreaction_once_per_kind."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, set[str]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(_REACTIONS_SQL.format(posts=_in(post_ids)), [viewer_id, *post_ids])
        for post_id, reaction, n, by_viewer in cursor.fetchall():
            counts[post_id][reaction] = n
            if by_viewer:
                mine[post_id].add(reaction)
    return counts, mine
