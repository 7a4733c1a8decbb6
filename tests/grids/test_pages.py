"""Server-rendered pages: the same rules as the API, seen through HTML."""

import pytest
from django.urls import reverse

from core.models import AccessLog
from grids.models import Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_for_a_visitor_offers_login_and_a_join_code_box_in_chinese(client):
    html = client.get("/").content.decode()
    for text in ("登录", "注册", "有加入码？", "首页", "互助", "活动", "我的"):
        assert text in html


def test_home_for_a_member_shows_their_grid_and_building(client, world):
    client.force_login(world.resident_a)
    html = client.get("/").content.decode()
    assert world.grid_a.name in html
    assert world.buildings["a"][0].label in html
    assert "等待网格员核实" in html


def test_english_is_one_switch_away(client, world):
    client.force_login(world.resident_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "My building" in html
    assert "Mutual aid" in html


def test_large_text_mode_is_remembered_for_the_device(client):
    response = client.post(reverse("large-text-toggle"), {"next": "/me/"})
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert 'class="large-text"' in client.get("/").content.decode()
    client.post(reverse("large-text-toggle"), {"next": "https://evil.example/"})
    assert 'class="large-text"' not in client.get("/").content.decode()


def test_the_join_page_sends_a_visitor_to_log_in_and_back(client, world):
    html = client.get(f"/join/{world.grid_a.join_code}/").content.decode()
    assert world.grid_a.name in html
    assert f"/accounts/login/?next=/join/{world.grid_a.join_code}/" in html


def test_joining_through_the_page(client, world):
    user = UserFactory()
    client.force_login(user)
    building = world.buildings["a"][1]
    response = client.post(
        f"/join/{world.grid_a.join_code}/", {"micro_grid": building.pk, "unit": "1203"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=user, left_at__isnull=True).micro_grid == building
    assert f"欢迎加入{world.grid_a.name}" in client.get("/").content.decode()


def test_joining_without_a_building_shows_the_error_and_writes_nothing(client, world):
    user = UserFactory()
    client.force_login(user)
    response = client.post(f"/join/{world.grid_a.join_code}/", {"micro_grid": ""})
    assert response.status_code == 400
    assert "请选择您的楼栋。" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_a_building_of_another_grid_is_refused_on_the_page(client, world):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        f"/join/{world.grid_a.join_code}/", {"micro_grid": world.buildings["b"][0].pk}
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user=user).exists()


def test_an_unknown_code_page_is_a_404_that_helps(client, db):
    response = client.get("/join/NOPE2345/")
    assert response.status_code == 404
    assert "加入码无效" in response.content.decode()


def test_the_grid_workers_page_shows_phones_and_rooms_and_logs_the_view(client, world):
    client.force_login(world.worker_a)
    html = client.get(f"/grids/{world.grid_a.pk}/manage/").content.decode()
    member = world.members["a"][1]
    assert member.user.national_phone in html
    assert member.unit in html
    assert world.grid_a.join_code in html
    assert AccessLog.objects.filter(actor=world.worker_a, action="members.listed").count() == 1


@pytest.mark.parametrize("viewer", ["resident_a", "worker_b", "cadre_west", "outsider"])
def test_staff_pages_are_404_outside_ones_scope(client, world, viewer):
    client.force_login(getattr(world, viewer))
    for url in (
        f"/grids/{world.grid_a.pk}/manage/",
        f"/grids/{world.grid_a.pk}/poster/",
        f"/grids/{world.grid_a.pk}/qr.png",
        f"/communities/{world.east.pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_verify_and_remove_from_the_page_with_htmx(client, world):
    client.force_login(world.worker_a)
    member = world.members["a"][1]
    row = client.post(f"/memberships/{member.pk}/verify/", HTTP_HX_REQUEST="true")
    assert row.status_code == 200
    assert "已核实" in row.content.decode()
    gone = client.post(f"/memberships/{member.pk}/remove/", HTTP_HX_REQUEST="true")
    assert gone.status_code == 200
    member.refresh_from_db()
    assert member.verified_at is not None
    assert member.left_reason == Membership.LeftReason.REMOVED


def test_a_neighbour_cannot_verify_from_the_page(client, world):
    client.force_login(world.resident_a)
    response = client.post(f"/memberships/{world.members['a'][1].pk}/verify/")
    assert response.status_code == 403
    world.members["a"][1].refresh_from_db()
    assert world.members["a"][1].verified_at is None


def test_the_poster_carries_a_qr_code_of_the_join_link(client, world):
    client.force_login(world.cadre_east)
    html = client.get(f"/grids/{world.grid_b.pk}/poster/").content.decode()
    assert "<svg" in html
    assert world.grid_b.join_code in html
    png = client.get(f"/grids/{world.grid_b.pk}/qr.png")
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    svg = client.get(f"/grids/{world.grid_b.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"


def test_rotating_the_code_from_the_page_invalidates_the_old_join_link(client, world):
    old = world.grid_a.join_code
    client.force_login(world.worker_a)
    client.post(f"/grids/{world.grid_a.pk}/join-code/")
    assert client.get(f"/join/{old}/").status_code == 404


def test_cadre_sees_every_grid_of_the_community_with_its_code(client, world):
    client.force_login(world.cadre_east)
    html = client.get(f"/communities/{world.east.pk}/").content.decode()
    assert world.grid_a.join_code in html and world.grid_b.join_code in html
    assert world.grid_c.join_code not in html


def test_cadre_appoints_and_removes_a_volunteer_lead_by_phone(client, world):
    from grids.models import RoleGrant

    client.force_login(world.cadre_east)
    url = f"/communities/{world.east.pk}/roles/"
    resident = world.resident_a
    client.post(url, {"phone": resident.national_phone, "role": "volunteer_lead"})
    grant = RoleGrant.objects.get(user=resident, role="volunteer_lead", revoked_at__isnull=True)
    assert AccessLog.objects.filter(action="role.granted", subject=resident).exists()
    assert f'id="role-{grant.pk}"' in client.get(f"/communities/{world.east.pk}/").content.decode()
    # Someone from another community cannot be appointed here.
    outsider = world.members["c"][0].user
    response = client.post(
        url, {"phone": outsider.national_phone, "role": "volunteer"}, follow=True
    )
    assert not RoleGrant.objects.filter(user=outsider).exists()
    assert response.status_code == 200
    client.post(f"/communities/{world.east.pk}/roles/{grant.pk}/revoke/")
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by == world.cadre_east


def test_residents_cannot_appoint(client, world):
    client.force_login(world.resident_a)
    response = client.post(
        f"/communities/{world.east.pk}/roles/",
        {"phone": world.resident_a.national_phone, "role": "volunteer_lead"},
    )
    assert response.status_code == 404
    from grids.models import RoleGrant

    assert not RoleGrant.objects.filter(user=world.resident_a).exists()


def test_profile_shows_my_own_number_in_full_and_saves_my_display_name(client, world):
    client.force_login(world.resident_a)
    html = client.get("/me/").content.decode()
    assert world.resident_a.national_phone in html
    assert world.members["a"][0].unit in html
    client.post("/me/", {"display_name": "新名字"})
    world.resident_a.refresh_from_db()
    assert world.resident_a.display_name == "新名字"


@pytest.mark.parametrize("url", ["/", "/me/", "/mutual-aid/", "/activities/"])
def test_no_page_shows_a_resident_anothers_phone_or_unit(client, world, url):
    client.force_login(world.resident_a)
    html = client.get(url, follow=True).content.decode()
    for member in world.members["a"][1:] + world.members["b"] + world.members["c"]:
        assert member.user.national_phone not in html
        assert member.unit not in html
