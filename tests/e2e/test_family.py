"""Family help in real browsers: a daughter gets her mother's agreement by the code texted to
the mother's phone, acts for her to ask neighbours for masks under a banner that says so,
the mother sees what was done in her name and ends it, and acting ends on the daughter's
next page.

Pages are found by ids, form addresses and classes, not by their words."""

import re

import pytest
from playwright.sync_api import expect

from family.models import ProxyAction, ProxyGrant
from mutualaid.categories import categories_seed
from mutualaid.models import Category, Need
from tests.factories import PASSWORD, MembershipFactory, MicroGridFactory, SmsOutbox, UserFactory


@pytest.fixture
def family(transactional_db):
    categories_seed(Category)
    building = MicroGridFactory(label="3幢")
    mother = MembershipFactory(micro_grid=building, user__display_name="王阿姨").user
    daughter = UserFactory(display_name="小王")  # lives elsewhere: no grid here
    return mother, daughter


def test_a_daughter_acts_for_her_mother_who_sees_it_and_ends_it(
    asgi_server, page_for, log_in, family
):
    mother, daughter = family

    # The daughter, on her own phone beside her mother, asks by her mother's number.
    page = page_for()
    log_in(page, asgi_server, daughter.national_phone, PASSWORD)
    page.goto(f"{asgi_server}/family/")
    page.locator('main a[href="/family/ask/"]').first.click()
    page.locator("#id_phone").fill(mother.national_phone)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/family/requests/\d+/$"))

    # The mother reads out the code from her text message; the daughter types it.
    page.locator("#id_code").fill(SmsOutbox.last_code(mother.phone))
    page.locator("#id_code").press("Enter")
    expect(page).to_have_url(re.compile(r"/family/$"))
    grant = ProxyGrant.objects.get(principal=mother, agent=daughter)

    # 为 王阿姨 代办: the banner says so on every page.
    page.locator(f'form[action="/family/acting/{grant.pk}/start/"] button').click()
    banner = page.locator(".acting-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("王阿姨")

    page.goto(f"{asgi_server}/mutual-aid/needs/new/")
    expect(banner).to_contain_text("王阿姨")
    page.locator('label[for="ask-c-masks"]').click()
    page.locator("#need-publish").click()
    expect(page).to_have_url(re.compile(r"/mutual-aid/needs/\d+/$"))
    expect(banner).to_be_visible()
    need = Need.objects.get()
    assert need.requester_id == mother.pk
    action = ProxyAction.objects.get()
    assert (action.agent_id, action.object_type, action.object_id) == (
        daughter.pk,
        "need",
        need.pk,
    )

    # Her account pages are closed to the daughter while she acts.
    refused = page.goto(f"{asgi_server}/me/")
    assert refused.status == 403

    # The mother sees who acted for her and what they did, and ends it (asked first).
    mother_page = page_for()
    log_in(mother_page, asgi_server, mother.national_phone, PASSWORD)
    mother_page.goto(f"{asgi_server}/family/")
    expect(mother_page.locator(".family-actions")).to_contain_text("小王")
    asked = []
    mother_page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    mother_page.locator(f'form[action="/family/grants/{grant.pk}/revoke/"] button').click()
    expect(mother_page.locator(f'form[action="/family/grants/{grant.pk}/revoke/"]')).to_have_count(
        0
    )
    assert asked and "小王" in asked[0]
    grant.refresh_from_db()
    assert grant.revoked_by_id == mother.pk

    # The daughter's next page is her own again: no banner, her own "Me".
    page.goto(f"{asgi_server}/mutual-aid/")
    expect(page.locator(".acting-banner")).to_have_count(0)
    assert page.goto(f"{asgi_server}/me/").status == 200
