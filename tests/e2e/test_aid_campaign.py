"""A mask-aid campaign in real browsers: a cadre starts it from the form, keeps its dashboard
open, and when a neighbour hands over 12,430 masks the figures change without a reload.

The assertions read numbers and element ids only, so they hold whatever the catalogue says.
"""

import re

import pytest
from playwright.sync_api import expect

from mutualaid.categories import categories_seed
from mutualaid.models import Campaign, Category, Claim
from tests.factories import PASSWORD, MembershipFactory, MicroGridFactory, make_cadre


@pytest.fixture
def community(transactional_db):
    categories_seed(Category)
    building = MicroGridFactory(label="3幢")
    giver = MembershipFactory(micro_grid=building, user__display_name="孙师傅").user
    receiver = MembershipFactory(micro_grid=building, user__display_name="赵奶奶").user
    cadre = make_cadre(building.grid.community, display_name="张书记")
    return building.grid, giver, receiver, cadre


def test_a_cadre_starts_a_mask_campaign_and_its_dashboard_follows_a_handover_live(
    asgi_server, ws_server, page_for, log_in, community, server_side
):
    from mutualaid.services import claims, needs

    grid, giver, receiver, cadre = community
    masks = Category.objects.get(slug="masks")

    cadre_page = page_for()
    log_in(cadre_page, asgi_server, cadre.national_phone, PASSWORD)
    cadre_page.goto(f"{asgi_server}/mutual-aid/")
    cadre_page.locator("#campaign-new").click()
    expect(cadre_page).to_have_url(re.compile(r"/mutual-aid/campaigns/new/$"))
    form = cadre_page.locator("#campaign-form")
    form.locator("#id_title").fill("口罩援助")
    form.locator(f"input[name=categories][value='{masks.pk}']").check()
    form.locator("#id_target_quantity").fill("20000")
    form.locator("button[type=submit]").click()

    expect(cadre_page).to_have_url(re.compile(r"/mutual-aid/campaigns/\d+/$"))
    campaign = Campaign.objects.get()
    assert (campaign.title, campaign.community_id) == ("口罩援助", grid.community_id)
    figure = cadre_page.locator(f"#handed-{masks.pk}")
    expect(figure).to_have_text("0")
    expect(cadre_page.locator("#campaign")).to_have_attribute("data-live", "live")
    cadre_page.evaluate("window.stillTheSamePage = true")

    # A neighbour with spare masks gives them; the receiver shows her code at the door.
    offer = server_side(needs.offer_create, actor=giver, category_id=masks.pk, quantity=12_430)
    claim = server_side(claims.claim_request, actor=receiver, offer_id=offer.pk, quantity=12_430)
    server_side(claims.claim_accept, actor=giver, claim_id=claim.pk)
    giver_page = page_for()
    log_in(giver_page, asgi_server, giver.national_phone, PASSWORD)
    giver_page.goto(f"{asgi_server}/mutual-aid/claims/{claim.pk}/")
    confirm = giver_page.locator("form[action$='/confirm/']")
    confirm.locator("#code").fill(claim.handover_code)
    confirm.locator("button[type=submit]").click()
    expect(giver_page.locator("form[action$='/confirm/']")).to_have_count(0)
    claim.refresh_from_db()
    assert claim.state == Claim.State.HANDED_OVER

    # The open dashboard changes by itself.
    expect(figure).to_have_text("12,430")
    expect(cadre_page.locator("#progress-text")).to_have_text("62")
    expect(cadre_page.locator("#handovers")).to_have_text("1")
    assert cadre_page.evaluate("window.stillTheSamePage") is True
    assert int(cadre_page.locator("#campaign").get_attribute("data-version")) >= 1
