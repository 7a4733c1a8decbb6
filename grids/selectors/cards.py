"""The reads behind a board's cards, in plain SQL: posts with their author, building and
notice; each post's photos, latest comments and reaction counts.

Why not the ORM: the feed is the portal's most read page, and its ORM queries cost
several times more Python time to compile (a window function above all) and to turn
into objects than PostgreSQL spends running them. The SQL here is plain enough for
SQLite too. Selected columns come from the models' field lists and values pass
through the ORM's converters, so rows become the same model instances (`from_db`) a
queryset gives, and cards and serializers read them as before. The API's feed goes
further (`FeedCards`, `card_decorations`, at the end): the page is picked by the
statement that reads it, its decorations come in one statement, and rows stay rows
(dicts) that the serializer writes as JSON. People are read as id and display name
only: a card never needs a phone number or a password hash.
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
from grids.selectors.rows import (
    Columns,
    Sql,
    fast_timestamps,
    fetch,
    literal,
    prepared_cursor,
    reader,
)
from residents.models import User


def _in(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


POST = Columns(Post, "p")
AUTHOR = Columns(User, "author", ["id", "display_name"], shared=True)
BUILDING = Columns(MicroGrid, "building", shared=True)
NOTICE = Columns(Notice, "notice", shared=True)


def _posts_sql(post: Columns, author: Columns, building: Columns, notice: Columns) -> Sql:
    """The posts named by `{wanted}` (id, pinned), newest first, with their author,
    building and notice, in the given columns: instances (`POST`) or cards (`CARD`)."""
    return Sql(
        """
    SELECT {POST}, {AUTHOR}, {BUILDING}, {NOTICE}, wanted.pinned
    FROM ({{wanted}}) wanted
    JOIN {post} p ON p.id = wanted.id
    JOIN {user} author ON author.id = p.author_id
    LEFT JOIN {microgrid} building ON building.id = p.micro_grid_id
    LEFT JOIN {notice} notice ON notice.id = p.notice_id
    ORDER BY p.id DESC
""",
        POST=post,
        AUTHOR=author,
        BUILDING=building,
        NOTICE=notice,
        post=Post,
        user=User,
        microgrid=MicroGrid,
        notice=Notice,
    )


_POSTS_SQL = _posts_sql(POST, AUTHOR, BUILDING, NOTICE)
# Visible posts only, written as the feed indexes' condition is (see `literal`).
_VISIBLE = literal(ContentState.VISIBLE)
_VISIBLE_IDS = Sql(
    "SELECT id, 0 AS pinned FROM {post} WHERE id IN ({{ids}}) AND state = {visible}",
    post=Post,
    visible=_VISIBLE,
)
# Index: post_feed_kind_idx.
_PINNED_IDS = Sql(
    """
    SELECT id, 1 AS pinned FROM (
        SELECT p.id FROM {post} p JOIN {notice} notice ON notice.id = p.notice_id
        WHERE p.grid_id = %s AND p.kind = %s AND p.state = {visible}
          AND notice.unpinned_at IS NULL AND notice.withdrawn_at IS NULL
          AND notice.superseded_by_id IS NULL
          AND (notice.pinned_until IS NULL OR notice.pinned_until > %s)
        ORDER BY p.id DESC LIMIT %s
    ) pinned_ids
""",
    post=Post,
    notice=Notice,
    visible=_VISIBLE,
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
        params += ids
    if pinned_in is not None:
        wanted.append(_PINNED_IDS.text(db))
        now = db.ops.adapt_datetimefield_value(now)  # as the backend stores dates
        params += [pinned_in, PostKind.NOTICE, now, pinned_limit]
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
# The visible comments of the posts `{in_posts}` not by members the viewer muted, numbered
# newest first per post (`latest`, cut by `{latest}`), with their author and the comment
# and author they reply to: read alone (`comments`) and with a page's decorations.
_LATEST_COMMENTS = """
    FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY post_id ORDER BY id DESC) AS latest
        FROM {comment}
        WHERE post_id {{in_posts}} AND state = {visible}
          AND author_id NOT IN (SELECT muted_id FROM {mute} WHERE muter_id = %s)
    ) c
    JOIN {user} author ON author.id = c.author_id
    LEFT JOIN {comment} reply ON reply.id = c.reply_to_id
    LEFT JOIN {user} reply_author ON reply_author.id = reply.author_id
    {{latest}}
"""
_COMMENTS_SQL = Sql(
    """
    SELECT {COMMENT}, {COMMENTER}, {REPLY_TO}, {REPLY_TO_AUTHOR}"""
    + _LATEST_COMMENTS
    + """    ORDER BY c.post_id, c.id
""",
    COMMENT=COMMENT,
    COMMENTER=COMMENTER,
    REPLY_TO=REPLY_TO,
    REPLY_TO_AUTHOR=REPLY_TO_AUTHOR,
    comment=Comment,
    mute=Mute,
    user=User,
    visible=_VISIBLE,
)


def comments(
    post_ids: Sequence[int], *, viewer_id: int | None, limit: int | None
) -> dict[int, list[Comment]]:
    """Visible comments, oldest first; the latest `limit` of each post (all with None)
    and none by members the viewer muted. Index: comment_post_idx."""
    params = [*post_ids, viewer_id]
    latest = ""
    if limit is not None:
        latest, params = "WHERE c.latest <= %s", [*params, limit]
    db = reader(Comment)
    sql = _COMMENTS_SQL.text(db).format(in_posts=f"IN ({_in(post_ids)})", latest=latest)
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


# ---------------------------------------------------------------- the API feed, as plain rows
#
# The API's feed page reads the same rows as `posts`, `photos` and `comments`, but never
# makes model instances of them: each row becomes a dict keyed by attname (`id`,
# `author_id`, …; columns of a joined table by `alias.attname`), and the serializer writes
# the JSON from those (grids/serializers/board.py, `card_data`). A page's posts are
# picked by the same statement that reads them: the cursor paginator asks `FeedCards` for
# a slice as it would ask a queryset, and gets the posts themselves.


def _dict_rows(
    db, sql: str, params: Sequence, columns: Sequence[Columns], extra=(), *, prepared=False
) -> list[dict]:
    """Rows as dicts: the first `columns` keyed by attname, the others by `alias.attname`,
    then `extra` names for any further values; values through the ORM's converters.
    `prepared`: see `prepared_cursor`."""
    with prepared_cursor(db) if prepared else db.cursor() as cursor:
        fast_timestamps(db, cursor)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    keys: list[str] = []
    convert = []
    for n, c in enumerate(columns):
        for position, col, functions in c.converters(db):
            convert.append((len(keys) + position, col, functions))
        keys += c.attnames if n == 0 else [f"{c.alias}.{a}" for a in c.attnames]
    keys += extra
    if not convert:
        return [dict(zip(keys, row, strict=True)) for row in rows]
    found = []
    for row in rows:
        row = list(row)
        for position, col, functions in convert:
            for function in functions:
                row[position] = function(row[position], col, db)
        found.append(dict(zip(keys, row, strict=True)))
    return found


CARD = Columns(
    Post,
    "p",
    [
        "id",
        "grid",
        "author",
        "micro_grid",
        "author_role",
        "kind",
        "body",
        "notice",
        "ref_type",
        "ref_id",
        "ref_state",
        "comment_count",
        "created_at",
        "edited_at",
    ],
)
CARD_AUTHOR = Columns(User, "author", ["display_name"])
CARD_BUILDING = Columns(MicroGrid, "building", ["label"])
CARD_NOTICE = Columns(
    Notice,
    "notice",
    ["title", "category", "pinned_until", "unpinned_at", "withdrawn_at", "superseded_by"],
)
_CARDS_SQL = _posts_sql(CARD, CARD_AUTHOR, CARD_BUILDING, CARD_NOTICE)
# The feed rule of `board.feed_for_grid` (a test holds the two to the same posts):
# visible posts of the grid, without those of members the viewer muted, newest first.
# Indexes: post_feed_idx, post_feed_kind_idx.
_PAGE_IDS = Sql(
    """
    SELECT id, 0 AS pinned FROM (
        SELECT p.id FROM {post} p
        WHERE p.grid_id = %s AND p.state = {visible}{{filters}}
          AND p.author_id NOT IN (SELECT muted_id FROM {mute} WHERE muter_id = %s)
        ORDER BY p.id {{direction}} LIMIT %s OFFSET %s
    ) page_ids
""",
    post=Post,
    mute=Mute,
    visible=_VISIBLE,
)


class FeedCards:
    """A grid's feed as a cursor paginator pages it (`order_by("-id")` or `("id")`,
    `filter(id__lt=…)` or `id__gt`, then a slice), read in one statement: the slice is
    the posts themselves as rows (`_dict_rows`), and with `pinned_at` the grid's notices
    still pinned at that time come with them (`.pinned`, newest first; at most 10)."""

    def __init__(
        self,
        *,
        grid_id: int,
        viewer_id: int | None,
        kind: str | None = None,
        author_id: int | None = None,
        has_photos: bool | None = None,
        q: str | None = None,
        pinned_at: datetime | None = None,
    ):
        self.grid_id, self.viewer_id = grid_id, viewer_id
        self.where = [("kind", kind), ("author", author_id), ("photos", has_photos), ("q", q)]
        self.pinned_at = pinned_at
        self.descending = True
        self.bound: tuple[str, int] | None = None
        self.pinned: list[dict] = []

    def _clone(self, **changes) -> "FeedCards":
        clone = object.__new__(FeedCards)
        clone.__dict__.update(self.__dict__, **changes)
        return clone

    def order_by(self, *ordering: str) -> "FeedCards":
        if ordering not in (("-id",), ("id",)):
            raise ValueError(f"the feed pages by id only, not {ordering}")
        return self._clone(descending=ordering == ("-id",))

    def filter(self, **bound) -> "FeedCards":
        ((lookup, value),) = bound.items()
        if lookup not in ("id__lt", "id__gt"):
            raise ValueError(f"the feed pages by id only, not {lookup}")
        return self._clone(bound=("<" if lookup == "id__lt" else ">", int(value)))

    def _page_ids(self, db, offset: int, limit: int) -> tuple[str, list]:
        quote = db.ops.quote_name
        filters, params = [], [self.grid_id]
        for name, value in self.where:
            if value is None or (name in ("kind", "q") and not value):
                continue
            if name == "kind":
                filters.append(f"p.{quote('kind')} = %s")
                params.append(value)
            elif name == "author":
                filters.append("p.author_id = %s")
                params.append(value)
            elif name == "photos":
                filters.append("p.photo_count > 0" if value else "p.photo_count = 0")
            else:  # body__icontains, as the ORM writes it for this backend
                column = db.ops.lookup_cast("icontains", "TextField") % f"p.{quote('body')}"
                filters.append(f"{column} {db.operators['icontains'] % '%s'}")
                params.append(f"%{db.ops.prep_for_like_query(value)}%")
        if self.bound is not None:
            filters.append(f"p.id {self.bound[0]} %s")
            params.append(self.bound[1])
        params += [self.viewer_id, limit, offset]
        text = _PAGE_IDS.text(db).format(
            filters="".join(f" AND {f}" for f in filters),
            direction="DESC" if self.descending else "ASC",
        )
        return text, params

    def __getitem__(self, window: slice) -> list[dict]:
        offset = window.start or 0
        db = reader(Post)
        wanted, params = self._page_ids(db, offset, window.stop - offset)
        wanted = [wanted]
        if self.pinned_at is not None:
            wanted.append(_PINNED_IDS.text(db))
            now = db.ops.adapt_datetimefield_value(self.pinned_at)
            params += [self.grid_id, PostKind.NOTICE, now, 10]
        sql = _CARDS_SQL.text(db).format(wanted=" UNION ALL ".join(wanted))
        rows = _dict_rows(
            db,
            sql,
            params,
            [CARD, CARD_AUTHOR, CARD_BUILDING, CARD_NOTICE],
            ["pinned"],
            prepared=True,
        )
        page = [row for row in rows if not row["pinned"]]
        self.pinned[:] = [row for row in rows if row["pinned"]]
        return page if self.descending else page[::-1]


def pinned_cards(grid_id: int, *, now: datetime) -> list[dict]:
    """The grid's notices still pinned at `now`, as `FeedCards` rows, newest first."""
    db = reader(Post)
    sql = _CARDS_SQL.text(db).format(wanted=_PINNED_IDS.text(db))
    now = db.ops.adapt_datetimefield_value(now)
    params = [grid_id, PostKind.NOTICE, now, 10]
    columns = [CARD, CARD_AUTHOR, CARD_BUILDING, CARD_NOTICE]
    return _dict_rows(db, sql, params, columns, ["pinned"], prepared=True)


# A page's photos, latest comments and reaction counts in one statement: three parts
# under one column list (the part's number first), so one round trip instead of three.
# Photos and comments are put in order here; a post's reactions keep the order their
# GROUP BY gives, as `reactions` does. Indexes: postphoto_unique_position,
# comment_post_idx, postreaction_once_per_kind.
_DECORATIONS_SQL = Sql(
    """
    SELECT 0, photo.post_id, photo.position, photo.image, photo.thumb, NULL, NULL,
           photo.width, photo.height, NULL, NULL
    FROM {postphoto} photo WHERE photo.post_id {{in_posts}}
    UNION ALL
    SELECT 1, c.post_id, c.id, c.body, c.author_role, author.display_name,
           reply_author.display_name, c.author_id, c.reply_to_id, reply.id, c.created_at
"""
    + _LATEST_COMMENTS
    + """    UNION ALL
    SELECT 2, post_id, NULL, reaction, NULL, NULL, NULL,
           COUNT(*), SUM(CASE WHEN user_id = %s THEN 1 ELSE 0 END), NULL, NULL
    FROM {postreaction} WHERE post_id {{in_posts}} GROUP BY post_id, reaction
""",
    postphoto=PostPhoto,
    comment=Comment,
    mute=Mute,
    user=User,
    postreaction=PostReaction,
    visible=_VISIBLE,
)
_COMMENT_CREATED = Columns(Comment, "c", ["created_at"])


def card_decorations(
    post_ids: Sequence[int], *, viewer_id: int | None, limit: int | None
) -> tuple[
    dict[int, list[dict]], dict[int, list[dict]], dict[int, dict[str, int]], dict[int, set[str]]
]:
    """What `photos`, `comments` and `reactions` read, in one query, as rows: each post's
    photos (`image`, `thumb`: storage names; in order), its visible comments oldest first
    (the latest `limit`, all with None; none by members the viewer muted; the reply's id
    is `reply.id`), its count per reaction and the reactions the viewer gave."""
    db = reader(Post)
    latest = "" if limit is None else "WHERE c.latest <= %s"
    limits = [] if limit is None else [limit]
    if db.vendor == "postgresql":
        # One array parameter for the page's ids, so the text is the same for every page
        # and PostgreSQL keeps it prepared (`prepared_cursor`).
        ids = list(post_ids)
        in_posts, params = "= ANY(%s)", [ids, ids, viewer_id, *limits, viewer_id, ids]
        cursor = prepared_cursor(db)
    else:  # the ids written into the text (integers: nothing to quote)
        in_posts = "IN (" + ", ".join([str(int(i)) for i in post_ids]) + ")"
        params, cursor = [viewer_id, *limits, viewer_id], db.cursor()
    sql = _DECORATIONS_SQL.text(db).format(in_posts=in_posts, latest=latest)
    with cursor:
        fast_timestamps(db, cursor)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    convert = [(col, fns) for _, col, fns in _COMMENT_CREATED.converters(db)]
    photo_rows, comment_rows = [], []
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, set[str]] = defaultdict(set)
    for part, post_id, n, t1, t2, t3, t4, i1, i2, i3, created in rows:
        if part == 0:
            photo_rows.append((post_id, n, {"image": t1, "thumb": t2, "width": i1, "height": i2}))
        elif part == 1:
            for col, functions in convert:
                for function in functions:
                    created = function(created, col, db)
            comment = {
                "id": n,
                "post_id": post_id,
                "author_id": i1,
                "author.display_name": t3,
                "author_role": t2,
                "body": t1,
                "reply_to_id": i2,
                "reply.id": i3,
                "reply_author.display_name": t4,
                "created_at": created,
            }
            comment_rows.append((post_id, n, comment))
        else:
            counts[post_id][t1] = i1
            if i2:
                mine[post_id].add(t1)
    photos: dict[int, list[dict]] = defaultdict(list)
    for post_id, _, photo in sorted(photo_rows, key=lambda r: r[:2]):
        photos[post_id].append(photo)
    comments: dict[int, list[dict]] = defaultdict(list)
    for post_id, _, comment in sorted(comment_rows, key=lambda r: r[:2]):
        comments[post_id].append(comment)
    return photos, comments, counts, mine
