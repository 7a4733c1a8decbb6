"""Signing in on a 390 px phone as a 70-year-old would: a text-message code first, big
buttons, the number read back as 138 1234 5678; inside WeChat, one tap."""

import re

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from residents.models import User
from tests.environment import require
from tests.factories import SmsOutbox, UserFactory
from tests.oauth_standin import WechatStandIn

WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI"
)


def t(msgid: str) -> str:
    with override("zh-hans"):
        return gettext(msgid)


def spaced(phone: str) -> str:
    n = phone.removeprefix("+86")
    return f"{n[:3]} {n[3:7]} {n[7:]}"


def home(base_url: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(base_url)}/(#.*)?$")


def assert_big_buttons_and_one_h1(page) -> None:
    assert page.locator("h1").count() == 1
    for button in page.locator("main button:visible, main a.btn:visible").all():
        box = button.bounding_box()
        assert box and box["height"] >= 44, f"{button.inner_text()!r} is {box}"
    for button in page.locator("main .btn-big:visible").all():
        assert button.bounding_box()["height"] >= 48, button.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width}px"


@pytest.fixture
def resident(transactional_db):
    return UserFactory(phone="+8613812345678", display_name="3号楼王阿姨")


def test_a_resident_logs_in_with_a_text_message_code(asgi_server, page_for, resident):
    page = page_for()
    page.goto(f"{asgi_server}/accounts/login/")
    assert_big_buttons_and_one_h1(page)
    main = page.locator("main")
    # The code is the first way on the page; the password form is folded away.
    expect(main.locator("input:visible").first).to_have_attribute("autocomplete", "tel")
    expect(page.locator("#id_password")).to_be_hidden()

    main.get_by_label(t("Mobile number")).first.fill("13812345678")
    main.get_by_role("button", name=t("Get a code")).click()

    expect(page).to_have_url(re.compile(r"/accounts/login/code/confirm/"))
    expect(main).to_contain_text(
        t("We have sent a 6-digit code to %(phone)s.") % {"phone": "138 1234 5678"}
    )
    expect(main).not_to_contain_text("+86")
    assert_big_buttons_and_one_h1(page)
    box = page.locator("#id_code")
    expect(box).to_have_attribute("inputmode", "numeric")
    box.fill(SmsOutbox.last_code(resident.phone))
    main.get_by_role("button", name=t("Continue")).click()

    expect(page).to_have_url(f"{asgi_server}/")


def test_a_newcomer_joins_with_the_phone_only(asgi_server, page_for, transactional_db):
    page = page_for()
    page.goto(f"{asgi_server}/accounts/signup/")
    assert_big_buttons_and_one_h1(page)
    main = page.locator("main")
    expect(main.locator("input[type=password]")).to_have_count(0)
    main.get_by_label(t("Mobile number")).fill("139 2222 5555")
    main.get_by_role("button", name=t("Get a code")).click()

    expect(main).to_contain_text("139 2222 5555")
    page.locator("#id_code").fill(SmsOutbox.last_code("+8613922225555"))
    main.get_by_role("button", name=t("Continue")).click()

    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    user = User.objects.get(phone="+8613922225555")
    assert user.phone_verified and not user.has_usable_password()


@pytest.fixture
def wechat(settings):
    standin = WechatStandIn().start()
    standin.configure(settings)
    yield standin
    standin.stop()


def test_inside_wechat_one_tap_logs_in_and_the_first_time_ties_the_phone(
    asgi_server, page_for, resident, wechat
):
    page = page_for(user_agent=WECHAT_UA)
    page.goto(f"{asgi_server}/accounts/login/")
    main = page.locator("main")
    first_button = main.locator("button:visible").first
    expect(first_button).to_have_text(t("One-tap WeChat login"))
    assert_big_buttons_and_one_h1(page)

    first_button.click()  # WeChat (the stand-in) says yes and sends the person back
    # (the browser keeps WeChat's #wechat_redirect fragment through the redirects)
    expect(page).to_have_url(re.compile(r"/accounts/weixin/link/(#.*)?$"))
    assert_big_buttons_and_one_h1(page)
    main.get_by_label(t("Mobile number")).fill("13812345678")
    main.get_by_role("button", name=t("Get a code")).click()
    expect(main).to_contain_text("138 1234 5678")
    page.locator("#id_code").fill(SmsOutbox.last_code(resident.phone))
    main.get_by_role("button", name=t("Continue")).click()
    expect(page).to_have_url(home(asgi_server))

    # Next time, on another day: one tap and in.
    again = page_for(user_agent=WECHAT_UA)
    again.goto(f"{asgi_server}/accounts/login/")
    again.locator("main button:visible").first.click()
    expect(again).to_have_url(home(asgi_server))
    assert wechat.requests.count("/sns/userinfo") == 2


def test_outside_wechat_there_is_no_wechat_button(asgi_server, page_for, wechat, transactional_db):
    page = page_for()
    page.goto(f"{asgi_server}/accounts/login/")
    expect(page.locator("main")).not_to_contain_text(t("One-tap WeChat login"))


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_large_text_and_english_can_be_switched_on_before_logging_in(
    asgi_server, page_for, transactional_db, path
):
    page = page_for(viewport={"width": 320, "height": 700})
    page.goto(f"{asgi_server}{path}")
    footer = page.locator("footer.prefs")
    footer.locator("button[aria-pressed]").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    expect(page).to_have_url(f"{asgi_server}{path}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page scrolls sideways in large text: {width}px"
    assert page.locator("h1").count() == 1

    footer.locator("button[name=language]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main")).to_contain_text("text message" if "login" in path else "mobile")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text"])
def test_the_code_pages_the_crawl_cannot_reach_pass_axe_and_the_phone_checks(
    asgi_server, browser, resident, wechat, large_text
):
    """The accessibility crawl follows links; the code pages come after a form, so they are
    checked here with the crawl's own checks, on the narrowest phone."""
    from tests.e2e.test_accessibility import (
        AXE,
        MIN_TARGET_PX,
        NARROWEST_PHONE,
        PAGE_CHECKS_JS,
        RUN_AXE_JS,
        TOLERANCE_PX,
        WCAG_TAGS,
    )

    require(AXE.exists(), f"axe-core at {AXE} (`make test` runs npm ci; needs npm)")
    context = browser.new_context(
        viewport=NARROWEST_PHONE, is_mobile=True, has_touch=True, user_agent=WECHAT_UA
    )
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    problems: list[str] = []

    def check(where: str) -> None:
        problems.extend(
            f"{where}: {rule}: {detail} {target}"
            for rule, detail, target in page.evaluate(
                PAGE_CHECKS_JS, {"minimum": MIN_TARGET_PX, "tolerance": TOLERANCE_PX}
            )
        )
        problems.extend(
            f"{where}: axe {rule} ({impact}): " + "; ".join(targets)
            for rule, impact, targets in page.evaluate(RUN_AXE_JS, WCAG_TAGS)
        )

    try:
        page.goto(f"{asgi_server}/accounts/login/")
        if large_text:
            page.locator("footer.prefs button[aria-pressed]").click()
            expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
        check("login (in WeChat)")
        page.locator("#id_code_phone").fill("13812345678")
        page.locator("form.auth-code button").click()
        page.locator("#id_code").fill("000000")
        page.locator("main form button[type=submit]").first.click()
        expect(page.locator("#id_code")).to_have_attribute("aria-invalid", "true")
        check("login code, after a wrong code")
        page.locator("main form[action$='/accounts/logout/'] button").click()
        page.goto(f"{asgi_server}/accounts/login/")
        page.locator("main button:visible").first.click()  # 微信一键登录, the stand-in says yes
        expect(page).to_have_url(re.compile(r"/accounts/weixin/link/(#.*)?$"))
        check("WeChat: phone")
        page.locator("#id_phone").fill("13812345678")
        page.locator("main form button[type=submit]").first.click()
        expect(page).to_have_url(re.compile(r"/accounts/weixin/link/code/(#.*)?$"))
        check("WeChat: code")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
