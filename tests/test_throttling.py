"""Writes have a per-user budget, spent alike by the API and the pages; join codes have a
smaller one (per address for someone not logged in). The API refuses with its one error
shape, a page with the error page; both say when to try again."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core.throttles import JoinRateThrottle, WriteRateThrottle
from tests.factories import GridFactory, UserFactory

pytestmark = pytest.mark.django_db

BUDGET = 3


@pytest.fixture(autouse=True)
def small_budgets(monkeypatch):
    """The throttles read their rates when DRF loaded; give them budgets a test can spend."""
    for throttle in (WriteRateThrottle, JoinRateThrottle):
        rates = {**throttle.THROTTLE_RATES, throttle.scope: f"{BUDGET}/min"}
        monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)


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


# Pages


def page_client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rename_on_page(client: Client, name: str, **extra):
    return client.post("/me/", {"display_name": name}, **extra)


def assert_refused_on_a_page(response):
    assert response.status_code == 429
    assert "操作太频繁，请稍等片刻再试。" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 60


def test_a_page_post_past_the_budget_gets_the_429_page_in_chinese_and_changes_nothing():
    user = UserFactory()
    client = page_client_for(user)
    for i in range(BUDGET):
        assert rename_on_page(client, f"名字{i}").status_code == 302

    refused = rename_on_page(client, "太多了")

    assert_refused_on_a_page(refused)
    assert "error.html" in [t.name for t in refused.templates]
    user.refresh_from_db()
    assert user.display_name == f"名字{BUDGET - 1}"


def test_a_refused_htmx_button_reloads_the_page_with_the_sentence_at_its_top():
    client = page_client_for(UserFactory())
    for i in range(BUDGET):
        rename_on_page(client, f"名字{i}")

    refused = rename_on_page(client, "太多了", HTTP_HX_REQUEST="true")

    assert refused.status_code == 429
    assert refused["HX-Refresh"] == "true"
    assert 0 < int(refused["Retry-After"]) <= 60
    reloaded = client.get("/me/")
    assert "操作太频繁，请稍等片刻再试。" in reloaded.content.decode()


def test_page_posts_and_api_writes_spend_one_budget():
    user = UserFactory()
    api, page = client_for(user), page_client_for(user)
    assert rename(api, "一").status_code == 200
    assert rename_on_page(page, "二").status_code == 302
    assert rename(api, "三").status_code == 200

    assert_refused_on_a_page(rename_on_page(page, "四"))
    assert rename(api, "五").status_code == 429
    user.refresh_from_db()
    assert user.display_name == "三"


def test_a_get_is_never_counted_or_refused_by_the_write_budget():
    client = page_client_for(UserFactory())
    for _ in range(BUDGET + 2):
        assert client.get("/me/").status_code == 200
    for i in range(BUDGET):
        assert rename_on_page(client, f"名字{i}").status_code == 302
    assert rename_on_page(client, "太多了").status_code == 429
    assert client.get("/me/").status_code == 200
    assert client.get("/activities/").status_code == 200


# Every page that writes on POST. The throttle answers before the view looks anything up,
# so ids that do not exist are enough to prove the route spends the write budget.
WRITING_PAGES = [
    "/grids/1/board/",
    "/grids/1/moderation/",
    "/posts/1/comments/",
    "/posts/1/reactions/",
    "/posts/1/edit/",
    "/posts/1/delete/",
    "/posts/1/report/",
    "/posts/1/mute-author/",
    "/comments/1/delete/",
    "/notices/1/read/",
    "/communities/1/notices/",
    "/me/",
    "/grids/1/join-code/",
    "/communities/1/roles/",
    "/communities/1/roles/1/revoke/",
    "/memberships/1/verify/",
    "/memberships/1/remove/",
    "/mutual-aid/",
    "/mutual-aid/needs/1/cancel/",
    "/mutual-aid/offers/1/withdraw/",
    "/mutual-aid/offers/1/claim/",
    "/mutual-aid/claims/1/confirm/",
    "/mutual-aid/claims/1/message/",
    "/mutual-aid/claims/1/accept/",
    "/mutual-aid/campaigns/new/",
    "/mutual-aid/campaigns/1/close/",
    "/activities/new/",
    "/activities/1/signup/",
    "/activities/signups/1/cancel/",
    "/activities/signups/1/attendance/",
    "/activities/1/message/",
    "/activities/1/edit/",
    "/activities/1/copy/",
    "/activities/1/cancel/",
    "/activities/1/close/",
    "/activities/1/check-in/",
    "/points/visibility/",
    "/points/rewards/new/",
    "/points/rewards/1/",
    "/points/rewards/1/redeem/",
    "/points/collect/",
    "/points/entries/1/correct/",
    "/prefs/large-text/",
]


@pytest.mark.parametrize("path", WRITING_PAGES)
def test_every_page_that_writes_spends_the_write_budget(path):
    user = UserFactory()
    api, page = client_for(user), page_client_for(user)
    for i in range(BUDGET):
        assert rename(api, f"名字{i}").status_code == 200

    assert_refused_on_a_page(page.post(path, {"code": "123456", "body": "你好"}))


def test_guessing_join_codes_on_the_page_is_limited_per_address_when_anonymous():
    grid = GridFactory()
    guesser, neighbour = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    statuses = [guesser.get(f"/join/GUESS{i:03d}/").status_code for i in range(BUDGET)]
    assert statuses == [404] * BUDGET

    refused = guesser.get(f"/join/{grid.join_code}/")

    assert_refused_on_a_page(refused)
    assert neighbour.get(f"/join/{grid.join_code}/").status_code == 200


def test_join_code_lookups_on_the_page_and_the_api_spend_one_budget():
    user = UserFactory()
    api, page = client_for(user), page_client_for(user)
    assert api.get("/api/v1/grids/join/GUESS001/").status_code == 404
    assert page.get("/join/GUESS002/").status_code == 404
    assert api.get("/api/v1/grids/join/GUESS003/").status_code == 404

    assert_refused_on_a_page(page.get("/join/GUESS004/"))
    assert api.get("/api/v1/grids/join/GUESS005/").json()["code"] == "throttled"
