"""The activities and points API: who sees what, sign-ups and the waitlist over REST,
organiser tools, check-in, and the points ledger with rewards."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from activities import calendar
from activities.models import Activity, SignUp, Slot
from activities.services import attendance, publishing, signups
from activities.services.shifts import ShiftSpec
from grids.models import Post, Role
from grids.services.places import role_grant
from points import services as points_services
from points.models import PointsAccount, PointsEntry, Redemption, Reward
from points.services import points_earn
from residents.services import household_member_add
from tests.activities.conftest import make_class, soon

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def refused(response, status: int, code: str | None = None) -> dict:
    """The portal's error shape: the right status, a stable code and a message."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"code", "detail"}, body
    assert body["detail"], body
    if code is not None:
        assert body["code"] == code, body
    return body


def starting_in(world, minutes: int = 30, **kwargs) -> Activity:
    """A class that starts shortly: attendance and check-in are open, cancelling is not."""
    return make_class(world, starts_at=timezone.now() + timedelta(minutes=minutes), **kwargs)


def move_into_past(activity: Activity, hours: float = 3) -> None:
    """Shift every time of an activity (and its slots) back, as if it had taken place."""
    back = timedelta(hours=hours)
    for model, fields in (
        (Activity, ["starts_at", "ends_at", "signup_opens_at", "signup_closes_at", "cancel_until"]),
        (Slot, ["starts_at", "ends_at"]),
    ):
        rows = [activity] if model is Activity else list(activity.slots.all())
        for row in rows:
            for field in fields:
                setattr(row, field, getattr(row, field) - back)
            row.save(update_fields=fields)


def only_slot(activity: Activity) -> Slot:
    return activity.slots.get()


def sign_up(user, activity: Activity, **kwargs) -> SignUp:
    return signups.signup_create(actor=user, slot_id=only_slot(activity).pk, **kwargs)


def listed_ids(user, query: str = "") -> list[int]:
    response = api(user).get(f"/api/v1/activities/{query}")
    assert response.status_code == 200, response.content
    return [a["id"] for a in response.json()["results"]]


def west_class(world, **kwargs) -> Activity:
    starts = kwargs.pop("starts_at", soon())
    return publishing.activity_create(
        actor=world.cadre_west,
        community=world.west,
        title="太极拳",
        place="西湖广场",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        capacity=10,
        **kwargs,
    )


# Listing


def test_the_list_shows_each_viewer_only_the_activities_of_their_grids_and_community(world):
    whole = make_class(world, title="全社区书法课")
    grid_b_only = make_class(world, title="二网格议事会", grid_ids=[world.grid_b.pk])
    west = west_class(world)
    cancelled = make_class(world, title="取消的课")
    publishing.activity_cancel(actor=world.cadre_east, activity_id=cancelled.pk)
    over = make_class(world, title="已结束的课")
    move_into_past(over, hours=72)

    assert listed_ids(world.resident_a) == [whole.pk]
    assert sorted(listed_ids(world.resident_b)) == sorted([whole.pk, grid_b_only.pk])
    assert sorted(listed_ids(world.worker_b)) == sorted([whole.pk, grid_b_only.pk])
    assert listed_ids(world.worker_a) == [whole.pk]
    assert sorted(listed_ids(world.cadre_east)) == sorted([whole.pk, grid_b_only.pk])
    assert listed_ids(world.resident_c) == [west.pk]
    assert listed_ids(world.cadre_west) == [west.pk]
    assert listed_ids(world.outsider) == []


def test_the_list_says_how_many_places_are_left(world):
    activity = make_class(world, capacity=3)
    sign_up(world.resident_a, activity)
    row = api(world.resident_a2).get("/api/v1/activities/").json()["results"][0]
    assert (row["id"], row["capacity"], row["left"]) == (activity.pk, 3, 2)
    assert row["community_name"] == world.east.name
    assert row["organiser_name"] == world.cadre_east.display_name


def test_the_list_filters_by_kind_age_band_and_date(world):
    day = timedelta(days=1)
    everyone = make_class(world, title="全体", starts_at=soon(48))
    children = make_class(
        world, title="少儿", starts_at=soon(48 + 5 * 24), audience="age", age_bands=["6-12"]
    )
    elderly = make_class(world, title="长者", starts_at=soon(48 + 9 * 24), audience="elderly")
    volunteer = make_class(world, title="值守", kind="volunteer", starts_at=soon(48 + 1))

    assert listed_ids(world.resident_a, "?kind=volunteer") == [volunteer.pk]
    assert listed_ids(world.resident_a, "?age_band=6-12") == [
        everyone.pk,
        volunteer.pk,
        children.pk,
    ]
    assert listed_ids(world.resident_a, "?age_band=60%2B") == [
        everyone.pk,
        volunteer.pk,
        elderly.pk,
    ]
    first = timezone.localtime(children.starts_at).date()
    query = f"?date_from={first - day}&date_to={first + day}"
    assert listed_ids(world.resident_a, query) == [children.pk]
    assert listed_ids(world.resident_a, f"?date_from={first + 2 * day}") == [elderly.pk]
    assert listed_ids(world.resident_a, f"?date_to={first - 2 * day}") == [
        everyone.pk,
        volunteer.pk,
    ]


@pytest.mark.parametrize(
    "query", ["?kind=party", "?age_band=7-9", "?date_from=tomorrow", "?date_to=2025-13-40"]
)
def test_a_bad_filter_is_a_400_with_the_error_shape(world, query):
    refused(api(world.resident_a).get(f"/api/v1/activities/{query}"), 400, "invalid")


def test_the_list_pages_by_cursor_soonest_first(world):
    hours = [100, 30, 70, 50, 90, 40, 80]
    made = {h: make_class(world, title=f"课{h}", starts_at=soon(h)).pk for h in hours}
    expected = [made[h] for h in sorted(hours)]
    seen, url, pages = [], "/api/v1/activities/?page_size=3", 0
    while url:
        response = api(world.resident_a).get(url)
        assert response.status_code == 200
        page = response.json()
        assert len(page["results"]) <= 3
        seen += [row["id"] for row in page["results"]]
        url, pages = page["next"], pages + 1
    assert seen == expected
    assert pages == 3
    assert "offset" not in str(api(world.resident_a).get("/api/v1/activities/?page_size=3").json())


def test_the_list_costs_the_same_queries_for_2_or_12_activities(world, django_assert_num_queries):
    for i in range(2):
        make_class(world, title=f"课{i}", starts_at=soon(30 + i), grid_ids=[world.grid_a.pk])
    client = api(world.resident_a)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/activities/").json()["results"]) == 2
    for i in range(10):
        make_class(world, title=f"大课{i}", starts_at=soon(40 + i), capacity=5 + i)
    sign_up(world.resident_a2, Activity.objects.order_by("-pk").first())
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(client.get("/api/v1/activities/").json()["results"]) == 12
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(client.get("/api/v1/activities/?kind=class&age_band=18-59").json()["results"])


def test_an_anonymous_caller_gets_no_list(world):
    make_class(world)
    response = APIClient().get("/api/v1/activities/")
    assert response.status_code in (401, 403)
    assert "书法" not in response.content.decode()


# Publishing


def new_activity(world, **overrides) -> dict:
    starts = soon(72)
    return {
        "community": world.east.pk,
        "title": "书法公益课",
        "place": "社区活动室",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "capacity": 12,
        **overrides,
    }


def test_a_cadre_publishes_an_activity_and_its_cards_go_on_the_boards(world):
    response = api(world.cadre_east).post(
        "/api/v1/activities/", new_activity(world, grids=[world.grid_a.pk]), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "published" and body["title"] == "书法公益课"
    assert body["grids"] == [world.grid_a.pk]
    assert [(s["capacity"], s["left"], s["confirmed"]) for s in body["slots"]] == [(12, 12, 0)]
    cards = Post.objects.filter(ref_type="activity", ref_id=body["id"])
    assert list(cards.values_list("grid_id", flat=True)) == [world.grid_a.pk]


def test_a_volunteer_lead_appointed_by_a_cadre_may_publish(world):
    lead = world.resident_a
    refused(
        api(lead).post("/api/v1/activities/", new_activity(world), format="json"),
        403,
        "permission_denied",
    )
    role_grant(actor=world.cadre_east, user=lead, role=Role.VOLUNTEER_LEAD, community=world.east)
    response = api(lead).post("/api/v1/activities/", new_activity(world), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["organiser_name"] == lead.display_name
    # Appointed in East, not in West.
    refused(
        api(lead).post(
            "/api/v1/activities/", new_activity(world, community=world.west.pk), format="json"
        ),
        403,
    )


@pytest.mark.parametrize("who", ["resident_a", "worker_a", "cadre_west", "outsider"])
def test_anyone_else_may_not_publish(world, who):
    response = api(getattr(world, who)).post(
        "/api/v1/activities/", new_activity(world), format="json"
    )
    refused(response, 403, "permission_denied")
    assert not Activity.objects.exists()


def test_publishing_in_a_community_that_does_not_exist_is_a_404(world):
    response = api(world.admin).post(
        "/api/v1/activities/", new_activity(world, community=999999), format="json"
    )
    refused(response, 404)


def _times(starts_hours: float, length_hours: float) -> dict:
    starts = soon(starts_hours)
    return {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=length_hours)).isoformat(),
    }


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        (_times(72, -2), "activity_invalid"),
        (_times(72, 0), "activity_invalid"),
        (_times(-5, 1), "activity_invalid"),
        ({"capacity": 0}, "invalid"),
        ({"capacity": -3}, "invalid"),
        ({"capacity": None}, "activity_invalid"),
        ({"capacity": "many"}, "invalid"),
        ({"audience": "age", "age_bands": []}, "activity_invalid"),
        ({"audience": "age", "age_bands": ["7-9"]}, "invalid"),
        ({"audience": "martians"}, "invalid"),
        ({"kind": "party"}, "invalid"),
        ({"title": ""}, "invalid"),
        ({"starts_at": "next tuesday"}, "invalid"),
        ({"signup_closes_at": soon(100).isoformat()}, "activity_invalid"),
        ({"grids": [999999]}, "activity_invalid"),
        ({"repeat_weeks": 40}, "invalid"),
    ],
)
def test_bad_times_age_bands_or_capacity_are_a_400_with_a_code_and_a_message(
    world, overrides, code
):
    payload = new_activity(world)
    payload.update(overrides)
    payload = {k: v for k, v in payload.items() if v is not None}
    response = api(world.cadre_east).post("/api/v1/activities/", payload, format="json")
    refused(response, 400, code)
    assert not Activity.objects.exists()


def test_grids_of_another_community_are_refused(world):
    response = api(world.cadre_east).post(
        "/api/v1/activities/", new_activity(world, grids=[world.grid_c.pk]), format="json"
    )
    refused(response, 400, "activity_invalid")


def test_a_volunteer_service_has_shifts_each_with_its_own_places(world):
    starts = soon(72)
    hour = timedelta(hours=1)
    shifts = [
        {"role": "守门员", "starts_at": starts, "ends_at": starts + 2 * hour, "capacity": 2},
        {
            "role": "宣传员",
            "starts_at": starts + 2 * hour,
            "ends_at": starts + 4 * hour,
            "capacity": 1,
        },
    ]
    payload = new_activity(
        world,
        kind="volunteer",
        title="小区门岗值守",
        starts_at=starts.isoformat(),
        ends_at=(starts + 4 * hour).isoformat(),
        shifts=[
            {**s, "starts_at": s["starts_at"].isoformat(), "ends_at": s["ends_at"].isoformat()}
            for s in shifts
        ],
    )
    del payload["capacity"]
    response = api(world.cadre_east).post("/api/v1/activities/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(s["role"], s["capacity"], s["left"]) for s in body["slots"]] == [
        ("守门员", 2, 2),
        ("宣传员", 1, 1),
    ]
    assert body["points_per_hour"] > 0
    url = f"/api/v1/activities/{body['id']}/signups/"
    refused(api(world.resident_a).post(url, {}, format="json"), 400, "shift_required")
    taken = api(world.resident_a).post(url, {"slot": body["slots"][1]["id"]}, format="json")
    assert taken.status_code == 201, taken.content
    assert (taken.json()["role"], taken.json()["state"]) == ("宣传员", "confirmed")
    other = make_class(world)
    refused(api(world.resident_a).post(url, {"slot": only_slot(other).pk}, format="json"), 404)
    shift_outside = new_activity(
        world,
        kind="volunteer",
        starts_at=starts.isoformat(),
        shifts=[
            {
                "role": "守门员",
                "starts_at": (starts - hour).isoformat(),
                "ends_at": starts.isoformat(),
                "capacity": 1,
            }
        ],
    )
    refused(
        api(world.cadre_east).post("/api/v1/activities/", shift_outside, format="json"),
        400,
        "activity_invalid",
    )


# Detail, changes, cancel, copy


@pytest.mark.parametrize("who", ["resident_a", "resident_c", "worker_a", "cadre_west", "outsider"])
def test_an_activity_does_not_exist_for_those_outside_its_scope(world, who):
    activity = make_class(world, grid_ids=[world.grid_b.pk])
    refused(api(getattr(world, who)).get(f"/api/v1/activities/{activity.pk}/"), 404, "not_found")


def test_those_in_scope_see_the_detail(world):
    activity = make_class(world, grid_ids=[world.grid_b.pk])
    for who in (world.resident_b, world.worker_b, world.cadre_east, world.admin):
        response = api(who).get(f"/api/v1/activities/{activity.pk}/")
        assert response.status_code == 200, response.content
        assert response.json()["calendar"] == f"/activities/{activity.pk}/calendar.ics"
    refused(api(world.resident_b).get("/api/v1/activities/999999/"), 404)


def test_only_the_organiser_or_a_cadre_changes_the_words(world):
    role_grant(
        actor=world.cadre_east,
        user=world.resident_a,
        role=Role.VOLUNTEER_LEAD,
        community=world.east,
    )
    activity = make_class(world, actor=world.resident_a, description="带毛笔")
    url = f"/api/v1/activities/{activity.pk}/"
    change = {"title": "书法课（第二期）", "place": "二楼活动室"}
    response = api(world.resident_a).patch(url, change, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["place"]) == tuple(change.values())
    refused(api(world.resident_a2).patch(url, {"title": "改"}, format="json"), 403)
    refused(api(world.resident_c).patch(url, {"title": "改"}, format="json"), 404)
    assert api(world.cadre_east).patch(url, {"title": "书法课"}, format="json").status_code == 200
    refused(api(world.resident_a).patch(url, {"title": ""}, format="json"), 400)


def test_a_patch_changes_only_what_it_sends(world):
    activity = make_class(world, description="请自带毛笔和宣纸")
    url = f"/api/v1/activities/{activity.pk}/"
    response = api(world.cadre_east).patch(url, {"title": "硬笔书法"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "硬笔书法"
    assert body["description"] == "请自带毛笔和宣纸"
    assert body["place"] == "社区活动室"


def test_cancelling_an_activity_cancels_every_sign_up_and_marks_its_cards(world):
    activity = make_class(world, capacity=1)
    confirmed = sign_up(world.resident_a, activity)
    waiting = sign_up(world.resident_a2, activity)
    assert waiting.state == "waitlisted"
    url = f"/api/v1/activities/{activity.pk}/cancel/"
    refused(api(world.resident_a).post(url, {"reason": "不想上"}, format="json"), 403)
    response = api(world.cadre_east).post(url, {"reason": "下雨"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "cancelled"
    assert all(s["confirmed"] == 0 and s["waitlisted"] == 0 for s in response.json()["slots"])
    states = set(SignUp.objects.filter(pk__in=[confirmed.pk, waiting.pk]).values_list("state"))
    assert states == {("cancelled",)}
    cards = Post.objects.filter(ref_type="activity", ref_id=activity.pk)
    assert cards.count() == 2
    assert set(cards.values_list("ref_state", flat=True)) == {"cancelled"}
    refused(api(world.cadre_east).post(url, {}, format="json"), 409)
    refused(
        api(world.resident_b).post(f"/api/v1/activities/{activity.pk}/signups/", {}, format="json"),
        409,
        "signup_refused",
    )
    assert api(world.resident_a).get("/api/v1/activities/signups/").json() == []


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "repeat_weeks"),
    [
        ("9999-12-30T01:00:00Z", "9999-12-30T03:00:00Z", 2),
        ("0001-01-01T01:00:00Z", "2099-01-01T03:00:00Z", 0),
    ],
)
def test_times_far_from_now_are_refused_clearly(world, starts_at, ends_at, repeat_weeks):
    client = api(world.cadre_east)
    client.raise_request_exception = False
    data = {
        "community": world.east.pk,
        "title": "书法课",
        "place": "活动室",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": 3,
        "repeat_weeks": repeat_weeks,
    }
    refused(client.post("/api/v1/activities/", data, format="json"), 400, "activity_invalid")
    assert not Activity.objects.exists()


def test_a_grid_id_beyond_any_row_is_refused_clearly(world):
    client = api(world.cadre_east)
    client.raise_request_exception = False
    data = {
        "community": world.east.pk,
        "title": "书法课",
        "place": "活动室",
        "starts_at": soon().isoformat(),
        "ends_at": soon(50).isoformat(),
        "capacity": 3,
        "grids": [10**20],
    }
    refused(client.post("/api/v1/activities/", data, format="json"), 400, "invalid")
    assert not Activity.objects.exists()


def test_a_copy_to_a_time_far_from_now_is_refused_clearly(world):
    activity = make_class(world)
    client = api(world.cadre_east)
    client.raise_request_exception = False
    url = f"/api/v1/activities/{activity.pk}/copy/"
    response = client.post(url, {"starts_at": "0001-01-01T00:00:00Z"}, format="json")
    refused(response, 400, "activity_invalid")
    assert Activity.objects.count() == 1


def test_copying_an_activity_makes_the_same_one_at_a_new_time(world):
    activity = make_class(world, capacity=7, grid_ids=[world.grid_a.pk], description="第一期")
    next_week = activity.starts_at + timedelta(weeks=1)
    url = f"/api/v1/activities/{activity.pk}/copy/"
    response = api(world.cadre_east).post(url, {"starts_at": next_week.isoformat()}, format="json")
    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["id"] != activity.pk
    assert (copy["title"], copy["description"], copy["grids"]) == (
        activity.title,
        "第一期",
        [world.grid_a.pk],
    )
    assert [(s["capacity"], s["left"]) for s in copy["slots"]] == [(7, 7)]
    copied = Activity.objects.get(pk=copy["id"])
    assert copied.starts_at == next_week
    assert copied.ends_at - copied.starts_at == activity.ends_at - activity.starts_at
    refused(
        api(world.resident_a).post(url, {"starts_at": next_week.isoformat()}, format="json"), 403
    )
    refused(api(world.cadre_east).post(url, {"starts_at": "soon"}, format="json"), 400, "invalid")


# Sign-ups


def test_sign_ups_are_confirmed_then_waitlisted_and_a_second_one_is_refused(world):
    activity = make_class(world, capacity=2)
    url = f"/api/v1/activities/{activity.pk}/signups/"
    states = [
        api(who).post(url, {}, format="json").json()["state"]
        for who in (world.resident_a, world.resident_a2, world.resident_b)
    ]
    assert states == ["confirmed", "confirmed", "waitlisted"]
    body = refused(api(world.resident_a).post(url, {}, format="json"), 409, "signup_refused")
    assert world.resident_a.display_name in body["detail"]
    slot = only_slot(activity)
    assert (slot.confirmed, slot.waitlisted) == (2, 1)
    detail = api(world.resident_b).get(f"/api/v1/activities/{activity.pk}/").json()
    assert [(s["left"], s["waitlisted"]) for s in detail["slots"]] == [(0, 1)]


def test_without_a_waitlist_a_full_activity_refuses_with_409(world):
    activity = make_class(world, capacity=1, waitlist=False)
    url = f"/api/v1/activities/{activity.pk}/signups/"
    assert api(world.resident_a).post(url, {}, format="json").status_code == 201
    refused(api(world.resident_a2).post(url, {}, format="json"), 409, "activity_full")
    assert SignUp.objects.filter(activity=activity).count() == 1


def test_signing_up_for_an_activity_one_cannot_see_is_a_404(world):
    activity = make_class(world, grid_ids=[world.grid_b.pk])
    refused(
        api(world.resident_a).post(f"/api/v1/activities/{activity.pk}/signups/", {}, format="json"),
        404,
    )
    assert not SignUp.objects.exists()


def test_a_parent_signs_up_a_child_for_a_childrens_class_but_not_an_adult(world):
    parent = world.resident_a
    activity = make_class(world, audience="age", age_bands=["6-12"], title="少儿书法")
    child = api(parent).post(
        "/api/v1/activities/household/", {"name": "小明", "age_band": "6-12"}, format="json"
    )
    assert child.status_code == 201, child.content
    grandma = (
        api(parent)
        .post("/api/v1/activities/household/", {"name": "奶奶", "age_band": "60+"}, format="json")
        .json()
    )
    listed = api(parent).get("/api/v1/activities/household/").json()
    assert [(m["name"], m["age_band"]) for m in listed] == [("小明", "6-12"), ("奶奶", "60+")]
    url = f"/api/v1/activities/{activity.pk}/signups/"

    taken = api(parent).post(url, {"member": child.json()["id"]}, format="json")
    assert taken.status_code == 201, taken.content
    assert (taken.json()["participant_name"], taken.json()["age_band"], taken.json()["state"]) == (
        "小明",
        "6-12",
        "confirmed",
    )
    too_old = refused(
        api(parent).post(url, {"member": grandma["id"]}, format="json"), 409, "signup_refused"
    )
    assert "6" in too_old["detail"]
    refused(api(parent).post(url, {"age_band": "18-59"}, format="json"), 409, "signup_refused")
    refused(api(parent).post(url, {"member": child.json()["id"]}, format="json"), 409)
    someone_elses = household_member_add(owner=world.resident_a2, name="小红", age_band="6-12")
    refused(api(parent).post(url, {"member": someone_elses.pk}, format="json"), 404)
    assert SignUp.objects.filter(activity=activity).count() == 1


def test_household_input_is_checked(world):
    url = "/api/v1/activities/household/"
    refused(api(world.resident_a).post(url, {"name": "小明", "age_band": "7"}, format="json"), 400)
    refused(api(world.resident_a).post(url, {"name": "", "age_band": "6-12"}, format="json"), 400)
    assert api(world.resident_a2).get(url).json() == []


def test_my_sign_ups_list_mine_and_my_households_by_time(world):
    later = make_class(world, starts_at=soon(96), title="后面的课")
    sooner = make_class(world, starts_at=soon(30), title="前面的课")
    member = household_member_add(owner=world.resident_a, name="小明", age_band="6-12")
    sign_up(world.resident_a, later)
    sign_up(world.resident_a, sooner)
    sign_up(world.resident_a, sooner, member_id=member.pk)
    sign_up(world.resident_a2, sooner)
    mine = api(world.resident_a).get("/api/v1/activities/signups/").json()
    assert [(s["activity_title"], s["participant_name"]) for s in mine] == [
        ("前面的课", world.resident_a.display_name),
        ("前面的课", "小明"),
        ("后面的课", world.resident_a.display_name),
    ]
    only = api(world.resident_a).get(f"/api/v1/activities/signups/?activity={later.pk}").json()
    assert [s["activity"] for s in only] == [later.pk]


def test_the_owner_cancels_before_the_deadline_and_the_waitlist_moves_up(world):
    activity = make_class(world, capacity=1)
    first = sign_up(world.resident_a, activity)
    second = sign_up(world.resident_a2, activity)
    refused(api(world.resident_b).post(f"/api/v1/activities/signups/{first.pk}/cancel/"), 404)
    response = api(world.resident_a).post(f"/api/v1/activities/signups/{first.pk}/cancel/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "cancelled"
    promoted = api(world.resident_a2).get("/api/v1/activities/signups/").json()
    assert [(s["id"], s["state"]) for s in promoted] == [(second.pk, "confirmed")]
    detail = api(world.resident_a2).get(f"/api/v1/activities/{activity.pk}/").json()
    assert [(s["confirmed"], s["waitlisted"], s["left"]) for s in detail["slots"]] == [(1, 0, 0)]
    refused(api(world.resident_a).post(f"/api/v1/activities/signups/{first.pk}/cancel/"), 409)


def test_after_the_deadline_only_the_organiser_may_cancel_a_place(world):
    activity = starting_in(world, 30, capacity=1)
    mine = sign_up(world.resident_a, activity)
    waiting = sign_up(world.resident_a2, activity)
    url = f"/api/v1/activities/signups/{mine.pk}/cancel/"
    refused(api(world.resident_a).post(url), 409, "signup_state")
    assert SignUp.objects.get(pk=mine.pk).state == "confirmed"
    response = api(world.cadre_east).post(url)
    assert response.status_code == 200, response.content
    assert SignUp.objects.get(pk=waiting.pk).state == "confirmed"


# Organiser tools


def test_the_attendee_list_is_for_organisers_and_holds_no_phone_or_unit(world):
    activity = make_class(world, capacity=1)
    member = household_member_add(owner=world.resident_b, name="小明", age_band="6-12")
    sign_up(world.resident_a, activity)
    sign_up(world.resident_a2, activity)
    sign_up(world.resident_b, activity, member_id=member.pk)
    url = f"/api/v1/activities/{activity.pk}/attendees/"
    response = api(world.cadre_east).get(url)
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [(r["participant_name"], r["state"]) for r in rows] == [
        (world.resident_a.display_name, "confirmed"),
        (world.resident_a2.display_name, "waitlisted"),
        ("小明", "waitlisted"),
    ]
    assert rows[2]["account_name"] == world.resident_b.display_name
    text = response.content.decode()
    for key, people in (("a", [world.resident_a, world.resident_a2]), ("b", [world.resident_b])):
        for person, membership in zip(people, world.members[key], strict=False):
            assert person.national_phone not in text
            assert person.phone not in text
            assert membership.unit not in text
    refused(api(world.resident_a).get(url), 403, "permission_denied")
    refused(api(world.resident_c).get(url), 404)
    refused(api(world.outsider).get(url), 404)


def test_organisers_tick_names_and_see_the_attendance_rate(world):
    activity = starting_in(world, 30, capacity=3)
    came = sign_up(world.resident_a, activity)
    missed = sign_up(world.resident_a2, activity)
    sign_up(world.resident_b, activity)
    tick = "/api/v1/activities/signups/{}/attendance/"
    refused(api(world.resident_a).post(tick.format(came.pk), {"attended": True}), 403)
    response = api(world.cadre_east).post(tick.format(came.pk), {"attended": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "attended" and response.json()["checked_in_at"]
    absent = api(world.cadre_east).post(tick.format(missed.pk), {"attended": False}, format="json")
    assert absent.json()["state"] == "no_show"
    refused(api(world.cadre_east).post(tick.format(came.pk), {"attended": True}), 409)
    refused(api(world.cadre_east).post(tick.format(came.pk), {"attended": "maybe"}), 400)
    summary = api(world.cadre_east).get(f"/api/v1/activities/{activity.pk}/attendance/").json()
    assert (summary["attended"], summary["no_show"], summary["confirmed"], summary["rate"]) == (
        1,
        1,
        1,
        50,
    )


def test_attendance_cannot_be_ticked_days_before(world):
    activity = make_class(world)
    signup = sign_up(world.resident_a, activity)
    response = api(world.cadre_east).post(
        f"/api/v1/activities/signups/{signup.pk}/attendance/", {"attended": True}, format="json"
    )
    refused(response, 409, "signup_state")


def test_closing_attendance_after_the_end_marks_the_absent_as_no_shows(world):
    activity = starting_in(world, 30, capacity=3)
    came = sign_up(world.resident_a, activity)
    sign_up(world.resident_a2, activity)
    url = f"/api/v1/activities/{activity.pk}/attendance/close/"
    refused(api(world.cadre_east).post(url), 409, "signup_state")
    attendance.attendance_mark(actor=world.cadre_east, signup_id=came.pk, attended=True)
    move_into_past(activity)
    refused(api(world.resident_a).post(url), 403)
    response = api(world.cadre_east).post(url)
    assert response.status_code == 200, response.content
    assert (response.json()["attended"], response.json()["no_show"], response.json()["rate"]) == (
        1,
        1,
        50,
    )


# Check-in


def test_the_check_in_code_is_for_organisers_and_checks_people_in(world):
    activity = starting_in(world, 20, capacity=1)
    mine = sign_up(world.resident_a, activity)
    sign_up(world.resident_a2, activity)
    code_url = f"/api/v1/activities/{activity.pk}/check-in/code/"
    refused(api(world.resident_a).get(code_url), 403)
    shown = api(world.cadre_east).get(code_url)
    assert shown.status_code == 200, shown.content
    code = shown.json()["code"]
    assert code in shown.json()["url"] and shown.json()["valid_seconds"] > 0
    url = f"/api/v1/activities/{activity.pk}/check-in/"

    refused(api(world.resident_a).post(url, {"code": "0000000000"}), 400, "checkin_refused")
    waitlisted = refused(api(world.resident_a2).post(url, {"code": code}), 400, "checkin_refused")
    assert waitlisted["detail"]
    refused(api(world.resident_b).post(url, {"code": code}), 400, "checkin_refused")
    refused(api(world.resident_c).post(url, {"code": code}), 404)
    response = api(world.resident_a).post(url, {"code": code})
    assert response.status_code == 200, response.content
    assert [(s["id"], s["state"], s["late"]) for s in response.json()] == [
        (mine.pk, "attended", False)
    ]
    refused(api(world.resident_a).post(url, {"code": code}), 409, "checkin_refused")
    assert PointsEntry.objects.count() == 0  # a class earns no points


def test_a_volunteer_checking_in_earns_hours_and_points(world):
    volunteer = world.resident_a
    role_grant(actor=world.cadre_east, user=volunteer, role=Role.VOLUNTEER, community=world.east)
    starts = timezone.now() + timedelta(minutes=30)
    activity = publishing.activity_create(
        actor=world.cadre_east,
        community=world.east,
        kind="volunteer",
        title="小区门岗值守",
        place="东门",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        audience="volunteers",
        points_per_hour=10,
        shifts=[ShiftSpec("守门员", starts, starts + timedelta(hours=2), 2)],
    )
    url = f"/api/v1/activities/{activity.pk}/signups/"
    refused(api(world.resident_a2).post(url, {}, format="json"), 409, "signup_refused")
    assert api(volunteer).post(url, {}, format="json").status_code == 201
    before = api(volunteer).get("/api/v1/points/").json()
    assert (before["balance"], before["volunteer_hours"]) == (0, 0)
    code = attendance.checkin_code(activity)
    checked = api(volunteer).post(f"/api/v1/activities/{activity.pk}/check-in/", {"code": code})
    assert checked.status_code == 200, checked.content
    assert float(checked.json()[0]["hours"]) == 2.0
    after = api(volunteer).get("/api/v1/points/").json()
    assert (after["balance"], after["volunteer_hours"]) == (20, 2.0)
    history = api(volunteer).get("/api/v1/points/entries/").json()["results"]
    assert [(e["amount"], e["balance_after"], e["kind"]) for e in history] == [
        (20, 20, "volunteer")
    ]


def test_the_calendar_feed_address_carries_a_token_for_me_only(world):
    response = api(world.resident_a).get("/api/v1/activities/calendar/")
    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith("http") and url.endswith(".ics") and "/activities/calendar/" in url
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert calendar.feed_user_id(token) == world.resident_a.pk
    other = api(world.resident_a2).get("/api/v1/activities/calendar/").json()["url"]
    assert other != url


# Points


def earn(user, amount: int, ref: int = 1) -> PointsEntry:
    return points_earn(
        user_id=user.pk, amount=amount, kind="volunteer", reason="志愿服务", ref=("test", ref)
    )


def test_my_points_summary_and_history_page_by_cursor_newest_first(world):
    entries = [earn(world.resident_a, n, ref=n) for n in (1, 2, 3, 4, 5)]
    earn(world.resident_a2, 9)
    summary = api(world.resident_a).get("/api/v1/points/").json()
    assert summary == {"balance": 15, "public": False, "volunteer_hours": 0.0}
    seen, url = [], "/api/v1/points/entries/?page_size=2"
    while url:
        page = api(world.resident_a).get(url).json()
        assert len(page["results"]) <= 2
        seen += [(e["id"], e["balance_after"]) for e in page["results"]]
        url = page["next"]
    assert seen == [(e.pk, e.balance_after) for e in reversed(entries)]
    assert [b for _, b in seen] == [15, 10, 6, 3, 1]


def test_a_resident_chooses_whether_the_leaderboard_names_them(world):
    response = api(world.resident_a).patch("/api/v1/points/", {"public": True}, format="json")
    assert response.status_code == 200
    assert response.json()["public"] is True
    assert PointsAccount.objects.get(user=world.resident_a).public
    refused(api(world.resident_a).patch("/api/v1/points/", {"public": "yes please"}), 400)
    back = api(world.resident_a).patch("/api/v1/points/", {"public": False}, format="json")
    assert back.json()["public"] is False


def test_the_leaderboard_names_only_those_who_opted_in(world):
    earn(world.resident_a, 30)
    earn(world.resident_a2, 20)
    earn(world.resident_c, 50)
    api(world.resident_a).patch("/api/v1/points/", {"public": True}, format="json")
    response = api(world.cadre_east).get("/api/v1/points/leaderboard/")
    assert response.status_code == 200, response.content
    assert response.json() == [
        {"rank": 1, "name": world.resident_a.display_name, "earned": 30},
        {"rank": 2, "name": None, "earned": 20},
    ]
    assert world.resident_a2.display_name not in response.content.decode()
    west = api(world.resident_c).get("/api/v1/points/leaderboard/").json()
    assert west == [{"rank": 1, "name": None, "earned": 50}]
    refused(
        api(world.resident_c).get(f"/api/v1/points/leaderboard/?community={world.east.pk}"), 404
    )
    refused(api(world.outsider).get("/api/v1/points/leaderboard/"), 404)


def reward(world, *, cost: int = 10, stock: int = 2, community=None) -> Reward:
    return points_services.reward_create(
        actor=world.cadre_east if community is None else world.cadre_west,
        community=community or world.east,
        name="环保袋",
        cost=cost,
        stock=stock,
    )


def test_only_a_cadre_of_the_community_lists_rewards(world):
    payload = {"community": world.east.pk, "name": "环保袋", "cost": 10, "stock": 5}
    response = api(world.cadre_east).post("/api/v1/points/rewards/", payload, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["name"], response.json()["stock"]) == ("环保袋", 5)
    refused(api(world.resident_a).post("/api/v1/points/rewards/", payload, format="json"), 403)
    refused(api(world.cadre_west).post("/api/v1/points/rewards/", payload, format="json"), 403)
    refused(
        api(world.cadre_east).post(
            "/api/v1/points/rewards/", {**payload, "cost": 0}, format="json"
        ),
        400,
    )
    listed = api(world.resident_a).get("/api/v1/points/rewards/").json()
    assert [r["name"] for r in listed] == ["环保袋"]
    assert api(world.resident_c).get("/api/v1/points/rewards/").json() == []


def test_redeeming_spends_points_takes_stock_and_gives_a_code_to_collect_by(world):
    item = reward(world, cost=10, stock=2)
    earn(world.resident_a, 25)
    response = api(world.resident_a).post(f"/api/v1/points/rewards/{item.pk}/redeem/")
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert len(code) == 6 and code.isdigit() and response.json()["state"] == "redeemed"
    assert api(world.resident_a).get("/api/v1/points/").json()["balance"] == 15
    assert Reward.objects.get(pk=item.pk).stock == 1
    mine = api(world.resident_a).get("/api/v1/points/redemptions/").json()
    assert [(r["reward_name"], r["code"]) for r in mine] == [("环保袋", code)]

    collect = {"community": world.east.pk, "code": code}
    refused(api(world.resident_a).post("/api/v1/points/redemptions/collect/", collect), 403)
    refused(
        api(world.cadre_west).post(
            "/api/v1/points/redemptions/collect/", {**collect, "community": world.west.pk}
        ),
        404,
    )
    handed = api(world.cadre_east).post("/api/v1/points/redemptions/collect/", collect)
    assert handed.status_code == 200, handed.content
    assert handed.json()["state"] == "collected"
    refused(api(world.cadre_east).post("/api/v1/points/redemptions/collect/", collect), 404)


def test_too_few_points_is_a_409_that_takes_no_stock_and_writes_no_line(world):
    item = reward(world, cost=30, stock=3)
    earn(world.resident_a, 25)
    lines = PointsEntry.objects.count()
    body = refused(
        api(world.resident_a).post(f"/api/v1/points/rewards/{item.pk}/redeem/"),
        409,
        "points_not_enough",
    )
    assert "25" in body["detail"] and "30" in body["detail"]
    assert Reward.objects.get(pk=item.pk).stock == 3
    assert PointsEntry.objects.count() == lines
    assert not Redemption.objects.exists()
    assert api(world.resident_a).get("/api/v1/points/").json()["balance"] == 25


def test_an_empty_stock_is_a_409_and_a_foreign_reward_a_404(world):
    empty = reward(world, cost=5, stock=0)
    earn(world.resident_a, 25)
    refused(
        api(world.resident_a).post(f"/api/v1/points/rewards/{empty.pk}/redeem/"),
        409,
        "reward_unavailable",
    )
    west = reward(world, cost=5, stock=5, community=world.west)
    refused(api(world.resident_a).post(f"/api/v1/points/rewards/{west.pk}/redeem/"), 404)
    assert api(world.resident_a).get("/api/v1/points/").json()["balance"] == 25
    assert not Redemption.objects.exists()


def test_a_cadre_corrects_a_wrong_entry_by_a_reversing_one_once(world):
    wrong = earn(world.resident_a, 30)
    url = f"/api/v1/points/entries/{wrong.pk}/reverse/"
    correction = {"community": world.east.pk, "reason": "重复记分"}
    refused(api(world.resident_a).post(url, correction), 403)
    refused(api(world.cadre_west).post(url, correction), 403)
    refused(api(world.cadre_west).post(url, {**correction, "community": world.west.pk}), 404)
    refused(api(world.cadre_east).post(url, {"community": world.east.pk}), 400)
    response = api(world.cadre_east).post(url, correction)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["balance_after"], body["kind"], body["reverses"]) == (
        -30,
        0,
        "correction",
        wrong.pk,
    )
    assert PointsEntry.objects.get(pk=wrong.pk).amount == 30  # history is never edited
    refused(api(world.cadre_east).post(url, correction), 409)
    refused(
        api(world.cadre_east).post(f"/api/v1/points/entries/{body['id']}/reverse/", correction), 409
    )
    assert api(world.resident_a).get("/api/v1/points/").json()["balance"] == 0


def test_a_correction_that_would_take_the_balance_below_zero_is_refused(world):
    wrong = earn(world.resident_a, 30)
    item = reward(world, cost=20, stock=1)
    assert (
        api(world.resident_a).post(f"/api/v1/points/rewards/{item.pk}/redeem/").status_code == 201
    )
    response = api(world.cadre_east).post(
        f"/api/v1/points/entries/{wrong.pk}/reverse/",
        {"community": world.east.pk, "reason": "记错了"},
    )
    refused(response, 409, "points_not_enough")
    assert api(world.resident_a).get("/api/v1/points/").json()["balance"] == 10
    history = api(world.resident_a).get("/api/v1/points/entries/").json()["results"]
    assert [(e["amount"], e["balance_after"]) for e in history] == [(-20, 10), (30, 30)]
    assert all(e.balance_after >= 0 for e in PointsEntry.objects.all())
    assert sum(e["amount"] for e in history) == 10
