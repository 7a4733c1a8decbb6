"""The board API: who may read and write what, what leaks (nothing), what a feed page costs."""

import io
import json
import random
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from core.models import AccessLog
from grids.models import (
    Comment,
    ContentState,
    Flag,
    ModerationAction,
    Notice,
    Post,
    PostKind,
    PostPhoto,
    PostReaction,
)
from grids.services import moderation, notices, posts

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def api(user=None, **headers) -> APIClient:
    client = APIClient(**headers)
    if user is not None:
        client.force_authenticate(user)
    return client


def png(name: str = "p.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def noisy_png(name: str = "big.png") -> SimpleUploadedFile:
    """A PNG of random pixels: it does not compress, so it weighs ~30 kB."""
    image = Image.frombytes("RGB", (100, 100), random.Random(7).randbytes(100 * 100 * 3))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def feed(client: APIClient, grid, query: str = "") -> dict:
    response = client.get(f"/api/v1/grids/{grid.pk}/posts/{query}")
    assert response.status_code == 200, response.json()
    return response.json()


def feed_ids(client: APIClient, grid, query: str = "") -> list[int]:
    return [p["id"] for p in feed(client, grid, query)["results"]]


# --- the permission matrix -----------------------------------------------------------------

# Neither authenticator (allauth's X-Session-Token, DRF's session) sends a
# WWW-Authenticate challenge, so DRF answers an anonymous caller 403.
ANONYMOUS = 403

ACTORS = [
    "anonymous",
    "resident_a",  # member of grid A, author of the board's post
    "resident_a2",  # member of grid A, a neighbour of the author
    "resident_b",  # member of grid B, probing grid A by id
    "worker_a",
    "worker_b",
    "cadre_east",
    "cadre_west",
    "admin",
]
STAFF_A = ("admin", "cadre_east", "worker_a")
MEMBERS_A = ("resident_a", "resident_a2")
OUTSIDE_A = ("resident_b", "worker_b", "cadre_west")


def statuses(*, staff: int, members: int, outside: int, **exceptions: int) -> dict[str, int]:
    table = {"anonymous": ANONYMOUS}
    table |= dict.fromkeys(STAFF_A, staff)
    table |= dict.fromkeys(MEMBERS_A, members)
    table |= dict.fromkeys(OUTSIDE_A, outside)
    return table | exceptions


@dataclass
class Board:
    """Grid A's board with one post of resident_a, one notice for grid A only, and a
    post of resident_a2 that resident_a reported."""

    world: Any
    post: Post
    notice: Notice
    reported: Post

    def ids(self) -> dict[str, int]:
        return {
            "grid_a": self.world.grid_a.pk,
            "east": self.world.east.pk,
            "post": self.post.pk,
            "notice": self.notice.pk,
        }


@pytest.fixture
def board(world) -> Board:
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="电梯又坏了")
    notice = notices.notice_publish(
        actor=world.cadre_east,
        community=world.east,
        title="周六停水",
        body="8:00-12:00 维修水管",
        grid_ids=[world.grid_a.pk],
    )
    reported = posts.post_create(actor=world.resident_a2, grid=world.grid_a, body="低价代购")
    moderation.flag_create(actor=world.resident_a, post_id=reported.pk, reason="spam")
    return Board(world=world, post=post, notice=notice, reported=reported)


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str
    expected: dict[str, int]
    data: dict | None = None
    written: Any = None  # board -> bool: did the write happen?


ENDPOINTS: dict[str, Endpoint] = {
    "feed": Endpoint(
        "get", "/api/v1/grids/{grid_a}/posts/", statuses(staff=200, members=200, outside=404)
    ),
    "post-create": Endpoint(
        "post",
        "/api/v1/grids/{grid_a}/posts/",
        statuses(staff=201, members=201, outside=404),
        data={"body": "楼道灯不亮"},
        written=lambda b: Post.objects.filter(body="楼道灯不亮").exists(),
    ),
    "events": Endpoint(
        "get",
        "/api/v1/grids/{grid_a}/events/?after=0",
        statuses(staff=200, members=200, outside=404),
    ),
    "post-read": Endpoint(
        "get", "/api/v1/posts/{post}/", statuses(staff=200, members=200, outside=404)
    ),
    "post-edit": Endpoint(
        "patch",
        "/api/v1/posts/{post}/",
        statuses(staff=403, members=403, outside=404, resident_a=200),
        data={"body": "电梯修好了"},
        written=lambda b: Post.objects.filter(pk=b.post.pk, body="电梯修好了").exists(),
    ),
    "post-delete": Endpoint(
        "delete",
        "/api/v1/posts/{post}/",
        statuses(staff=403, members=403, outside=404, resident_a=204),
        written=lambda b: Post.objects.filter(pk=b.post.pk, state=ContentState.DELETED).exists(),
    ),
    "comment": Endpoint(
        "post",
        "/api/v1/posts/{post}/comments/",
        statuses(staff=201, members=201, outside=404),
        data={"body": "已报修"},
        written=lambda b: Comment.objects.filter(post=b.post).exists(),
    ),
    "reaction": Endpoint(
        "post",
        "/api/v1/posts/{post}/reactions/",
        statuses(staff=200, members=200, outside=404),
        data={"reaction": "like"},
        written=lambda b: PostReaction.objects.filter(post=b.post).exists(),
    ),
    "flag": Endpoint(
        "post",
        "/api/v1/posts/{post}/flags/",
        statuses(staff=201, members=201, outside=404, resident_a=400),  # not one's own post
        data={"reason": "abuse"},
        written=lambda b: Flag.objects.filter(post=b.post).exists(),
    ),
    "notice-read": Endpoint(
        "get", "/api/v1/notices/{notice}/", statuses(staff=200, members=200, outside=404)
    ),
    "receipts": Endpoint(
        "get",
        "/api/v1/notices/{notice}/receipts/",
        statuses(staff=200, members=403, outside=404, worker_a=403),
    ),
    "receipts-of-grid": Endpoint(
        "get",
        "/api/v1/notices/{notice}/receipts/?grid={grid_a}",
        statuses(staff=200, members=403, outside=404),
    ),
    "notice-publish": Endpoint(
        "post",
        "/api/v1/communities/{east}/notices/",
        # resident_b and worker_b live or serve in the east community: told no, not 404.
        statuses(staff=201, members=403, outside=403, worker_a=403, cadre_west=404),
        data={"title": "消防演练", "body": "周日上午", "grids": []},
        written=lambda b: Notice.objects.filter(title="消防演练").exists(),
    ),
    "review-queue": Endpoint(
        "get", "/api/v1/moderation/queue/", statuses(staff=200, members=200, outside=200)
    ),
    "review-queue-of-grid": Endpoint(
        "get",
        "/api/v1/moderation/queue/?grid={grid_a}",
        statuses(staff=200, members=403, outside=404),
    ),
    "decision": Endpoint(
        "post",
        "/api/v1/moderation/decisions/",
        statuses(staff=201, members=403, outside=404),
        data={"post": "{post}", "action": "warn", "reason": "请文明发言"},
        written=lambda b: ModerationAction.objects.filter(action="warn").exists(),
    ),
    "moderation-log": Endpoint(
        "get",
        "/api/v1/grids/{grid_a}/moderation-log/",
        statuses(staff=200, members=403, outside=404),
    ),
}


def matrix() -> list:
    cases = []
    for name, endpoint in ENDPOINTS.items():
        for actor in ACTORS:
            expected = endpoint.expected[actor]
            cases.append(pytest.param(name, actor, expected, id=f"{name}-{actor}"))
    return cases


ERROR_CODES = {400: "flag_invalid", 403: "permission_denied", 404: "not_found"}


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


@pytest.mark.parametrize(("endpoint", "actor", "expected"), matrix())
def test_board_endpoint_answers_each_actor_with_the_expected_status(
    board, endpoint, actor, expected
):
    case = ENDPOINTS[endpoint]
    ids = board.ids()
    user = None if actor == "anonymous" else getattr(board.world, actor)
    data = {k: _fill(v, ids) for k, v in case.data.items()} if case.data is not None else None
    call = getattr(api(user), case.method)
    response = call(case.url.format(**ids), data, format="json")
    assert response.status_code == expected, response.content
    if expected >= 400:
        body = response.json()
        assert set(body) == {"code", "detail"}
        code = "not_authenticated" if user is None else ERROR_CODES[expected]
        assert body["code"] == code
    if case.written is not None:
        assert case.written(board) == (expected < 300)


def test_probing_a_foreign_grids_post_looks_exactly_like_a_missing_one(board):
    client = api(board.world.resident_b)
    for url in (
        "/api/v1/posts/{}/",
        "/api/v1/posts/{}/comments/",
        "/api/v1/notices/{}/",
        "/api/v1/notices/{}/receipts/?grid=" + str(board.world.grid_a.pk),
    ):
        target = board.notice.pk if "notices" in url else board.post.pk
        probed, missing = client.get(url.format(target)), client.get(url.format(999999))
        assert probed.status_code == missing.status_code == 404
        assert probed.json() == missing.json()


@pytest.mark.parametrize("actor", ACTORS[1:])
def test_the_review_queue_lists_a_reported_post_only_to_its_grids_staff(board, actor):
    response = api(getattr(board.world, actor)).get("/api/v1/moderation/queue/")
    assert response.status_code == 200
    listed = [item["post"]["id"] for item in response.json()]
    assert listed == ([board.reported.pk] if actor in STAFF_A else [])


# --- privacy -------------------------------------------------------------------------------


def _everything_seen_by(client: APIClient, board: Board) -> str:
    """Every board response a caller can get, writes included, as one string."""
    world = board.world
    responses = []
    for grid in (world.grid_a, world.grid_b, world.grid_c):
        responses += [
            client.get(f"/api/v1/grids/{grid.pk}/posts/"),
            client.get(f"/api/v1/grids/{grid.pk}/events/?after=0"),
            client.get(f"/api/v1/grids/{grid.pk}/moderation-log/"),
            client.get(f"/api/v1/notices/{board.notice.pk}/receipts/?grid={grid.pk}"),
            client.post(f"/api/v1/grids/{grid.pk}/posts/", {"body": "大家好"}, format="json"),
        ]
    for post in Post.objects.all():
        responses += [
            client.get(f"/api/v1/posts/{post.pk}/"),
            client.get(f"/api/v1/posts/{post.pk}/comments/"),
            client.post(f"/api/v1/posts/{post.pk}/comments/", {"body": "收到"}, format="json"),
            client.post(f"/api/v1/posts/{post.pk}/reactions/", {"reaction": "heart"}),
        ]
    for notice in Notice.objects.all():
        responses += [
            client.get(f"/api/v1/notices/{notice.pk}/"),
            client.get(f"/api/v1/notices/{notice.pk}/receipts/"),
        ]
    responses += [
        client.get("/api/v1/moderation/queue/"),
        client.get(f"/api/v1/communities/{world.east.pk}/notices/"),
    ]
    return "\n".join(json.dumps(r.json(), ensure_ascii=False) for r in responses if r.content)


@pytest.fixture
def busy_board(board):
    """Every resident has posted, commented and reacted; a notice reached the whole east."""
    world = board.world
    for membership in world.members["a"] + world.members["b"] + world.members["c"]:
        post = posts.post_create(actor=membership.user, grid=membership.grid, body="邻居好")
        posts.comment_create(actor=membership.user, post_id=post.pk, body="顶")
        posts.reaction_set(actor=membership.user, post_id=post.pk, reaction="like")
    posts.comment_create(actor=world.resident_a2, post_id=board.post.pk, body="同感")
    notices.notice_publish(actor=world.cadre_east, community=world.east, title="通知", body="…")
    return board


@pytest.mark.parametrize("viewer", ["resident_a", "resident_a2", "resident_b", "outsider"])
def test_no_board_response_shows_a_resident_anothers_phone_or_unit(busy_board, viewer):
    world = busy_board.world
    me = getattr(world, viewer)
    seen = _everything_seen_by(api(me), busy_board)
    assert "邻居好" in seen or viewer == "outsider"  # the sweep did read boards
    for membership in [m for grid_members in world.members.values() for m in grid_members]:
        if membership.user_id == me.pk:
            continue
        assert membership.user.phone not in seen
        assert membership.user.national_phone not in seen
        assert membership.unit not in seen
    assert not AccessLog.objects.exists()


def test_the_sweep_does_catch_contact_details_where_staff_may_see_them(busy_board):
    """The sweep above is not blind: run for grid A's worker it finds the unread list."""
    seen = _everything_seen_by(api(busy_board.world.worker_a), busy_board)
    neighbour = busy_board.world.members["a"][1]
    assert neighbour.user.national_phone in seen
    assert neighbour.unit in seen
    assert busy_board.world.members["b"][0].unit not in seen


def test_the_unread_list_shows_a_grid_worker_phone_building_and_unit_and_is_logged(board):
    world = board.world
    api(world.resident_a).get(f"/api/v1/notices/{board.notice.pk}/")
    response = api(world.worker_a).get(
        f"/api/v1/notices/{board.notice.pk}/receipts/?grid={world.grid_a.pk}"
    )
    assert response.status_code == 200
    neighbour = world.members["a"][1]
    assert response.json()["unread"] == [
        {
            "user_id": neighbour.user_id,
            "display_name": neighbour.user.display_name,
            "phone": neighbour.user.national_phone,
            "building": "a2幢",
            "unit": "a201室",
        }
    ]
    assert [g["grid"] for g in response.json()["grids"]] == [world.grid_a.pk]
    log = AccessLog.objects.get()
    assert (log.actor, log.action, log.scope, log.detail) == (
        world.worker_a,
        "notice.unread_members",
        f"grid:{world.grid_a.pk}",
        {"notice": board.notice.pk},
    )


@pytest.mark.parametrize(
    ("viewer", "status"), [("resident_a", 403), ("resident_a2", 403), ("worker_b", 404)]
)
def test_the_unread_list_is_refused_to_others_and_nothing_is_logged(board, viewer, status):
    world = board.world
    response = api(getattr(world, viewer)).get(
        f"/api/v1/notices/{board.notice.pk}/receipts/?grid={world.grid_a.pk}"
    )
    assert response.status_code == status
    assert "unread" not in response.json()
    assert world.resident_a2.national_phone not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_the_unread_list_of_a_grid_the_notice_did_not_reach_is_404(board):
    world = board.world
    response = api(world.cadre_east).get(
        f"/api/v1/notices/{board.notice.pk}/receipts/?grid={world.grid_b.pk}"
    )
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_catching_up_does_not_replay_the_text_of_a_hidden_post(world, settings):
    settings.BOARD_FLAGS_TO_HIDE = 1
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="张三家住3幢502")
    moderation.flag_create(actor=world.resident_a2, post_id=post.pk, reason="privacy")
    client = api(world.resident_a2)
    assert client.get(f"/api/v1/posts/{post.pk}/").status_code == 404
    response = client.get(f"/api/v1/grids/{world.grid_a.pk}/events/?after=0")
    assert response.status_code == 200
    assert "张三家住3幢502" not in response.content.decode()


# --- the feed ------------------------------------------------------------------------------


def _post_many(world, n: int) -> list[int]:
    return [
        posts.post_create(actor=world.resident_a, grid=world.grid_a, body=f"第{i}条").pk
        for i in range(n)
    ]


def test_the_feed_is_newest_first_and_carries_the_boards_seq(world):
    ids = _post_many(world, 4)
    body = feed(api(world.resident_a2), world.grid_a)
    world.grid_a.refresh_from_db()
    assert [p["id"] for p in body["results"]] == sorted(ids, reverse=True)
    assert body["seq"] == world.grid_a.board_seq == 4
    assert body["pinned"] == [] and body["next"] is None and body["previous"] is None


def test_the_feeds_reads_are_prepared_statements(world):
    """The page, its decorations and the grid with the viewer's membership are planned
    once per connection (the page's ids are one array parameter, so every page shares
    one statement), and a page read through them is the feed as before."""
    for body in ("一楼有快递", "二楼有快递"):
        posts.post_create(actor=world.resident_a, grid=world.grid_a, body=body)
    client = api(world.resident_a2)
    pages = [feed_ids(client, world.grid_a) for _ in range(3)]
    assert pages[0] == pages[2] and len(pages[0]) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any("page_ids" in s for s in statements), statements
    assert any("photo.post_id = ANY($1)" in s for s in statements), statements
    assert any("EXISTS" in s and "grids_membership" in s for s in statements), statements


def test_pinned_notices_come_on_the_first_page_only(world):
    ids = _post_many(world, 3)
    first = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="一", body="b"
    )
    second = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="二", body="b"
    )
    ids += _post_many(world, 3)
    client = api(world.resident_a)
    top = feed(client, world.grid_a, "?page_size=2")
    assert [p["notice"]["id"] for p in top["pinned"]] == [second.pk, first.pk]
    assert all(p["kind"] == "notice" and p["notice"]["pinned"] for p in top["pinned"])
    world.grid_a.refresh_from_db()
    assert top["seq"] == world.grid_a.board_seq == 8
    second_page = client.get(top["next"]).json()
    assert second_page["pinned"] == []
    assert second_page["results"]


def test_walking_back_to_the_top_brings_the_pinned_notices_back(world):
    notices.notice_publish(actor=world.cadre_east, community=world.east, title="置顶", body="b")
    _post_many(world, 4)
    client = api(world.resident_a)
    top = feed(client, world.grid_a, "?page_size=2")
    back = client.get(client.get(top["next"]).json()["previous"]).json()
    assert back["previous"] is None
    assert [p["id"] for p in back["results"]] == [p["id"] for p in top["results"]]
    assert back["pinned"] == top["pinned"]


def test_following_next_walks_every_post_exactly_once(world):
    ids = _post_many(world, 7)
    ids += [
        posts.post_create(actor=world.resident_a2, grid=world.grid_a, body=f"邻{i}").pk
        for i in range(4)
    ]
    posts.post_create(actor=world.resident_b, grid=world.grid_b, body="别的网格")
    client = api(world.resident_a)
    url, seen, pages = f"/api/v1/grids/{world.grid_a.pk}/posts/?page_size=2", [], 0
    while url:
        body = client.get(url).json()
        assert len(body["results"]) <= 2
        seen += [p["id"] for p in body["results"]]
        url, pages = body["next"], pages + 1
    assert seen == sorted(ids, reverse=True)
    assert pages == 6


@pytest.fixture
def mixed_board(world) -> dict[str, int]:
    made = {
        "chat": posts.post_create(actor=world.resident_a, grid=world.grid_a, body="楼下快递柜坏了"),
        "need": posts.card_post_create(  # a request for help from before 互助 owned them
            actor=world.resident_a2,
            grid=world.grid_a,
            kind=PostKind.NEED,
            body="求借一把梯子",
            ref_type="",
            ref_id=None,
        ),
        "photo": posts.post_create(
            actor=world.resident_a2, grid=world.grid_a, body="晒晒阳台的花", photos=[png()]
        ),
        "staff": posts.post_create(actor=world.worker_a, grid=world.grid_a, body="梯子在物业"),
    }
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="通知", body="b"
    )
    ids = {name: post.pk for name, post in made.items()}
    ids["notice"] = notice.posts.get(grid=world.grid_a).pk
    posts.post_create(actor=world.resident_b, grid=world.grid_b, body="求借梯子 B")
    return ids


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("kind=need", ["need"]),
        ("kind=chat", ["staff", "photo", "chat"]),
        ("kind=notice", ["notice"]),
        ("author={resident_a2}", ["photo", "need"]),
        ("has_photos=true", ["photo"]),
        ("has_photos=false", ["notice", "staff", "need", "chat"]),
        ("q=梯子", ["staff", "need"]),
        ("q=梯子&author={resident_a2}", ["need"]),
    ],
)
def test_the_feed_filters(world, mixed_board, query, names):
    query = query.format(resident_a2=world.resident_a2.pk)
    assert feed_ids(api(world.resident_a), world.grid_a, f"?{query}") == [
        mixed_board[n] for n in names
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [("kind=bogus", "kind"), ("author=abc", "author"), ("q=" + "长" * 51, "q")],
)
def test_a_bad_filter_value_is_a_400_naming_the_field(world, query, field):
    response = api(world.resident_a).get(f"/api/v1/grids/{world.grid_a.pk}/posts/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]
    assert body["detail"]


def test_an_author_id_beyond_64_bits_is_no_server_error(world):
    posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    client = api(world.resident_a)
    client.raise_request_exception = False
    response = client.get(f"/api/v1/grids/{world.grid_a.pk}/posts/?author={10**20}")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["results"] == []
    else:
        assert response.json()["code"] == "invalid"


def test_a_muted_members_posts_and_comments_leave_the_muters_feed_only(world):
    loud = posts.post_create(actor=world.resident_a2, grid=world.grid_a, body="刷屏")
    mine = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="正常")
    posts.comment_create(actor=world.resident_a2, post_id=mine.pk, body="刷屏评论")
    client = api(world.resident_a)
    assert client.put(f"/api/v1/mutes/{world.resident_a2.pk}/").status_code == 204
    body = feed(client, world.grid_a)
    assert [p["id"] for p in body["results"]] == [mine.pk]
    assert body["results"][0]["comments"] == []
    assert feed_ids(api(world.worker_a), world.grid_a) == [mine.pk, loud.pk]
    assert client.delete(f"/api/v1/mutes/{world.resident_a2.pk}/").status_code == 204
    assert feed_ids(client, world.grid_a) == [mine.pk, loud.pk]


# --- what a feed page costs ----------------------------------------------------------------


@pytest.fixture
def crowded_board(world):
    """60 posts, each with 2 photos, 3 comments (one a reply) and reactions; 2 pinned notices."""
    for title in ("停水", "停电"):
        notices.notice_publish(actor=world.cadre_east, community=world.east, title=title, body="b")
    authors = [world.resident_a, world.resident_a2, world.worker_a]
    home = world.buildings["a"][0]
    Post.objects.bulk_create(
        Post(grid=world.grid_a, author=authors[i % 3], micro_grid=home, kind="chat", body=f"{i}")
        for i in range(60)
    )
    made = list(Post.objects.filter(grid=world.grid_a, kind="chat").order_by("id"))
    PostPhoto.objects.bulk_create(
        PostPhoto(
            post=p,
            position=i,
            image=f"b/{p.pk}-{i}.jpg",
            thumb=f"b/{p.pk}-{i}_t.jpg",
            width=40,
            height=30,
        )
        for p in made
        for i in range(2)
    )
    Post.objects.filter(pk__in=[p.pk for p in made]).update(photo_count=2, comment_count=3)
    Comment.objects.bulk_create(
        Comment(post=p, author=authors[i], body=f"评论{i}") for p in made for i in range(2)
    )
    first_comments = {c.post_id: c for c in Comment.objects.filter(author=authors[0])}
    Comment.objects.bulk_create(
        Comment(post=p, author=authors[2], body="回复", reply_to=first_comments[p.pk]) for p in made
    )
    PostReaction.objects.bulk_create(
        PostReaction(post=p, user=user, reaction=reaction)
        for p in made
        for user in authors
        for reaction in ("like", "thanks")
    )


def _feed_queries(client: APIClient, grid, page_size: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/grids/{grid.pk}/posts/?page_size={page_size}")
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == page_size
    assert len(body["pinned"]) == 2
    assert all(len(p["photos"]) == 2 for p in body["results"] if p["kind"] == "chat")
    assert all(len(p["comments"]) == 3 for p in body["results"] if p["kind"] == "chat")
    assert all(p["reactions"] == {"like": 3, "thanks": 3} for p in body["results"][:5])
    return len(queries)


@pytest.mark.parametrize("viewer", ["resident_a", "worker_a", "cadre_east"])
def test_a_feed_page_costs_the_same_queries_whatever_its_size(world, crowded_board, viewer):
    client = api(getattr(world, viewer))
    small = _feed_queries(client, world.grid_a, 5)
    large = _feed_queries(client, world.grid_a, 50)
    assert small == large
    assert large <= 4  # grid + membership, (a cadre's check,) the page, its decorations


def _declared_page(viewer, body: dict) -> bytes:
    """The page `body` shows, written again by the declared serializers (field by field,
    comments too) from model instances the ORM reads, and rendered as the API renders."""
    from rest_framework.renderers import JSONRenderer

    from grids.selectors import board as selectors
    from grids.serializers.board import CommentSerializer, PostSerializer

    ids = [p["id"] for p in body["pinned"] + body["results"]]
    found = Post.objects.select_related("author", "micro_grid", "notice").in_bulk(ids)
    pinned = [found[p["id"]] for p in body["pinned"]]
    results = [found[p["id"]] for p in body["results"]]
    selectors.posts_decorate([*pinned, *results], viewer=viewer)

    def declared(post: Post) -> dict:
        data = PostSerializer().declared_representation(post)
        comment = CommentSerializer().declared_representation
        data["comments"] = [comment(c) for c in post.comment_list]
        return data

    return JSONRenderer().render(
        {
            "seq": body["seq"],
            "pinned": [declared(p) for p in pinned],
            "next": body["next"],
            "previous": body["previous"],
            "results": [declared(p) for p in results],
        }
    )


def test_a_feed_page_is_byte_for_byte_what_the_declared_serializers_write(world, crowded_board):
    """Pages built from plain rows (no model instances) against the declared serializers:
    photos, comments with replies, reactions with the viewer's own, pinned notices (one no
    longer pinned), buildings, an edited post, a muted member; first page, a later one,
    and back to the top."""
    crowded = Post.objects.filter(grid=world.grid_a, kind="chat").order_by("-id")
    mine = crowded.filter(author=world.resident_a)[0]
    posts.post_update(actor=world.resident_a, post_id=mine.pk, body="改过")
    expired = notices.notice_publish(
        actor=world.cadre_east,
        community=world.east,
        title="过期",
        body="b",
        pinned_until=timezone.now() + timedelta(seconds=1),
    )
    Notice.objects.filter(pk=expired.pk).update(pinned_until=timezone.now() - timedelta(days=1))
    posts.post_create(actor=world.resident_a2, grid=world.grid_a, body="静音的人")
    client = api(world.resident_a)
    assert client.put(f"/api/v1/mutes/{world.resident_a2.pk}/").status_code == 204
    url = f"/api/v1/grids/{world.grid_a.pk}/posts/?page_size=7"
    pages = []
    for follow in ("next", "next", "previous", "previous", None):
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        pages.append(body)
        assert response.content == _declared_page(world.resident_a, body)
        url = body[follow] if follow else None
    assert [len(p["pinned"]) for p in pages] == [2, 0, 0, 0, 2]
    assert pages[4]["results"] == pages[0]["results"]
    assert pages[0]["results"][0]["notice"]["pinned"] is False  # the expired one, in the feed
    assert any(c["reply_to"] for p in pages[0]["results"] for c in p["comments"])
    assert any(p["my_reactions"] for p in pages[0]["results"])
    assert any(p["edited_at"] for page in pages for p in page["results"])
    assert all(p["author"]["id"] != world.resident_a2.pk for page in pages for p in page["results"])


@pytest.fixture
def odd_bodies(world, mixed_board) -> dict[str, int]:
    """Bodies holding LIKE's wildcards as plain text."""
    made = {}
    for name, body in (("percent", "满意度100%"), ("underscore", "a_b"), ("plain", "axb")):
        made[name] = posts.post_create(actor=world.resident_a2, grid=world.grid_a, body=body).pk
    return {**mixed_board, **made}


@pytest.mark.parametrize(
    ("query", "rule"),
    [
        ("", {}),
        ("kind=chat", {"kind": "chat"}),
        ("kind=notice", {"kind": "notice"}),
        ("has_photos=true", {"has_photos": True}),
        ("has_photos=false", {"has_photos": False}),
        ("author={a2}", {"author_id": "{a2}"}),
        ("q=梯子", {"q": "梯子"}),
        ("q=%25", {"q": "%"}),
        ("q=_", {"q": "_"}),
        ("q=A_B", {"q": "A_B"}),
        ("q=梯子&author={a2}&kind=need", {"q": "梯子", "author_id": "{a2}", "kind": "need"}),
    ],
)
@pytest.mark.parametrize("muting", [False, True])
def test_the_feeds_one_statement_picks_what_the_feed_rule_picks(
    world, odd_bodies, query, rule, muting
):
    """The API pages its feed with plain SQL; `feed_for_grid` (the board pages') is the
    rule. Walked forward two posts at a time, then back."""
    from grids.selectors import board as selectors

    a2 = world.resident_a2.pk
    rule = {k: int(v.format(a2=a2)) if k == "author_id" else v for k, v in rule.items()}
    client = api(world.resident_a)
    if muting:
        assert client.put(f"/api/v1/mutes/{world.worker_a.pk}/").status_code == 204
    expected = list(
        selectors.feed_for_grid(viewer=world.resident_a, grid=world.grid_a, **rule).values_list(
            "id", flat=True
        )
    )
    url = f"/api/v1/grids/{world.grid_a.pk}/posts/?page_size=2&{query.format(a2=a2)}".rstrip("&")
    forward, pages = [], []
    while url:
        body = feed(client, world.grid_a, url.split("/posts/", 1)[1])
        forward += [p["id"] for p in body["results"]]
        pages.append([p["id"] for p in body["results"]])
        url = body["next"]
    assert forward == expected
    back, url = [], body["previous"]
    while url:
        body = feed(client, world.grid_a, url.split("/posts/", 1)[1])
        back = [p["id"] for p in body["results"]] + back
        url = body["previous"]
    assert back + pages[-1] == expected or (len(pages) == 1 and back == [])
    if muting:
        theirs = Post.objects.filter(author=world.worker_a).values_list("id", flat=True)
        assert not set(forward) & set(theirs)
    if "q=_" in query:
        assert odd_bodies["plain"] not in forward and odd_bodies["underscore"] in forward
    if "q=%25" in query:
        assert forward == [odd_bodies["percent"]]


@pytest.mark.parametrize("position", ["abc", "0", "-1", "1e3", str(2**63), "²"])
def test_a_cursor_with_a_position_that_is_no_id_is_a_404(world, position):
    from base64 import b64encode
    from urllib.parse import quote, urlencode

    _post_many(world, 3)
    cursor = b64encode(urlencode({"p": position}).encode("ascii")).decode("ascii")
    client = api(world.resident_a)
    client.raise_request_exception = False
    response = client.get(f"/api/v1/grids/{world.grid_a.pk}/posts/?cursor={quote(cursor)}")
    assert response.status_code == 404


# --- posting by multipart ------------------------------------------------------------------


def test_a_post_with_two_photos_comes_back_with_their_urls(world, tmp_path):
    response = api(world.resident_a).post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/",
        {"body": "小区的樱花开了", "photos": [png("a.png"), png("b.png", size=(10, 20))]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["body"] == "小区的樱花开了" and body["kind"] == "chat"
    assert [(p["width"], p["height"]) for p in body["photos"]] == [(40, 30), (10, 20)]
    for photo in body["photos"]:
        assert photo["url"].startswith("/media/board/") and photo["url"].endswith(".jpg")
        assert photo["thumb_url"].endswith("_t.jpg") and photo["thumb_url"] != photo["url"]
    assert len(stored_files(tmp_path)) == 4
    assert Post.objects.get().photo_count == 2


def test_a_file_that_is_no_image_is_refused_and_nothing_is_written(world, tmp_path):
    fake = SimpleUploadedFile("holiday.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    response = api(world.resident_a).post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/",
        {"body": "看看", "photos": [png(), fake]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "photo_format"
    assert not Post.objects.exists()
    assert not PostPhoto.objects.exists()
    assert stored_files(tmp_path) == []


def test_a_photo_over_the_size_limit_is_a_413(world, settings, tmp_path):
    settings.PHOTO_MAX_BYTES = 10_000
    upload = noisy_png()
    assert upload.size > settings.PHOTO_MAX_BYTES
    response = api(world.resident_a).post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/",
        {"body": "大图", "photos": [upload]},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "photo_too_large"
    assert not Post.objects.exists()
    assert stored_files(tmp_path) == []


def test_ten_photos_are_refused(world, tmp_path):
    response = api(world.resident_a).post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/",
        {"body": "十张", "photos": [png(f"{i}.png") for i in range(10)]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "post_invalid"
    assert not Post.objects.exists()
    assert stored_files(tmp_path) == []


def test_nine_photos_are_accepted(world):
    response = api(world.resident_a).post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/",
        {"photos": [png(f"{i}.png") for i in range(9)]},
        format="multipart",
    )
    assert response.status_code == 201
    assert len(response.json()["photos"]) == 9


def test_an_empty_post_is_refused_in_english_when_asked(world):
    response = api(world.resident_a, HTTP_ACCEPT_LANGUAGE="en").post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/", {"body": "  "}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {"code": "post_invalid", "detail": "Write something or add a photo."}


def test_an_empty_post_is_refused_in_chinese(world):
    response = api(world.resident_a, HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/", {"body": ""}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "post_invalid"
    assert CHINESE.search(response.json()["detail"]), response.json()
    assert not Post.objects.exists()


def test_a_photo_refusal_speaks_chinese(world):
    fake = SimpleUploadedFile("x.jpg", b"not a photo", content_type="image/jpeg")
    response = api(world.resident_a, HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/", {"photos": [fake]}, format="multipart"
    )
    assert response.json()["code"] == "photo_format"
    assert CHINESE.search(response.json()["detail"])


# --- notices -------------------------------------------------------------------------------


def _publish(world, **extra) -> dict:
    response = api(world.cadre_east).post(
        f"/api/v1/communities/{world.east.pk}/notices/",
        {"title": "电梯检修", "body": "3幢电梯周二停用", "grids": [world.grid_a.pk], **extra},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_cadre_publishes_to_grid_a_and_a_residents_reading_shows_in_the_receipts(world):
    notice = _publish(world)
    assert (notice["grids"], notice["all_grids"], notice["pinned"]) == (
        [world.grid_a.pk],
        False,
        True,
    )
    opened = api(world.resident_a).get(f"/api/v1/notices/{notice['id']}/")
    assert opened.status_code == 200
    assert opened.json()["read"] is True and opened.json()["title"] == "电梯检修"
    assert api(world.resident_b).get(f"/api/v1/notices/{notice['id']}/").status_code == 404
    cadre = api(world.cadre_east)
    receipts = cadre.get(f"/api/v1/notices/{notice['id']}/receipts/").json()
    assert [(g["grid"], g["read"], g["members"]) for g in receipts["grids"]] == [
        (world.grid_a.pk, 1, 2)
    ]
    assert "unread" not in receipts
    assert api(world.resident_a2).get(f"/api/v1/notices/{notice['id']}/").status_code == 200
    receipts = cadre.get(f"/api/v1/notices/{notice['id']}/receipts/").json()
    assert (receipts["members"], receipts["read"], receipts["rate"]) == (2, 2, 1.0)


def test_the_receipts_count_one_of_two_when_one_resident_read(world):
    notice = _publish(world)
    api(world.resident_a).get(f"/api/v1/notices/{notice['id']}/")
    api(world.worker_a).get(f"/api/v1/notices/{notice['id']}/")  # staff do not count
    receipts = api(world.cadre_east).get(f"/api/v1/notices/{notice['id']}/receipts/").json()
    assert receipts["grids"] == [
        {
            "grid": world.grid_a.pk,
            "grid_name": world.grid_a.name,
            "members": 2,
            "read": 1,
            "rate": 0.5,
        }
    ]
    assert (receipts["notice"], receipts["members"], receipts["read"]) == (notice["id"], 2, 1)


def test_an_affairs_notice_cannot_be_withdrawn(world):
    notice = _publish(world, category="affairs")
    response = api(world.cadre_east).post(f"/api/v1/notices/{notice['id']}/withdraw/")
    assert response.status_code == 409
    assert response.json()["code"] == "notice_permanent"
    assert Notice.objects.filter(pk=notice["id"], withdrawn_at__isnull=True).exists()
    assert feed(api(world.resident_a), world.grid_a)["pinned"][0]["notice"]["id"] == notice["id"]


def test_a_general_notice_is_withdrawn_from_the_board(world):
    notice = _publish(world)
    response = api(world.cadre_east).post(f"/api/v1/notices/{notice['id']}/withdraw/")
    assert response.status_code == 200
    assert response.json()["withdrawn_at"] is not None
    body = feed(api(world.resident_a), world.grid_a)
    assert body["pinned"] == [] and body["results"] == []


def test_superseding_publishes_a_new_version_and_the_old_one_points_to_it(world):
    old = _publish(world, category="affairs")
    client = api(world.cadre_east)
    response = client.post(
        f"/api/v1/notices/{old['id']}/supersede/",
        {"title": "更正：电梯检修", "body": "改为周三"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    new = response.json()
    assert new["id"] != old["id"]
    assert (new["category"], new["grids"]) == ("affairs", [world.grid_a.pk])
    again = api(world.resident_a).get(f"/api/v1/notices/{old['id']}/").json()
    assert again["superseded_by"] == new["id"] and again["pinned"] is False
    pinned = feed(api(world.resident_a), world.grid_a)["pinned"]
    assert [p["notice"]["id"] for p in pinned] == [new["id"]]
    twice = client.post(
        f"/api/v1/notices/{old['id']}/supersede/", {"title": "x", "body": "y"}, format="json"
    )
    assert twice.status_code == 409 and twice.json()["code"] == "notice_superseded"


# --- catching up on events -----------------------------------------------------------------


def _events(client: APIClient, grid, after) -> dict:
    response = client.get(f"/api/v1/grids/{grid.pk}/events/?after={after}")
    assert response.status_code == 200, response.json()
    return response.json()


def test_catching_up_returns_exactly_the_events_after_the_seq_in_order(world):
    first = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="一")
    posts.post_create(actor=world.resident_b, grid=world.grid_b, body="B 网格")
    posts.comment_create(actor=world.resident_a2, post_id=first.pk, body="评")
    posts.reaction_set(actor=world.worker_a, post_id=first.pk, reaction="like")
    second = posts.post_create(actor=world.resident_a2, grid=world.grid_a, body="二")
    posts.post_delete(actor=world.resident_a2, post_id=second.pk)
    client = api(world.resident_a)
    caught = _events(client, world.grid_a, 2)
    assert [(e["seq"], e["type"]) for e in caught["events"]] == [
        (3, "reaction.changed"),
        (4, "post.removed"),  # its creation, redacted when the author deleted it
        (5, "post.removed"),
    ]
    assert all(e["grid"] == world.grid_a.pk for e in caught["events"])
    assert caught["events"][1] == {
        "type": "post.removed",
        "seq": 4,
        "grid": world.grid_a.pk,
        "post_id": second.pk,
    }
    assert (caught["seq"], caught["more"]) == (5, False)
    assert [e["seq"] for e in _events(client, world.grid_a, 0)["events"]] == [1, 2, 3, 4, 5]
    assert _events(client, world.grid_a, 5) == {"seq": 5, "events": [], "more": False}


@pytest.mark.parametrize("after", ["-1", "abc", "", "1.5"])
def test_catching_up_needs_a_whole_non_negative_seq(world, after):
    response = api(world.resident_a).get(f"/api/v1/grids/{world.grid_a.pk}/events/?after={after}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["after"]


def test_catching_up_without_after_is_a_400(world):
    response = api(world.resident_a).get(f"/api/v1/grids/{world.grid_a.pk}/events/")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


# --- moderation ----------------------------------------------------------------------------


def test_two_reports_hide_a_post_until_staff_restore_it(world, settings):
    settings.BOARD_FLAGS_TO_HIDE = 2
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="便宜卖房")
    kept = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="正常")
    for flagger, reason in ((world.resident_a2, "spam"), (world.cadre_east, "false")):
        response = api(flagger).post(
            f"/api/v1/posts/{post.pk}/flags/", {"reason": reason}, format="json"
        )
        assert response.status_code == 201
    neighbour, author, worker = api(world.resident_a2), api(world.resident_a), api(world.worker_a)

    assert feed_ids(neighbour, world.grid_a) == [kept.pk]
    assert neighbour.get(f"/api/v1/posts/{post.pk}/").status_code == 404
    assert author.get(f"/api/v1/posts/{post.pk}/").status_code == 200
    queue = worker.get("/api/v1/moderation/queue/").json()
    assert [(i["post"]["id"], i["hidden"], i["flag_count"]) for i in queue] == [(post.pk, True, 2)]
    assert queue[0]["reasons"] == {"spam": 1, "false": 1}
    assert api(world.worker_b).get("/api/v1/moderation/queue/").json() == []

    response = worker.post(
        "/api/v1/moderation/decisions/",
        {"post": post.pk, "action": "restore", "reason": "已核实"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["action"] == "restore"
    assert feed_ids(neighbour, world.grid_a) == [kept.pk, post.pk]
    assert worker.get("/api/v1/moderation/queue/").json() == []
    log = worker.get(f"/api/v1/grids/{world.grid_a.pk}/moderation-log/").json()["results"]
    assert [(e["post"], e["action"], e["actor_name"]) for e in log] == [
        (post.pk, "restore", world.worker_a.display_name),
        (post.pk, "auto_hide", None),
    ]


def test_a_decision_with_a_bad_action_or_post_is_a_400(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    client = api(world.worker_a)
    for data in ({"post": post.pk, "action": "delete"}, {"post": "abc", "action": "hide"}):
        response = client.post("/api/v1/moderation/decisions/", data, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("value", ["²", "１", "1e3", "9" * 40])
def test_odd_digits_in_grid_parameters_are_a_clear_no_not_a_500(world, value):
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="t", body="b"
    )
    client = api(world.cadre_east)
    receipts = client.get(f"/api/v1/notices/{notice.pk}/receipts/", {"grid": value})
    queue = client.get("/api/v1/moderation/queue/", {"grid": value})
    mine = client.get("/api/v1/me/notifications/", {"after": value})
    assert (receipts.status_code, queue.status_code, mine.status_code) == (404, 404, 400)


def test_catching_up_over_rest_skips_what_muted_members_wrote(world):
    moderation.mute_set(actor=world.resident_a2, user_id=world.resident_a.pk)
    posts.post_create(actor=world.resident_a, grid=world.grid_a, body="吵闹")
    posts.post_create(actor=world.worker_a, grid=world.grid_a, body="通知大家")
    caught = api(world.resident_a2).get(f"/api/v1/grids/{world.grid_a.pk}/events/?after=0").json()
    assert caught["events"][0] == {"type": "skip", "seq": 1}
    assert caught["events"][1]["post"]["body"] == "通知大家"
