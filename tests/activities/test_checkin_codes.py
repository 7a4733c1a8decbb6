"""Check-in codes cannot be guessed: five wrong codes lock check-in by code for that
person (the organiser ticks them instead); a code is checked for its form before it is
compared; a losing duplicate scan is told 409. And household places for any member id."""

from datetime import timedelta
from unittest import mock

import pytest
from rest_framework.test import APIClient

from activities.errors import CheckInCodeInvalid, CheckInLocked, CheckInRefused
from activities.models import CheckInMiss, SignUp
from activities.services import attendance, signups
from residents.models import HouseholdMember
from tests.activities.conftest import make_class

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def class_on_now(world):
    from django.utils import timezone

    activity = make_class(world, capacity=5, starts_at=timezone.now() + timedelta(minutes=10))
    slot = activity.slots.get()
    signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    signups.signup_create(actor=world.resident_a2, slot_id=slot.pk)
    return activity


def wrong(activity) -> str:
    right = attendance.checkin_code(activity)
    return "0000000000" if right != "0000000000" else "1111111111"


def scan(user, activity, code):
    return attendance.checkin_by_code(actor=user, activity_id=activity.pk, code=code)


def test_five_wrong_codes_lock_check_in_by_code_for_that_person_only(world):
    activity = class_on_now(world)
    for _ in range(4):
        with pytest.raises(CheckInRefused) as refused:
            scan(world.resident_a, activity, wrong(activity))
        assert refused.value.code == "checkin_refused"
    with pytest.raises(CheckInLocked) as fifth:
        scan(world.resident_a, activity, wrong(activity))
    assert (fifth.value.status, fifth.value.code) == (409, "checkin_locked")
    with pytest.raises(CheckInLocked):
        scan(world.resident_a, activity, attendance.checkin_code(activity))
    assert CheckInMiss.objects.get(user=world.resident_a, activity=activity).misses == 5
    assert SignUp.objects.get(user=world.resident_a).state == "confirmed"
    # Someone else is not locked out, and the organiser can still tick the locked one.
    assert scan(world.resident_a2, activity, attendance.checkin_code(activity))
    mine = SignUp.objects.get(user=world.resident_a)
    attendance.attendance_mark(actor=world.cadre_east, signup_id=mine.pk, attended=True)


def test_the_locked_message_tells_the_person_to_ask_the_organiser_in_chinese(world):
    activity = class_on_now(world)
    url = f"/api/v1/activities/{activity.pk}/check-in/"
    for _ in range(5):
        api(world.resident_a).post(url, {"code": wrong(activity)})
    response = api(world.resident_a).post(
        url, {"code": attendance.checkin_code(activity)}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert (response.status_code, response.json()["code"]) == (409, "checkin_locked")
    assert "组织者" in response.json()["detail"]


def test_a_right_code_does_not_count_against_the_person(world):
    activity = class_on_now(world)
    for _ in range(4):
        with pytest.raises(CheckInRefused):
            scan(world.resident_a, activity, wrong(activity))
    assert scan(world.resident_a, activity, attendance.checkin_code(activity))
    assert CheckInMiss.objects.get(user=world.resident_a).misses == 4


@pytest.mark.parametrize("code", ["ö", "０１２３４５６７８９", "12345", "zzzzzzzzzz", " "])
def test_a_code_of_the_wrong_form_is_refused_before_it_is_compared(world, code):
    activity = class_on_now(world)
    with pytest.raises(CheckInCodeInvalid) as refused:
        scan(world.resident_a, activity, code)
    assert refused.value.status == 400
    assert not CheckInMiss.objects.filter(misses__gt=0).exists()


def test_a_non_ascii_code_is_a_400_on_the_api_and_on_the_page(world, client):
    activity = class_on_now(world)
    response = api(world.resident_a).post(
        f"/api/v1/activities/{activity.pk}/check-in/", {"code": "ö"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "checkin_code_invalid")
    client.force_login(world.resident_a)
    page = client.post(f"/activities/{activity.pk}/check-in/", {"code": "ö"})
    assert page.status_code == 400
    assert 'id="checkin-error"' in page.content.decode()


def test_a_losing_duplicate_scan_is_told_409_not_an_empty_list(world):
    """Two scans at once: the loser finds its places already attended once it holds
    their lock. Played here by checking them in just before the lock is taken."""
    activity = class_on_now(world)
    code = attendance.checkin_code(activity)
    real = attendance.signup_for_change

    def won_by_the_other_scan(signup_id):
        SignUp.objects.filter(pk=signup_id).update(state=SignUp.State.ATTENDED)
        return real(signup_id)

    with mock.patch.object(attendance, "signup_for_change", won_by_the_other_scan):
        with pytest.raises(CheckInRefused) as refused:
            scan(world.resident_a, activity, code)
        assert refused.value.status == 409
        response = api(world.resident_a).post(
            f"/api/v1/activities/{activity.pk}/check-in/", {"code": code}
        )
    assert (response.status_code, response.json()["code"]) == (409, "checkin_refused")


def test_household_places_work_for_member_ids_beyond_six_digits(world, calligraphy):
    member = HouseholdMember.objects.create(
        pk=1_000_000, owner=world.resident_a, name="外婆", age_band="60+"
    )
    slot = calligraphy.slots.get()
    place = signups.signup_create(actor=world.resident_a, slot_id=slot.pk, member_id=member.pk)
    place.refresh_from_db()
    assert place.participant == "member-1000000"
    field = SignUp._meta.get_field("participant")
    field.clean(f"member-{2**63 - 1}", place)  # the largest id fits too
