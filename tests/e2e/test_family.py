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


@pytest.mark.parametrize("language,large", [("zh-hans", False), ("en", True)])
def test_the_family_pages_and_the_banner_pass_axe_and_the_phone_checks(
    asgi_server, browser, family, server_side, language, large
):
    """The crawl reaches family help from 我的; this also checks the pages it cannot reach
    by a GET link: a code page, the staff page with an ask waiting, the banner."""
    from django.conf import settings
    from django.test import Client

    from family.services import asks, grants
    from tests.e2e.test_accessibility import (
        AXE,
        MIN_TARGET_PX,
        NARROWEST_PHONE,
        PAGE_CHECKS_JS,
        RUN_AXE_JS,
        TOLERANCE_PX,
        WCAG_TAGS,
    )
    from tests.environment import require
    from tests.factories import make_grid_worker

    require(AXE.exists(), f"axe-core at {AXE} (`make test` runs npm ci; needs npm)")
    mother, daughter = family
    worker = make_grid_worker(mother.memberships.get().grid, display_name="网格员")
    son = UserFactory(display_name="小李")
    asked = server_side(asks.proxy_request_create, agent=daughter, phone=mother.phone)
    server_side(asks.proxy_request_create, agent=son, phone=mother.phone)
    grant = server_side(asks.proxy_request_approve, actor=mother, request_id=asked.pk)
    server_side(grants.proxy_action_record, grant=grant, label="发布了求助")
    son_ask = server_side(asks.proxy_request_create, agent=son, phone="13900000001")

    def visit(user, paths, *, acting=None):
        client = Client()
        if user is not None:
            client.force_login(user)
        if acting is not None:
            session = client.session
            session["family_acting"] = acting
            session.save()
        context = browser.new_context(viewport=NARROWEST_PHONE, is_mobile=True, has_touch=True)
        context.add_init_script(path=str(AXE))
        host = asgi_server.split("//")[1].split(":")[0]
        cookies = [
            {"name": "django_language", "value": language, "domain": host, "path": "/"},
            {"name": "large_text", "value": "1" if large else "0", "domain": host, "path": "/"},
        ]
        if user is not None:
            name = settings.SESSION_COOKIE_NAME
            cookies.append(
                {"name": name, "value": client.cookies[name].value, "domain": host, "path": "/"}
            )
        context.add_cookies(cookies)
        problems = []
        try:
            page = context.new_page()
            for path in paths:
                response = page.goto(f"{asgi_server}{path}")
                # While acting, "Me" is refused: that page (403) is checked too.
                assert response.status < 400 or acting is not None, (path, response.status)
                assert page.locator(".acting-banner").count() == (1 if acting else 0)
                found = page.evaluate(
                    PAGE_CHECKS_JS, {"minimum": MIN_TARGET_PX, "tolerance": TOLERANCE_PX}
                ) + page.evaluate(RUN_AXE_JS, WCAG_TAGS)
                problems += [f"{path}: {p}" for p in found]
        finally:
            context.close()
        return problems

    problems = visit(None, ["/family/help/"])
    problems += visit(mother, ["/family/"])
    problems += visit(son, ["/family/", "/family/ask/", f"/family/requests/{son_ask.pk}/"])
    problems += visit(worker, ["/family/staff/"])
    problems += visit(daughter, ["/mutual-aid/needs/new/", "/me/"], acting=grant.pk)
    assert not problems, "\n".join(map(str, problems))
