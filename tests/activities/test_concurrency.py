"""Capacity, waitlist promotion and points under real concurrent transactions on PostgreSQL."""

import queue
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.errors import ActivityFull
from activities.models import SignUp, Slot
from activities.services import attendance, signups
from points import services as points_services
from points.errors import NotEnoughPoints
from points.models import PointsAccount, PointsEntry
from points.services import points_earn
from tests.activities.conftest import make_class
from tests.factories import MembershipFactory
from tests.mutualaid.test_concurrency import run_together
from tests.residents.test_stream_order import postgres_or_skip

pytestmark = pytest.mark.django_db(transaction=True)


def run_on_threads(jobs, *, threads: int = 40) -> list:
    """Run `jobs` on `threads` threads (each its own PostgreSQL connection, all started at
    once): as many transactions in flight as the server's connection limit comfortably
    allows, the rest queued behind them, as behind a real pool of workers."""
    todo: queue.Queue = queue.Queue()
    for item in enumerate(jobs):
        todo.put(item)
    results: list = [None] * len(jobs)
    barrier = threading.Barrier(threads)

    def work() -> None:
        try:
            barrier.wait(10)
            while True:
                try:
                    i, job = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    results[i] = job()
                except Exception as error:  # the outcome under test, collected for assertions
                    results[i] = error
        finally:
            connections.close_all()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(120)
    return results


def residents(world, n: int) -> list:
    return [MembershipFactory(micro_grid=world.buildings["a"][i % 2]).user for i in range(n)]


def test_two_hundred_concurrent_signups_for_thirty_places(world):
    postgres_or_skip()
    slot = make_class(world, capacity=30).slots.get()
    people = residents(world, 200)

    results = run_on_threads(
        [lambda u=u: signups.signup_create(actor=u, slot_id=slot.pk) for u in people]
    )

    assert all(isinstance(r, SignUp) for r in results), [
        r for r in results if not isinstance(r, SignUp)
    ][:3]
    states = [r.state for r in results]
    assert states.count(SignUp.State.CONFIRMED) == 30
    assert states.count(SignUp.State.WAITLISTED) == 170
    slot.refresh_from_db()
    assert (slot.confirmed, slot.waitlisted) == (30, 170)
    assert SignUp.objects.filter(slot=slot, state="confirmed").count() == 30


def test_without_a_waitlist_the_rest_are_refused_clearly(world):
    postgres_or_skip()
    slot = make_class(world, capacity=30, waitlist=False).slots.get()
    people = residents(world, 200)

    results = run_on_threads(
        [lambda u=u: signups.signup_create(actor=u, slot_id=slot.pk) for u in people]
    )

    confirmed = [r for r in results if isinstance(r, SignUp)]
    refused = [r for r in results if not isinstance(r, SignUp)]
    assert len(confirmed) == 30
    assert len(refused) == 170 and all(isinstance(r, ActivityFull) for r in refused)
    assert all(r.status == 409 for r in refused)
    assert Slot.objects.get(pk=slot.pk).confirmed == 30


def test_concurrent_cancellations_promote_each_waiting_person_once(world):
    postgres_or_skip()
    slot = make_class(world, capacity=10).slots.get()
    people = residents(world, 30)
    made = [signups.signup_create(actor=u, slot_id=slot.pk) for u in people]
    confirmed = [s for s in made if s.state == SignUp.State.CONFIRMED]
    assert len(confirmed) == 10

    results = run_together(
        [lambda s=s: signups.signup_cancel(actor=s.user, signup_id=s.pk) for s in confirmed[:8]]
    )

    assert all(isinstance(r, SignUp) for r in results), results[:3]
    slot.refresh_from_db()
    assert (slot.confirmed, slot.waitlisted) == (10, 12)
    now_confirmed = SignUp.objects.filter(slot=slot, state="confirmed").order_by("pk")
    # The first eight on the waitlist moved up, in the order they signed up.
    assert [s.pk for s in now_confirmed] == [s.pk for s in confirmed[8:]] + [
        s.pk for s in made[10:18]
    ]


def test_concurrent_redemptions_never_take_the_balance_below_zero(world):
    postgres_or_skip()
    user = world.resident_a
    points_earn(user_id=user.pk, amount=50, kind="volunteer", reason="shift", ref=("test", 1))
    reward = points_services.reward_create(
        actor=world.cadre_east, community=world.east, name="环保袋", cost=20, stock=100
    )

    results = run_together(
        [lambda: points_services.reward_redeem(actor=user, reward_id=reward.pk) for _ in range(10)]
    )

    done = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(done) == 2
    assert len(refused) == 8 and all(isinstance(r, NotEnoughPoints) for r in refused), refused
    account = PointsAccount.objects.get(user=user)
    assert account.balance == 10
    assert account.balance == sum(
        PointsEntry.objects.filter(user=user).values_list("amount", flat=True)
    )
    reward.refresh_from_db()
    assert reward.stock == 98  # a refused redemption takes nothing from stock


def test_closing_attendance_locks_the_slots_before_touching_sign_ups(world):
    """The lock order of check-in and ticking (slot, then its sign-ups): closing in
    another order could deadlock with a household checking in to two shifts."""
    postgres_or_skip()
    starts = timezone.now() - timedelta(hours=3)
    activity = make_class(world, capacity=3)
    Slot.objects.filter(activity=activity).update(
        starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    with CaptureQueriesContext(connection) as queries:
        attendance.attendance_close(actor=world.cadre_east, activity_id=activity.pk)
    sql = [q["sql"] for q in queries.captured_queries]
    slot_lock = next(i for i, s in enumerate(sql) if '"activities_slot"' in s and "FOR UPDATE" in s)
    signup_write = next(i for i, s in enumerate(sql) if s.startswith('UPDATE "activities_signup"'))
    assert slot_lock < signup_write


def test_twenty_wrong_check_in_codes_at_once_are_counted_to_five_and_no_further(world):
    """Each try is counted before it is compared, by one conditional UPDATE: guesses fired
    together cannot slip past the limit."""
    postgres_or_skip()
    from activities.errors import CheckInLocked, CheckInRefused
    from activities.models import CheckInMiss

    activity = make_class(world, capacity=3, starts_at=timezone.now() + timedelta(minutes=10))
    signups.signup_create(actor=world.resident_a, slot_id=activity.slots.get().pk)
    right = attendance.checkin_code(activity)
    wrong = "0000000000" if right != "0000000000" else "1111111111"

    results = run_together(
        [
            lambda: attendance.checkin_by_code(
                actor=world.resident_a, activity_id=activity.pk, code=wrong
            )
            for _ in range(20)
        ]
    )

    locked = [r for r in results if isinstance(r, CheckInLocked)]
    expired = [r for r in results if type(r) is CheckInRefused]
    assert (len(expired), len(locked)) == (4, 16), results
    assert CheckInMiss.objects.get(user=world.resident_a, activity=activity).misses == 5


def test_two_scans_of_one_person_at_once_check_in_once_and_the_other_hears_409(world):
    postgres_or_skip()
    activity = make_class(world, capacity=3, starts_at=timezone.now() + timedelta(minutes=10))
    slot = activity.slots.get()
    signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    code = attendance.checkin_code(activity)

    results = run_together(
        [
            lambda: attendance.checkin_by_code(
                actor=world.resident_a, activity_id=activity.pk, code=code
            )
            for _ in range(6)
        ]
    )

    assert sum(isinstance(r, list) and len(r) == 1 for r in results) == 1, results
    others = [r for r in results if not isinstance(r, list)]
    assert len(others) == 5 and all(getattr(r, "status", 0) == 409 for r in others), results
    assert SignUp.objects.get(user=world.resident_a).state == "attended"
