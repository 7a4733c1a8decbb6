"""Mutual aid in real browsers: a need for 20 masks meets a neighbour's offer in the same
building, is claimed and handed over by code, and the board card says fulfilled."""

import re

import pytest
from playwright.sync_api import expect

from mutualaid.categories import categories_seed
from mutualaid.models import Category, Claim, Need
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
    alice_page.locator("#ask-link").click()
    form = alice_page.locator("#need-new-form")
    form.locator('label[for="ask-c-masks"]').click()
    form.locator('label[for="ask-q-20"]').click()
    form.locator("#id_urgent").check()
    form.locator("#need-publish").click()

    expect(alice_page).to_have_url(re.compile(r"/mutual-aid/needs/\d+/$"))
    matches = alice_page.locator("#matches-h + ul")
    expect(matches).to_contain_text("孙师傅")
    expect(matches).to_contain_text("同楼栋")
    need = Need.objects.get(requester=alice)
    assert (need.quantity, need.urgency) == (20, "urgent")

    # Alice asks Bob's offer: 20 and her need are chosen already.
    matches.get_by_role("link").first.click()
    expect(alice_page.locator("#claim-q-20")).to_be_checked()
    expect(alice_page.locator(f"#claim-need-{need.pk}")).to_be_checked()
    alice_page.locator("#claim-submit").click()
    expect(alice_page.locator("#claim-state")).to_have_attribute("data-state", "requested")
    claim_url = alice_page.url

    # Bob accepts; both now see each other's number.
    bob_page = page_for()
    log_in(bob_page, asgi_server, bob.national_phone, PASSWORD)
    bob_page.goto(claim_url)
    expect(bob_page.locator("#contact")).to_have_count(0)
    bob_page.locator("#claim-accept").click()
    expect(bob_page.locator("#claim-state")).to_have_attribute("data-state", "accepted")
    expect(bob_page.locator("#contact")).to_contain_text(alice.national_phone)

    alice_page.reload()
    code = alice_page.locator("#handover-code").inner_text().strip()
    expect(alice_page.locator("#contact")).to_contain_text(bob.national_phone)

    # At the door: Alice shows the code, Bob types it.
    bob_page.locator("#code").fill(code)
    bob_page.locator("#claim-handed-over").click()
    expect(bob_page.locator("#claim-state")).to_have_attribute("data-state", "handed_over")

    need.refresh_from_db()
    assert (need.state, need.fulfilled) == ("fulfilled", 20)
    alice_page.goto(f"{asgi_server}/grids/{micro_grid.grid_id}/board/")
    card = alice_page.locator("article.post", has_text="需要口罩 20 个")
    expect(card).to_contain_text("已完成")


def test_a_neighbour_helps_straight_from_a_need_and_the_asker_sees_who_comes_live(
    asgi_server, ws_server, page_for, log_in, building, server_side
):
    """我来帮忙 on the need page: Bob gives 10 of the 20 masks at once; Alice's need page
    names him and her code, and her messages say it in words."""
    from mutualaid.services import needs

    _, alice, bob = building
    masks = Category.objects.get(slug="masks")
    need = server_side(needs.need_create, actor=alice, category_id=masks.pk, quantity=20)
    alice_page = page_for()
    log_in(alice_page, asgi_server, alice.national_phone, PASSWORD)
    alice_page.goto(f"{asgi_server}/mutual-aid/needs/{need.pk}/")
    expect(alice_page.locator("#need-live")).to_be_hidden()

    bob_page = page_for()
    log_in(bob_page, asgi_server, bob.national_phone, PASSWORD)
    bob_page.goto(f"{asgi_server}/mutual-aid/needs/{need.pk}/")
    bob_page.locator("#help-open").click()
    expect(bob_page.locator("#help-q-20")).to_be_checked()  # what is still missing
    bob_page.locator('label[for="help-q-10"]').click()
    bob_page.locator("#help-confirm").click()
    expect(bob_page.locator("#claim-state")).to_have_attribute("data-state", "accepted")
    expect(bob_page.locator("#contact")).to_contain_text(alice.national_phone)

    # Alice's open page says it at once, without a reload; after one, who and her code.
    expect(alice_page.locator("#need-live")).to_contain_text("孙师傅")
    expect(alice_page.locator("#need-live")).to_contain_text("10")
    alice_page.reload()
    helps = alice_page.locator("#helps-h + ul")
    expect(helps).to_contain_text("孙师傅")
    claim = Claim.objects.get(need=need)
    expect(helps.locator(f'[data-claim-code="{claim.pk}"]')).to_have_text(claim.handover_code)
    assert (claim.quantity, claim.state) == (10, "accepted")
    alice_page.goto(f"{asgi_server}/me/notifications/")
    expect(alice_page.locator(".notifications")).to_contain_text("孙师傅")
