"""Asking, agreeing and ending family help (services)."""

import pytest
from django.db import IntegrityError, transaction

from core.models import AccessLog
from family.errors import (
    AlreadyHelping,
    CodeLocked,
    CodeWrong,
    GrantEnded,
    NotYourself,
    PhoneInvalid,
    RequestClosed,
    RequestNotFound,
)
from family.models import AssistedResident, ProxyAction, ProxyGrant, ProxyRequest, Via
from family.services import asks, grants
from grids.errors import OutOfScope
from grids.models import Membership
from residents.models import Notification
from tests.factories import SmsOutbox, UserFactory

pytestmark = pytest.mark.django_db


def test_a_code_goes_to_the_resident_and_confirming_it_makes_a_grant(ask, daughter, mother):
    asked = ask(daughter, mother.national_phone)
    assert asked.principal == mother
    assert [to for to, _ in SmsOutbox.sent] == [mother.phone]
    assert "小王" in SmsOutbox.sent[0][1]
    code = SmsOutbox.last_code(mother.phone)
    assert code not in asked.code_hash  # kept only as a keyed hash

    grant = asks.proxy_request_confirm(agent=daughter, request_id=asked.pk, code=code)

    assert (grant.principal, grant.agent, grant.via) == (mother, daughter, Via.SMS)
    asked.refresh_from_db()
    assert asked.state == ProxyRequest.State.CONFIRMED
    assert Notification.objects.filter(user=mother, type="family.granted").exists()


def test_an_unknown_number_is_answered_like_a_known_one(ask, daughter, mother):
    known = ask(daughter, mother.phone)
    unknown = ask(daughter, "13900000001")

    assert unknown.state == known.state == ProxyRequest.State.PENDING
    assert unknown.expires_at - unknown.created_at == known.expires_at - known.created_at
    assert unknown.principal is None
    assert [to for to, _ in SmsOutbox.sent] == [mother.phone]  # nothing texted to nobody
    with pytest.raises(CodeWrong):
        asks.proxy_request_confirm(agent=daughter, request_id=unknown.pk, code="000000")


def test_five_wrong_codes_lock_the_request_even_the_right_one_after(ask, daughter, mother):
    asked = ask(daughter, mother.phone)
    right = SmsOutbox.last_code(mother.phone)
    wrong = "111111" if right != "111111" else "222222"
    for left in (4, 3, 2, 1):
        with pytest.raises(CodeWrong) as refused:
            asks.proxy_request_confirm(agent=daughter, request_id=asked.pk, code=wrong)
        assert str(left) in str(refused.value.message)
    with pytest.raises(CodeLocked):
        asks.proxy_request_confirm(agent=daughter, request_id=asked.pk, code=wrong)
    with pytest.raises(CodeLocked) as locked:
        asks.proxy_request_confirm(agent=daughter, request_id=asked.pk, code=right)
    assert locked.value.status == 409
    asked.refresh_from_db()
    assert (asked.state, asked.code_attempts) == (ProxyRequest.State.LOCKED, 5)
    assert not ProxyGrant.objects.exists()


def test_asking_again_within_a_minute_sends_no_second_text(ask, daughter, mother):
    first = ask(daughter, mother.phone)
    again = ask(daughter, mother.phone)
    assert again.pk == first.pk
    assert len(SmsOutbox.sent) == 1


def test_nobody_can_help_themselves(ask, daughter):
    with pytest.raises(NotYourself):
        ask(daughter, daughter.phone)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProxyGrant.objects.create(principal=daughter, agent=daughter, via=Via.SMS)


def test_a_bad_number_is_refused_in_plain_words(ask, daughter):
    with pytest.raises(PhoneInvalid) as refused:
        ask(daughter, "12ab")
    assert refused.value.status == 400


def test_one_active_grant_per_resident_and_helper(ask, grant, daughter, mother):
    with pytest.raises(AlreadyHelping):
        ask(daughter, mother.phone)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProxyGrant.objects.create(principal=mother, agent=daughter, via=Via.RESIDENT)


def test_the_resident_can_agree_on_their_own_page(ask, daughter, mother):
    asked = ask(daughter, mother.phone)
    grant = asks.proxy_request_approve(actor=mother, request_id=asked.pk)
    assert grant.via == Via.RESIDENT
    with pytest.raises(RequestClosed):
        asks.proxy_request_approve(actor=mother, request_id=asked.pk)


def test_the_grid_worker_confirms_in_person_and_that_is_logged(ask, world, daughter, mother):
    asked = ask(daughter, mother.phone)
    grant = asks.proxy_request_approve(actor=world.worker_a, request_id=asked.pk)
    assert (grant.via, grant.approved_by) == (Via.GRID_WORKER, world.worker_a)
    assert AccessLog.objects.filter(
        actor=world.worker_a, subject=mother, action="family.request_approved"
    ).exists()


def test_another_grids_worker_cannot_tell_the_request_exists(ask, world, daughter, mother):
    asked = ask(daughter, mother.phone)
    for stranger in (world.worker_b, world.outsider, world.resident_a2):
        with pytest.raises(RequestNotFound):
            asks.proxy_request_approve(actor=stranger, request_id=asked.pk)


def test_the_resident_or_the_helper_ends_a_grant_and_a_stranger_cannot(world, grant, mother):
    with pytest.raises(RequestNotFound):
        grants.proxy_grant_revoke(actor=world.resident_a2, grant_id=grant.pk)
    grants.proxy_grant_revoke(actor=mother, grant_id=grant.pk)
    with pytest.raises(GrantEnded):
        grants.proxy_grant_revoke(actor=grant.agent, grant_id=grant.pk)


def test_a_grid_worker_registers_a_resident_with_no_phone_and_helps_them(world):
    grant = grants.assisted_resident_register(
        actor=world.worker_a,
        grid_id=world.grid_a.pk,
        micro_grid_id=world.buildings["a"][0].pk,
        name="李奶奶",
    )
    elder = grant.principal
    assert (grant.agent, grant.via) == (world.worker_a, Via.STAFF_HELD)
    assert elder.phone.startswith("+999") and not elder.has_usable_password()
    assert AssistedResident.objects.filter(user=elder).exists()
    assert Membership.objects.get(user=elder, left_at__isnull=True).grid == world.grid_a
    # A cadre of the community can end it; a cadre elsewhere cannot see it.
    with pytest.raises(RequestNotFound):
        grants.proxy_grant_revoke(actor=world.cadre_west, grant_id=grant.pk)
    grants.proxy_grant_revoke(actor=world.cadre_east, grant_id=grant.pk)
    assert AccessLog.objects.filter(actor=world.cadre_east, action="family.grant_revoked").exists()


def test_only_the_grids_worker_registers_residents_there(world):
    with pytest.raises(OutOfScope):
        grants.assisted_resident_register(
            actor=world.worker_b,
            grid_id=world.grid_a.pk,
            micro_grid_id=world.buildings["a"][0].pk,
            name="李奶奶",
        )


def test_no_text_is_sent_to_a_resident_with_no_phone(ask, world, daughter):
    grant = grants.assisted_resident_register(
        actor=world.worker_a,
        grid_id=world.grid_a.pk,
        micro_grid_id=world.buildings["a"][0].pk,
        name="李奶奶",
    )
    ask(daughter, grant.principal.phone)
    assert SmsOutbox.sent == []


def test_each_recorded_action_tells_the_resident(grant, mother):
    action = grants.proxy_action_record(
        grant=grant, label="发布了求助", object_type="need", object_id=5
    )
    assert ProxyAction.objects.get() == action
    note = Notification.objects.filter(user=mother, type="family.acted").get()
    assert note.payload["label"] == "发布了求助"
    assert note.payload["by"] == "小王"


def test_texts_to_one_number_are_capped_by_the_day(ask, mother):
    helpers = [UserFactory() for _ in range(7)]
    for helper in helpers:
        ask(helper, mother.phone)
    assert len(SmsOutbox.sent) == asks.TEXTS_PER_PHONE_PER_DAY
