"""Signing up from an activity's page: several people of one household in one tap, boxes
ticked sensibly, volunteer-only shifts saying so before the tap; and the organiser's form
with its whole-community / chosen-grids toggle and shift rows that unfold one at a time."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from activities.models import Activity, SignUp
from activities.services import signups
from grids.models import Role, RoleGrant
from residents.models import AgeBand, HouseholdMember
from tests.activities.conftest import make_class, soon

pytestmark = pytest.mark.django_db
FMT = "%Y-%m-%dT%H:%M"


def _slot(activity: Activity):
    return activity.slots.get()


def _mother(world) -> HouseholdMember:
    return HouseholdMember.objects.create(
        owner=world.resident_a, name="王奶奶", age_band=AgeBand.ELDER
    )


def _checked(html: str, value: str) -> bool:
    tag = re.search(rf'<input type="checkbox" name="who" value="{value}"[^>]*>', html)
    assert tag, value
    return "checked" in tag.group(0)


def test_one_tap_signs_up_myself_and_my_mother(client, world):
    calligraphy = make_class(world, capacity=5)
    mother = _mother(world)
    client.force_login(world.resident_a)
    response = client.post(
        f"/activities/{calligraphy.pk}/signup/",
        {"slot": _slot(calligraphy).pk, "who": ["self", f"member-{mother.pk}"]},
    )
    assert response.status_code == 302
    assert sorted(SignUp.objects.values_list("participant", "state")) == [
        (f"member-{mother.pk}", SignUp.State.CONFIRMED),
        ("self", SignUp.State.CONFIRMED),
    ]


def test_when_one_of_them_may_not_join_nobody_is_signed_up_and_the_page_says_who(client, world):
    elderly = make_class(world, audience=Activity.Audience.ELDERLY)
    mother = _mother(world)
    world.resident_a.age_band = AgeBand.ADULT
    world.resident_a.save(update_fields=["age_band"])
    client.force_login(world.resident_a)
    response = client.post(
        f"/activities/{elderly.pk}/signup/",
        {"slot": _slot(elderly).pk, "who": ["self", f"member-{mother.pk}"]},
        follow=True,
    )
    assert not SignUp.objects.exists()
    assert world.resident_a.display_name in response.content.decode()


def test_nobody_ticked_is_a_message_not_an_error(client, world):
    calligraphy = make_class(world)
    client.force_login(world.resident_a)
    response = client.post(
        f"/activities/{calligraphy.pk}/signup/", {"slot": _slot(calligraphy).pk}, follow=True
    )
    assert response.status_code == 200 and not SignUp.objects.exists()
    assert 'class="msg' in response.content.decode()


def test_boxes_start_ticked_for_who_the_activity_is_for_and_not_yet_signed_up(client, world):
    mother = _mother(world)
    world.resident_a.age_band = AgeBand.ADULT
    world.resident_a.save(update_fields=["age_band"])
    client.force_login(world.resident_a)
    open_to_all = make_class(world)
    html = client.get(f"/activities/{open_to_all.pk}/").content.decode()
    assert _checked(html, "self") and not _checked(html, f"member-{mother.pk}")
    elderly = make_class(world, audience=Activity.Audience.ELDERLY, title="老年太极")
    html = client.get(f"/activities/{elderly.pk}/").content.decode()
    assert not _checked(html, "self") and _checked(html, f"member-{mother.pk}")
    signups.signup_create(actor=world.resident_a, slot_id=_slot(open_to_all).pk)
    html = client.get(f"/activities/{open_to_all.pk}/").content.decode()
    assert not _checked(html, "self")


def _volunteer_service(world) -> Activity:
    return make_class(
        world,
        kind=Activity.Kind.VOLUNTEER,
        audience=Activity.Audience.VOLUNTEERS,
        title="垃圾分类守门员",
        capacity=4,
    )


def test_a_resident_who_is_not_a_volunteer_sees_why_instead_of_a_button(client, world):
    service = _volunteer_service(world)
    client.force_login(world.resident_a)
    html = client.get(f"/activities/{service.pk}/").content.decode()
    assert 'id="volunteers-only"' in html and "data-signup-slot" not in html
    assert f'data-volunteers-only="{_slot(service).pk}"' in html
    assert 'name="who"' not in html


def test_a_volunteer_gets_the_button_for_themselves_only(client, world):
    service = _volunteer_service(world)
    RoleGrant.objects.create(user=world.resident_a, role=Role.VOLUNTEER, community=world.east)
    client.force_login(world.resident_a)
    html = client.get(f"/activities/{service.pk}/").content.decode()
    assert f'data-signup-slot="{_slot(service).pk}"' in html
    assert '<input type="hidden" name="who" value="self">' in html
    assert 'type="checkbox" name="who"' not in html
    client.post(f"/activities/{service.pk}/signup/", {"slot": _slot(service).pk, "who": "self"})
    assert SignUp.objects.get().participant == "self"


def test_the_form_starts_with_one_shift_row_and_unfolds_the_next_on_request(client, world):
    client.force_login(world.cadre_east)
    html = client.get("/activities/new/").content.decode()
    assert html.count("data-shift-row=") == 20  # every row is there, folded
    assert html.count('<details class="shift-more" data-shift-more >') == 19  # all closed
    assert 'id="add-shift-1"' in html
    assert re.search(r'<input type="radio" name="scope" value="all"[^>]*checked', html)


def test_rows_filled_in_stay_unfolded_when_the_form_comes_back(client, world):
    client.force_login(world.cadre_east)
    starts = timezone.localtime(soon(72)).replace(second=0, microsecond=0)
    data = {
        "kind": "volunteer",
        "title": "",  # missing: the form comes back
        "place": "北门",
        "starts_at": starts.strftime(FMT),
        "ends_at": (starts + timedelta(hours=4)).strftime(FMT),
        "audience": "all",
        "shift-TOTAL_FORMS": "20",
        "shift-INITIAL_FORMS": "0",
        "shift-2-role": "宣传员",
    }
    html = client.post("/activities/new/", data).content.decode()
    assert html.count("data-shift-more open>") == 2  # rows 2 and 3


def test_chosen_grids_need_one_ticked_and_the_whole_community_ignores_ticks(client, world):
    client.force_login(world.cadre_east)
    starts = timezone.localtime(soon(72)).replace(second=0, microsecond=0)
    data = {
        "kind": "class",
        "title": "书法班",
        "place": "活动室",
        "starts_at": starts.strftime(FMT),
        "ends_at": (starts + timedelta(hours=2)).strftime(FMT),
        "capacity": "2",
        "audience": "all",
        "shift-TOTAL_FORMS": "0",
        "shift-INITIAL_FORMS": "0",
    }
    assert client.post("/activities/new/", {**data, "scope": "chosen"}).status_code == 400
    client.post("/activities/new/", {**data, "scope": "all", "grids": [world.grid_a.pk]})
    assert not Activity.objects.get().grids.exists()
