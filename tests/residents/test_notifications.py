"""My notifications: the personal stream's history over REST and on a page."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from grids.services import posts
from residents.models import Notification

pytestmark = pytest.mark.django_db


def test_a_reply_lands_in_my_notifications_and_reading_them_clears_the_count(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="谁有梯子")
    posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="我有")
    api = APIClient()
    api.force_authenticate(world.resident_a)
    rows = api.get("/api/v1/me/notifications/").json()["results"]
    assert [(r["type"], r["read"], r["data"]["excerpt"]) for r in rows] == [
        ("reply.post", False, "我有")
    ]
    after = api.get("/api/v1/me/notifications/", {"after": 0}).json()
    assert [r["seq"] for r in after] == [rows[0]["seq"]] == [1]
    assert api.post("/api/v1/me/notifications/read/", {"up_to": rows[0]["seq"]}).json() == {
        "unread": 0
    }
    assert api.get("/api/v1/me/notifications/", {"after": "x"}).status_code == 400


def test_nobody_reads_anyone_elses_notifications(world):
    posts.comment_create(
        actor=world.resident_a2,
        post_id=posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1").pk,
        body="2",
    )
    api = APIClient()
    api.force_authenticate(world.resident_a2)
    assert api.get("/api/v1/me/notifications/").json()["results"] == []
    assert APIClient().get("/api/v1/me/notifications/").status_code in (401, 403)


def test_the_messages_page_says_who_replied_and_marks_read(client, world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="来了")
    client.force_login(world.resident_a)
    with translation.override("zh-hans"):
        page = client.get("/me/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert world.resident_a2.display_name in html and "来了" in html
    assert not Notification.objects.filter(user=world.resident_a, read_at__isnull=True).exists()
