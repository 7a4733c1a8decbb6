"""The 活动 pages: the tab, an activity, signing up and cancelling, my sign-ups, the
organiser's dashboard and check-in, calendar files and the points page."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from activities import calendar
from activities.models import Activity, SignUp
from activities.services import attendance, publishing, signups
from core.models import AccessLog
from grids.models import Post, Role, RoleGrant
from points import services as points_services
from points.models import PointsEntry, Redemption, Reward
from points.services import points_earn
from residents.models import HouseholdMember
from tests.activities.conftest import make_class, soon
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _slot(activity: Activity):
    return activity.slots.get()


def _sign_up(client, activity: Activity, **data):
    return client.post(
        f"/activities/{activity.pk}/signup/", {"slot": _slot(activity).pk, "who": "self", **data}
    )


def _volunteer_shift_now(world, **kwargs) -> Activity:
    """A volunteer shift starting in 30 minutes (check-in opens an hour before)."""
    starts = timezone.now() + timedelta(minutes=30)
    return make_class(
        world,
        kind=Activity.Kind.VOLUNTEER,
        title="垃圾分类守门员",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        points_per_hour=10,
        **kwargs,
    )


# The 活动 tab


def test_the_tab_lists_my_communitys_upcoming_activities_with_places_left(client, world):
    calligraphy = make_class(world, capacity=3)
    client.force_login(world.resident_a)
    page = client.get("/activities/").content.decode()
    assert calligraphy.title in page and f'href="/activities/{calligraphy.pk}/"' in page
    assert 'data-left="3"' in page
    assert 'id="link-mine"' in page and 'id="link-points"' in page
    assert 'id="link-new"' not in page  # residents do not publish

    client.force_login(world.resident_c)  # West does not see East's class
    assert calligraphy.title not in client.get("/activities/").content.decode()


def test_organisers_see_the_publish_button(client, world):
    client.force_login(world.cadre_east)
    assert 'id="link-new"' in client.get("/activities/").content.decode()


def test_the_tab_filters_by_kind_and_by_age(client, world):
    make_class(world, title="书法课")
    make_class(world, title="少儿绘画", audience=Activity.Audience.AGE, age_bands=["6-12"])
    make_class(world, title="守门员", kind=Activity.Kind.VOLUNTEER)
    client.force_login(world.resident_a)
    volunteer = client.get("/activities/", {"kind": "volunteer"}).content.decode()
    assert "守门员" in volunteer and "书法课" not in volunteer
    elders = client.get("/activities/", {"age": "60+"}).content.decode()
    assert "少儿绘画" not in elders and "书法课" in elders
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    nothing = client.get("/activities/", {"day_to": tomorrow}).content.decode()
    assert "书法课" not in nothing and 'id="activities-empty"' in nothing


def test_the_tab_costs_the_same_queries_for_few_or_many_activities(
    client, world, django_assert_max_num_queries
):
    make_class(world, title="第一课")
    client.force_login(world.resident_a)
    client.get("/activities/")  # session and caches warmed
    with CaptureQueriesContext(connection) as few:
        assert client.get("/activities/").status_code == 200
    for i in range(6):
        activity = make_class(world, title=f"课{i}", starts_at=soon(50 + i))
        signups.signup_create(actor=world.resident_a, slot_id=_slot(activity).pk)
    with django_assert_max_num_queries(len(few)):
        page = client.get("/activities/")
    assert page.content.decode().count('class="card activity-card"') == 7


def test_the_tab_pages_by_keyset_when_there_are_many(client, world):
    for i in range(22):
        make_class(world, title=f"课程{i:02d}", starts_at=soon(30 + i))
    client.force_login(world.resident_a)
    first = client.get("/activities/")
    assert first.context["next_query"]
    assert len(first.context["activities"]) == 20
    second = client.get("/activities/?" + first.context["next_query"])
    assert [a.title for a in second.context["activities"]] == ["课程20", "课程21"]
    for bad in ("nonsense", "²", "1.2.3"):
        refused = client.get(f"/activities/?after={bad}")
        assert refused.status_code == 404
        assert "这个页面链接已过期" in refused.content.decode()
    refused = client.get("/points/?before=²")
    assert refused.status_code == 404 and "这个页面链接已过期" in refused.content.decode()


# An activity: places, sign-up, cancel


def test_signing_up_in_one_tap_confirms_then_waitlists(client, world):
    calligraphy = make_class(world, capacity=1)
    client.force_login(world.resident_a)
    page = client.get(f"/activities/{calligraphy.pk}/").content.decode()
    assert f'data-slot-left="{_slot(calligraphy).pk}">1<' in page
    assert f'data-ws="/ws/activities/{calligraphy.pk}/"' in page
    assert _sign_up(client, calligraphy).status_code == 302
    client.force_login(world.resident_a2)
    _sign_up(client, calligraphy)
    states = dict(SignUp.objects.values_list("user_id", "state"))
    assert states == {world.resident_a.pk: "confirmed", world.resident_a2.pk: "waitlisted"}
    page = client.get(f"/activities/{calligraphy.pk}/").content.decode()
    assert 'data-state="waitlisted"' in page and "signup-cancel" not in page
    assert f'action="/activities/signups/{SignUp.objects.get(user=world.resident_a2).pk}' in page


def test_signing_up_twice_shows_the_reason_on_the_page(client, world):
    calligraphy = make_class(world)
    client.force_login(world.resident_a)
    _sign_up(client, calligraphy)
    response = _sign_up(client, calligraphy)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'class="msg msg-error"' in page
    assert SignUp.objects.count() == 1


def test_a_parent_signs_up_a_child_and_the_child_is_remembered(client, world):
    painting = make_class(world, audience=Activity.Audience.AGE, age_bands=["6-12"])
    client.force_login(world.resident_a)
    page = client.get(f"/activities/{painting.pk}/").content.decode()
    assert 'name="age_band"' in page  # an age rule: my own age is asked
    _sign_up(client, painting, who="new", **{"new-name": "小明", "new-age_band": "6-12"})
    member = HouseholdMember.objects.get(owner=world.resident_a)
    signup = SignUp.objects.get()
    assert (signup.participant, signup.participant_name, signup.state) == (
        f"member-{member.pk}",
        "小明",
        "confirmed",
    )
    other = make_class(world, title="亲子阅读")
    page = client.get(f"/activities/{other.pk}/").content.decode()
    assert f'value="member-{member.pk}"' in page and "小明" in page
    assert 'name="age_band"' not in page  # no age rule: no question


def test_an_adult_is_refused_a_childrens_class_with_the_reason(client, world):
    painting = make_class(world, audience=Activity.Audience.AGE, age_bands=["6-12"])
    client.force_login(world.resident_a)
    _sign_up(client, painting, age_band="18-59")
    assert not SignUp.objects.exists()
    page = client.get(f"/activities/{painting.pk}/").content.decode()
    assert 'class="msg msg-error"' in page


def test_cancelling_from_the_page_gives_the_place_to_the_first_waiting(client, world):
    calligraphy = make_class(world, capacity=1)
    first = signups.signup_create(actor=world.resident_a, slot_id=_slot(calligraphy).pk)
    waiting = signups.signup_create(actor=world.resident_a2, slot_id=_slot(calligraphy).pk)
    client.force_login(world.resident_a2)
    client.post(f"/activities/signups/{first.pk}/cancel/")  # not theirs
    first.refresh_from_db()
    assert first.state == "confirmed"
    client.force_login(world.resident_a)
    response = client.post(f"/activities/signups/{first.pk}/cancel/")
    assert response.status_code == 302 and response["Location"] == f"/activities/{calligraphy.pk}/"
    waiting.refresh_from_db()
    assert waiting.state == "confirmed"


def test_an_activity_of_other_grids_does_not_exist_for_me(client, world):
    only_b = make_class(world, grid_ids=[world.grid_b.pk])
    client.force_login(world.resident_a)
    assert client.get(f"/activities/{only_b.pk}/").status_code == 404
    assert _sign_up(client, only_b).status_code == 404
    assert client.get(f"/activities/{only_b.pk}/calendar.ics").status_code == 404


def test_other_dates_of_a_weekly_class_are_linked(client, world):
    first = make_class(world, repeat_weeks=2)
    client.force_login(world.resident_a)
    page = client.get(f"/activities/{first.pk}/").content.decode()
    for later in first.repeats.all():
        assert f'href="/activities/{later.pk}/"' in page


def test_the_board_card_links_to_the_activity_and_says_cancelled(client, world):
    calligraphy = make_class(world)
    client.force_login(world.resident_a)
    board = client.get(f"/grids/{world.grid_a.pk}/board/").content.decode()
    assert f'data-activity-link="{calligraphy.pk}"' in board
    publishing.activity_cancel(actor=world.cadre_east, activity_id=calligraphy.pk)
    assert Post.objects.filter(ref_type="activity", ref_state="cancelled").exists()
    board = client.get(f"/grids/{world.grid_a.pk}/board/").content.decode()
    assert "badge badge-need" in board


# My sign-ups and calendars


def test_my_signups_show_a_ticket_for_a_confirmed_place(client, world):
    calligraphy = make_class(world, capacity=1)
    mine = signups.signup_create(actor=world.resident_a, slot_id=_slot(calligraphy).pk)
    client.force_login(world.resident_a)
    page = client.get("/activities/mine/").content.decode()
    ticket = f"http://testserver/activities/{calligraphy.pk}/tickets/{mine.pk}/"
    assert f'data-ticket-url="{ticket}"' in page and "<svg" in page
    assert "/activities/calendar/" in page


def test_the_ticket_leads_the_organiser_to_tick_in_and_nobody_else(client, world):
    calligraphy = make_class(world, starts_at=timezone.now() + timedelta(minutes=20))
    mine = signups.signup_create(actor=world.resident_a, slot_id=_slot(calligraphy).pk)
    url = f"/activities/{calligraphy.pk}/tickets/{mine.pk}/"
    client.force_login(world.resident_a2)
    assert client.get(url).status_code == 403
    client.force_login(world.cadre_east)
    assert 'id="tick"' in client.get(url).content.decode()
    client.post(f"/activities/signups/{mine.pk}/attendance/", {"attended": "1", "next": url})
    mine.refresh_from_db()
    assert mine.state == "attended"


def test_the_calendar_feed_needs_a_good_token(client, world):
    calligraphy = make_class(world)
    signups.signup_create(actor=world.resident_a, slot_id=_slot(calligraphy).pk)
    assert client.get("/activities/calendar/not-a-token.ics").status_code == 404
    forged = calendar.feed_token(world.resident_a.pk)[:-2] + "xx"
    assert client.get(f"/activities/calendar/{forged}.ics").status_code == 404
    token = calendar.feed_token(world.resident_a.pk)
    response = client.get(f"/activities/calendar/{token}.ics")  # no login: a calendar app
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [calligraphy.title]


def test_an_activitys_calendar_file_parses(client, world):
    calligraphy = make_class(world)
    client.force_login(world.resident_a)
    response = client.get(f"/activities/{calligraphy.pk}/calendar.ics")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event["location"] == calligraphy.place
    assert event.decoded("dtstart") == calligraphy.starts_at.replace(microsecond=0)


# Organisers


@pytest.mark.parametrize(
    "path",
    [
        "/activities/{id}/manage/",
        "/activities/{id}/attendees.csv",
        "/activities/{id}/check-in/qr/",
        "/activities/{id}/check-in/qr/code/",
    ],
)
def test_a_resident_cannot_open_the_organisers_pages(client, world, path):
    calligraphy = make_class(world)
    client.force_login(world.resident_a)
    assert client.get(path.format(id=calligraphy.pk)).status_code == 403
    client.force_login(world.resident_c)  # of another community: it does not exist
    assert client.get(path.format(id=calligraphy.pk)).status_code == 404
    client.force_login(world.cadre_east)
    assert client.get(path.format(id=calligraphy.pk)).status_code == 200
    assert not AccessLog.objects.filter(actor__in=[world.resident_a, world.resident_c]).exists()


def test_a_resident_cannot_publish(client, world):
    client.force_login(world.resident_a)
    assert client.get("/activities/new/").status_code == 403
    assert client.post("/activities/new/", {"title": "x"}).status_code == 403
    assert not Activity.objects.exists()


def test_a_cadre_publishes_a_class_from_the_form(client, world):
    client.force_login(world.cadre_east)
    page = client.get("/activities/new/").content.decode()
    assert f'value="{world.grid_a.pk}"' in page and f'value="{world.grid_c.pk}"' not in page
    starts = timezone.localtime(soon(72)).replace(second=0, microsecond=0)
    fmt = "%Y-%m-%dT%H:%M"
    response = client.post(
        "/activities/new/",
        {
            "kind": "class",
            "title": "暑期书法班",
            "description": "免费，自带毛笔",
            "place": "社区活动室",
            "starts_at": starts.strftime(fmt),
            "ends_at": (starts + timedelta(hours=2)).strftime(fmt),
            "capacity": "2",
            "audience": "all",
            "waitlist": "on",
            "grids": [world.grid_a.pk],
            "repeat_weeks": "1",
            "shift-TOTAL_FORMS": "4",
            "shift-INITIAL_FORMS": "0",
        },
    )
    activity = Activity.objects.get(repeat_of__isnull=True)
    assert response.status_code == 302 and response["Location"] == f"/activities/{activity.pk}/"
    assert (activity.title, activity.starts_at, _slot(activity).capacity) == (
        "暑期书法班",
        starts,
        2,
    )
    assert list(activity.grids.all()) == [world.grid_a]
    assert activity.repeats.count() == 1


def test_a_volunteer_service_with_shifts_from_the_form(client, world):
    client.force_login(world.cadre_east)
    starts = timezone.localtime(soon(72)).replace(second=0, microsecond=0)
    fmt = "%Y-%m-%dT%H:%M"
    rows = {
        "shift-TOTAL_FORMS": "4",
        "shift-INITIAL_FORMS": "0",
        "shift-0-role": "守门员",
        "shift-0-starts_at": starts.strftime(fmt),
        "shift-0-ends_at": (starts + timedelta(hours=2)).strftime(fmt),
        "shift-0-capacity": "3",
        "shift-1-role": "宣传员",
        "shift-1-starts_at": (starts + timedelta(hours=2)).strftime(fmt),
        "shift-1-ends_at": (starts + timedelta(hours=4)).strftime(fmt),
        "shift-1-capacity": "2",
    }
    common = {
        "kind": "volunteer",
        "title": "防疫志愿服务",
        "place": "小区北门",
        "starts_at": starts.strftime(fmt),
        "ends_at": (starts + timedelta(hours=4)).strftime(fmt),
        "audience": "all",
    }
    half = {**common, **rows, "shift-1-capacity": ""}
    assert client.post("/activities/new/", half).status_code == 400  # a row half filled
    client.post("/activities/new/", {**common, **rows})
    activity = Activity.objects.get()
    assert [(s.role, s.capacity) for s in activity.slots.all()] == [("守门员", 3), ("宣传员", 2)]


def test_a_service_refusal_shows_on_the_form(client, world):
    client.force_login(world.cadre_east)
    past = timezone.localtime(timezone.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/activities/new/",
        {
            "kind": "class",
            "title": "过去的课",
            "place": "活动室",
            "starts_at": past,
            "ends_at": past,
            "capacity": "2",
            "audience": "all",
            "shift-TOTAL_FORMS": "0",
            "shift-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def test_a_start_far_in_the_past_shows_on_the_form(client, world):
    client.force_login(world.cadre_east)
    client.raise_request_exception = False
    response = client.post(
        "/activities/new/",
        {
            "kind": "class",
            "title": "古老的课",
            "place": "活动室",
            "starts_at": "0001-01-01T01:00",
            "ends_at": "0001-01-01T03:00",
            "capacity": "2",
            "audience": "all",
            "shift-TOTAL_FORMS": "0",
            "shift-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def test_the_dashboard_lists_attendees_and_ticks_them(client, world):
    calligraphy = make_class(world, starts_at=timezone.now() + timedelta(minutes=20))
    a = signups.signup_create(actor=world.resident_a, slot_id=_slot(calligraphy).pk)
    b = signups.signup_create(actor=world.resident_a2, slot_id=_slot(calligraphy).pk)
    client.force_login(world.cadre_east)
    page = client.get(f"/activities/{calligraphy.pk}/manage/").content.decode()
    assert world.resident_a.display_name in page and world.resident_a.national_phone not in page
    manage = f"/activities/{calligraphy.pk}/manage/"
    client.post(f"/activities/signups/{a.pk}/attendance/", {"attended": "1", "next": manage})
    client.post(f"/activities/signups/{b.pk}/attendance/", {"attended": "0", "next": manage})
    page = client.get(manage).content.decode()
    assert 'data-rate="50"' in page


def test_the_csv_export_is_logged_and_holds_no_phone_numbers(client, world):
    calligraphy = make_class(world)
    signups.signup_create(actor=world.resident_a, slot_id=_slot(calligraphy).pk)
    client.force_login(world.cadre_east)
    response = client.get(f"/activities/{calligraphy.pk}/attendees.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 and rows[1][0] == world.resident_a.display_name
    assert rows[1][3] == str(SignUp.State.CONFIRMED.label)
    for user in (world.resident_a, world.cadre_east):
        assert user.national_phone not in text and user.phone not in text
    log = AccessLog.objects.get()
    assert (log.actor, log.action, log.scope) == (
        world.cadre_east,
        "activity.attendees_export",
        f"activity:{calligraphy.pk}",
    )


def test_csv_cells_that_look_like_formulas_stay_text(client, world):
    calligraphy = make_class(world)
    world.resident_a.display_name = "=HYPERLINK(1)"
    world.resident_a.save()
    signups.signup_create(actor=world.resident_a, slot_id=_slot(calligraphy).pk)
    client.force_login(world.cadre_east)
    text = client.get(f"/activities/{calligraphy.pk}/attendees.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_message_copy_and_cancel_from_the_dashboard(client, world):
    calligraphy = make_class(world)
    signups.signup_create(actor=world.resident_a, slot_id=_slot(calligraphy).pk)
    client.force_login(world.cadre_east)
    response = client.post(f"/activities/{calligraphy.pk}/message/", {"body": "请带毛笔"})
    assert response.status_code == 302
    new_start = timezone.localtime(calligraphy.starts_at + timedelta(weeks=1))
    response = client.post(
        f"/activities/{calligraphy.pk}/copy/", {"starts_at": new_start.strftime("%Y-%m-%dT%H:%M")}
    )
    copy = Activity.objects.exclude(pk=calligraphy.pk).get()
    assert response["Location"] == f"/activities/{copy.pk}/manage/"
    client.post(f"/activities/{calligraphy.pk}/cancel/", {"reason": "下雨"})
    calligraphy.refresh_from_db()
    assert calligraphy.state == "cancelled"
    assert SignUp.objects.get().state == "cancelled"


# Check-in by QR


def test_the_qr_page_shows_the_current_check_in_address(client, world):
    shift = _volunteer_shift_now(world)
    client.force_login(world.cadre_east)
    page = client.get(f"/activities/{shift.pk}/check-in/qr/").content.decode()
    code = attendance.checkin_code(shift)
    assert (
        f'data-checkin-url="http://testserver/activities/{shift.pk}/check-in/?code={code}"' in page
    )
    assert 'hx-trigger="every 20s"' in page and "<svg" in page


def test_checking_in_by_the_qr_credits_a_volunteers_hours_and_points(client, world):
    shift = _volunteer_shift_now(world)
    mine = signups.signup_create(actor=world.resident_a, slot_id=_slot(shift).pk)
    client.force_login(world.resident_a)
    url = f"/activities/{shift.pk}/check-in/"
    code = attendance.checkin_code(shift)
    assert 'id="checkin-confirm"' in client.get(url, {"code": code}).content.decode()
    page = client.post(url, {"code": code}).content.decode()
    assert 'data-hours="2.0"' in page and 'data-points="20"' in page
    mine.refresh_from_db()
    assert mine.state == "attended" and mine.hours == 2
    assert PointsEntry.objects.get(user=world.resident_a).amount == 20
    points = client.get("/points/").content.decode()
    assert 'data-balance="20"' in points and 'data-hours="2.0"' in points


def test_a_wrong_check_in_code_is_refused_on_the_page(client, world):
    shift = _volunteer_shift_now(world)
    signups.signup_create(actor=world.resident_a, slot_id=_slot(shift).pk)
    client.force_login(world.resident_a)
    response = client.post(f"/activities/{shift.pk}/check-in/", {"code": "0000000000"})
    assert response.status_code == 400 and 'id="checkin-error"' in response.content.decode()
    assert SignUp.objects.get().state == "confirmed"


def test_the_check_in_address_sends_a_logged_out_phone_to_log_in_first(client, world):
    shift = _volunteer_shift_now(world)
    response = client.get(f"/activities/{shift.pk}/check-in/?code=abc")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "code%3Dabc" in response["Location"]


# Points


def _reward(world, **kwargs) -> Reward:
    return points_services.reward_create(
        actor=world.cadre_east,
        community=world.east,
        name=kwargs.pop("name", "环保袋"),
        cost=kwargs.pop("cost", 10),
        stock=kwargs.pop("stock", 5),
    )


def _earn(user, amount: int, ref: int = 1) -> None:
    points_earn(
        user_id=user.pk,
        amount=amount,
        kind=PointsEntry.Kind.VOLUNTEER,
        reason="服务",
        ref=("t", ref),
    )


def test_a_resident_redeems_a_reward_and_sees_the_collection_code(client, world):
    reward = _reward(world)
    _earn(world.resident_a, 15)
    client.force_login(world.resident_a)
    page = client.get("/points/").content.decode()
    assert 'data-balance="15"' in page and f'data-reward="{reward.pk}"' in page
    assert 'id="cadre-h"' not in page
    client.post(f"/points/rewards/{reward.pk}/redeem/")
    redemption = Redemption.objects.get()
    page = client.get("/points/").content.decode()
    assert 'data-balance="5"' in page and redemption.code in page


def test_redeeming_without_enough_points_says_so(client, world):
    reward = _reward(world, cost=50)
    _earn(world.resident_a, 15)
    client.force_login(world.resident_a)
    client.post(f"/points/rewards/{reward.pk}/redeem/")
    page = client.get("/points/").content.decode()
    assert 'class="msg msg-error"' in page and not Redemption.objects.exists()


def test_the_leaderboard_names_only_who_opted_in(client, world):
    _earn(world.resident_a, 30)
    _earn(world.resident_a2, 20)
    client.force_login(world.resident_a)
    assert world.resident_a.display_name not in client.get("/points/").content.decode()
    client.post("/points/visibility/", {"public": "1"})
    page = client.get("/points/").content.decode()
    board = page[page.index('id="leaderboard"') :]
    assert world.resident_a.display_name in board
    assert world.resident_a2.display_name not in board
    client.post("/points/visibility/", {"public": "0"})
    page = client.get("/points/").content.decode()
    assert world.resident_a.display_name not in page[page.index('id="leaderboard"') :]


def test_the_history_pages_with_a_more_link(client, world):
    for i in range(25):
        _earn(world.resident_a, 1, ref=i)
    client.force_login(world.resident_a)
    page = client.get("/points/")
    assert page.content.decode().count("data-entry=") == 20
    more = page.context["more"]
    rest = client.get(f"/points/?before={more}", HTTP_HX_REQUEST="true").content.decode()
    assert rest.count("data-entry=") == 5 and "<html" not in rest


def test_cadres_list_rewards_hand_them_over_and_correct_entries(client, world):
    _earn(world.resident_a, 30)
    client.force_login(world.cadre_east)
    page = client.get("/points/").content.decode()
    assert 'id="cadre-h"' in page and 'id="community-entries"' in page
    client.post("/points/rewards/new/", {"reward-name": "米", "reward-cost": 20, "reward-stock": 3})
    reward = Reward.objects.get(name="米")
    redemption = points_services.reward_redeem(actor=world.resident_a, reward_id=reward.pk)
    client.post("/points/collect/", {"collect-code": redemption.code})
    redemption.refresh_from_db()
    assert redemption.state == "collected"
    earned = PointsEntry.objects.get(user=world.resident_a, kind="volunteer")
    client.post(f"/points/entries/{earned.pk}/correct/", {"reason": "重复记录"})
    assert not PointsEntry.objects.filter(kind="correction").exists()  # would go below zero
    _earn(world.resident_a, 40, ref=2)
    client.post(f"/points/entries/{earned.pk}/correct/", {"reason": "重复记录"})
    correction = PointsEntry.objects.get(kind="correction")
    assert (correction.amount, correction.reverses_id) == (-30, earned.pk)


def test_residents_cannot_use_the_cadres_points_tools(client, world):
    _earn(world.resident_a2, 30)
    entry = PointsEntry.objects.get()
    client.force_login(world.resident_a)
    assert (
        client.post(
            "/points/rewards/new/", {"reward-name": "米", "reward-cost": 2, "reward-stock": 3}
        ).status_code
        == 403
    )
    assert client.post("/points/collect/", {"collect-code": "123456"}).status_code == 403
    assert client.post(f"/points/entries/{entry.pk}/correct/", {"reason": "x"}).status_code == 403
    assert not Reward.objects.exists() and PointsEntry.objects.count() == 1


def test_a_volunteer_lead_may_publish(client, world):
    lead = MembershipFactory(micro_grid=world.buildings["a"][0]).user
    RoleGrant.objects.create(user=lead, role=Role.VOLUNTEER_LEAD, community=world.east)
    client.force_login(lead)
    assert client.get("/activities/new/").status_code == 200


def test_after_the_cancellation_deadline_only_the_waitlisted_may_leave(client, world):
    soon_class = make_class(world, capacity=1, starts_at=timezone.now() + timedelta(hours=1))
    held = signups.signup_create(actor=world.resident_a, slot_id=_slot(soon_class).pk)
    waiting = signups.signup_create(actor=world.resident_a2, slot_id=_slot(soon_class).pk)
    client.force_login(world.resident_a)
    page = client.get(f"/activities/{soon_class.pk}/").content.decode()
    assert f"/activities/signups/{held.pk}/cancel/" not in page
    client.force_login(world.resident_a2)
    page = client.get(f"/activities/{soon_class.pk}/").content.decode()
    assert f"/activities/signups/{waiting.pk}/cancel/" in page
    client.post(f"/activities/signups/{waiting.pk}/cancel/")
    waiting.refresh_from_db()
    assert waiting.state == "cancelled"


def test_the_organiser_changes_the_words_but_a_resident_cannot(client, world):
    activity = make_class(world)
    client.force_login(world.cadre_east)
    manage = client.get(f"/activities/{activity.pk}/manage/").content.decode()
    assert 'id="edit-form"' in manage
    client.post(
        f"/activities/{activity.pk}/edit/",
        {"title": "书法课（改）", "place": "三楼", "description": "自带毛笔"},
    )
    activity.refresh_from_db()
    assert (activity.title, activity.place, activity.description) == (
        "书法课（改）",
        "三楼",
        "自带毛笔",
    )
    client.force_login(world.resident_a)
    response = client.post(
        f"/activities/{activity.pk}/edit/", {"title": "坏", "place": "坏", "description": ""}
    )
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.title == "书法课（改）"


def test_cadres_change_a_rewards_stock_and_take_it_off_offer(client, world):
    reward = points_services.reward_create(
        actor=world.cadre_east, community=world.east, name="环保袋", cost=10, stock=5
    )
    client.force_login(world.cadre_east)
    client.post(f"/points/rewards/{reward.pk}/", {"stock": "12"})  # unticked: off offer
    reward.refresh_from_db()
    assert (reward.stock, reward.active) == (12, False)
    assert f'data-reward-update="{reward.pk}"' in client.get("/points/").content.decode()
    client.force_login(world.resident_a)
    assert f'data-reward="{reward.pk}"' not in client.get("/points/").content.decode()
    response = client.post(f"/points/rewards/{reward.pk}/", {"stock": "0", "active": "1"})
    assert response.status_code == 404
    reward.refresh_from_db()
    assert (reward.stock, reward.active) == (12, False)
