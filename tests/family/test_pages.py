"""The family-help pages: plain words, big buttons, the same answer for any number."""

import re

import pytest
from django.urls import reverse

from core.models import AccessLog
from family.models import ProxyGrant
from family.services import grants
from tests.factories import SmsOutbox

pytestmark = pytest.mark.django_db


def test_the_help_page_is_open_without_signing_in(client):
    response = client.get(reverse("family-help"))
    assert response.status_code == 200
    assert reverse("account_login") in response.content.decode()


def _ask_page(client, phone, capture):
    with capture(execute=True):
        return client.post(reverse("family-ask"), {"phone": phone})


def test_a_daughter_asks_types_the_code_and_can_act(
    client, daughter, mother, django_capture_on_commit_callbacks
):
    client.force_login(daughter)
    asked = _ask_page(client, mother.national_phone, django_capture_on_commit_callbacks)
    assert asked.status_code == 302
    code_page = client.get(asked["Location"])
    assert code_page.status_code == 200
    assert 'autocomplete="one-time-code"' in code_page.content.decode()

    done = client.post(asked["Location"], {"code": SmsOutbox.last_code(mother.phone)})

    assert done.status_code == 302 and done["Location"] == reverse("family-home")
    home = client.get(reverse("family-home")).content.decode()
    grant = ProxyGrant.objects.get()
    assert reverse("family-acting-start", args=[grant.pk]) in home
    assert "王阿姨" in home


def test_the_page_answers_an_unknown_number_like_a_known_one(
    client, daughter, mother, django_capture_on_commit_callbacks
):
    client.force_login(daughter)
    known = _ask_page(client, mother.phone, django_capture_on_commit_callbacks)
    unknown = _ask_page(client, "13900000001", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302

    def shown(response, phone):
        page = client.get(response["Location"]).content.decode()
        page = re.sub(r"[A-Za-z0-9]{64}", "", page)  # CSRF tokens
        return page.replace(response["Location"], "/here/").replace(phone, "N")

    assert shown(known, mother.national_phone) == shown(unknown, "13900000001")


def test_a_wrong_code_says_how_many_tries_are_left(client, daughter, mother, ask):
    asked = ask(daughter, mother.phone)
    client.force_login(daughter)
    wrong = "000000" if SmsOutbox.last_code(mother.phone) != "000000" else "999999"
    response = client.post(reverse("family-request", args=[asked.pk]), {"code": wrong})
    assert response.status_code == 400
    assert "4" in response.content.decode()


def test_the_code_pages_are_throttled(client, daughter, mother, ask, settings):
    asked = ask(daughter, mother.phone)
    client.force_login(daughter)
    answers = [
        client.post(reverse("family-request", args=[asked.pk]), {"code": "12"}).status_code
        for _ in range(12)
    ]
    assert 429 in answers


def test_the_resident_sees_who_acts_for_them_what_they_did_and_can_end_it(
    client, grant, mother, django_assert_max_num_queries
):
    for label in ("发布了求助", "报名了活动"):
        grants.proxy_action_record(grant=grant, label=label)
    client.force_login(mother)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("family-home")).content.decode()
    assert "小王" in page and "发布了求助" in page and "报名了活动" in page
    revoke = reverse("family-grant-revoke", args=[grant.pk])
    assert revoke in page and "data-confirm=" in page

    client.post(revoke)

    grant.refresh_from_db()
    assert grant.revoked_by == mother


def test_the_resident_agrees_on_their_own_page(client, daughter, mother, ask):
    asked = ask(daughter, mother.phone)
    client.force_login(mother)
    page = client.get(reverse("family-home")).content.decode()
    assert reverse("family-request-approve", args=[asked.pk]) in page
    client.post(reverse("family-request-approve", args=[asked.pk]))
    assert ProxyGrant.objects.get().via == "resident"


def test_the_grid_worker_sees_asks_of_their_residents_and_the_read_is_logged(
    client, world, daughter, mother, ask
):
    asked = ask(daughter, mother.phone)
    client.force_login(world.worker_a)
    page = client.get(reverse("family-staff")).content.decode()
    assert "王阿姨" in page and "小王" in page
    assert mother.national_phone not in page
    assert AccessLog.objects.filter(actor=world.worker_a, action="family.requests_listed").exists()
    client.post(reverse("family-request-approve", args=[asked.pk]), {"from": "staff"}, follow=True)
    assert ProxyGrant.objects.get().via == "grid_worker"

    client.force_login(world.worker_b)
    assert "王阿姨" not in client.get(reverse("family-staff")).content.decode()


def test_a_grid_worker_registers_an_elder_and_a_cadre_sees_and_ends_it(client, world):
    client.force_login(world.worker_a)
    client.post(
        reverse("family-assisted-register"),
        {"name": "李奶奶", "micro_grid": world.buildings["a"][0].pk},
    )
    grant = ProxyGrant.objects.get()
    assert grant.principal.display_name == "李奶奶"

    client.force_login(world.cadre_east)
    page = client.get(reverse("family-staff")).content.decode()
    assert "李奶奶" in page and reverse("family-grant-revoke", args=[grant.pk]) in page
    client.post(reverse("family-grant-revoke", args=[grant.pk]), {"from": "staff"}, follow=True)
    grant.refresh_from_db()
    assert grant.revoked_by == world.cadre_east

    client.force_login(world.cadre_west)
    assert "李奶奶" not in client.get(reverse("family-staff")).content.decode()


def test_residents_have_no_staff_page(client, world):
    client.force_login(world.resident_a2)
    assert client.get(reverse("family-staff")).status_code == 404


def test_another_building_cannot_be_chosen(client, world):
    client.force_login(world.worker_a)
    client.post(
        reverse("family-assisted-register"),
        {"name": "李奶奶", "micro_grid": world.buildings["b"][0].pk},
    )
    assert not ProxyGrant.objects.exists()
