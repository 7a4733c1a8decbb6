"""A board's seq follows commit order, under real concurrent transactions on PostgreSQL."""

import threading
import time

import pytest
from django.db import connections, transaction

from grids.models import BoardEvent
from grids.services import posts
from tests.residents.test_stream_order import postgres_or_skip

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_second_post_waits_until_the_first_commits_so_seqs_commit_in_order(world):
    postgres_or_skip()
    first_in, release_first = threading.Event(), threading.Event()
    order: list[str] = []

    def slow():
        try:
            with transaction.atomic():
                posts.post_create(actor=world.resident_a, grid=world.grid_a, body="先")
                first_in.set()
                release_first.wait(10)
                order.append("first")
        finally:
            connections.close_all()

    def quick():
        try:
            first_in.wait(10)
            posts.post_create(actor=world.resident_a2, grid=world.grid_a, body="后")
            order.append("second")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=slow), threading.Thread(target=quick)]
    for thread in threads:
        thread.start()
    first_in.wait(10)
    time.sleep(0.5)
    assert order == [] and not BoardEvent.objects.exists()
    release_first.set()
    for thread in threads:
        thread.join(10)
    assert order == ["first", "second"]
    events = BoardEvent.objects.filter(grid=world.grid_a).order_by("seq")
    assert [(e.seq, e.payload["post"]["body"]) for e in events] == [(1, "先"), (2, "后")]


def test_many_concurrent_posters_get_every_seq_exactly_once(world):
    postgres_or_skip()
    authors = [m.user for m in world.members["a"]] + [world.worker_a, world.cadre_east]
    barrier = threading.Barrier(len(authors) * 3)
    errors: list[BaseException] = []

    def post(author, i):
        try:
            barrier.wait(10)
            posts.post_create(actor=author, grid=world.grid_a, body=f"{author.pk}-{i}")
        except BaseException as error:  # collected and re-raised below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=post, args=(author, i)) for author in authors for i in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    seqs = list(BoardEvent.objects.filter(grid=world.grid_a).values_list("seq", flat=True))
    assert sorted(seqs) == list(range(1, len(threads) + 1))
