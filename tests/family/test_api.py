"""The family-help API: ask, confirm, agree, end, read; one error shape."""

import logging

import pytest
from rest_framework.test import APIClient

from family.models import ProxyGrant
from tests.factories import SmsOutbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(daughter):
    client = APIClient()
    client.force_authenticate(daughter)
    return client


def _ask(api, phone, capture):
    with capture(execute=True):
        return api.post("/api/v1/family/requests/", {"phone": phone}, format="json")


def test_ask_and_confirm_by_code(api, mother, daughter, django_capture_on_commit_callbacks):
    asked = _ask(api, mother.national_phone, django_capture_on_commit_callbacks)
    assert asked.status_code == 201
    body = asked.json()
    assert body["state"] == "pending" and body["attempts_left"] == 5
    assert body["phone"] == mother.national_phone

    confirmed = api.post(
        f"/api/v1/family/requests/{body['id']}/confirm/",
        {"code": SmsOutbox.last_code(mother.phone)},
        format="json",
    )

    assert confirmed.status_code == 201
    grant = confirmed.json()
    assert grant["principal"] == {"id": mother.pk, "name": "王阿姨"}
    assert grant["via"] == "sms" and grant["active"] is True
    listed = api.get("/api/v1/family/grants/").json()
    assert [g["id"] for g in listed["held"]] == [grant["id"]]
    assert listed["given"] == []


def test_unknown_and_known_numbers_get_the_same_answer(
    api, mother, django_capture_on_commit_callbacks
):
    known = _ask(api, mother.phone, django_capture_on_commit_callbacks)
    unknown = _ask(api, "13900000001", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 201
    assert set(known.json()) == set(unknown.json())
    assert known.json()["state"] == unknown.json()["state"]


def test_wrong_codes_answer_400_then_409_when_locked(
    api, mother, django_capture_on_commit_callbacks
):
    asked = _ask(api, mother.phone, django_capture_on_commit_callbacks).json()
    wrong = "000000" if SmsOutbox.last_code(mother.phone) != "000000" else "999999"
    answers = [
        api.post(f"/api/v1/family/requests/{asked['id']}/confirm/", {"code": wrong}, format="json")
        for _ in range(6)
    ]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 409, 409]
    assert answers[0].json()["code"] == "family_code_wrong"
    assert answers[-1].json()["code"] == "family_code_locked"


def test_the_resident_agrees_and_revokes_through_the_api(
    api, mother, daughter, django_capture_on_commit_callbacks
):
    asked = _ask(api, mother.phone, django_capture_on_commit_callbacks).json()
    resident = APIClient()
    resident.force_authenticate(mother)
    to_me = resident.get("/api/v1/family/requests/").json()["to_me"]
    assert [r["id"] for r in to_me] == [asked["id"]]
    assert "phone" not in to_me[0]

    agreed = resident.post(f"/api/v1/family/requests/{asked['id']}/approve/")
    assert agreed.status_code == 201
    revoked = resident.post(f"/api/v1/family/grants/{agreed.json()['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    again = resident.post(f"/api/v1/family/grants/{agreed.json()['id']}/revoke/")
    assert again.status_code == 409


def test_actions_are_listed_for_the_resident(grant, mother):
    from family.services import grants

    grants.proxy_action_record(grant=grant, label="发布了求助", object_type="need", object_id=3)
    resident = APIClient()
    resident.force_authenticate(mother)
    page = resident.get("/api/v1/family/actions/").json()
    assert [a["label"] for a in page["results"]] == ["发布了求助"]
    assert page["results"][0]["agent"]["name"] == "小王"


def test_odd_input_is_a_4xx(api):
    assert (
        api.post("/api/v1/family/requests/", {"phone": "x" * 30}, format="json").status_code == 400
    )
    assert api.post("/api/v1/family/requests/", {}, format="json").status_code == 400
    assert (
        api.post(
            "/api/v1/family/requests/99999999/confirm/", {"code": "1"}, format="json"
        ).status_code
        == 404
    )
    assert api.post("/api/v1/family/grants/99999999/revoke/").status_code == 404
    assert api.post("/api/v1/family/requests/99999999/approve/").status_code == 404


def test_anonymous_callers_are_refused():
    assert APIClient().get("/api/v1/family/grants/").status_code in (401, 403)


def test_no_code_reaches_the_logs(api, mother, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    asked = _ask(api, mother.phone, django_capture_on_commit_callbacks).json()
    code = SmsOutbox.last_code(mother.phone)
    api.post(f"/api/v1/family/requests/{asked['id']}/confirm/", {"code": "000001"}, format="json")
    api.post(f"/api/v1/family/requests/{asked['id']}/confirm/", {"code": code}, format="json")
    assert ProxyGrant.objects.exists()
    assert caplog.records  # something was logged, and none of it holds the code
    assert all(code not in r.getMessage() for r in caplog.records)
