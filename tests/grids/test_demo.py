"""The demo has two communities, so what one may not see of the other can be tried: it stays
deterministic and idempotent, and the API keeps each community's board and activities to
its own people."""

import io
import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from activities.models import Activity
from grids.demo import COMMUNITY, SECOND_COMMUNITY, demo_join_code
from grids.models import Comment, Community, Grid, Membership, MicroGrid, Post, RoleGrant
from points.models import Reward
from residents.models import User

pytestmark = pytest.mark.django_db

EAST_RESIDENT, SOUTH_RESIDENT, SOUTH_CADRE = "13800010002", "13800030002", "13900000002"


def seed() -> dict:
    out = io.StringIO()
    call_command("seed_demo", json=True, stdout=out)
    call_command("seed_demo_activities", stdout=io.StringIO())
    return json.loads(out.getvalue())


def counts() -> dict:
    models = (User, Community, Grid, MicroGrid, Membership, RoleGrant, Post, Comment)
    return {model.__name__: model.objects.count() for model in (*models, Activity, Reward)}


def api_as(phone: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(phone=f"+86{phone}"))
    return client


@pytest.fixture
def demo():
    return seed()


def test_running_the_demo_twice_changes_nothing_and_both_communities_are_there():
    first = seed()
    before = counts()

    second = seed()

    assert counts() == before
    assert second == first
    assert [c["name"] for c in first["communities"]] == [COMMUNITY, SECOND_COMMUNITY]
    south = first["communities"][1]
    assert [g["join_code"] for g in south["grids"]] == [
        demo_join_code(1, SECOND_COMMUNITY),
        demo_join_code(2, SECOND_COMMUNITY),
    ]
    assert before["Community"] == 2
    assert Activity.objects.filter(community__name=SECOND_COMMUNITY).count() == 1
    south_cadres = [
        a for a in first["accounts"] if a["role"] == "cadre" and a["community"] == SECOND_COMMUNITY
    ]
    assert [a["phone"] for a in south_cadres] == [SOUTH_CADRE]


def test_a_second_community_account_logs_in_with_the_printed_password(client, demo):
    cadre = next(a for a in demo["accounts"] if a["phone"] == SOUTH_CADRE)
    assert client.login(phone=f"+86{cadre['phone']}", password=cadre["password"])


def test_a_resident_sees_their_own_communitys_board_and_activities(demo):
    for phone, community in ((EAST_RESIDENT, COMMUNITY), (SOUTH_RESIDENT, SECOND_COMMUNITY)):
        client = api_as(phone)
        grid = Grid.objects.get(community__name=community, number=1)
        assert client.get(f"/api/v1/grids/{grid.pk}/posts/").status_code == 200
        listed = client.get("/api/v1/activities/").json()["results"]
        own = set(Activity.objects.filter(community__name=community).values_list("pk", flat=True))
        assert listed and {a["id"] for a in listed} <= own


@pytest.mark.parametrize(
    ("phone", "other"),
    [
        (EAST_RESIDENT, SECOND_COMMUNITY),
        (SOUTH_RESIDENT, COMMUNITY),
        (SOUTH_CADRE, COMMUNITY),
    ],
)
def test_nobody_sees_the_other_communitys_board_or_activities_through_the_api(demo, phone, other):
    client = api_as(phone)
    grid = Grid.objects.get(community__name=other, number=1)
    post = Post.objects.filter(grid=grid).first()
    theirs = Activity.objects.filter(community__name=other)
    assert post is not None and theirs.exists()

    assert client.get(f"/api/v1/grids/{grid.pk}/posts/").status_code in (403, 404)
    assert client.get(f"/api/v1/posts/{post.pk}/").status_code in (403, 404)
    assert client.post(
        f"/api/v1/posts/{post.pk}/comments/", {"body": "路过"}, format="json"
    ).status_code in (403, 404)
    for activity in theirs:
        assert client.get(f"/api/v1/activities/{activity.pk}/").status_code in (403, 404)
    listed = {a["id"] for a in client.get("/api/v1/activities/").json()["results"]}
    assert not listed & set(theirs.values_list("pk", flat=True))
    assert not Comment.objects.filter(body="路过").exists()
