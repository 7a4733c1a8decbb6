"""The personal stream's seq follows commit order, under real concurrent transactions."""

import threading
import time

import pytest
from django.db import connections, transaction

from residents.events import user_event_send_on_commit
from residents.models import Notification
from tests.environment import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)

NOTICE = {"type": "notice.for_me", "notice_id": 1, "title": "停水通知", "category": "general"}
REPLY = {
    "type": "reply.post",
    "grid": 1,
    "post_id": 1,
    "comment_id": 1,
    "by": "邻居",
    "excerpt": "好的",
}


def postgres_or_skip():
    require_postgres()


def test_a_later_notification_waits_for_an_earlier_uncommitted_one(world):
    """Seq 2 must not become visible while seq 1 is still uncommitted, or a reader that
    followed seq 2 would skip seq 1 for ever."""
    postgres_or_skip()
    user_id = world.resident_a.pk
    first_in = threading.Event()
    release_first = threading.Event()
    order: list[str] = []

    def long_notice():
        try:
            with transaction.atomic():
                user_event_send_on_commit(user_id=user_id, event=NOTICE)
                first_in.set()
                release_first.wait(10)
                order.append("notice committed")
        finally:
            connections.close_all()

    def quick_reply():
        try:
            first_in.wait(10)
            with transaction.atomic():
                user_event_send_on_commit(user_id=user_id, event=REPLY)
            order.append("reply committed")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=long_notice), threading.Thread(target=quick_reply)]
    for thread in threads:
        thread.start()
    first_in.wait(10)
    time.sleep(0.5)  # the reply is now waiting on the stream row, not committed
    assert order == []
    assert not Notification.objects.filter(user_id=user_id).exists()
    release_first.set()
    for thread in threads:
        thread.join(10)
    assert order == ["notice committed", "reply committed"]
    rows = list(Notification.objects.filter(user_id=user_id).order_by("seq"))
    assert [(n.seq, n.type) for n in rows] == [(1, "notice.for_me"), (2, "reply.post")]
