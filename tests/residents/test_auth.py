"""Accounts: phone + password and phone + SMS code, in pages and through the app API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from residents.models import User
from tests.factories import PASSWORD, SmsOutbox, UserFactory

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"


def app_login(client: APIClient, phone: str, password: str):
    return client.post(f"{APP}/auth/login", {"phone": phone, "password": password}, format="json")


def test_app_logs_in_by_phone_and_password_and_uses_the_token_on_the_rest_api(world):
    client = APIClient()
    response = app_login(client, world.resident_a.phone, PASSWORD)
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]

    me = APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)

    assert me.status_code == 200
    body = me.json()
    assert body["account"]["phone"] == world.resident_a.national_phone
    assert body["home"]["grid"]["id"] == world.grid_a.pk
    assert body["home"]["micro_grid"]["label"] == world.buildings["a"][0].label
    assert body["roles"] == []


def test_me_lists_the_roles_with_their_scope(world):
    client = APIClient()
    token = app_login(client, world.worker_a.phone, PASSWORD).json()["meta"]["session_token"]
    body = APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).json()
    assert body["roles"] == [
        {
            "role": "grid_worker",
            "label": "网格员",
            "scope": "grid",
            "scope_id": world.grid_a.pk,
            "scope_name": str(world.grid_a),
        }
    ]


def test_a_wrong_password_gets_no_token(world):
    response = app_login(APIClient(), world.resident_a.phone, "wrong-password")
    assert response.status_code == 400
    assert "session_token" not in response.json().get("meta", {})


def test_an_invalid_session_token_is_refused():
    response = APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN="not-a-token")
    assert response.status_code in (401, 403)
    assert response.json()["code"] in ("not_authenticated", "authentication_failed")


def test_app_logs_in_with_an_sms_code(world, sms_outbox):
    client = APIClient()
    phone = world.resident_a.phone
    start = client.post(f"{APP}/auth/code/request", {"phone": phone}, format="json")
    assert start.status_code == 401, start.content  # a flow is pending: the code
    token = start.json()["meta"]["session_token"]
    code = SmsOutbox.last_code(phone)

    done = client.post(
        f"{APP}/auth/code/confirm", {"code": code}, format="json", HTTP_X_SESSION_TOKEN=token
    )

    assert done.status_code == 200, done.content
    session = done.json()["meta"]["session_token"]
    assert APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=session).status_code == 200


def test_page_login_accepts_the_number_as_people_type_it(client, world):
    national = world.resident_a.national_phone
    response = client.post(
        reverse("account_login"), {"login": national, "phone": national, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/api/v1/me/").json()["account"]["id"] == world.resident_a.pk


def test_page_signup_creates_an_account_named_as_chosen_and_sends_a_verification_code(
    client, db, sms_outbox
):
    response = client.post(
        reverse("account_signup"),
        {
            "phone": "139 1111 2222",
            "display_name": "3号楼王阿姨",
            "password1": "Lin-li-2026!x",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(phone="+8613911112222")
    assert user.display_name == "3号楼王阿姨"
    assert user.phone_verified is False
    assert sms_outbox and sms_outbox[-1][0] == "+8613911112222"


def test_signup_without_a_display_name_gets_a_neutral_one(client, db):
    client.post(reverse("account_signup"), {"phone": "13911113333", "password1": "Lin-li-2026!x"})
    assert User.objects.get(phone="+8613911113333").display_name == "邻居3333"


def test_failed_logins_are_throttled_per_phone_number(db):
    victim, bystander = UserFactory(), UserFactory()
    for _ in range(5):
        assert app_login(APIClient(), victim.phone, "wrong").status_code == 400

    blocked = app_login(APIClient(), victim.phone, PASSWORD)

    assert blocked.status_code == 400
    assert blocked.json()["errors"][0]["code"] == "too_many_login_attempts"
    # The counter is per number: another resident still logs in.
    assert app_login(APIClient(), bystander.phone, PASSWORD).status_code == 200


def test_repeated_sms_code_requests_are_throttled(db, sms_outbox):
    user = UserFactory()
    responses = [
        APIClient().post(f"{APP}/auth/code/request", {"phone": user.phone}, format="json")
        for _ in range(6)
    ]
    assert [r.status_code for r in responses[:3]] == [401, 401, 401]
    assert responses[-1].status_code == 400
    assert responses[-1].json()["errors"][0]["code"] == "too_many_login_attempts"
    assert len(sms_outbox) == 3


class StepClock:
    """allauth's rate-limit clock, moved on by hand: days pass in a test without sleeping."""

    def __init__(self):
        import time

        self.now = time.time()
        self.monotonic = time.monotonic
        self.sleep = time.sleep

    def time(self) -> float:
        return self.now


def request_code(phone: str):
    return APIClient().post(f"{APP}/auth/code/request", {"phone": phone}, format="json")


def test_login_codes_sent_to_one_phone_are_capped_per_day(world, sms_outbox, monkeypatch):
    from allauth.core.internal import ratelimit

    clock = StepClock()
    monkeypatch.setattr(ratelimit, "time", clock)
    phone = world.resident_a.phone
    answers = []
    for _ in range(11):
        answers.append(request_code(phone))
        clock.now += 25 * 60  # beyond the per-minute and per-hour steps
    # 401: a code was sent and the flow is pending; then a refusal the person can read.
    assert [a.status_code for a in answers[:10]] == [401] * 10
    assert answers[10].status_code == 400
    assert answers[10].json()["errors"][0]["code"] == "too_many_login_attempts"
    assert len([s for s in sms_outbox if s[0] == phone]) == 10
    clock.now += 24 * 3600
    assert request_code(phone).status_code == 401  # a new day, a new budget


def test_login_code_requests_from_one_address_are_capped_per_day(world, monkeypatch):
    from allauth.core.internal import ratelimit

    from tests.factories import UserFactory as Users

    clock = StepClock()
    monkeypatch.setattr(ratelimit, "time", clock)
    people = [Users() for _ in range(51)]
    answers = []
    for person in people:
        answers.append(request_code(person.phone).status_code)
        clock.now += 4 * 60  # under the per-minute budget of the address
    assert answers[:50] == [401] * 50
    assert answers[50] == 400


def test_a_password_locked_by_wrong_guesses_still_lets_the_owner_in_by_sms_code(world, sms_outbox):
    phone = world.resident_a.phone
    for _ in range(5):
        assert app_login(APIClient(), phone, "wrong-password").status_code == 400
    locked = app_login(APIClient(), phone, PASSWORD)
    assert locked.status_code == 400, locked.content  # the password is locked for now
    assert locked.json()["errors"][0]["code"] == "too_many_login_attempts"
    client = APIClient()
    start = client.post(f"{APP}/auth/code/request", {"phone": phone}, format="json")
    token = start.json()["meta"]["session_token"]
    done = client.post(
        f"{APP}/auth/code/confirm",
        {"code": SmsOutbox.last_code(phone)},
        format="json",
        HTTP_X_SESSION_TOKEN=token,
    )
    assert done.status_code == 200, done.content


def test_a_day_of_login_code_guessing_is_bounded_by_the_settings(settings):
    from allauth.core.internal.ratelimit import parse_rates

    rates = parse_rates(settings.ACCOUNT_RATE_LIMITS["request_login_code"])
    per_phone_day = min(r.amount for r in rates if r.per == "key" and r.duration >= 86400)
    per_ip_day = min(r.amount for r in rates if r.per == "ip" and r.duration >= 86400)
    tries_per_code = settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS
    # At most 10 texts a day to one phone, and 30 guesses a day at one account: a
    # six-digit code then falls to guessing about once in 33,000 days.
    assert per_phone_day <= 10 and per_ip_day <= 50
    assert per_phone_day * tries_per_code <= 30
