"""The sign-in pages: SMS code first, one h1, plain words, the number as 138 1234 5678."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from residents.models import User
from tests.factories import SmsOutbox, UserFactory

pytestmark = pytest.mark.django_db

WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI"
)


def t(msgid: str) -> str:
    """What the pages say for a msgid in the language they are shown in (Chinese)."""
    with override("zh-hans"):
        return gettext(msgid)


def h1s(html: str) -> list[str]:
    return re.findall(r"<h1\b[^>]*>(.*?)</h1>", html, re.S)


def test_the_login_page_leads_with_the_sms_code_and_keeps_password_login(client):
    html = client.get(reverse("account_login")).content.decode()
    assert len(h1s(html)) == 1
    code_form = html.index(reverse("account_request_login_code"))
    password_form = html.index('id="id_password"')
    assert code_form < password_form  # the code path comes first
    assert t("Get a code") in html
    assert 'autocomplete="tel"' in html and 'inputmode="tel"' in html
    assert 'id="id_login"' in html
    assert "css/auth.css" in html


def test_the_login_page_offers_family_help(client):
    html = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("family-help")}"' in html
    assert t("Family helps me") in html


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_request_login_code",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key_done",
        "account_inactive",
        "account_email_verification_sent",
        "socialaccount_login_cancelled",
        "socialaccount_login_error",
    ],
)
def test_every_open_sign_in_page_has_one_h1_in_chinese(client, name):
    response = client.get(reverse(name))
    assert response.status_code == (401 if name == "socialaccount_login_error" else 200)
    html = response.content.decode()
    assert len(h1s(html)) == 1, h1s(html)
    assert "Sign In" not in html and "Sign Up" not in html and "Password (again)" not in html


@pytest.mark.parametrize(
    ("name", "has_password"),
    [
        ("account_set_password", False),
        ("account_change_password", True),
        ("account_reauthenticate", True),
        ("account_change_phone", True),
        ("account_email", True),
        ("usersessions_list", True),
        ("socialaccount_connections", True),
        ("account_logout", True),
    ],
)
def test_every_signed_in_account_page_has_one_h1(client, name, has_password):
    user = UserFactory()
    if not has_password:
        user.set_unusable_password()
        user.save()
    client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(h1s(html)) == 1
    assert "+86" not in html


def test_the_code_page_names_the_number_as_people_read_it(client, world):
    response = client.post(
        reverse("account_request_login_code"), {"phone": world.resident_a.national_phone}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    spaced = world.resident_a.national_phone
    spaced = f"{spaced[:3]} {spaced[3:7]} {spaced[7:]}"
    sent = t("We have sent a 6-digit code to %(phone)s.")
    assert sent % {"phone": f'<strong class="phone">{spaced}</strong>'} in html
    assert "+86" not in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert t("Send the code again") in html
    assert len(h1s(html)) == 1


def test_a_wrong_code_is_explained_in_plain_words_and_the_right_one_logs_in(client, world):
    phone = world.resident_a.phone
    client.post(reverse("account_request_login_code"), {"phone": world.resident_a.national_phone})
    wrong = client.post(reverse("account_confirm_login_code"), {"code": "000000"})
    assert wrong.status_code == 200
    assert (
        t("That code is not right. Please look at the text message and type the 6 digits again.")
        in wrong.content.decode()
    )
    code = SmsOutbox.last_code(phone)
    done = client.post(reverse("account_confirm_login_code"), {"code": f"{code[:3]} {code[3:]}"})
    assert done.status_code == 302
    assert client.get("/api/v1/me/").json()["account"]["id"] == world.resident_a.pk


def test_a_code_wrong_too_often_sends_the_person_back_to_ask_again(client, world, settings):
    client.post(reverse("account_request_login_code"), {"phone": world.resident_a.national_phone})
    answers = [
        client.post(reverse("account_confirm_login_code"), {"code": "000000"})
        for _ in range(settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS)
    ]
    assert answers[-1].status_code == 302
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_sign_up_asks_only_for_the_phone_and_verifies_it_by_sms(client, sms_outbox):
    form = client.get(reverse("account_signup")).content.decode()
    assert 'name="password1"' not in form
    response = client.post(reverse("account_signup"), {"phone": "139 1111 4444"})
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(phone="+8613911114444")
    assert not user.has_usable_password() and user.phone_verified is False
    page = client.get(response["Location"]).content.decode()
    assert "139 1111 4444" in page and len(h1s(page)) == 1
    done = client.post(reverse("account_verify_phone"), {"code": SmsOutbox.last_code(user.phone)})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.phone_verified is True
    assert client.get("/api/v1/me/").json()["account"]["id"] == user.pk


def test_a_password_can_be_set_later_and_then_used(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    response = client.post(
        reverse("account_set_password"),
        {"password1": "Lin-li-2026!x", "password2": "Lin-li-2026!x"},
    )
    assert response.status_code == 302
    client.logout()
    login = client.post(
        reverse("account_login"), {"login": user.phone[3:], "password": "Lin-li-2026!x"}
    )
    assert login.status_code == 302


def test_a_wrong_password_is_explained_in_plain_words(client, world):
    response = client.post(
        reverse("account_login"), {"login": world.resident_a.national_phone, "password": "nope"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        t(
            "The mobile number or the password is not right. "
            "You can also log in with a text message."
        )
        in html
    )
    assert "<details" in html and "open" in html  # the password part stays open


def test_the_profile_page_links_to_setting_a_password(client, world):
    client.force_login(world.resident_a)
    html = client.get(reverse("profile")).content.decode()
    assert reverse("account_change_password") in html or reverse("account_set_password") in html


def test_no_wechat_button_unless_configured_even_inside_wechat(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "weixin": {**settings.SOCIALACCOUNT_PROVIDERS["weixin"], "APPS": []}
    }
    html = client.get(reverse("account_login"), HTTP_USER_AGENT=WECHAT_UA).content.decode()
    assert t("One-tap WeChat login") not in html
    assert client.post(reverse("weixin_login")).status_code == 404


def test_inside_wechat_the_login_page_offers_one_tap_wechat_login_first(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "weixin": {
            **settings.SOCIALACCOUNT_PROVIDERS["weixin"],
            "APPS": [{"client_id": "wx-test", "secret": "s"}],
        }
    }
    html = client.get(reverse("account_login"), HTTP_USER_AGENT=WECHAT_UA).content.decode()
    assert t("One-tap WeChat login") in html
    assert html.index(t("One-tap WeChat login")) < html.index(t("Get a code"))
    outside = client.get(reverse("account_login")).content.decode()
    assert t("One-tap WeChat login") not in outside


def test_phone_spaced_shows_the_national_number_in_groups():
    from residents.templatetags.phones import phone_spaced

    assert phone_spaced("+8613812345678") == "138 1234 5678"
    assert phone_spaced("13812345678") == "138 1234 5678"
    assert phone_spaced("+4915112345678") == "+4915112345678"


def test_send_again_on_the_code_page_sends_a_new_code_within_the_per_phone_budget(
    client, world, sms_outbox
):
    phone = world.resident_a.phone
    client.post(reverse("account_request_login_code"), {"phone": world.resident_a.national_phone})
    html = client.get(reverse("account_confirm_login_code")).content.decode()
    assert 'name="action" value="resend"' in html
    for _ in range(2):
        again = client.post(reverse("account_confirm_login_code"), {"action": "resend"})
        assert again.status_code == 302
    # 3 a minute per phone: the first text and two resends went out; no more this minute.
    assert len([s for s in sms_outbox if s[0] == phone]) == 3
    code = SmsOutbox.last_code(phone)
    assert client.post(reverse("account_confirm_login_code"), {"code": code}).status_code == 302
    assert client.get("/api/v1/me/").json()["account"]["id"] == world.resident_a.pk


def test_a_resend_beyond_the_per_phone_budget_sends_nothing(client, world, sms_outbox):
    phone = world.resident_a.phone
    client.post(reverse("account_request_login_code"), {"phone": world.resident_a.national_phone})
    client.post(reverse("account_confirm_login_code"), {"action": "resend"})
    client.post(reverse("account_confirm_login_code"), {"action": "resend"})
    other = world.resident_b
    # Two resends were the quota of this code (LOGIN_BY_CODE_SUPPORTS_RESEND = 2); a new
    # request in the same minute is the 4th text to the phone and is refused.
    from django.test import Client

    refused = Client().post(reverse("account_request_login_code"), {"phone": phone})
    assert refused.status_code == 200
    assert len([s for s in sms_outbox if s[0] == phone]) == 3
    assert other.phone not in [s[0] for s in sms_outbox]


def test_too_many_log_ins_from_one_place_get_a_plain_page(client, world, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    data = {"login": world.resident_a.national_phone, "password": "wrong"}
    client.post(reverse("account_login"), data)
    refused = client.post(reverse("account_login"), data)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert len(h1s(html)) == 1
    assert t("Too many tries. For your safety, please wait a while and try again.") in html


def test_a_mistyped_number_is_corrected_on_the_sign_up_code_page(client, sms_outbox):
    client.post(reverse("account_signup"), {"phone": "13911115555"})
    page = client.get(reverse("account_verify_phone")).content.decode()
    assert 'name="action" value="change"' in page
    changed = client.post(
        reverse("account_verify_phone"), {"action": "change", "phone": "139 1111 6666"}
    )
    assert changed.status_code == 302
    page = client.get(reverse("account_verify_phone")).content.decode()
    assert "139 1111 6666" in page
    code = SmsOutbox.last_code("+8613911116666")
    assert client.post(reverse("account_verify_phone"), {"code": code}).status_code == 302
    user = User.objects.get(phone="+8613911116666")
    assert user.phone_verified
    assert not User.objects.filter(phone="+8613911115555").exists()


def test_allauth_own_h1_element_renders_as_a_second_level_heading():
    from django.template import Context, Origin, Template

    source = "{% load allauth %}{% element h1 %}标题{% endelement %}"
    origin = Origin(name="page.html", template_name="page.html")
    html = Template(source, origin=origin).render(Context())
    assert "<h1" not in html and "<h2>标题</h2>" in html
