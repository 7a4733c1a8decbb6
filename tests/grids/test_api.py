"""The grids API: join, members, roles — who may see and do what, and what leaks (nothing)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.models import AccessLog
from grids.models import Membership, Role, RoleGrant
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- join ---------------------------------------------------------------------------------


def test_join_info_shows_the_grid_and_its_buildings(world):
    response = api(UserFactory()).get(f"/api/v1/grids/join/{world.grid_a.join_code.lower()}/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == world.grid_a.pk
    assert [b["label"] for b in body["micro_grids"]] == [b.label for b in world.buildings["a"]]
    assert "join_code" not in body


def test_joining_by_api_returns_the_new_membership(world):
    user = UserFactory()
    response = api(user).post(
        "/api/v1/grids/join/",
        {"code": world.grid_b.join_code, "micro_grid": world.buildings["b"][1].pk, "unit": "601"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["grid"]["id"] == world.grid_b.pk
    assert response.json()["unit"] == "601"
    assert Membership.objects.get(user=user, left_at__isnull=True).grid == world.grid_b


def test_a_bad_join_code_is_a_404_with_a_message_in_chinese(world):
    response = api(UserFactory()).post(
        "/api/v1/grids/join/",
        {"code": "WRONG234", "micro_grid": world.buildings["a"][0].pk},
        format="json",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "grid_join_code_invalid"
    assert "加入码无效" in response.json()["detail"]


def test_a_rotated_join_code_is_refused(world):
    old = world.grid_a.join_code
    assert (
        api(world.worker_a).post(f"/api/v1/grids/{world.grid_a.pk}/join-code/").status_code == 200
    )
    response = api(UserFactory()).post(
        "/api/v1/grids/join/",
        {"code": old, "micro_grid": world.buildings["a"][0].pk},
        format="json",
    )
    assert response.json()["code"] == "grid_join_code_invalid"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "code"),
        ({"code": "ABCDEFGH"}, "micro_grid"),
        ({"code": "ABCDEFGH", "micro_grid": "三号楼"}, "micro_grid"),
        ({"code": "x" * 40, "micro_grid": 1}, "code"),
    ],
)
def test_malformed_join_requests_are_400_with_the_field_named(world, payload, field):
    response = api(UserFactory()).post("/api/v1/grids/join/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]


def test_a_building_from_another_grid_is_refused_and_nothing_is_written(world):
    user = UserFactory()
    response = api(user).post(
        "/api/v1/grids/join/",
        {"code": world.grid_a.join_code, "micro_grid": world.buildings["c"][0].pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "micro_grid_invalid"
    assert not Membership.objects.filter(user=user).exists()


def test_guessing_join_codes_is_throttled(world):
    client = api(UserFactory())
    statuses = [client.get(f"/api/v1/grids/join/GUESS{i:03d}/").status_code for i in range(12)]
    assert statuses[:10] == [404] * 10
    assert statuses[-1] == 429
    assert client.get("/api/v1/grids/join/GUESS999/").json()["code"] == "throttled"


def test_anonymous_callers_are_asked_to_log_in(world):
    response = api().post("/api/v1/grids/join/", {}, format="json")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


# --- the permission matrix -----------------------------------------------------------------

ACTORS = [
    "admin",
    "cadre_east",
    "worker_a",
    "resident_a",
    "resident_b",
    "worker_b",
    "cadre_west",
    "resident_c",
    "outsider",
]
GRID_A_STAFF = {"admin", "cadre_east", "worker_a"}
GRID_A_MEMBERS = {"resident_a"}


def expected(actor: str, *, staff: int, member: int, other: int) -> int:
    if actor in GRID_A_STAFF:
        return staff
    if actor in GRID_A_MEMBERS:
        return member
    return other


@pytest.mark.parametrize("actor", ACTORS)
def test_grid_detail_matrix(world, actor):
    response = api(getattr(world, actor)).get(f"/api/v1/grids/{world.grid_a.pk}/")
    assert response.status_code == expected(actor, staff=200, member=200, other=404)
    if response.status_code == 200:
        assert ("join_code" in response.json()) == (actor in GRID_A_STAFF)


@pytest.mark.parametrize("actor", ACTORS)
def test_member_list_matrix(world, actor):
    response = api(getattr(world, actor)).get(f"/api/v1/grids/{world.grid_a.pk}/members/")
    assert response.status_code == expected(actor, staff=200, member=200, other=404)


@pytest.mark.parametrize("actor", ACTORS)
def test_join_code_rotation_matrix(world, actor):
    response = api(getattr(world, actor)).post(f"/api/v1/grids/{world.grid_a.pk}/join-code/")
    assert response.status_code == expected(actor, staff=200, member=403, other=404)


@pytest.mark.parametrize("actor", ACTORS)
def test_verify_matrix(world, actor):
    membership = world.members["a"][1]
    response = api(getattr(world, actor)).post(f"/api/v1/memberships/{membership.pk}/verify/")
    member_status = 403  # resident_a is a neighbour of this member, not staff
    assert response.status_code == expected(actor, staff=200, member=member_status, other=404)


@pytest.mark.parametrize("actor", ACTORS)
def test_remove_matrix(world, actor):
    membership = world.members["a"][1]
    response = api(getattr(world, actor)).post(
        f"/api/v1/memberships/{membership.pk}/remove/", {"reason": "搬走了"}, format="json"
    )
    assert response.status_code == expected(actor, staff=204, member=403, other=404)
    membership.refresh_from_db()
    assert (membership.left_at is not None) == (response.status_code == 204)


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("admin", 204),
        ("cadre_east", 204),
        ("worker_a", 403),
        ("resident_a", 403),
        ("resident_b", 403),
        ("cadre_west", 404),
        ("resident_c", 404),
        ("outsider", 404),
    ],
)
def test_role_grant_matrix(world, actor, status):
    response = api(getattr(world, actor)).post(
        f"/api/v1/communities/{world.east.pk}/roles/",
        {"user": world.resident_b.pk, "role": "volunteer"},
        format="json",
    )
    assert response.status_code == status
    granted = RoleGrant.objects.filter(user=world.resident_b, role=Role.VOLUNTEER).exists()
    assert granted == (status == 204)


def test_a_resident_of_grid_b_probing_grid_a_by_id_learns_nothing(world):
    client = api(world.resident_b)
    missing = client.get("/api/v1/grids/999999/members/")
    probed = client.get(f"/api/v1/grids/{world.grid_a.pk}/members/")
    assert probed.status_code == missing.status_code == 404
    assert probed.json() == missing.json()


def test_role_grant_needs_a_grid_inside_the_community(world):
    response = api(world.cadre_east).post(
        f"/api/v1/communities/{world.east.pk}/roles/",
        {"user": world.resident_a.pk, "role": "grid_worker", "grid": world.grid_c.pk},
        format="json",
    )
    assert response.status_code == 404
    world.grid_c.refresh_from_db()
    assert world.grid_c.grid_worker == world.worker_c


def test_revoking_a_role_through_the_api(world):
    api(world.cadre_east).post(
        f"/api/v1/communities/{world.east.pk}/roles/",
        {"user": world.resident_a.pk, "role": "volunteer"},
        format="json",
    )
    response = api(world.cadre_east).post(
        f"/api/v1/communities/{world.east.pk}/roles/revoke/",
        {"user": world.resident_a.pk, "role": "volunteer"},
        format="json",
    )
    assert response.status_code == 204
    assert not RoleGrant.objects.filter(user=world.resident_a, revoked_at__isnull=True).exists()


# --- privacy -------------------------------------------------------------------------------


def test_grid_worker_sees_full_phone_and_unit_and_the_read_is_logged(world):
    response = api(world.worker_a).get(f"/api/v1/grids/{world.grid_a.pk}/members/")
    rows = {row["user_id"]: row for row in response.json()["results"]}
    neighbour = world.members["a"][1]
    assert rows[neighbour.user_id]["phone"] == neighbour.user.national_phone
    assert rows[neighbour.user_id]["unit"] == neighbour.unit
    log = AccessLog.objects.get(action="members.listed")
    assert log.actor == world.worker_a
    assert log.scope == f"grid:{world.grid_a.pk}"


def test_a_resident_sees_neighbours_masked_without_unit_and_no_log_is_written(world):
    response = api(world.resident_a).get(f"/api/v1/grids/{world.grid_a.pk}/members/")
    rows = response.json()["results"]
    neighbour = world.members["a"][1].user
    row = next(r for r in rows if r["display_name"] == neighbour.display_name)
    assert row["phone_masked"] == neighbour.masked_phone
    assert set(row) == {"id", "display_name", "building", "phone_masked", "verified"}
    assert not AccessLog.objects.exists()


def _bodies_seen_by(client: APIClient, world) -> str:
    urls = ["/api/v1/me/", "/api/v1/grids/"]
    for grid in (world.grid_a, world.grid_b, world.grid_c):
        urls += [
            f"/api/v1/grids/{grid.pk}/",
            f"/api/v1/grids/{grid.pk}/members/",
            f"/api/v1/grids/join/{grid.join_code}/",
        ]
    return "\n".join(json.dumps(client.get(url).json(), ensure_ascii=False) for url in urls)


@pytest.mark.parametrize("viewer", ["resident_a", "resident_b", "outsider"])
def test_no_api_response_shows_a_resident_anothers_phone_or_unit(world, viewer):
    me = getattr(world, viewer)
    seen = _bodies_seen_by(api(me), world)
    for membership in Membership.objects.select_related("user").exclude(user=me):
        assert membership.user.national_phone not in seen
        assert membership.user.phone not in seen
        assert f'"unit": "{membership.unit}"' not in seen


def test_a_grid_worker_sees_no_phone_or_unit_of_another_grid(world):
    seen = _bodies_seen_by(api(world.worker_b), world)
    for membership in list(world.members["a"]) + list(world.members["c"]):
        assert membership.user.national_phone not in seen
        assert f'"unit": "{membership.unit}"' not in seen
    assert world.members["b"][0].user.national_phone in seen


# --- performance ---------------------------------------------------------------------------


def _members_page_queries(client, grid_id, page_size) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/grids/{grid_id}/members/?page_size={page_size}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(queries)


@pytest.mark.parametrize("viewer", ["worker_a", "resident_a"])
def test_a_members_page_costs_the_same_queries_whatever_its_size(world, viewer):
    for _ in range(40):
        MembershipFactory(micro_grid=world.buildings["a"][0])
    client = api(getattr(world, viewer))
    small = _members_page_queries(client, world.grid_a.pk, 5)
    large = _members_page_queries(client, world.grid_a.pk, 40)
    assert small == large
    assert large <= 6


def test_member_pages_are_cursor_paginated_without_gaps_or_repeats(world):
    for _ in range(30):
        MembershipFactory(micro_grid=world.buildings["a"][1])
    client = api(world.worker_a)
    url, seen = f"/api/v1/grids/{world.grid_a.pk}/members/?page_size=7", []
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    expected_ids = list(
        Membership.objects.filter(grid=world.grid_a, left_at__isnull=True)
        .order_by("-joined_at", "-id")
        .values_list("id", flat=True)
    )
    assert seen == expected_ids


def test_me_can_change_the_display_name_but_not_to_blank(world):
    client = api(world.resident_a)
    assert client.patch("/api/v1/me/", {"display_name": "  "}, format="json").status_code == 400
    response = client.patch("/api/v1/me/", {"display_name": "5幢李阿姨"}, format="json")
    assert response.status_code == 200
    assert response.json()["account"]["display_name"] == "5幢李阿姨"
