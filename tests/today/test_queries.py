"""Home costs a fixed number of queries per role, whatever the number of items; the tab
bar's badges cost two, only when a page shows them, and nothing for visitors."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import Slot
from activities.services import signups
from grids.models import Grid, NoticeRead, Post, PostKind
from grids.services import notices
from mutualaid.services import campaigns, claims, needs
from residents.models import Notification
from tests.factories import GridFactory, MembershipFactory, MicroGridFactory, UserFactory
from tests.today.conftest import make_activity
from today.context_processors import tab_badges
from today.selectors import badges, home, resident, staff

pytestmark = pytest.mark.django_db

RESIDENT_QUERIES = 9  # roles 4 (membership, cadre, grids served, units) + resident 5
GRID_WORKER_QUERIES = 4  # roles 4, the grids' figures among them
CADRE_QUERIES = 13  # roles 4 + notices 4, campaigns 2, activities today, urgent, attendance


def _resident_items(world, masks, n: int) -> None:
    """n of each: my needs, my claims, my sign-ups, neighbours' needs, notices."""
    me = world.resident_a
    for i in range(n):
        notices.notice_publish(
            actor=world.cadre_east, community=world.east, title=f"通知{i}", body="x"
        )
        needs.need_create(actor=me, category_id=masks.pk, quantity=i + 1)
        neighbour = MembershipFactory(micro_grid=world.buildings["a"][i % 2]).user
        needs.need_create(actor=neighbour, category_id=masks.pk, quantity=2)
        offer = needs.offer_create(actor=neighbour, category_id=masks.pk, quantity=3)
        claim = claims.claim_request(actor=me, offer_id=offer.pk, quantity=1)
        if i % 2:
            claims.claim_accept(actor=neighbour, claim_id=claim.pk)
        activity = make_activity(world, title=f"课{i}", capacity=1 + i % 2)
        signups.signup_create(actor=me, slot_id=Slot.objects.get(activity=activity).pk)


@pytest.mark.parametrize("n", [1, 30])
def test_a_residents_today_costs_the_same_for_one_item_or_thirty(
    world, masks, n, django_assert_num_queries
):
    _resident_items(world, masks, n)
    with django_assert_num_queries(RESIDENT_QUERIES):
        today = home.today_for(world.resident_a)
    mine = today.resident
    assert mine.notice is not None and mine.notice.notice.title == f"通知{n - 1}"
    assert len(mine.needs) == min(n, resident.MINE_LIMIT)
    assert len(mine.claims) == min(n, resident.MINE_LIMIT)
    assert len(mine.signups) == min(n, resident.MINE_LIMIT)
    assert len(mine.nearby) == min(n, resident.NEARBY_LIMIT)
    assert today.sections == ["resident"]


def test_the_home_page_costs_the_same_for_one_item_or_thirty(client, world, masks):
    client.force_login(world.resident_a)
    _resident_items(world, masks, 1)
    client.get("/")  # session warmed
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    _resident_items(world, masks, 29)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/")
    assert page.content.decode().count('class="today-row"') > 20
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def _more_grids(world, n: int) -> list[Grid]:
    grids = []
    for i in range(n):
        grid = GridFactory(community=world.east, number=10 + i, grid_worker=world.worker_a)
        building = MicroGridFactory(grid=grid, label=f"g{i}幢")
        MembershipFactory(micro_grid=building)
        grids.append(grid)
    return grids


@pytest.mark.parametrize("extra", [0, 5])
def test_a_grid_workers_today_costs_the_same_for_one_grid_or_six(
    world, masks, extra, django_assert_num_queries
):
    grids = [world.grid_a, *_more_grids(world, extra)]
    notices.notice_publish(actor=world.cadre_east, community=world.east, title="通知", body="x")
    for grid in grids:
        post = Post.objects.filter(grid=grid, kind=PostKind.NOTICE).first()
        Post.objects.filter(pk=post.pk).update(review_pending=True)
    with django_assert_num_queries(GRID_WORKER_QUERIES):
        today = home.today_for(world.worker_a)
    assert [g.pk for g in today.grids] == [g.pk for g in grids]
    assert all(g.notice_id and g.flags == 1 and g.to_verify >= 1 for g in today.grids)
    assert today.sections == ["grid_worker"]


def _cadre_items(world, masks, n: int) -> None:
    for i in range(n):
        notice = notices.notice_publish(
            actor=world.cadre_east, community=world.east, title=f"通知{i}", body="x"
        )
        notices.notice_read_mark(actor=world.resident_a, notice_id=notice.pk)
        campaigns.campaign_create(
            actor=world.cadre_east,
            community_id=world.east.pk,
            title=f"活动{i}",
            category_ids=[masks.pk],
            ends_at=timezone.now() + timedelta(days=3 + i),
            target_quantity=100,
        )
        urgent = needs.need_create(
            actor=world.resident_b, category_id=masks.pk, quantity=1, urgency="urgent"
        )
        type(urgent).objects.filter(pk=urgent.pk).update(
            created_at=timezone.now() - timedelta(hours=8)
        )
        make_activity(world, title=f"今天{i}", starts_at=timezone.now() + timedelta(minutes=1))


@pytest.mark.parametrize("n", [1, 8])
def test_a_cadres_today_costs_the_same_for_few_or_many(world, masks, n, django_assert_num_queries):
    _cadre_items(world, masks, n)
    with django_assert_num_queries(CADRE_QUERIES):
        today = home.today_for(world.cadre_east)
    cadre = today.cadre
    assert len(cadre.notices) == min(n, staff.CADRE_NOTICES)
    assert len(cadre.campaigns) == min(n, staff.CADRE_LIST_LIMIT)
    assert cadre.urgent_late == n
    assert today.sections == ["cadre"]


# The tab bar's badges


def test_badges_count_unread_notices_of_my_grid_and_unread_notifications(
    world, django_assert_num_queries
):
    old = notices.notice_publish(actor=world.cadre_east, community=world.east, title="旧", body="x")
    type(old).objects.filter(pk=old.pk).update(
        published_at=timezone.now() - timedelta(days=badges.NOTICE_FRESH_DAYS + 1)
    )
    for title in ("一", "二"):
        notices.notice_publish(actor=world.cadre_east, community=world.east, title=title, body="x")
    notices.notice_publish(  # another grid's only
        actor=world.cadre_east,
        community=world.east,
        title="二网格",
        body="x",
        grid_ids=[world.grid_b.pk],
    )
    withdrawn = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="撤", body="x"
    )
    notices.notice_withdraw(actor=world.cadre_east, notice_id=withdrawn.pk)
    Notification.objects.filter(user=world.resident_a).update(read_at=timezone.now())
    for seq, read_at in ((1001, None), (1002, None), (1003, timezone.now())):
        Notification.objects.create(
            user=world.resident_a, seq=seq, type="aid.message", read_at=read_at
        )
    with django_assert_num_queries(2):
        assert badges.tab_badges_for(world.resident_a) == {"home": 2, "me": 2}
    first = Post.objects.filter(grid=world.grid_a, notice__title="一").get()
    NoticeRead.objects.create(notice_id=first.notice_id, user=world.resident_a, grid=world.grid_a)
    assert badges.tab_badges_for(world.resident_a) == {"home": 1, "me": 2}
    assert badges.tab_badges_for(world.outsider) == {"home": 0, "me": 0}


def test_badges_are_lazy_empty_for_visitors_and_safe_without_a_user(
    world, django_assert_num_queries
):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        context = tab_badges(request)  # no .user at all: no badges, no error
        assert context["tab_badges"] == {}
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert tab_badges(request)["tab_badges"] == {}
    request.user = world.resident_a
    with django_assert_num_queries(0):
        context = tab_badges(request)  # nothing read until a page shows it
    with django_assert_num_queries(2):
        html = Template("{{ tab_badges.home }}/{{ tab_badges.me }}").render(Context(context))
    assert html == "0/0"


def test_pages_without_a_request_still_render(world):
    html = render_to_string("base.html", {})
    assert "tab-badge" not in html


def test_the_tab_bar_shows_the_badges_and_they_go_when_read(client, world):
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="通知", body="x"
    )
    client.force_login(world.resident_a)
    assert _home_tab(client.get("/me/")) == "1"  # on every page
    client.get(f"/notices/{notice.pk}/")
    assert _home_tab(client.get("/")) is None


def _home_tab(response) -> str | None:
    """The number on the 首页 tab's badge, or None without one."""
    tab = re.search(r'<a href="/"[^>]*>(.*?)</a>', response.content.decode(), re.S).group(1)
    found = re.search(r'class="tab-badge"><span aria-hidden="true">(\d+)</span>', tab)
    return found.group(1) if found else None


def test_a_staff_member_without_a_home_grid_has_no_notice_badge(world):
    notices.notice_publish(actor=world.cadre_east, community=world.east, title="通知", body="x")
    assert badges.tab_badges_for(world.cadre_east)["home"] == 0
    assert badges.tab_badges_for(world.worker_a)["home"] == 0
    assert badges.tab_badges_for(UserFactory())["home"] == 0


def test_a_badge_count_that_fails_leaves_the_page_without_badges(world, monkeypatch):
    from django.db import OperationalError

    from today import context_processors

    def timed_out(user):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(context_processors, "tab_badges_for", timed_out)
    request = RequestFactory().get("/")
    request.user = world.resident_a
    assert tab_badges(request)["tab_badges"] == {}
