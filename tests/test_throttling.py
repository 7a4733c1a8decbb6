"""Writes have a per-user budget; the refusal has the API's one error shape."""

import pytest
from rest_framework.test import APIClient

from core.api import WriteRateThrottle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BUDGET = 3


@pytest.fixture(autouse=True)
def small_write_budget(monkeypatch):
    """The write throttle read its rates when DRF loaded; give it a budget a test can spend."""
    rates = {**WriteRateThrottle.THROTTLE_RATES, WriteRateThrottle.scope: f"{BUDGET}/min"}
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", rates)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def rename(client: APIClient, name: str):
    return client.patch("/api/v1/me/", {"display_name": name}, format="json")


def test_the_write_past_the_budget_is_refused_with_429_and_the_error_shape():
    user = UserFactory()
    client = client_for(user)
    for i in range(BUDGET):
        response = rename(client, f"名字{i}")
        assert response.status_code == 200, (i, response.content)

    refused = rename(client, "太多了")

    assert refused.status_code == 429
    body = refused.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] == "throttled"
    assert body["detail"] == "操作太频繁，请稍等片刻再试。"
    assert 0 < int(refused["Retry-After"]) <= 60
    user.refresh_from_db()
    assert user.display_name == f"名字{BUDGET - 1}", "the refused write changed nothing"


def test_reads_are_not_counted_and_still_work_when_writes_are_refused():
    client = client_for(UserFactory())
    for _ in range(BUDGET + 2):
        assert client.get("/api/v1/me/").status_code == 200
    for i in range(BUDGET):
        assert rename(client, f"名字{i}").status_code == 200
    assert rename(client, "太多了").status_code == 429
    assert client.get("/api/v1/me/").status_code == 200


def test_the_budget_is_per_user():
    first, second = client_for(UserFactory()), client_for(UserFactory())
    for i in range(BUDGET):
        assert rename(first, f"名字{i}").status_code == 200
    assert rename(first, "太多了").status_code == 429
    assert rename(second, "邻居").status_code == 200


def test_the_refusal_speaks_english_to_an_english_phone():
    client = client_for(UserFactory())
    for i in range(BUDGET):
        rename(client, f"name {i}")
    refused = client.patch(
        "/api/v1/me/", {"display_name": "again"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 429
    assert refused.json() == {
        "code": "throttled",
        "detail": "Too many requests. Please wait a moment and try again.",
    }
