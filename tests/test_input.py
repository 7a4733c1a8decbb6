"""Crafted input is refused with a message, never a 500: bodies that are not objects, control
characters in any text (API and pages), dates beyond what Python holds, titles that would break
a calendar file; and a bug in an API view answers JSON in production, not the HTML 500 page."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from activities.models import Activity
from grids.models import Post
from grids.services import posts
from mutualaid.models import Category, ClaimMessage
from tests.activities.conftest import make_class

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_invalid(response) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]


@pytest.fixture
def claim(world):
    masks = Category.objects.get(slug="masks").pk
    offer = api(world.resident_a2).post(
        "/api/v1/aid/offers/", {"category": masks, "quantity": 3}, format="json"
    )
    response = api(world.resident_a).post(
        f"/api/v1/aid/offers/{offer.json()['id']}/claims/", {"quantity": 1}, format="json"
    )
    claim_id = response.json()["id"]
    api(world.resident_a2).post(f"/api/v1/aid/claims/{claim_id}/accept/")
    return claim_id


@pytest.mark.parametrize("body", ["[1]", "[null, null]", '"text"', "7", "null"])
def test_a_json_body_that_is_not_an_object_is_a_400_on_a_post(world, body):
    response = api(world.resident_a).post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/", body, content_type="application/json"
    )
    assert_invalid(response)
    assert not Post.objects.exists()


def test_a_json_array_sent_as_a_claim_message_is_a_400(world, claim):
    response = api(world.resident_a).post(
        f"/api/v1/aid/claims/{claim}/messages/", "[null,null]", content_type="application/json"
    )
    assert_invalid(response)


@pytest.mark.parametrize("text", ["a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f", "c1\x85"])
def test_control_characters_in_a_claim_message_are_a_400(world, claim, text):
    response = api(world.resident_a).post(
        f"/api/v1/aid/claims/{claim}/messages/", {"body": text}, format="json"
    )
    assert_invalid(response)
    assert not ClaimMessage.objects.exists()


def test_line_breaks_and_tabs_in_a_message_are_kept(world, claim):
    response = api(world.resident_a).post(
        f"/api/v1/aid/claims/{claim}/messages/", {"body": "第一行\r\n第二行\t好"}, format="json"
    )
    assert response.status_code == 201, response.content


def test_nul_in_a_post_edit_and_a_moderation_reason_over_the_api_is_a_400(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="你好")
    edited = api(world.resident_a).patch(
        f"/api/v1/posts/{post.pk}/", {"body": "bad\x00"}, format="json"
    )
    assert_invalid(edited)
    decided = api(world.worker_a).post(
        "/api/v1/moderation/decisions/",
        {"post": post.pk, "action": "hide", "reason": "spam\x00"},
        format="json",
    )
    assert_invalid(decided)
    post.refresh_from_db()
    assert post.body == "你好" and post.state == "visible"


def test_nul_in_a_multipart_post_is_a_400(world):
    response = api(world.resident_a).post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/", {"body": "x\x00y"}, format="multipart"
    )
    assert_invalid(response)
    assert not Post.objects.exists()


def test_nul_in_page_forms_sends_the_person_back_with_a_message_and_stores_nothing(world, claim):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="你好")
    edited = page(world.resident_a).post(f"/posts/{post.pk}/edit/", {"body": "bad\x00"})
    assert edited.status_code == 400
    assert "控制字符" in edited.content.decode()
    moderated = page(world.worker_a).post(
        f"/grids/{world.grid_a.pk}/moderation/",
        {"post": post.pk, "action": "hide", "reason": "spam\x00"},
        HTTP_REFERER=f"/grids/{world.grid_a.pk}/moderation/",
    )
    assert moderated.status_code == 302
    messaged = page(world.resident_a).post(
        f"/mutual-aid/claims/{claim}/message/",
        {"body": "hi\x00"},
        HTTP_REFERER=f"/mutual-aid/claims/{claim}/",
        follow=True,
    )
    assert messaged.status_code == 200
    assert "控制字符" in messaged.content.decode()
    post.refresh_from_db()
    assert post.body == "你好" and post.state == "visible"
    assert not ClaimMessage.objects.exists()


def test_a_date_far_in_the_future_is_a_400_on_the_api_and_ignored_on_the_page(world):
    response = api(world.resident_a).get("/api/v1/activities/?date_to=9999-12-31")
    assert_invalid(response)
    response = api(world.resident_a).get("/api/v1/activities/?date_from=0001-01-01")
    assert_invalid(response)
    assert page(world.resident_a).get("/activities/?day_to=9999-12-31").status_code == 200
    assert page(world.resident_a).get("/activities/?day_from=0001-01-01").status_code == 200


def test_a_title_with_a_line_break_is_refused_by_the_api(world):
    response = api(world.cadre_east).post(
        "/api/v1/activities/",
        {
            "community": world.east.pk,
            "title": "书法\r\nX-EVIL:1",
            "place": "活动室",
            "starts_at": "2030-01-01T10:00:00+08:00",
            "ends_at": "2030-01-01T12:00:00+08:00",
            "capacity": 5,
        },
        format="json",
    )
    assert_invalid(response)
    assert not Activity.objects.exists()


def test_a_title_with_a_line_break_is_refused_by_the_page_form():
    from activities.forms import EditForm

    form = EditForm(data={"title": "书法\nX", "place": "活动室", "description": "两行\n可以"})
    assert not form.is_valid()
    assert "title" in form.errors and "description" not in form.errors


def test_a_calendar_file_escapes_a_title_with_line_breaks_stored_before_the_rule(world):
    activity = make_class(world)
    Activity.objects.filter(pk=activity.pk).update(title="书法\r\nX-EVIL:1\x07", place="A\nB")
    response = page(world.resident_a).get(f"/activities/{activity.pk}/calendar.ics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "X-WR-CALNAME:" in text
    assert "\nX-EVIL" not in text and "\x07" not in text
    assert "SUMMARY:书法\\nX-EVIL:1" in text


def test_a_bug_in_an_api_view_is_a_json_500_in_production(world, settings, monkeypatch):
    settings.DEBUG = False

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("activities.api.publishing.selectors.activities_upcoming", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.resident_a)
    response = client.get("/api/v1/activities/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"
    assert response.json()["detail"]
    monkeypatch.setattr("activities.views.pages.selectors.activities_upcoming", broken)
    assert "text/html" in client.get("/activities/")["Content-Type"]


def test_a_json_body_nested_too_deep_to_parse_is_a_400(world):
    response = api(world.resident_a).post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/",
        '{"body": ' + "[" * 100_000 + "]" * 100_000 + "}",
        content_type="application/json",
    )
    assert_invalid(response)


def test_a_control_character_deep_in_a_nested_body_or_in_a_key_is_found(world):
    nested = {"body": "ok", "extra": [{"deeper": ["fine", "bad\x00"]}]}
    response = api(world.resident_a).post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/", nested, format="json"
    )
    assert_invalid(response)
    keyed = api(world.resident_a).post(
        f"/api/v1/grids/{world.grid_a.pk}/posts/", {"body": "ok", "k\x00": 1}, format="json"
    )
    assert_invalid(keyed)
    assert not Post.objects.exists()
