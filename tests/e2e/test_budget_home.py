"""Task budgets from home, in a real browser on a phone: a resident reads the latest notice
in one tap (and the read is recorded), and the 首页 tab's unread badge comes and goes."""

import re

import pytest
from playwright.sync_api import expect

from grids.models import NoticeRead
from tests.e2e.budget import Steps
from tests.factories import PASSWORD, MembershipFactory, MicroGridFactory, make_cadre


@pytest.fixture
def neighbourhood(transactional_db):
    building = MicroGridFactory(label="3幢")
    resident = MembershipFactory(micro_grid=building, user__display_name="钱阿姨").user
    cadre = make_cadre(building.grid.community, display_name="书记")
    return building.grid, resident, cadre


def _home_badge(page):
    """The badge on the 首页 tab (its number is hidden from screen readers, which hear
    the sr-only words instead)."""
    return page.locator("nav.tabbar a[href='/'] .tab-badge")


def test_a_resident_reads_the_latest_notice_in_one_tap_from_home(
    asgi_server, page_for, log_in, neighbourhood, server_side
):
    from grids.services import notices

    grid, resident, cadre = neighbourhood
    server_side(
        notices.notice_publish,
        actor=cadre,
        community=grid.community,
        title="周六停水",
        body="周六 8:00–12:00 停水，请提前储水。",
    )
    notice = server_side(
        notices.notice_publish,
        actor=cadre,
        community=grid.community,
        title="疫苗接种安排",
        body="本周三上午在社区卫生站接种。",
    )

    page = page_for()
    log_in(page, asgi_server, resident.national_phone, PASSWORD)
    page.goto(f"{asgi_server}/")  # opening home is free
    badge = _home_badge(page)
    expect(badge).to_be_visible()
    expect(badge.locator("[aria-hidden=true]")).to_have_text("2")
    latest = page.locator("section.today-notice")
    expect(latest).to_contain_text("疫苗接种安排")
    expect(latest).not_to_contain_text("周六停水")
    assert not NoticeRead.objects.filter(notice=notice, user=resident).exists()

    steps = Steps(page)
    steps.tap(latest.get_by_role("link", name=re.compile("疫苗接种安排")))
    expect(page).to_have_url(f"{asgi_server}/notices/{notice.pk}/")
    expect(page.locator("main")).to_contain_text("本周三上午在社区卫生站接种。")
    steps.within(1)
    assert NoticeRead.objects.filter(notice=notice, user=resident).exists()

    # Back home: the notice is read, and the badge counts only the other one.
    page.goto(f"{asgi_server}/")
    expect(page.locator("section.today-notice")).not_to_have_class(re.compile("today-unread"))
    expect(_home_badge(page).locator("[aria-hidden=true]")).to_have_text("1")


def test_the_home_badge_appears_with_a_notice_and_goes_once_it_is_read(
    asgi_server, page_for, log_in, neighbourhood, server_side
):
    from grids.services import notices

    grid, resident, cadre = neighbourhood
    page = page_for()
    log_in(page, asgi_server, resident.national_phone, PASSWORD)
    page.goto(f"{asgi_server}/")
    expect(page.locator("nav.tabbar")).to_be_visible()
    expect(_home_badge(page)).to_have_count(0)

    notice = server_side(
        notices.notice_publish,
        actor=cadre,
        community=grid.community,
        title="电梯检修",
        body="3幢电梯周五检修。",
    )
    page.goto(f"{asgi_server}/activities/")  # on every tab, not only on home
    badge = _home_badge(page)
    expect(badge).to_be_visible()
    expect(badge.locator("[aria-hidden=true]")).to_have_text("1")
    expect(badge.locator(".sr-only")).to_have_text(re.compile("1"))

    page.goto(f"{asgi_server}/")
    page.locator("section.today-notice").get_by_role("link", name=re.compile("电梯检修")).click()
    expect(page).to_have_url(f"{asgi_server}/notices/{notice.pk}/")
    expect(_home_badge(page)).to_have_count(0)
    page.goto(f"{asgi_server}/")
    expect(_home_badge(page)).to_have_count(0)
