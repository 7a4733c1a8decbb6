"""Board pages: the same rules as the API, seen through the browser's forms and htmx."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from core.models import AccessLog
from grids.models import ContentState, NoticeRead, Post, PostReaction
from grids.services import moderation, notices, posts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def logged_in(client, user):
    client.force_login(user)
    return client


def jpeg() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buf, "JPEG")
    return SimpleUploadedFile("photo.jpg", buf.getvalue(), content_type="image/jpeg")


def test_a_member_sees_their_board_with_pinned_notices_and_posts(client, world):
    notices.notice_publish(actor=world.cadre_east, community=world.east, title="停水通知", body="b")
    posts.post_create(actor=world.resident_a2, grid=world.grid_a, body="邻居们好")
    page = logged_in(client, world.resident_a).get(f"/grids/{world.grid_a.pk}/board/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "停水通知" in html and "邻居们好" in html
    assert f'data-seq="{world.grid_a.board_seq + 2}"' in html or 'data-seq="2"' in html
    assert world.resident_a2.phone not in html
    assert world.members["a"][1].unit not in html


@pytest.mark.parametrize("who", ["resident_b", "worker_b", "cadre_west", "outsider"])
def test_other_peoples_boards_do_not_exist_for_them(client, world, who):
    page = logged_in(client, getattr(world, who)).get(f"/grids/{world.grid_a.pk}/board/")
    assert page.status_code == 404


def test_posting_with_a_photo_from_the_page(client, world):
    response = logged_in(client, world.resident_a).post(
        f"/grids/{world.grid_a.pk}/board/",
        {"kind": "chat", "body": "需要一把梯子", "photos": [jpeg()]},
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.kind, post.body, post.photo_count) == ("chat", "需要一把梯子", 1)


def test_an_empty_post_shows_the_reason_in_chinese(client, world):
    client.cookies["django_language"] = "zh-hans"
    response = logged_in(client, world.resident_a).post(
        f"/grids/{world.grid_a.pk}/board/",
        {"kind": "chat", "body": " "},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "写点什么" in response.content.decode()
    assert not Post.objects.exists()


def test_a_comment_through_htmx_returns_the_fresh_card(client, world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    response = logged_in(client, world.resident_a2).post(
        f"/posts/{post.pk}/comments/", {"body": "来了", "reply_to": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<article") and "来了" in html


def test_a_reaction_toggles_from_the_card(client, world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    client = logged_in(client, world.resident_a2)
    client.post(
        f"/posts/{post.pk}/reactions/", {"reaction": "like", "on": "1"}, HTTP_HX_REQUEST="true"
    )
    assert PostReaction.objects.filter(post=post, user=world.resident_a2).count() == 1
    client.post(
        f"/posts/{post.pk}/reactions/", {"reaction": "like", "on": "0"}, HTTP_HX_REQUEST="true"
    )
    assert not PostReaction.objects.exists()


def test_the_card_endpoint_follows_the_read_rules(client, world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    assert logged_in(client, world.resident_a2).get(f"/posts/{post.pk}/card/").status_code == 200
    assert logged_in(client, world.resident_b).get(f"/posts/{post.pk}/card/").status_code == 404


def test_only_the_author_deletes_from_the_page(client, world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    logged_in(client, world.resident_a2).post(f"/posts/{post.pk}/delete/", HTTP_HX_REQUEST="true")
    post.refresh_from_db()
    assert post.state == ContentState.VISIBLE
    logged_in(client, world.resident_a).post(f"/posts/{post.pk}/delete/", HTTP_HX_REQUEST="true")
    post.refresh_from_db()
    assert post.state == ContentState.DELETED


def test_opening_a_notice_marks_it_read_and_the_cadre_sees_the_rate(client, world):
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="书法班", body="b"
    )
    page = logged_in(client, world.resident_a).get(f"/notices/{notice.pk}/")
    assert page.status_code == 200 and "书法班" in page.content.decode()
    assert NoticeRead.objects.filter(notice=notice, user=world.resident_a).exists()
    rates = logged_in(client, world.cadre_east).get(f"/notices/{notice.pk}/receipts/")
    assert rates.status_code == 200
    assert '<td class="read-count" data-label="已读">1</td>' in rates.content.decode()
    assert (
        logged_in(client, world.resident_a).get(f"/notices/{notice.pk}/receipts/").status_code
        == 403
    )


def test_the_grid_worker_sees_who_has_not_read_and_it_is_logged(client, world):
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="t", body="b"
    )
    page = logged_in(client, world.worker_a).get(
        f"/notices/{notice.pk}/receipts/?grid={world.grid_a.pk}"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert world.resident_a.national_phone in html and world.members["a"][0].unit in html
    assert AccessLog.objects.filter(actor=world.worker_a, action="notice.unread_members").exists()
    other = logged_in(client, world.worker_b).get(
        f"/notices/{notice.pk}/receipts/?grid={world.grid_a.pk}"
    )
    assert other.status_code == 404


def test_a_cadre_publishes_a_notice_to_chosen_grids_from_the_composer(client, world):
    response = logged_in(client, world.cadre_east).post(
        f"/communities/{world.east.pk}/notices/",
        {
            "title": "核酸检测",
            "body": "周日上午",
            "category": "general",
            "grids": [world.grid_b.pk],
        },
    )
    assert response.status_code == 302
    assert list(Post.objects.values_list("grid_id", flat=True)) == [world.grid_b.pk]
    assert (
        logged_in(client, world.worker_a).get(f"/communities/{world.east.pk}/notices/").status_code
        == 403
    )


def test_the_moderation_queue_is_for_the_grids_staff(client, world, settings):
    settings.BOARD_FLAGS_TO_HIDE = 1
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="广告")
    moderation.flag_create(actor=world.resident_a2, post_id=post.pk, reason="spam")
    page = logged_in(client, world.worker_a).get(f"/grids/{world.grid_a.pk}/moderation/")
    assert page.status_code == 200 and "广告" in page.content.decode()
    assert (
        logged_in(client, world.resident_a2)
        .get(f"/grids/{world.grid_a.pk}/moderation/")
        .status_code
        == 403
    )
    logged_in(client, world.worker_a).post(
        f"/grids/{world.grid_a.pk}/moderation/",
        {"post": post.pk, "action": "restore", "reason": "ok"},
    )
    post.refresh_from_db()
    assert post.state == ContentState.VISIBLE


def test_the_board_page_costs_the_same_queries_for_few_or_many_posts(client, world):
    client = logged_in(client, world.resident_a)
    posts.post_create(actor=world.resident_a2, grid=world.grid_a, body="first")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/grids/{world.grid_a.pk}/board/")
    for i in range(20):
        post = posts.post_create(actor=world.resident_a2, grid=world.grid_a, body=f"p{i}")
        posts.comment_create(actor=world.resident_a, post_id=post.pk, body="c")
        posts.reaction_set(actor=world.worker_a, post_id=post.pk, reaction="like")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/grids/{world.grid_a.pk}/board/")
    assert len(many) == len(few)


def test_the_author_edits_from_the_card_and_others_cannot(client, world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="原文")
    refused = logged_in(client, world.resident_a2).post(
        f"/posts/{post.pk}/edit/", {"body": "篡改"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 200
    assert "只有作者本人可以修改或删除。" in refused.content.decode()
    post.refresh_from_db()
    assert post.body == "原文"
    response = logged_in(client, world.resident_a).post(
        f"/posts/{post.pk}/edit/", {"body": "改过了"}, HTTP_HX_REQUEST="true"
    )
    assert "改过了" in response.content.decode()
    post.refresh_from_db()
    assert post.body == "改过了" and post.edited_at is not None


def test_the_cadres_notice_list_costs_the_same_for_one_notice_or_many(client, world):
    client = logged_in(client, world.cadre_east)
    notices.notice_publish(actor=world.cadre_east, community=world.east, title="n0", body="b")
    with CaptureQueriesContext(connection) as one:
        page = client.get(f"/communities/{world.east.pk}/notices/")
    for i in range(1, 6):
        notices.notice_publish(
            actor=world.cadre_east,
            community=world.east,
            title=f"n{i}",
            body="b",
            grid_ids=[world.grid_a.pk] if i % 2 else [],
        )
    notices.notice_read_mark(actor=world.resident_a, notice_id=Post.objects.first().notice_id)
    with CaptureQueriesContext(connection) as six:
        page = client.get(f"/communities/{world.east.pk}/notices/")
    assert len(six) == len(one)
    html = page.content.decode()
    assert "1/2 已读" in html  # n5: grid A only, read by one of its two members
    assert "0/4 已读" in html  # whole-community notices: four members in all


def test_a_busy_thread_shows_its_latest_comments_and_a_way_to_all(client, world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="热帖")
    for i in range(8):
        posts.comment_create(actor=world.resident_a2, post_id=post.pk, body=f"第{i}条")
    client = logged_in(client, world.resident_a)
    board = client.get(f"/grids/{world.grid_a.pk}/board/").content.decode()
    assert "第7条" in board and "第3条" in board and "第2条" not in board
    assert "?comments=all" in board
    card = client.get(f"/posts/{post.pk}/card/?comments=all").content.decode()
    assert all(f"第{i}条" in card for i in range(8))
    api_comments = client.get(f"/api/v1/posts/{post.pk}/comments/").json()
    assert len(api_comments) == 8
