"""Activities: publishing, sign-up state machine, check-in, hours and points, reminders,
calendar files, and who may do what."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from icalendar import Calendar

from activities import calendar
from activities.errors import (
    ActivityFull,
    ActivityInvalid,
    CheckInRefused,
    NotAllowed,
    NotFound,
    SignUpRefused,
    TransitionRefused,
)
from activities.models import Activity, Reminder, SignUp
from activities.services import attendance, publishing, reminders, signups, states
from activities.services.shifts import ShiftSpec
from grids.models import Post, Role, RoleGrant
from points.models import PointsAccount
from residents.models import Notification
from residents.services import household_member_add
from tests.activities.conftest import make_class, soon

pytestmark = pytest.mark.django_db


def volunteer_service(world, *, hours=2, start_in=timedelta(minutes=5)):
    starts = timezone.now() + start_in
    return publishing.activity_create(
        actor=world.cadre_east,
        community=world.east,
        kind=Activity.Kind.VOLUNTEER,
        title="小区门岗值守",
        place="北门",
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        signup_closes_at=starts + timedelta(minutes=30),
        cancel_until=starts,
        audience=Activity.Audience.VOLUNTEERS,
        shifts=[
            ShiftSpec("守门员", starts, starts + timedelta(hours=hours), 2),
            ShiftSpec("宣传员", starts, starts + timedelta(hours=1), 1),
        ],
    )


def make_volunteer(world, user):
    RoleGrant.objects.create(user=user, role=Role.VOLUNTEER, community=world.east)
    return user


# Publishing and who may


def test_cadre_publishes_and_every_scoped_board_gets_a_card(world):
    activity = make_class(world, grid_ids=[world.grid_b.pk])
    cards = Post.objects.filter(ref_type="activity", ref_id=activity.pk)
    assert [c.grid_id for c in cards] == [world.grid_b.pk]
    whole = make_class(world, title="全社区活动")
    assert set(
        Post.objects.filter(ref_type="activity", ref_id=whole.pk).values_list("grid_id", flat=True)
    ) == {world.grid_a.pk, world.grid_b.pk}
    assert Reminder.objects.filter(activity=activity).count() == 2


@pytest.mark.parametrize(
    "who,allowed",
    [
        ("cadre_east", True),
        ("admin", True),
        ("lead", True),
        ("worker_a", False),
        ("resident_a", False),
        ("cadre_west", False),
    ],
)
def test_who_may_publish(world, who, allowed):
    if who == "lead":
        actor = world.resident_a2
        RoleGrant.objects.create(user=actor, role=Role.VOLUNTEER_LEAD, community=world.east)
    else:
        actor = getattr(world, who)
    if allowed:
        assert make_class(world, actor=actor).organiser == actor
    else:
        with pytest.raises(NotAllowed):
            make_class(world, actor=actor)


def test_bad_input_is_refused_with_a_message_and_writes_nothing(world):
    for kwargs in (
        {"capacity": 0},
        {"title": ""},
        {"starts_at": soon(), "ends_at": soon() - timedelta(hours=1)},
        {
            "starts_at": timezone.now() - timedelta(days=2),
            "ends_at": timezone.now() - timedelta(days=1),
        },
        {"audience": Activity.Audience.AGE},
        {"audience": Activity.Audience.AGE, "age_bands": ["7-9"]},
        {"repeat_weeks": 13},
        {"grid_ids": [world.grid_c.pk]},
    ):
        with pytest.raises(ActivityInvalid) as refused:
            make_class(world, **kwargs)
        assert refused.value.status == 400 and str(refused.value)
    assert not Activity.objects.exists()


def test_repeat_weekly_makes_a_series_with_one_card(world):
    first = make_class(world, repeat_weeks=3)
    series = Activity.objects.filter(repeat_of=first).order_by("starts_at")
    assert [a.starts_at - first.starts_at for a in series] == [
        timedelta(weeks=w) for w in (1, 2, 3)
    ]
    assert Post.objects.filter(ref_type="activity").count() == 2  # one card per grid, once
    copy = publishing.activity_copy(
        actor=world.cadre_east, activity_id=first.pk, starts_at=first.starts_at + timedelta(days=30)
    )
    assert copy.slots.get().capacity == first.slots.get().capacity
    assert copy.title == first.title and copy.ends_at - copy.starts_at == timedelta(hours=2)


def test_residents_outside_the_scope_cannot_see_or_join(world):
    activity = make_class(world, grid_ids=[world.grid_a.pk])
    slot = activity.slots.get()
    for outsider in (world.members["b"][0].user, world.members["c"][0].user, world.outsider):
        with pytest.raises(NotFound):
            signups.signup_create(actor=outsider, slot_id=slot.pk)


# Sign-up state machine


def test_full_class_waitlists_then_promotes_the_first_in_line_and_tells_them(world, calligraphy):
    slot = calligraphy.slots.get()
    a, b = world.resident_a, world.resident_a2
    c, d = world.members["b"][0].user, world.members["b"][1].user
    sa, sb, sc, sd = (signups.signup_create(actor=u, slot_id=slot.pk) for u in (a, b, c, d))
    assert [s.state for s in (sa, sb, sc, sd)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]

    signups.signup_cancel(actor=b, signup_id=sb.pk)

    sc.refresh_from_db()
    sd.refresh_from_db()
    assert (sc.state, sd.state) == ("confirmed", "waitlisted")
    told = Notification.objects.get(user=c, type="signup.promoted")
    assert told.payload["activity"] == calligraphy.pk and told.payload["signup"] == sc.pk
    slot.refresh_from_db()
    assert (slot.confirmed, slot.waitlisted) == (2, 1)
    calligraphy.refresh_from_db()
    assert calligraphy.version == 5  # four sign-ups and a cancellation


def test_no_waitlist_means_a_clear_refusal(world):
    slot = make_class(world, capacity=1, waitlist=False).slots.get()
    signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    with pytest.raises(ActivityFull) as refused:
        signups.signup_create(actor=world.resident_a2, slot_id=slot.pk)
    assert refused.value.status == 409


def test_one_place_per_person_but_household_members_have_their_own(world, calligraphy):
    slot = calligraphy.slots.get()
    signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    with pytest.raises(SignUpRefused):
        signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    child = household_member_add(owner=world.resident_a, name="小明", age_band="6-12")
    kid = signups.signup_create(actor=world.resident_a, slot_id=slot.pk, member_id=child.pk)
    assert (kid.participant_name, kid.age_band, kid.state) == ("小明", "6-12", "confirmed")
    stranger = household_member_add(owner=world.resident_a2, name="小红", age_band="6-12")
    with pytest.raises(NotFound):
        signups.signup_create(actor=world.resident_a, slot_id=slot.pk, member_id=stranger.pk)


def test_after_cancelling_one_may_sign_up_again(world, calligraphy):
    slot = calligraphy.slots.get()
    first = signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    signups.signup_cancel(actor=world.resident_a, signup_id=first.pk)
    again = signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    assert again.pk != first.pk and again.state == "confirmed"


def test_audience_rules(world):
    kids = make_class(world, audience=Activity.Audience.AGE, age_bands=["6-12"])
    slot = kids.slots.get()
    with pytest.raises(SignUpRefused):
        signups.signup_create(actor=world.resident_a, slot_id=slot.pk, age_band="18-59")
    child = household_member_add(owner=world.resident_a, name="乐乐", age_band="6-12")
    assert signups.signup_create(actor=world.resident_a, slot_id=slot.pk, member_id=child.pk)

    elders = make_class(world, audience=Activity.Audience.ELDERLY).slots.get()
    with pytest.raises(SignUpRefused):
        signups.signup_create(actor=world.resident_a2, slot_id=elders.pk)
    assert signups.signup_create(actor=world.resident_a2, slot_id=elders.pk, age_band="60+")
    world.resident_a2.refresh_from_db()
    assert world.resident_a2.age_band == "60+"  # remembered for next time

    service = volunteer_service(world)
    with pytest.raises(SignUpRefused):
        signups.signup_create(actor=world.resident_a, slot_id=service.slots.first().pk)
    make_volunteer(world, world.resident_a)
    assert signups.signup_create(actor=world.resident_a, slot_id=service.slots.first().pk)


def test_signup_window_and_cancellation_deadline(world):
    starts = soon(3)
    late = make_class(
        world,
        starts_at=starts,
        signup_opens_at=timezone.now() + timedelta(hours=1),
        signup_closes_at=starts,
        cancel_until=starts - timedelta(hours=2),
    )
    slot = late.slots.get()
    with pytest.raises(SignUpRefused):
        signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    with mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() + timedelta(hours=1, minutes=1)
    ):
        signup = signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    with mock.patch("django.utils.timezone.now", return_value=starts - timedelta(hours=1)):
        with pytest.raises(TransitionRefused):
            signups.signup_cancel(actor=world.resident_a, signup_id=signup.pk)
        # The organiser may still release the place.
        signups.signup_cancel(actor=world.cadre_east, signup_id=signup.pk)
    with (
        mock.patch("django.utils.timezone.now", return_value=starts + timedelta(minutes=1)),
        pytest.raises(SignUpRefused),
    ):
        signups.signup_create(actor=world.resident_a2, slot_id=slot.pk)


def test_someone_else_cannot_cancel_my_place(world, calligraphy):
    signup = signups.signup_create(actor=world.resident_a, slot_id=calligraphy.slots.get().pk)
    with pytest.raises(NotFound):
        signups.signup_cancel(actor=world.resident_a2, signup_id=signup.pk)


ALL_STATES = [s for s, _ in SignUp.State.choices]


@pytest.mark.parametrize("start", ALL_STATES)
@pytest.mark.parametrize("target", ALL_STATES)
def test_every_transition_outside_the_table_is_refused(start, target):
    signup = SignUp(state=start)
    if target in states.SIGNUP_MOVES[start]:
        states.signup_move(signup, target)
        assert signup.state == target
    else:
        with pytest.raises(TransitionRefused):
            states.signup_move(signup, target)
        assert signup.state == start


def test_cancelled_activity_cancels_everyone_and_says_so_on_the_board(world, calligraphy):
    slot = calligraphy.slots.get()
    made = [
        signups.signup_create(actor=u, slot_id=slot.pk)
        for u in (world.resident_a, world.resident_a2, world.members["b"][0].user)
    ]
    publishing.activity_cancel(actor=world.cadre_east, activity_id=calligraphy.pk, reason="下雨")
    assert set(
        SignUp.objects.filter(pk__in=[s.pk for s in made]).values_list("state", flat=True)
    ) == {"cancelled"}
    assert Notification.objects.filter(type="activity.cancelled").count() == 3
    assert set(
        Post.objects.filter(ref_type="activity", ref_id=calligraphy.pk).values_list(
            "ref_state", flat=True
        )
    ) == {"cancelled"}
    with pytest.raises(SignUpRefused):
        signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    with pytest.raises(TransitionRefused):
        publishing.activity_cancel(actor=world.cadre_east, activity_id=calligraphy.pk)
    with pytest.raises(NotAllowed):
        publishing.activity_cancel(actor=world.resident_a, activity_id=calligraphy.pk)


# Check-in, hours and points


def test_qr_check_in_credits_a_volunteers_hours_and_points_once(world, settings):
    settings.POINTS_PER_VOLUNTEER_HOUR = 10
    service = volunteer_service(world, hours=2)
    gate = service.slots.get(role="守门员")
    volunteer = make_volunteer(world, world.resident_a)
    signup = signups.signup_create(actor=volunteer, slot_id=gate.pk)
    later = timezone.now() + timedelta(minutes=20)  # 15 minutes after the start: late
    with mock.patch("django.utils.timezone.now", return_value=later):
        code = attendance.checkin_code(service)
        done = attendance.checkin_by_code(actor=volunteer, activity_id=service.pk, code=code)
        assert [s.pk for s in done] == [signup.pk]
        with pytest.raises(CheckInRefused):
            attendance.checkin_by_code(actor=volunteer, activity_id=service.pk, code=code)
    signup.refresh_from_db()
    assert (signup.state, signup.late, float(signup.hours)) == ("attended", True, 2.0)
    assert PointsAccount.objects.get(user=volunteer).balance == 20
    assert Notification.objects.filter(user=volunteer, type="points.earned").count() == 1


def test_check_in_codes_rotate_and_expire(world):
    service = volunteer_service(world)
    volunteer = make_volunteer(world, world.resident_a)
    signups.signup_create(actor=volunteer, slot_id=service.slots.first().pk)
    now = timezone.now() + timedelta(minutes=6)
    old = attendance.checkin_code(service, now - timedelta(minutes=2))
    assert old != attendance.checkin_code(service, now)
    with mock.patch("django.utils.timezone.now", return_value=now):
        with pytest.raises(CheckInRefused):
            attendance.checkin_by_code(actor=volunteer, activity_id=service.pk, code=old)
        with pytest.raises(CheckInRefused):
            attendance.checkin_by_code(actor=volunteer, activity_id=service.pk, code="0000000000")
        # The code from a moment ago still works (a slow phone).
        recent = attendance.checkin_code(service, now - timedelta(seconds=30))
        assert attendance.checkin_by_code(actor=volunteer, activity_id=service.pk, code=recent)


def test_waitlisted_and_strangers_cannot_check_in(world):
    activity = make_class(world, capacity=1, starts_at=timezone.now() + timedelta(minutes=10))
    slot = activity.slots.get()
    signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    signups.signup_create(actor=world.resident_a2, slot_id=slot.pk)
    code = attendance.checkin_code(activity)
    with pytest.raises(CheckInRefused):
        attendance.checkin_by_code(actor=world.resident_a2, activity_id=activity.pk, code=code)
    with pytest.raises(CheckInRefused):
        attendance.checkin_by_code(actor=world.worker_a, activity_id=activity.pk, code=code)


def test_organiser_ticks_names_and_closes_attendance(world):
    starts = timezone.now() + timedelta(minutes=30)
    activity = make_class(world, capacity=3, starts_at=starts, ends_at=starts + timedelta(hours=1))
    slot = activity.slots.get()
    a, b, c = (
        signups.signup_create(actor=u, slot_id=slot.pk)
        for u in (world.resident_a, world.resident_a2, world.members["b"][0].user)
    )
    with pytest.raises(NotAllowed):
        attendance.attendance_mark(actor=world.resident_a, signup_id=a.pk, attended=True)
    attendance.attendance_mark(actor=world.cadre_east, signup_id=a.pk, attended=True)
    attendance.attendance_mark(actor=world.cadre_east, signup_id=b.pk, attended=False)
    with pytest.raises(TransitionRefused):  # attended is final
        attendance.attendance_mark(actor=world.cadre_east, signup_id=a.pk, attended=False)
    with pytest.raises(TransitionRefused):  # not yet over
        attendance.attendance_close(actor=world.cadre_east, activity_id=activity.pk)
    with mock.patch("django.utils.timezone.now", return_value=starts + timedelta(hours=2)):
        assert attendance.attendance_close(actor=world.cadre_east, activity_id=activity.pk) == 1
    c.refresh_from_db()
    assert c.state == "no_show"
    # A no-show who did come after all can still be ticked.
    with mock.patch("django.utils.timezone.now", return_value=starts + timedelta(hours=2)):
        attendance.attendance_mark(actor=world.cadre_east, signup_id=c.pk, attended=True)


# Reminders


def test_reminders_are_sent_once_to_confirmed_people_only(world):
    activity = make_class(world, capacity=1)
    slot = activity.slots.get()
    signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    signups.signup_create(actor=world.resident_a2, slot_id=slot.pk)  # waitlisted
    day = Reminder.objects.get(activity=activity, kind="day")
    assert day.due_at == activity.starts_at - timedelta(days=1)

    assert reminders.reminders_send_due() == 0  # nothing due yet
    with mock.patch("django.utils.timezone.now", return_value=day.due_at + timedelta(seconds=1)):
        assert reminders.reminders_send_due() == 1
        assert reminders.reminders_send_due() == 0
        assert reminders.reminder_send(reminder_id=day.pk) == 0  # a second run sends nothing
    told = Notification.objects.filter(type="activity.reminder")
    assert [n.user_id for n in told] == [world.resident_a.pk]
    assert told[0].payload["when"] == "day"
    hour = Reminder.objects.get(activity=activity, kind="hour")
    with mock.patch("django.utils.timezone.now", return_value=hour.due_at):
        reminders.reminders_send_due()
    assert Notification.objects.filter(type="activity.reminder").count() == 2


def test_the_database_backend_queues_each_reminder_for_its_time(
    world, settings, django_capture_on_commit_callbacks
):
    """Production: django-tasks' database backend holds each reminder until it is due."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        activity = make_class(world)
    queued = DBTaskResult.objects.filter(task_path="activities.tasks.reminder_send")
    assert sorted(queued.values_list("run_after", flat=True)) == [
        activity.starts_at - timedelta(days=1),
        activity.starts_at - timedelta(hours=1),
    ]
    reminder_ids = set(Reminder.objects.filter(activity=activity).values_list("pk", flat=True))
    assert {r.args_kwargs["args"][0] for r in queued} == reminder_ids


def test_no_reminder_for_a_cancelled_activity(world, calligraphy):
    signups.signup_create(actor=world.resident_a, slot_id=calligraphy.slots.get().pk)
    publishing.activity_cancel(actor=world.cadre_east, activity_id=calligraphy.pk)
    with mock.patch(
        "django.utils.timezone.now", return_value=calligraphy.starts_at - timedelta(minutes=30)
    ):
        reminders.reminders_send_due()
    assert not Notification.objects.filter(type="activity.reminder").exists()


# Calendar


def test_ics_parses_back(world, calligraphy):
    body = calendar.ics([calligraphy], name="邻里活动", site="https://linli.example")
    parsed = Calendar.from_ical(body)
    (event,) = parsed.walk("VEVENT")
    assert str(event["summary"]) == "书法公益课"
    assert str(event["location"]) == "社区活动室"
    assert event.decoded("dtstart") == calligraphy.starts_at.replace(microsecond=0)
    assert event.decoded("dtend") == calligraphy.ends_at.replace(microsecond=0)
    assert str(event["uid"]) == f"activity-{calligraphy.pk}@linli"
    assert str(event["url"]).endswith(f"/activities/{calligraphy.pk}/")


def test_feed_tokens_are_signed(world):
    token = calendar.feed_token(world.resident_a.pk)
    assert calendar.feed_user_id(token) == world.resident_a.pk
    assert calendar.feed_user_id(token[:-2] + "xx") is None
    assert calendar.feed_user_id("nonsense") is None


# Organiser tools


def test_message_all_attendees(world, calligraphy):
    slot = calligraphy.slots.get()
    for u in (world.resident_a, world.resident_a2, world.members["b"][0].user):
        signups.signup_create(actor=u, slot_id=slot.pk)
    assert (
        attendance.attendees_message(
            actor=world.cadre_east, activity_id=calligraphy.pk, body="请带毛笔"
        )
        == 3
    )
    with pytest.raises(NotAllowed):
        attendance.attendees_message(actor=world.resident_a, activity_id=calligraphy.pk, body="hi")
    with pytest.raises(ActivityInvalid):
        attendance.attendees_message(actor=world.cadre_east, activity_id=calligraphy.pk, body=" ")


def test_leaving_the_waitlist_is_allowed_after_the_deadline(world):
    starts = soon(3)
    activity = make_class(
        world, capacity=1, starts_at=starts, cancel_until=starts - timedelta(hours=2)
    )
    slot = activity.slots.get()
    signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    waiting = signups.signup_create(actor=world.resident_a2, slot_id=slot.pk)
    with mock.patch("django.utils.timezone.now", return_value=starts - timedelta(hours=1)):
        signups.signup_cancel(actor=world.resident_a2, signup_id=waiting.pk)
    slot.refresh_from_db()
    assert (slot.confirmed, slot.waitlisted) == (1, 0)


def test_cancelling_a_class_at_the_door_keeps_the_places_of_those_who_came(world):
    starts = timezone.now() + timedelta(minutes=10)
    activity = make_class(world, capacity=2, starts_at=starts, ends_at=starts + timedelta(hours=2))
    slot = activity.slots.get()
    came, _other, _waiting = (
        signups.signup_create(actor=u, slot_id=slot.pk)
        for u in (world.resident_a, world.resident_a2, world.members["b"][0].user)
    )
    attendance.attendance_mark(actor=world.cadre_east, signup_id=came.pk, attended=True)
    publishing.activity_cancel(actor=world.cadre_east, activity_id=activity.pk)
    slot.refresh_from_db()
    rows = SignUp.objects.filter(slot=slot)
    held = rows.filter(state__in=SignUp.HELD_STATES).count()
    assert (slot.confirmed, slot.waitlisted) == (held, 0) == (1, 0)
