"""WeChat one-tap login, end to end against a stand-in of WeChat's OAuth server."""

from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from residents.models import User
from tests.factories import SmsOutbox, UserFactory
from tests.oauth_standin import WechatStandIn

pytestmark = pytest.mark.django_db

WECHAT_UA = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47"


@pytest.fixture
def wechat(settings):
    standin = WechatStandIn().start()
    standin.configure(settings)
    yield standin
    standin.stop()


def wechat_dance(client, standin: WechatStandIn, *, next_path: str = ""):
    """Tap 微信一键登录, let WeChat say yes, come back: the answer of our callback."""
    data = {"process": "login", **({"next": next_path} if next_path else {})}
    start = client.post(reverse("weixin_login"), data, HTTP_USER_AGENT=WECHAT_UA)
    assert start.status_code == 302, start.content.decode()[:2000]
    authorize = start["Location"]
    assert authorize.startswith(standin.base_url + "/connect/oauth2/authorize?")
    assert authorize.endswith("#wechat_redirect")
    said_yes = requests.get(authorize, allow_redirects=False, timeout=10)
    assert said_yes.status_code == 302
    back = urlsplit(said_yes.headers["Location"])
    assert back.path == reverse("weixin_callback")
    return client.get(f"{back.path}?{back.query}", HTTP_USER_AGENT=WECHAT_UA)


def link_with_phone(client, phone_typed: str, phone: str):
    ask = client.post(reverse("wechat_link_phone"), {"phone": phone_typed})
    assert ask.status_code == 302 and ask["Location"] == reverse("wechat_link_code")
    page = client.get(reverse("wechat_link_code")).content.decode()
    national = phone[3:]
    assert f"{national[:3]} {national[3:7]} {national[7:]}" in page and "+86" not in page
    return client.post(reverse("wechat_link_code"), {"code": SmsOutbox.last_code(phone)})


def test_first_wechat_login_asks_for_the_phone_and_connects_the_existing_account(
    client, wechat, world
):
    resident = world.resident_a
    back = wechat_dance(client, wechat, next_path="/activities/")
    assert back.status_code == 302 and back["Location"] == reverse("wechat_link_phone")
    assert client.get("/api/v1/me/").status_code in (401, 403)  # not in before the code

    done = link_with_phone(client, resident.national_phone, resident.phone)

    assert done.status_code == 302 and done["Location"] == "/activities/"  # where they were going
    assert client.get("/api/v1/me/").json()["account"]["id"] == resident.pk
    account = SocialAccount.objects.get(provider="weixin")
    assert account.user_id == resident.pk and account.uid == wechat.openid
    assert User.objects.filter(phone=resident.phone).count() == 1
    assert wechat.requests == [
        "/connect/oauth2/authorize",
        "/sns/oauth2/access_token",
        "/sns/userinfo",
    ]


def test_the_next_wechat_login_is_one_tap(client, wechat, world):
    resident = world.resident_a
    wechat_dance(client, wechat)
    link_with_phone(client, resident.national_phone, resident.phone)
    client.logout()
    sent = len(SmsOutbox.sent)

    back = wechat_dance(client, wechat, next_path="/activities/")

    assert back.status_code == 302 and back["Location"] == "/activities/"
    assert client.get("/api/v1/me/").json()["account"]["id"] == resident.pk
    assert len(SmsOutbox.sent) == sent  # no text message the second time


def test_a_new_number_gets_a_new_verified_account_without_a_password(client, wechat, db):
    wechat_dance(client, wechat)
    done = link_with_phone(client, "139 2222 3333", "+8613922223333")
    assert done.status_code == 302
    user = User.objects.get(phone="+8613922223333")
    assert user.phone_verified and not user.has_usable_password()
    assert user.display_name == "邻居3333"
    assert SocialAccount.objects.get(provider="weixin").user_id == user.pk


def test_a_wrong_code_does_not_connect_and_too_many_start_over(client, wechat, settings):
    owner = UserFactory()
    wechat_dance(client, wechat)
    client.post(reverse("wechat_link_phone"), {"phone": owner.phone})
    wrong = client.post(reverse("wechat_link_code"), {"code": "000000"})
    assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.content.decode()
    for _ in range(settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS - 1):
        last = client.post(reverse("wechat_link_code"), {"code": "000000"})
    assert last.status_code == 302 and last["Location"] == reverse("wechat_link_phone")
    # The old code is dead even if right now.
    assert client.post(reverse("wechat_link_code"), {"code": SmsOutbox.last_code(owner.phone)})[
        "Location"
    ] == reverse("wechat_link_phone")
    assert not SocialAccount.objects.exists()
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_codes_for_linking_spend_the_per_phone_budget(client, wechat, db, sms_outbox):
    wechat_dance(client, wechat)
    answers = [
        client.post(reverse("wechat_link_phone"), {"phone": "13922224444"}).status_code
        for _ in range(4)
    ]
    assert answers == [302, 302, 302, 200]  # 3 a minute per phone
    assert len([s for s in sms_outbox if s[0] == "+8613922224444"]) == 3


def test_send_again_while_linking_spends_the_same_budget(client, wechat, db, sms_outbox):
    wechat_dance(client, wechat)
    client.post(reverse("wechat_link_phone"), {"phone": "13922226666"})
    for _ in range(3):
        client.post(reverse("wechat_link_code"), {"action": "resend"})
    texts = [m for to, m in sms_outbox if to == "+8613922226666"]
    assert len(texts) == 3  # the first and two resends; the third resend was refused
    # The code that counts is the last one sent.
    code = SmsOutbox.last_code("+8613922226666")
    assert client.post(reverse("wechat_link_code"), {"code": code}).status_code == 302
    assert User.objects.filter(phone="+8613922226666").exists()


def test_the_link_pages_need_a_wechat_login_in_progress(client, wechat):
    assert client.get(reverse("wechat_link_phone"))["Location"] == reverse("account_login")
    assert client.get(reverse("wechat_link_code"))["Location"] == reverse("account_login")


def test_a_refused_code_at_wechat_shows_a_plain_error_page(client, wechat):
    client.post(reverse("weixin_login"), {"process": "login"}, HTTP_USER_AGENT=WECHAT_UA)
    page = client.get(reverse("weixin_callback"), {"code": "made-up", "state": "x"})
    assert page.status_code == 401  # allauth's answer for a failed third-party login
    html = page.content.decode()
    assert html.count("<h1") == 1 and reverse("account_login") in html
    assert not SocialAccount.objects.exists()


def _settings_under(env: dict) -> dict:
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'apps': s.SOCIALACCOUNT_PROVIDERS['weixin']['APPS'], "
        "'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("WECHAT_")}
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**base, "DJANGO_SETTINGS_MODULE": "community.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_wechat_login_is_switched_on_by_environment_variables_only():
    off = _settings_under({})
    assert off["apps"] == [] and off["form_action"] == ["'self'"]
    on = _settings_under({"WECHAT_APP_ID": "wx123", "WECHAT_APP_SECRET": "s3cret"})
    assert on["apps"] == [{"client_id": "wx123", "secret": "s3cret"}]
    assert on["form_action"] == ["'self'", "https://open.weixin.qq.com"]
