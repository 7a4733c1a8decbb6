"""Reports' pages: 随手拍 in three taps, the "+1" offer before a second report, the
unit's queue and one-tap accept, closing with a photo, the reporter confirming and rating,
the cadre passing a returned report on; the board card; privacy on every page."""

import re

import pytest

from core.models import AccessLog
from grids.models import Post
from reports.models import Category, HandlingUnit, Report, RoutingRule, UnitMember
from tests.factories import (
    MembershipFactory,
    MicroGridFactory,
    UserFactory,
    jpeg,
    make_cadre,
    make_grid_worker,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    building = MicroGridFactory(label="3栋")
    grid, community = building.grid, building.grid.community
    resident = MembershipFactory(micro_grid=building, user__phone="+8613900002222").user
    river = HandlingUnit.objects.create(name="河道保洁队", kind=HandlingUnit.Kind.RIVER)
    river.communities.add(community)
    staff = UserFactory()
    UnitMember.objects.create(unit=river, user=staff)
    litter = Category.objects.get(code="river-litter")
    RoutingRule.objects.create(community=community, category=litter, unit=river)
    return {
        "building": building,
        "grid": grid,
        "community": community,
        "resident": resident,
        "neighbour": MembershipFactory(micro_grid=building).user,
        "worker": make_grid_worker(grid),
        "cadre": make_cadre(community),
        "river": river,
        "staff": staff,
        "litter": litter,
    }


def as_(client, user):
    client.force_login(user)
    return client


def test_report_in_three_taps_from_home(client, w):
    home = as_(client, w["resident"]).get("/").content.decode()
    assert 'href="/reports/new/"' in home
    page = client.get("/reports/new/")
    html = page.content.decode()
    assert page.status_code == 200
    # The place is already the person's own building: photo, kind, send.
    assert f'<option value="{w["building"].pk}" selected>3栋</option>' in html
    sent = client.post(
        "/reports/new/",
        {
            "grid": w["grid"].pk,
            "photos": jpeg(),
            "category": w["litter"].pk,
            "micro_grid": w["building"].pk,
            "public": "on",
        },
    )
    report = Report.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/reports/{report.pk}/"
    assert report.unit == w["river"] and report.photos.count() == 1
    shown = client.get(sent["Location"]).content.decode()
    assert "河道保洁队" in shown and "已派发" in shown and "撤回" in shown


def test_the_board_offers_it_and_shows_the_card_with_its_state(client, w):
    board = as_(client, w["neighbour"]).get(f"/grids/{w['grid'].pk}/board/").content.decode()
    assert f'href="/reports/new/?grid={w["grid"].pk}"' in board
    as_(client, w["resident"]).post(
        "/reports/new/",
        {
            "grid": w["grid"].pk,
            "category": w["litter"].pk,
            "micro_grid": w["building"].pk,
            "public": "on",
            "description": "河面有塑料袋",
        },
    )
    report = Report.objects.get()
    assert Post.objects.get(ref_id=report.pk).ref_state == "dispatched"
    board = as_(client, w["neighbour"]).get(f"/grids/{w['grid'].pk}/board/").content.decode()
    assert f'data-report-link="{report.pk}"' in board and "河面有塑料袋" in board


def test_a_second_neighbour_is_offered_plus_one_first(client, w):
    as_(client, w["resident"]).post(
        "/reports/new/",
        {
            "grid": w["grid"].pk,
            "category": w["litter"].pk,
            "micro_grid": w["building"].pk,
            "public": "on",
        },
    )
    first = Report.objects.get()
    similar = as_(client, w["neighbour"]).get(
        "/reports/similar/", {"category": w["litter"].pk, "micro_grid": w["building"].pk}
    )
    assert "已有人反映" in similar.content.decode()
    refused = client.post(
        "/reports/new/",
        {"grid": w["grid"].pk, "category": w["litter"].pk, "micro_grid": w["building"].pk},
    )
    assert refused.status_code == 409
    html = refused.content.decode()
    assert f"/reports/{first.pk}/follow/" in html and "report-send-anyway" in html
    followed = client.post(f"/reports/{first.pk}/follow/")
    assert followed.status_code == 302 and Report.objects.count() == 1
    assert first.followers.count() == 2
    anyway = client.post(
        "/reports/new/",
        {
            "grid": w["grid"].pk,
            "category": w["litter"].pk,
            "micro_grid": w["building"].pk,
            "not_duplicate": "on",
        },
    )
    assert anyway.status_code == 302 and Report.objects.count() == 2


def test_the_unit_accepts_in_one_tap_and_closes_with_a_photo_then_the_reporter_rates(client, w):
    as_(client, w["resident"]).post(
        "/reports/new/",
        {"grid": w["grid"].pk, "category": w["litter"].pk, "micro_grid": w["building"].pk},
    )
    report = Report.objects.get()
    staff = as_(client, w["staff"])
    home = staff.get("/").content.decode()
    assert f"/reports/units/{w['river'].pk}/" in home
    queue = staff.get(f"/reports/units/{w['river'].pk}/").content.decode()
    assert f"/reports/{report.pk}/accept/" in queue
    assert "+8613900002222" not in queue and "13900002222" not in queue
    accepted = staff.post(
        f"/reports/{report.pk}/accept/", {"next": f"/reports/units/{w['river'].pk}/"}
    )
    assert accepted["Location"] == f"/reports/units/{w['river'].pk}/"
    assert staff.post(f"/reports/{report.pk}/accept/").status_code == 302  # told, not 500
    closed = staff.post(
        f"/reports/{report.pk}/close/", {"note": "已打捞", "photos": jpeg("after.jpg")}
    )
    assert closed.status_code == 302
    report.refresh_from_db()
    assert report.state == "closed" and report.photos.filter(kind="result").count() == 1
    mine = as_(client, w["resident"]).get(f"/reports/{report.pk}/").content.decode()
    assert "已打捞" in mine and 'name="rating"' in mine
    client.post(f"/reports/{report.pk}/rate/", {"rating": "4", "comment": "及时"})
    report.refresh_from_db()
    assert report.rating == 4 and report.state == "confirmed"
    listed = client.get("/reports/").content.decode()
    assert f'id="report-{report.pk}"' in listed and "已确认" in listed


def test_an_empty_close_note_is_refused_with_a_message(client, w):
    as_(client, w["resident"]).post(
        "/reports/new/",
        {"grid": w["grid"].pk, "category": w["litter"].pk, "micro_grid": w["building"].pk},
    )
    report = Report.objects.get()
    staff = as_(client, w["staff"])
    staff.post(f"/reports/{report.pk}/accept/")
    response = staff.post(f"/reports/{report.pk}/close/", {"note": ""}, follow=True)
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "accepted"


def test_a_cadre_passes_a_returned_report_on(client, w):
    as_(client, w["resident"]).post(
        "/reports/new/",
        {"grid": w["grid"].pk, "category": w["litter"].pk, "micro_grid": w["building"].pk},
    )
    report = Report.objects.get()
    as_(client, w["staff"]).post(f"/reports/{report.pk}/return/", {"reason": "不是河道"})
    cadre = as_(client, w["cadre"])
    listed = cadre.get(f"/reports/communities/{w['community'].pk}/").content.decode()
    assert f'id="report-{report.pk}"' in listed and "已退回" in listed
    page = cadre.get(f"/reports/{report.pk}/").content.decode()
    assert 'name="unit"' in page
    cadre.post(f"/reports/{report.pk}/reroute/", {"unit": "", "note": "网格员先看看"})
    report.refresh_from_db()
    assert report.state == "dispatched" and report.unit is None
    assert report.handler_id == w["worker"].pk
    handling = as_(client, w["worker"]).get("/reports/handling/").content.decode()
    assert f'id="report-{report.pk}"' in handling


def test_the_contact_page_is_for_the_unit_only_when_allowed_and_logged(client, w):
    as_(client, w["resident"]).post(
        "/reports/new/",
        {
            "grid": w["grid"].pk,
            "category": w["litter"].pk,
            "micro_grid": w["building"].pk,
            "contact_ok": "on",
            "public": "on",
        },
    )
    report = Report.objects.get()
    staff = as_(client, w["staff"])
    assert "+8613900002222" not in staff.get(f"/reports/{report.pk}/").content.decode()
    assert staff.get(f"/reports/{report.pk}/contact/").status_code == 405  # no prefetching
    shown = staff.post(f"/reports/{report.pk}/contact/").content.decode()
    assert "+8613900002222" in shown
    assert AccessLog.objects.filter(actor=w["staff"], action="report_contact").count() == 1
    # A neighbour who may read the report is told no; nothing is logged for them.
    refused = as_(client, w["neighbour"]).post(f"/reports/{report.pk}/contact/")
    assert refused.status_code == 302
    assert not AccessLog.objects.filter(actor=w["neighbour"]).exists()
    # The reporter agreed to the unit's call: the community's cadres do not get the number.
    cadre = as_(client, w["cadre"])
    assert (
        "+8613900002222"
        not in cadre.post(f"/reports/{report.pk}/contact/", follow=True).content.decode()
    )
    assert not AccessLog.objects.filter(actor=w["cadre"], action="report_contact").exists()


def test_strangers_get_404s(client, w):
    as_(client, w["resident"]).post(
        "/reports/new/",
        {
            "grid": w["grid"].pk,
            "category": Category.objects.get(code="noise").pk,
            "micro_grid": w["building"].pk,
        },
    )
    private = Report.objects.get()
    assert not private.public
    neighbour = as_(client, w["neighbour"])
    assert neighbour.get(f"/reports/{private.pk}/").status_code == 404
    assert neighbour.get(f"/reports/units/{w['river'].pk}/").status_code == 404
    assert neighbour.get(f"/reports/communities/{w['community'].pk}/").status_code == 404
    assert neighbour.post(f"/reports/{private.pk}/accept/").status_code == 404
    assert neighbour.post(f"/reports/{private.pk}/nonsense/").status_code == 404


def test_a_newcomer_without_a_grid_is_told_to_join(client):
    response = as_(client, UserFactory()).get("/reports/new/", follow=True)
    assert "扫描" in response.content.decode()


def test_queues_render_as_fragments_for_live_updates(client, w):
    as_(client, w["resident"]).post(
        "/reports/new/",
        {"grid": w["grid"].pk, "category": w["litter"].pk, "micro_grid": w["building"].pk},
    )
    fragment = as_(client, w["staff"]).get(f"/reports/units/{w['river'].pk}/?fragment=1")
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html and "report-card" in html


def test_unit_staff_on_patrol_report_in_the_grids_their_unit_serves(client, w):
    other = MicroGridFactory(grid__community=w["community"], label="9栋")
    staff = as_(client, w["staff"])
    page = staff.get("/reports/new/").content.decode()
    assert 'id="patrol-grid"' in page and f'value="{other.grid.pk}"' in page
    there = staff.get(f"/reports/new/?grid={other.grid.pk}").content.decode()
    assert f'<option value="{other.pk}">9栋</option>' in there
    sent = staff.post(
        "/reports/new/",
        {"grid": other.grid.pk, "category": w["litter"].pk, "micro_grid": other.pk},
    )
    assert sent.status_code == 302
    report = Report.objects.get()
    assert report.source == Report.Source.PATROL and report.grid == other.grid
    # A grid of a community the unit does not serve is not offered, nor accepted.
    elsewhere = MicroGridFactory(label="1栋")
    patrol = re.search(r'<select name="grid" id="patrol-grid">.*?</select>', page, re.S).group(0)
    assert f'value="{other.grid.pk}"' in patrol
    assert f'value="{elsewhere.grid.pk}"' not in patrol
    staff.post(
        "/reports/new/",
        {
            "grid": elsewhere.grid.pk,
            "category": w["litter"].pk,
            "micro_grid": elsewhere.pk,
            "not_duplicate": "on",
        },
    )
    assert not Report.objects.filter(grid=elsewhere.grid).exists()


def test_a_queue_pages_by_deadline_without_skipping_or_repeating(client, w):
    from datetime import timedelta

    from django.utils import timezone

    for i in range(25):
        as_(client, w["resident"]).post(
            "/reports/new/",
            {
                "grid": w["grid"].pk,
                "category": w["litter"].pk,
                "micro_grid": w["building"].pk,
                "not_duplicate": "on",
                "description": f"#{i}",
            },
        )
    now = timezone.now()
    for n, report in enumerate(Report.objects.order_by("id")):
        # Deadlines in another order than the ids, and ties among them.
        Report.objects.filter(pk=report.pk).update(close_due=now + timedelta(hours=(n * 7) % 5))
    staff = as_(client, w["staff"])
    url = f"/reports/units/{w['river'].pk}/"
    first = staff.get(url).content.decode()
    more = re.search(r'href="[^"]*\?after=(\d+)"', first).group(1)
    second = staff.get(f"{url}?after={more}").content.decode()
    shown = [int(x) for x in re.findall(r'data-report="(\d+)"', first + second)]
    expected = list(Report.objects.order_by("close_due", "id").values_list("id", flat=True))
    assert shown == expected


@pytest.mark.parametrize("odd", ["²", "１２", "9" * 30, "-1", "abc"])
def test_odd_ids_in_the_address_are_ignored_not_a_500(client, w, odd):
    page = as_(client, w["resident"])
    assert page.get(f"/reports/new/?grid={odd}&category={odd}").status_code == 200
    assert page.get(f"/reports/?after={odd}").status_code == 200
    assert page.get(f"/reports/similar/?category={odd}&micro_grid={odd}").status_code == 200
