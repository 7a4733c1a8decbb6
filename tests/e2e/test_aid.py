"""Mutual aid in real browsers: a need for 20 masks meets a neighbour's offer in the same
building, is claimed and handed over by code, and the board card says fulfilled."""

import re

import pytest
from playwright.sync_api import expect

from mutualaid.categories import categories_seed
from mutualaid.models import Category, Need
from tests.factories import PASSWORD, MembershipFactory, MicroGridFactory


@pytest.fixture
def building(transactional_db):
    categories_seed(Category)
    building = MicroGridFactory(label="7幢")
    alice = MembershipFactory(micro_grid=building, user__display_name="赵奶奶").user
    bob = MembershipFactory(micro_grid=building, user__display_name="孙师傅").user
    return building, alice, bob


def test_a_need_for_masks_is_matched_claimed_handed_over_and_the_card_says_fulfilled(
    asgi_server, ws_server, page_for, log_in, building, server_side
):
    from mutualaid.services import needs

    micro_grid, alice, bob = building
    masks = Category.objects.get(slug="masks")
    server_side(
        needs.offer_create, actor=bob, category_id=masks.pk, quantity=30, description="新买的"
    )

    alice_page = page_for()
    log_in(alice_page, asgi_server, alice.national_phone, PASSWORD)
    alice_page.goto(f"{asgi_server}/mutual-aid/")
    alice_page.get_by_text("我要求助", exact=True).click()
    form = alice_page.locator("#ask-form")
    form.get_by_label("需要什么").select_option(label="口罩（个）")
    form.get_by_label("数量").fill("20")
    form.get_by_label("紧急程度").select_option(label="紧急")
    form.get_by_role("button", name="发布求助").click()

    expect(alice_page).to_have_url(re.compile(r"/mutual-aid/needs/\d+/$"))
    matches = alice_page.locator("#matches-h + ul")
    expect(matches).to_contain_text("孙师傅")
    expect(matches).to_contain_text("同楼栋")
    need = Need.objects.get(requester=alice)

    # Alice asks Bob's offer for 20, for her need.
    matches.get_by_role("link").first.click()
    alice_page.get_by_label("数量").fill("20")
    alice_page.get_by_label("用于我的求助").select_option(str(need.pk))
    alice_page.get_by_role("button", name="申请", exact=True).click()
    expect(alice_page.locator("#claim-state")).to_have_text("已申请")
    claim_url = alice_page.url

    # Bob accepts; both now see each other's number.
    bob_page = page_for()
    log_in(bob_page, asgi_server, bob.national_phone, PASSWORD)
    bob_page.goto(claim_url)
    expect(bob_page.locator("#contact")).to_have_count(0)
    bob_page.get_by_role("button", name="接受", exact=True).click()
    expect(bob_page.locator("#claim-state")).to_have_text("已接受")
    expect(bob_page.locator("#contact")).to_contain_text(alice.national_phone)

    alice_page.reload()
    code = alice_page.locator("#handover-code").inner_text().strip()
    expect(alice_page.locator("#contact")).to_contain_text(bob.national_phone)

    # At the door: Alice shows the code, Bob types it.
    bob_page.get_by_placeholder("邻居出示的确认码").fill(code)
    bob_page.get_by_role("button", name="已交接").click()
    expect(bob_page.locator("#claim-state")).to_have_text("已交接")

    need.refresh_from_db()
    assert (need.state, need.fulfilled) == ("fulfilled", 20)
    alice_page.goto(f"{asgi_server}/grids/{micro_grid.grid_id}/board/")
    card = alice_page.locator("article.post", has_text="需要口罩 20 个")
    expect(card).to_contain_text("已完成")
