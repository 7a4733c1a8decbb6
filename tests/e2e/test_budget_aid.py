"""Task budgets for mutual aid, counted from the home page on a phone (issue 12): ask for
help in 3 taps typing nothing but an optional note; give to a neighbour's need in 3 taps;
claim a neighbour's offer in 3 taps. Opening home is free; every tap and every field typed
into counts (tests/e2e/budget.py). Each test then checks the result in the database.

The pages are found by element ids and links, not by their words, so the budgets hold
whatever the catalogue says.
"""

import re

import pytest
from playwright.sync_api import expect

from mutualaid.categories import categories_seed
from mutualaid.models import Category, Claim, Need
from tests.e2e.budget import Steps
from tests.factories import PASSWORD, MembershipFactory, MicroGridFactory


@pytest.fixture
def building(transactional_db):
    categories_seed(Category)
    building = MicroGridFactory(label="5幢")
    alice = MembershipFactory(micro_grid=building, user__display_name="赵奶奶").user
    bob = MembershipFactory(micro_grid=building, user__display_name="王阿姨").user
    return building, alice, bob


def test_asking_for_help_from_home_takes_three_taps_and_only_an_optional_note(
    asgi_server, page_for, log_in, building
):
    _, alice, _ = building
    page = page_for()
    log_in(page, asgi_server, alice.national_phone, PASSWORD)
    page.goto(f"{asgi_server}/")
    steps = Steps(page)

    steps.tap(page.locator('main a[href="/mutual-aid/needs/new/"]').first)
    steps.tap(page.locator('label[for="ask-c-masks"]'))
    steps.type(page.locator("#id_description"), "给家里老人用", what="note")
    steps.tap(page.locator("#need-publish"))

    expect(page).to_have_url(re.compile(r"/mutual-aid/needs/\d+/$"))
    expect(page.locator("#need-next")).to_be_visible()
    steps.within(3, may_type=("note",))
    need = Need.objects.get(requester=alice)
    assert (need.category.slug, need.quantity, need.description) == ("masks", 10, "给家里老人用")


def test_giving_to_a_neighbours_need_from_home_takes_three_taps(
    asgi_server, page_for, log_in, building, server_side
):
    from mutualaid.services import needs

    _, alice, bob = building
    masks = Category.objects.get(slug="masks")
    need = server_side(needs.need_create, actor=alice, category_id=masks.pk, quantity=20)
    page = page_for()
    log_in(page, asgi_server, bob.national_phone, PASSWORD)
    page.goto(f"{asgi_server}/")
    steps = Steps(page)

    steps.tap(page.locator(f'main a[href="/mutual-aid/needs/{need.pk}/"]').first)
    steps.tap(page.locator("#help-open"))
    steps.tap(page.locator("#help-confirm"))

    expect(page).to_have_url(re.compile(r"/mutual-aid/claims/\d+/$"))
    expect(page.locator("#claim-next")).to_be_visible()
    steps.within(3)
    claim = Claim.objects.get(need=need)
    assert (claim.quantity, claim.state, claim.offer.giver_id) == (20, "accepted", bob.pk)
    need.refresh_from_db()
    assert (need.matched, need.state) == (20, "matched")


def test_claiming_a_neighbours_offer_from_home_takes_three_taps(
    asgi_server, page_for, log_in, building, server_side
):
    """Alice asked for 20 masks; Wang offers 30. From home: her need (1), Wang's offer among
    its matches (2), 我要 with 20 and her need already chosen (3)."""
    from mutualaid.services import needs

    _, alice, bob = building
    masks = Category.objects.get(slug="masks")
    need = server_side(needs.need_create, actor=alice, category_id=masks.pk, quantity=20)
    offer = server_side(needs.offer_create, actor=bob, category_id=masks.pk, quantity=30)
    page = page_for()
    log_in(page, asgi_server, alice.national_phone, PASSWORD)
    page.goto(f"{asgi_server}/")
    steps = Steps(page)

    steps.tap(page.locator(f'main a[href="/mutual-aid/needs/{need.pk}/"]').first)
    steps.tap(page.locator(f'#matches-h + ul a[href="/mutual-aid/offers/{offer.pk}/"]'))
    steps.tap(page.locator("#claim-submit"))

    expect(page).to_have_url(re.compile(r"/mutual-aid/claims/\d+/$"))
    expect(page.locator("#claim-next")).to_be_visible()
    steps.within(3)
    claim = Claim.objects.get(offer=offer)
    assert (claim.quantity, claim.need_id, claim.receiver_id) == (20, need.pk, alice.pk)
