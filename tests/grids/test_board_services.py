"""The board's rules, at the service layer: who may write, what is refused, what is told."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from core.errors import NotAllowed
from core.photos import PhotoRejected
from grids.errors import (
    CommentInvalid,
    FlagDuplicate,
    FlagInvalid,
    NoticeInvalid,
    NoticePermanent,
    NoticeSuperseded,
    OutOfScope,
    PostInvalid,
)
from grids.models import (
    BoardEvent,
    Comment,
    ContentState,
    Flag,
    Grid,
    ModerationAction,
    Notice,
    NoticeRead,
    Post,
    PostKind,
    PostPhoto,
)
from grids.selectors import board as selectors
from grids.services import moderation, notices, posts
from residents.models import Notification

pytestmark = pytest.mark.django_db


def png(name="p.png", size=(40, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def events_of(grid: Grid) -> list[BoardEvent]:
    return list(BoardEvent.objects.filter(grid=grid).order_by("seq"))


# Posts


def test_a_member_posts_on_their_grid_and_the_board_hears_it_after_commit(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        post = posts.post_create(
            actor=world.resident_a, grid=world.grid_a, body="谁家有多余的口罩？"
        )
    assert post.author == world.resident_a
    assert post.micro_grid == world.members["a"][0].micro_grid
    (event,) = events_of(world.grid_a)
    assert (event.seq, event.type) == (1, "post.created")
    assert event.payload["post"]["body"] == "谁家有多余的口罩？"
    assert event.payload["post"]["author"] == {
        "id": world.resident_a.pk,
        "display_name": world.resident_a.display_name,
        "role": "",
        "building": "a1幢",
    }
    assert "phone" not in str(event.payload)
    assert len(callbacks) == 1


def test_a_posts_live_event_reads_no_comments(world, django_assert_num_queries):
    """Comments travel as events of their own: the post's event carries none, and reading
    it asks only for the post, its photos and its reaction counts."""
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="明早停水")
    posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="收到")
    with django_assert_num_queries(3):
        payload = posts.post_payload(post.pk)
    assert payload["post"]["comments"] == [] and payload["post"]["body"] == "明早停水"


def test_a_resident_of_another_grid_cannot_post_there(world):
    with pytest.raises(OutOfScope):
        posts.post_create(actor=world.resident_b, grid=world.grid_a, body="hello")
    assert not Post.objects.exists()
    assert not events_of(world.grid_a)


def test_grid_staff_post_with_their_badge(world):
    post = posts.post_create(actor=world.worker_a, grid=world.grid_a, body="明天停水")
    assert post.author_role == "grid_worker"
    cadre_post = posts.post_create(actor=world.cadre_east, grid=world.grid_b, body="通知")
    assert cadre_post.author_role == "cadre"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"body": "   "}, "Write something"),
        ({"body": "x" * 2001}, "2000"),
        ({"body": "hi", "kind": PostKind.NOTICE}, "kind"),
    ],
)
def test_bad_posts_are_refused_and_nothing_is_written(world, kwargs, message):
    with translation.override("en"), pytest.raises(PostInvalid) as refused:
        posts.post_create(actor=world.resident_a, grid=world.grid_a, **kwargs)
    assert message in str(refused.value.message)
    assert not Post.objects.exists()


def test_a_post_carries_photos_in_order_and_at_most_nine(world):
    post = posts.post_create(
        actor=world.resident_a, grid=world.grid_a, body="", photos=[png(), png(size=(10, 20))]
    )
    assert post.photo_count == 2
    photos = list(PostPhoto.objects.filter(post=post).order_by("position"))
    assert [(p.width, p.height) for p in photos] == [(40, 30), (10, 20)]
    with pytest.raises(PostInvalid):
        posts.post_create(actor=world.resident_a, grid=world.grid_a, photos=[png()] * 10)


def test_a_bad_photo_refuses_the_whole_post_and_leaves_no_files(world, tmp_path):
    bad = SimpleUploadedFile("x.jpg", b"GIF89a not really", content_type="image/jpeg")
    with pytest.raises(PhotoRejected):
        posts.post_create(actor=world.resident_a, grid=world.grid_a, body="hi", photos=[png(), bad])
    assert not Post.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_only_the_author_edits_or_deletes_and_the_board_hears_both(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="原文")
    with pytest.raises(NotAllowed):
        posts.post_update(actor=world.resident_a2, post_id=post.pk, body="篡改")
    with pytest.raises(NotAllowed):
        posts.post_delete(actor=world.worker_a, post_id=post.pk)
    posts.post_update(actor=world.resident_a, post_id=post.pk, body="改过")
    posts.post_delete(actor=world.resident_a, post_id=post.pk)
    post.refresh_from_db()
    assert post.state == ContentState.DELETED and post.body == "改过" and post.edited_at
    # Deleting also takes the words out of the replay log: a client catching up
    # later is told only that the post is gone.
    assert [e.type for e in events_of(world.grid_a)] == ["post.removed"] * 3
    assert "改过" not in str([e.payload for e in events_of(world.grid_a)])
    with pytest.raises(OutOfScope):
        posts.post_update(actor=world.resident_a, post_id=post.pk, body="again")


def test_seq_is_per_grid_and_strictly_increasing(world):
    for i in range(3):
        posts.post_create(actor=world.resident_a, grid=world.grid_a, body=f"a{i}")
        posts.post_create(actor=world.resident_b, grid=world.grid_b, body=f"b{i}")
    assert [e.seq for e in events_of(world.grid_a)] == [1, 2, 3]
    assert [e.seq for e in events_of(world.grid_b)] == [1, 2, 3]
    world.grid_a.refresh_from_db()
    assert world.grid_a.board_seq == 3


# Comments and reactions


def test_a_comment_reply_tells_the_post_author_and_the_one_replied_to(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="求助")
    first = posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="我有")
    reply = posts.comment_create(
        actor=world.worker_a, post_id=post.pk, body="我来联系", reply_to_id=first.pk
    )
    assert reply.reply_to == first
    told = {(n.user_id, n.type) for n in Notification.objects.all()}
    assert told == {
        (world.resident_a.pk, "reply.post"),
        (world.resident_a2.pk, "reply.comment"),
    }
    post.refresh_from_db()
    assert post.comment_count == 2
    last = events_of(world.grid_a)[-1]
    assert last.type == "comment.created"
    assert last.payload["comment"]["reply_to"] == {
        "id": first.pk,
        "author_name": world.resident_a2.display_name,
    }


def test_replying_to_a_comment_of_another_post_is_refused(world):
    p1 = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    p2 = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="2")
    c1 = posts.comment_create(actor=world.resident_a2, post_id=p1.pk, body="c")
    with pytest.raises(CommentInvalid):
        posts.comment_create(actor=world.resident_a2, post_id=p2.pk, body="x", reply_to_id=c1.pk)


def test_comments_on_another_grids_post_are_refused(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    with pytest.raises(OutOfScope):
        posts.comment_create(actor=world.resident_b, post_id=post.pk, body="偷看")


def test_deleting_a_comment_recounts_and_tells_the_board(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    comment = posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="c")
    with pytest.raises(NotAllowed):
        posts.comment_delete(actor=world.resident_a, comment_id=comment.pk)
    posts.comment_delete(actor=world.resident_a2, comment_id=comment.pk)
    post.refresh_from_db()
    assert post.comment_count == 0
    assert events_of(world.grid_a)[-1].payload == {
        "post_id": post.pk,
        "comment_id": comment.pk,
        "comment_count": 0,
    }


def test_reactions_are_idempotent_and_counted(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    assert posts.reaction_set(actor=world.resident_a2, post_id=post.pk, reaction="like") == {
        "like": 1
    }
    posts.reaction_set(actor=world.resident_a2, post_id=post.pk, reaction="like")
    posts.reaction_set(actor=world.worker_a, post_id=post.pk, reaction="like")
    counts = posts.reaction_set(actor=world.worker_a, post_id=post.pk, reaction="thanks")
    assert counts == {"like": 2, "thanks": 1}
    counts = posts.reaction_set(actor=world.worker_a, post_id=post.pk, reaction="like", on=False)
    assert counts == {"like": 1, "thanks": 1}
    types = [e.type for e in events_of(world.grid_a)]
    assert types.count("reaction.changed") == 4  # the repeated like changed nothing
    with pytest.raises(PostInvalid):
        posts.reaction_set(actor=world.worker_a, post_id=post.pk, reaction="poop")


# Notices


def test_a_cadre_notice_to_chosen_grids_lands_pinned_on_those_boards_only(world):
    notice = notices.notice_publish(
        actor=world.cadre_east,
        community=world.east,
        title="夏季书法班报名",
        body="周六上午九点，社区活动室。",
        grid_ids=[world.grid_a.pk],
    )
    pinned = selectors.pinned_for_grid(grid=world.grid_a)
    assert [p.notice_id for p in pinned] == [notice.pk]
    assert selectors.pinned_for_grid(grid=world.grid_b) == []
    assert [e.type for e in events_of(world.grid_a)] == ["notice.published"]
    assert events_of(world.grid_b) == []
    told = set(Notification.objects.filter(type="notice.for_me").values_list("user_id", flat=True))
    assert told == {m.user_id for m in world.members["a"]}


def test_a_whole_community_notice_reaches_every_grid_of_it_and_no_other(world):
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="停电通知", body="明天 8-12 点"
    )
    assert set(notice.posts.values_list("grid_id", flat=True)) == {
        world.grid_a.pk,
        world.grid_b.pk,
    }
    assert events_of(world.grid_c) == []


def test_only_the_communitys_cadres_publish_notices(world):
    for actor, error in (
        (world.resident_a, NotAllowed),
        (world.worker_a, NotAllowed),
        (world.cadre_west, OutOfScope),
        (world.outsider, OutOfScope),
    ):
        with pytest.raises(error):
            notices.notice_publish(actor=actor, community=world.east, title="t", body="b")
    with pytest.raises(NoticeInvalid):
        notices.notice_publish(
            actor=world.cadre_east,
            community=world.east,
            title="t",
            body="b",
            grid_ids=[world.grid_c.pk],
        )
    assert not Notice.objects.exists()


def test_an_expired_or_unpinned_notice_is_no_longer_pinned(world):
    soon = notices.notice_publish(
        actor=world.cadre_east,
        community=world.east,
        title="t",
        body="b",
        pinned_until=timezone.now() + timedelta(hours=1),
    )
    other = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="u", body="b"
    )
    Notice.objects.filter(pk=soon.pk).update(pinned_until=timezone.now() - timedelta(seconds=1))
    notices.notice_unpin(actor=world.cadre_east, notice_id=other.pk)
    assert selectors.pinned_for_grid(grid=world.grid_a) == []


def test_reading_marks_once_and_counts_per_grid(world):
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="t", body="b"
    )
    notices.notice_read_mark(actor=world.resident_a, notice_id=notice.pk)
    notices.notice_read_mark(actor=world.resident_a, notice_id=notice.pk)
    notices.notice_read_mark(actor=world.cadre_east, notice_id=notice.pk)  # staff: not counted
    with pytest.raises(OutOfScope):
        notices.notice_read_mark(actor=world.resident_c, notice_id=notice.pk)
    assert NoticeRead.objects.count() == 1
    rates = selectors.notice_read_rates(notice)
    by_grid = {r["grid"]: r for r in rates["grids"]}
    assert by_grid[world.grid_a.pk] | {} == {
        "grid": world.grid_a.pk,
        "grid_name": world.grid_a.name,
        "members": 2,
        "read": 1,
        "rate": 0.5,
    }
    assert by_grid[world.grid_b.pk]["read"] == 0
    assert (rates["members"], rates["read"], rates["rate"]) == (4, 1, 0.25)
    unread = selectors.notice_unread_members(notice=notice, grid_id=world.grid_a.pk)
    assert [m.user_id for m in unread] == [world.resident_a2.pk]


def test_an_affairs_disclosure_cannot_be_withdrawn_only_superseded(world):
    notice = notices.notice_publish(
        actor=world.cadre_east,
        community=world.east,
        title="2026年第三季度财务公开",
        body="收入…支出…",
        category=Notice.Category.AFFAIRS,
    )
    with pytest.raises(NoticePermanent):
        notices.notice_withdraw(actor=world.cadre_east, notice_id=notice.pk)
    newer = notices.notice_supersede(
        actor=world.cadre_east, notice_id=notice.pk, title="更正：第三季度财务公开", body="…"
    )
    notice.refresh_from_db()
    assert notice.superseded_by == newer and newer.category == Notice.Category.AFFAIRS
    assert [p.notice_id for p in selectors.pinned_for_grid(grid=world.grid_a)] == [newer.pk]
    with pytest.raises(NoticeSuperseded):
        notices.notice_supersede(actor=world.cadre_east, notice_id=notice.pk, title="x", body="y")
    assert Notice.objects.filter(pk=notice.pk, withdrawn_at__isnull=True).exists()


def test_a_general_notice_can_be_withdrawn_and_leaves_the_boards(world):
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="t", body="b"
    )
    notices.notice_withdraw(actor=world.cadre_east, notice_id=notice.pk)
    assert selectors.pinned_for_grid(grid=world.grid_a) == []
    assert not selectors.feed_for_grid(viewer=world.resident_a, grid=world.grid_a).exists()
    assert events_of(world.grid_a)[-1].type == "post.removed"


# Moderation


def test_three_distinct_reports_hide_a_post_pending_review(world, settings):
    settings.BOARD_FLAGS_TO_HIDE = 2
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="广告")
    moderation.flag_create(actor=world.resident_a2, post_id=post.pk, reason="spam")
    with pytest.raises(FlagDuplicate):
        moderation.flag_create(actor=world.resident_a2, post_id=post.pk, reason="spam")
    post.refresh_from_db()
    assert post.state == ContentState.VISIBLE and post.review_pending
    with pytest.raises(FlagInvalid):
        moderation.flag_create(actor=world.resident_a, post_id=post.pk, reason="spam")
    moderation.flag_create(actor=world.worker_a, post_id=post.pk, reason="abuse")
    post.refresh_from_db()
    assert post.state == ContentState.HIDDEN
    assert ModerationAction.objects.get().action == "auto_hide"
    assert events_of(world.grid_a)[-1].type == "post.removed"
    queue = selectors.review_queue(grids=[world.grid_a.pk])
    assert [(i["post"].pk, i["flag_count"], i["reasons"]) for i in queue] == [
        (post.pk, 2, {"spam": 1, "abuse": 1})
    ]


def test_staff_restore_a_hidden_post_and_the_decision_is_logged(world, settings):
    settings.BOARD_FLAGS_TO_HIDE = 1
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="误会")
    moderation.flag_create(actor=world.resident_a2, post_id=post.pk, reason="false")
    with pytest.raises(NotAllowed):
        moderation.moderation_decide(actor=world.resident_a2, post_id=post.pk, action="restore")
    with pytest.raises(OutOfScope):
        moderation.moderation_decide(actor=world.worker_b, post_id=post.pk, action="restore")
    action = moderation.moderation_decide(
        actor=world.worker_a, post_id=post.pk, action="restore", reason="内容无问题"
    )
    post.refresh_from_db()
    assert post.state == ContentState.VISIBLE and not post.review_pending
    assert (action.actor, action.action, action.reason) == (world.worker_a, "restore", "内容无问题")
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert selectors.review_queue(grids=[world.grid_a.pk]) == []


def test_a_warning_reaches_the_author_and_a_hidden_comment_leaves_the_count(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    comment = posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="骂人")
    moderation.flag_create(
        actor=world.resident_a, post_id=post.pk, comment_id=comment.pk, reason="abuse"
    )
    moderation.moderation_decide(
        actor=world.cadre_east, post_id=post.pk, comment_id=comment.pk, action="hide"
    )
    moderation.moderation_decide(
        actor=world.cadre_east,
        post_id=post.pk,
        comment_id=comment.pk,
        action="warn",
        reason="请文明发言",
    )
    comment.refresh_from_db()
    post.refresh_from_db()
    assert comment.state == ContentState.HIDDEN and post.comment_count == 0
    warned = Notification.objects.get(type="moderation.warned")
    assert warned.user == world.resident_a2 and warned.payload["reason"] == "请文明发言"
    assert ModerationAction.objects.filter(comment=comment).count() == 2


def test_a_muted_members_posts_and_comments_vanish_from_the_muters_feed_only(world):
    loud = posts.post_create(actor=world.resident_a2, grid=world.grid_a, body="刷屏")
    mine = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="正常")
    posts.comment_create(actor=world.resident_a2, post_id=mine.pk, body="刷屏评论")
    moderation.mute_set(actor=world.resident_a, user_id=world.resident_a2.pk)
    feed = list(selectors.feed_for_grid(viewer=world.resident_a, grid=world.grid_a))
    selectors.posts_decorate(feed, viewer=world.resident_a)
    assert [p.pk for p in feed] == [mine.pk]
    assert feed[0].comment_list == []
    others = list(selectors.feed_for_grid(viewer=world.worker_a, grid=world.grid_a))
    assert [p.pk for p in others] == [mine.pk, loud.pk]
    with pytest.raises(FlagInvalid):
        moderation.mute_set(actor=world.resident_a, user_id=world.resident_a.pk)
    moderation.mute_set(actor=world.resident_a, user_id=world.resident_a2.pk, muted=False)
    assert selectors.feed_for_grid(viewer=world.resident_a, grid=world.grid_a).count() == 2


def test_comments_list_only_visible_ones(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    kept = posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="好")
    gone = posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="删")
    posts.comment_delete(actor=world.resident_a2, comment_id=gone.pk)
    (decorated,) = selectors.posts_decorate([post], viewer=world.resident_a)
    assert [c.pk for c in decorated.comment_list] == [kept.pk]
    assert Comment.objects.count() == 2


# Taken-down words stay down (the replay log included)


def all_payloads(grid) -> str:
    return str([e.payload for e in events_of(grid)])


def test_an_edit_leaves_no_trace_of_the_old_words_in_the_log(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="我的电话13800001234")
    posts.post_update(actor=world.resident_a, post_id=post.pk, body="请私信我")
    assert "13800001234" not in all_payloads(world.grid_a)
    assert [e.payload["post"]["body"] for e in events_of(world.grid_a)] == ["请私信我"] * 2


def test_a_hidden_comment_leaves_no_copy_inside_later_post_events(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    comment = posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="难听的话")
    posts.post_update(actor=world.resident_a, post_id=post.pk, body="2")
    moderation.moderation_decide(
        actor=world.worker_a, post_id=post.pk, comment_id=comment.pk, action="hide"
    )
    assert "难听的话" not in all_payloads(world.grid_a)


def test_restoring_a_comment_under_a_hidden_post_does_not_resurface_the_post(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="隐藏的正文")
    comment = posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="c")
    moderation.moderation_decide(
        actor=world.worker_a, post_id=post.pk, comment_id=comment.pk, action="hide"
    )
    moderation.moderation_decide(actor=world.worker_a, post_id=post.pk, action="hide")
    moderation.moderation_decide(
        actor=world.worker_a, post_id=post.pk, comment_id=comment.pk, action="restore"
    )
    assert "隐藏的正文" not in all_payloads(world.grid_a)


def test_unpinning_a_withdrawn_notice_says_nothing_more(world):
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="保密标题", body="b"
    )
    notices.notice_withdraw(actor=world.cadre_east, notice_id=notice.pk)
    before = len(events_of(world.grid_a))
    notices.notice_unpin(actor=world.cadre_east, notice_id=notice.pk)
    assert len(events_of(world.grid_a)) == before
    assert "保密标题" not in all_payloads(world.grid_a)


def test_a_withdrawn_notice_is_gone_for_residents_but_kept_for_cadres(world):
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="t", body="b"
    )
    notices.notice_withdraw(actor=world.cadre_east, notice_id=notice.pk)
    with pytest.raises(OutOfScope):
        notices.notice_read_mark(actor=world.resident_a, notice_id=notice.pk)
    assert notices.notice_read_mark(actor=world.cadre_east, notice_id=notice.pk) is None


def test_notices_are_not_reported_or_moderated_like_posts(world, settings):
    settings.BOARD_FLAGS_TO_HIDE = 1
    notice = notices.notice_publish(
        actor=world.cadre_east,
        community=world.east,
        title="财务公开",
        body="b",
        category=Notice.Category.AFFAIRS,
    )
    post = notice.posts.get(grid=world.grid_a)
    with pytest.raises(FlagInvalid):
        moderation.flag_create(actor=world.resident_a, post_id=post.pk, reason="false")
    with pytest.raises(FlagInvalid):
        moderation.moderation_decide(actor=world.worker_a, post_id=post.pk, action="hide")
    assert [p.pk for p in selectors.pinned_for_grid(grid=world.grid_a)] == [post.pk]


def test_deleting_reported_words_takes_them_out_of_the_review_queue(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="要删的")
    comment = posts.comment_create(actor=world.resident_a, post_id=post.pk, body="也要删")
    moderation.flag_create(actor=world.resident_a2, post_id=post.pk, reason="spam")
    moderation.flag_create(
        actor=world.resident_a2, post_id=post.pk, comment_id=comment.pk, reason="spam"
    )
    posts.comment_delete(actor=world.resident_a, comment_id=comment.pk)
    posts.post_delete(actor=world.resident_a, post_id=post.pk)
    assert selectors.review_queue(grids=[world.grid_a.pk]) == []
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()


def test_an_author_takes_back_a_comment_even_under_a_hidden_post(world):
    post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="1")
    comment = posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="我的话")
    moderation.moderation_decide(actor=world.worker_a, post_id=post.pk, action="hide")
    posts.comment_delete(actor=world.resident_a2, comment_id=comment.pk)
    comment.refresh_from_db()
    assert comment.state == ContentState.DELETED


def test_the_fast_post_shape_equals_the_declared_serializer(world, settings, tmp_path):
    from grids.serializers.board import CommentSerializer, PostSerializer

    post = posts.post_create(
        actor=world.resident_a, grid=world.grid_a, body="有图有评论", photos=[png(), png()]
    )
    first = posts.comment_create(actor=world.resident_a2, post_id=post.pk, body="一")
    posts.comment_create(actor=world.worker_a, post_id=post.pk, body="二", reply_to_id=first.pk)
    posts.reaction_set(actor=world.resident_a2, post_id=post.pk, reaction="like")
    posts.post_update(actor=world.resident_a, post_id=post.pk, body="改过")
    notice = notices.notice_publish(
        actor=world.cadre_east,
        community=world.east,
        title="t",
        body="b",
        pinned_until=timezone.now() + timedelta(days=1),
    )
    shown = list(selectors.feed_for_grid(viewer=world.resident_a2, grid=world.grid_a))
    selectors.posts_decorate(shown, viewer=world.resident_a2)
    assert {p.notice_id for p in shown} >= {notice.pk}
    for item in shown:
        serializer = PostSerializer()
        assert serializer.to_representation(item) == serializer.declared_representation(item)
        for comment in item.comment_list:
            c = CommentSerializer()
            assert c.to_representation(comment) == c.declared_representation(comment)
