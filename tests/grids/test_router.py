"""Read replicas through a database router: the board feed's reads, plain SQL included, go
where the router sends them.

A `replica` alias is added to the connections as a test mirror of `default` (Django's
`"TEST": {"MIRROR": "default"}`): a second connection to the same test database. A mirror
sees only what `default` has committed, so these tests are transactional, as Django's
documentation on testing primary/replica setups asks. The alias is added after the test
database exists (pytest-django builds it once per session from settings.DATABASES), so it
takes the test database's name from `default`, as Django's own mirror set-up does.
"""

import copy
from datetime import timedelta

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from grids.models import Post, PostPhoto
from grids.selectors import board, places
from grids.services import notices, posts

REPLICA = "replica"

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])

# The raw feed reads, by what each reads (table names as the models declare them).
FEED_TABLES = {
    "grid and membership": "grids_membership",
    "cards": "grids_notice",
    "photos": "grids_postphoto",
    "comments": "grids_comment",
    "reactions": "grids_postreaction",
}


class ReplicaRouter:
    """Reads of the grids app from the replica, every write to default."""

    def db_for_read(self, model, **hints):
        return REPLICA if model._meta.app_label == "grids" else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """The alias must exist before a test's database set-up checks `databases`."""
    settings = copy.deepcopy(connections["default"].settings_dict)
    settings["TEST"]["MIRROR"] = "default"
    connections.settings[REPLICA] = settings
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def board_with_everything(world):
    """Two posts with a photo, a comment and a reaction, and a pinned notice."""
    notices.notice_publish(
        actor=world.cadre_east,
        community=world.east,
        title="停水",
        body="周三停水",
        pinned_until=timezone.now() + timedelta(days=2),
    )
    made = [
        posts.post_create(actor=world.resident_a, grid=world.grid_a, body=body)
        for body in ("樱花开了", "谁家的猫")
    ]
    for post in made:
        PostPhoto.objects.create(
            post=post,
            position=0,
            image=f"b/{post.pk}.jpg",
            thumb=f"b/{post.pk}_t.jpg",
            width=40,
            height=30,
        )
        posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="好看")
        posts.reaction_set(actor=world.resident_a2, post_id=post.pk, reaction="like")
    Post.objects.filter(pk__in=[p.pk for p in made]).update(photo_count=1)
    return made


@pytest.fixture
def routed(settings):
    settings.DATABASE_ROUTERS = [ReplicaRouter()]


def grids_sql(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "grids_" in q["sql"]]


def reads_of(captured: CaptureQueriesContext) -> dict[str, bool]:
    sql = "\n".join(grids_sql(captured))
    return {name: table in sql for name, table in FEED_TABLES.items()}


def test_the_feed_selectors_read_from_the_routed_database(world, board_with_everything, routed):
    with (
        CaptureQueriesContext(connections["default"]) as default,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        grid = places.grid_for_reader(world.grid_a.pk, world.resident_a)
        picked = board.feed_for_grid(viewer=world.resident_a, grid=grid).values("id")
        page, pinned = board.feed_page(list(picked), pinned_in=grid)
        board.posts_decorate([*pinned, *page], viewer=world.resident_a)

    chats = [p for p in page if p.kind == "chat"]
    assert [p.pk for p in chats] == [p.pk for p in reversed(board_with_everything)]
    assert [p.kind for p in pinned] == ["notice"]
    assert all(len(p.photo_list) == 1 and len(p.comment_list) == 1 for p in chats)
    assert all(p.reaction_counts == {"like": 1} for p in chats)
    assert all(p._state.db == REPLICA for p in [grid, *page, *pinned])
    assert reads_of(replica) == dict.fromkeys(FEED_TABLES, True)
    assert grids_sql(default) == []


def test_the_feed_api_reads_the_board_from_the_routed_database(
    world, board_with_everything, routed
):
    client = APIClient()
    client.force_authenticate(world.resident_a)
    with (
        CaptureQueriesContext(connections["default"]) as default,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(f"/api/v1/grids/{world.grid_a.pk}/posts/")

    assert response.status_code == 200, response.json()
    body = response.json()
    chats = [p for p in body["results"] if p["kind"] == "chat"]
    assert [p["id"] for p in chats] == [p.pk for p in reversed(board_with_everything)]
    assert len(body["pinned"]) == 1
    assert all(len(p["photos"]) == 1 and len(p["comments"]) == 1 for p in chats)
    assert all(p["reactions"] == {"like": 1} for p in chats)
    assert reads_of(replica) == dict.fromkeys(FEED_TABLES, True)
    assert grids_sql(default) == []


def test_without_a_router_the_feed_reads_from_default(world, board_with_everything):
    """The same page, no router: everything on default, nothing on the replica."""
    client = APIClient()
    client.force_authenticate(world.resident_a)
    with (
        CaptureQueriesContext(connections["default"]) as default,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        assert client.get(f"/api/v1/grids/{world.grid_a.pk}/posts/").status_code == 200
    assert reads_of(default) == dict.fromkeys(FEED_TABLES, True)
    assert replica.captured_queries == []
