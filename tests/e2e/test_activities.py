"""Activities in real browsers: a cadre publishes a calligraphy class with 2 places, three
residents sign up, the third is waitlisted, one cancels, and the third sees the freed
place become theirs without reloading; then a volunteer checks in by the door's QR and
their hours and points are credited.

Assertions lean on ids, data attributes and numbers, not on translated words."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity, SignUp
from tests.factories import PASSWORD, MembershipFactory, MicroGridFactory, make_cadre

FORM_TIME = "%Y-%m-%dT%H:%M"


@pytest.fixture
def neighbourhood(transactional_db):
    building = MicroGridFactory(label="3幢")
    community = building.grid.community
    cadre = make_cadre(community, display_name="王书记")
    residents = [
        MembershipFactory(micro_grid=building, user__display_name=name).user
        for name in ("赵阿姨", "钱叔叔", "孙奶奶")
    ]
    return community, cadre, residents


def _open_activity(page_for, log_in, base: str, user, activity_id: int):
    page = page_for()
    log_in(page, base, user.national_phone, PASSWORD)
    page.goto(f"{base}/activities/{activity_id}/")
    expect(page.locator("#activity")).to_have_attribute("data-live", "live")
    return page


def test_a_class_fills_waitlists_promotes_live_and_a_volunteer_checks_in_by_qr(
    asgi_server, ws_server, page_for, log_in, neighbourhood, server_side
):
    from activities.services import publishing

    community, cadre, (zhao, qian, sun) = neighbourhood

    # The cadre publishes the class from the form.
    cadre_page = page_for()
    log_in(cadre_page, asgi_server, cadre.national_phone, PASSWORD)
    cadre_page.goto(f"{asgi_server}/activities/")
    cadre_page.locator("#link-new").click()
    starts = timezone.localtime(timezone.now() + timedelta(days=3)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    form = cadre_page.locator("#activity-form")
    form.locator("#id_kind").select_option("class")
    form.locator("#id_title").fill("暑期书法公益课")
    form.locator("#id_description").fill("免费，老师是志愿者。")
    form.locator("#id_place").fill("社区活动室")
    form.locator("#id_starts_at").fill(starts.strftime(FORM_TIME))
    form.locator("#id_ends_at").fill((starts + timedelta(hours=2)).strftime(FORM_TIME))
    form.locator("#id_capacity").fill("2")
    form.locator("#publish").click()
    expect(cadre_page).to_have_url(re.compile(r"/activities/\d+/$"))
    activity = Activity.objects.get(title="暑期书法公益课")
    slot = activity.slots.get()
    assert slot.capacity == 2

    # Three residents sign up, each in one tap; the third is waitlisted.
    pages = {}
    for resident, state in ((zhao, "confirmed"), (qian, "confirmed"), (sun, "waitlisted")):
        page = _open_activity(page_for, log_in, asgi_server, resident, activity.pk)
        page.locator(f'[data-signup-slot="{slot.pk}"]').click()
        expect(page.locator("#my-signups [data-signup]")).to_have_attribute("data-state", state)
        expect(page.locator("#activity")).to_have_attribute("data-live", "live")
        pages[resident.pk] = page
    third = pages[sun.pk]
    expect(third.locator(f'[data-slot-left="{slot.pk}"]')).to_have_text("0")
    expect(third.locator(f'[data-slot-waiting="{slot.pk}"]')).to_have_attribute("data-count", "1")

    # Zhao cancels; Sun's open page shows the place is now theirs, without a reload.
    third.evaluate("window.__sameDocument = true")
    zhao_page = pages[zhao.pk]
    zhao_page.once("dialog", lambda dialog: dialog.accept())  # "give back the place?"
    zhao_page.locator("#my-signups form[data-cancel] button").click()
    expect(zhao_page.locator("#my-signups [data-signup]")).to_have_count(0)
    mine = third.locator("#my-signups [data-signup]")
    expect(mine).to_have_attribute("data-state", "confirmed")
    expect(mine.locator("[data-signup-state]")).to_have_class(re.compile(r"\bok\b"))
    expect(third.locator(f'[data-slot-waiting="{slot.pk}"]')).to_have_attribute("data-count", "0")
    assert third.evaluate("window.__sameDocument") is True  # no reload happened
    assert SignUp.objects.get(user=sun, activity=activity).state == "confirmed"

    # A volunteer shift starting soon; Zhao volunteers for it.
    shift_start = timezone.now() + timedelta(minutes=30)
    service = server_side(
        publishing.activity_create,
        actor=cadre,
        community=community,
        kind=Activity.Kind.VOLUNTEER,
        title="垃圾分类守门员",
        place="小区北门",
        starts_at=shift_start,
        ends_at=shift_start + timedelta(hours=2),
        capacity=4,
        points_per_hour=10,
    )
    volunteer = _open_activity(page_for, log_in, asgi_server, zhao, service.pk)
    volunteer.locator("[data-signup-slot]").click()
    expect(volunteer.locator("#my-signups [data-signup]")).to_have_attribute(
        "data-state", "confirmed"
    )

    # At the door the cadre shows the rotating QR; the volunteer's phone opens what it encodes.
    cadre_page.goto(f"{asgi_server}/activities/{service.pk}/manage/")
    cadre_page.locator("#qr-link").click()
    qr = cadre_page.locator("#checkin-qr")
    expect(qr.locator("svg")).to_be_visible()
    checkin_url = qr.get_attribute("data-checkin-url")
    assert re.search(rf"/activities/{service.pk}/check-in/\?code=[0-9a-f]{{10}}$", checkin_url)
    volunteer.goto(checkin_url)
    volunteer.locator("#checkin-confirm").click()
    done = volunteer.locator("#checkin-done")
    expect(done).to_have_attribute("data-points", "20")
    expect(done).to_have_attribute("data-hours", "2.0")

    volunteer.goto(f"{asgi_server}/points/")
    expect(volunteer.locator("#balance")).to_have_attribute("data-balance", "20")
    expect(volunteer.locator("#hours")).to_have_attribute("data-hours", "2.0")
    expect(volunteer.locator("#history [data-entry]")).to_have_attribute("data-amount", "20")

    # The organiser's dashboard counts the attendance.
    cadre_page.goto(f"{asgi_server}/activities/{service.pk}/manage/")
    expect(cadre_page.locator('#attendees [data-state="attended"]')).to_have_count(1)
