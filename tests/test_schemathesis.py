"""The API against its own schema: schemathesis generates requests for every operation in
`/api/schema/` (valid and invalid bodies, parameters and ids), sends them through the whole
Django stack as a signed-in resident (an app's X-Session-Token) and anonymously, and checks
that no answer is a 5xx and every answer matches what the schema documents for it.

Examples are bounded per operation so the file fits CI; the fixture world (two communities,
three grids, their staff and residents) is the one the permission tests use.
"""

import pytest
import schemathesis
from django.test import Client
from django.test.client import ClientHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
# Bounded so both runs fit CI on two cores (~2.5 min): every operation gets this many
# generated requests per identity; anonymous ones all end at the same 403, so fewer.
RESIDENT = settings(
    max_examples=10, deadline=None, suppress_health_check=HEALTH, derandomize=True, database=None
)
ANONYMOUS = settings(
    max_examples=4, deadline=None, suppress_health_check=HEALTH, derandomize=True, database=None
)


class DjangoWSGI:
    """The Django stack as a WSGI app in the test's own database transaction (the handler the
    test client uses: it keeps the connection open between requests)."""

    def __init__(self):
        self.handler = ClientHandler(enforce_csrf_checks=True)

    def __call__(self, environ, start_response):
        response = self.handler(environ)
        headers = list(response.items())
        headers += [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return [response.content]


@pytest.fixture
def resident_token(world):
    """A resident of grid A signed in as the app does (allauth headless, phone + password)."""
    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"phone": world.resident_a.phone, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


@pytest.fixture
def _no_write_budget(settings):
    """The per-user write budget would turn later examples into 429s; it has tests of its own."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {key: "100000/min" for key in rates},
    }


# Loaded from the served /api/schema/ (anonymous; the schema view touches no table).
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/", DjangoWSGI(), headers={"Accept": "application/vnd.oai.openapi+json"}
)


@schema.parametrize()
@RESIDENT
def test_a_resident_gets_no_server_error_and_only_documented_answers(
    case, resident_token, _no_write_budget
):
    case.call_and_validate(headers={"X-Session-Token": resident_token}, checks=CHECKS)


@schema.parametrize()
@ANONYMOUS
def test_an_anonymous_caller_gets_no_server_error_and_only_documented_answers(case, world):
    case.call_and_validate(checks=CHECKS)


LISTS = {
    "/api/v1/activities/": "ActivityList",
    "/api/v1/aid/campaigns/": "Campaign",
    "/api/v1/aid/claims/": "Claim",
    "/api/v1/aid/needs/": "Need",
    "/api/v1/aid/offers/": "Offer",
    "/api/v1/points/entries/": "PointsEntry",
    "/api/v1/communities/{community_id}/notices/": "Notice",
    "/api/v1/grids/{grid_id}/moderation-log/": "ModerationAction",
}


def _component(raw: dict, ref: str) -> dict:
    return raw["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_the_schema_documents_each_paged_list_as_the_page_object_it_returns():
    raw = schema.raw_schema
    for path, item in LISTS.items():
        ok = raw["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        page = _component(raw, ok["schema"]["$ref"])
        assert page["type"] == "object", path
        assert {"next", "previous", "results"} <= set(page["properties"]), path
        assert page["properties"]["results"]["items"]["$ref"].endswith(f"/{item}"), path
    notifications = raw["paths"]["/api/v1/me/notifications/"]["get"]["responses"]["200"]
    shapes = _component(raw, notifications["content"]["application/json"]["schema"]["$ref"])
    assert len(shapes["oneOf"]) == 2  # a page, or with `after` the plain list since that seq


def test_the_schema_marks_staff_only_grid_fields_optional_and_a_claim_need_nullable():
    components = schema.raw_schema["components"]["schemas"]
    assert "join_code" not in components["GridForViewer"]["required"]
    assert "phone" not in components["MemberForViewer"]["required"]
    assert components["Claim"]["properties"]["need"]["nullable"] is True


def test_an_unknown_address_under_the_api_is_a_json_404(world):
    response = Client().get("/api/v1/grids/-1/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "text/html" in Client().get("/no-such-page/")["Content-Type"]
