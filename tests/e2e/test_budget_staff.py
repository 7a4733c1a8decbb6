"""Task budgets from home, counted tap by tap (tests/e2e/budget.py): a resident signs up
herself and her mother for a class in at most 4 taps; a cadre publishes a notice to two
grids in at most 5 taps and the notice's own words. The result is checked in the database.

Locators lean on ids and addresses, not on translated words."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import SignUp
from grids.models import Notice
from residents.models import AgeBand, HouseholdMember
from tests.e2e.budget import Steps
from tests.factories import GridFactory, MembershipFactory, MicroGridFactory, make_cadre


def _at_home(page_for, base: str, user):
    """A phone already logged in (signing in has its own tests and budget), opened at home."""
    client = Client()
    client.force_login(user)
    page = page_for()
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base}])
    page.goto(f"{base}/")
    return page


@pytest.fixture
def neighbourhood(transactional_db):
    building = MicroGridFactory(label="5幢")
    community = building.grid.community
    cadre = make_cadre(community, display_name="李书记")
    resident = MembershipFactory(micro_grid=building, user__display_name="周阿姨").user
    mother = HouseholdMember.objects.create(owner=resident, name="周奶奶", age_band=AgeBand.ELDER)
    return community, cadre, resident, mother


def test_a_resident_signs_up_herself_and_her_mother_in_four_taps_from_home(
    asgi_server, page_for, neighbourhood, server_side
):
    from activities.services import publishing

    community, cadre, resident, mother = neighbourhood
    starts = timezone.now() + timedelta(days=2)
    activity = server_side(
        publishing.activity_create,
        actor=cadre,
        community=community,
        title="重阳节包饺子",
        place="社区食堂",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=20,
    )
    page = _at_home(page_for, asgi_server, resident)

    steps = Steps(page)
    steps.tap(page.locator('a[href="/activities/"]').first)  # the 活动 link or tab
    steps.tap(page.locator(f'a[href="/activities/{activity.pk}/"]').first)
    expect(page.locator("#who-self")).to_be_checked()  # ticked for her already
    steps.tap(page.locator(f'label[for="who-member-{mother.pk}"]'))
    steps.tap(page.locator("[data-signup-slot]"))
    expect(page.locator("#my-signups [data-signup]")).to_have_count(2)
    steps.within(4)

    made = SignUp.objects.filter(activity=activity, user=resident)
    assert sorted(made.values_list("participant", "state")) == [
        (f"member-{mother.pk}", SignUp.State.CONFIRMED),
        ("self", SignUp.State.CONFIRMED),
    ]


def test_a_cadre_publishes_a_notice_to_two_grids_in_five_taps_and_the_text(
    asgi_server, page_for, neighbourhood
):
    community, cadre, _resident, _mother = neighbourhood
    second, third = (GridFactory(community=community) for _ in range(2))
    page = _at_home(page_for, asgi_server, cadre)

    steps = Steps(page)
    composer = page.locator(f'a[href="/communities/{community.pk}/notices/"]')
    if not composer.count():  # home names the community only: its page links the notices
        steps.tap(page.locator(f'a[href="/communities/{community.pk}/"]').first)
    steps.tap(composer.first)
    form = page.locator("#notice-form")
    steps.type(form.locator("#id_title"), "周六停水", what="title")
    steps.type(form.locator("#id_body"), "周六上午8点到12点停水，请提前储水。", what="body")
    steps.tap(form.locator('label[for="id_scope_1"]'))  # 选择网格
    for grid in (second, third):
        box = form.locator(f'input[name="grids"][value="{grid.pk}"]')
        steps.tap(form.locator(f'label[for="{box.get_attribute("id")}"]'))
    steps.tap(form.locator("#notice-publish"))
    expect(page).to_have_url(f"{asgi_server}/notices/{Notice.objects.get().pk}/receipts/")
    steps.within(5, may_type=("title", "body"))

    notice = Notice.objects.get()
    assert notice.title == "周六停水" and not notice.all_grids
    assert set(notice.grids.values_list("pk", flat=True)) == {second.pk, third.pk}
