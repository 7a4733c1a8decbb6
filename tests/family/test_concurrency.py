"""Confirming one request twice at the same moment (two taps, two phones) on PostgreSQL."""

import pytest

from family.errors import RequestClosed
from family.models import ProxyGrant, ProxyRequest
from family.services import asks
from tests.environment import require_postgres
from tests.factories import SmsOutbox
from tests.mutualaid.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_confirmations_at_once_make_one_grant(world):
    require_postgres()
    mother, daughter = world.resident_a, world.outsider
    asked = asks.proxy_request_create(agent=daughter, phone=mother.phone)  # commits
    code = SmsOutbox.last_code(mother.phone)

    results = run_together(
        [
            lambda: asks.proxy_request_confirm(agent=daughter, request_id=asked.pk, code=code)
            for _ in range(4)
        ]
    )

    grants = [r for r in results if isinstance(r, ProxyGrant)]
    refused = [r for r in results if not isinstance(r, ProxyGrant)]
    assert len(grants) == 1, results
    assert refused and all(isinstance(r, RequestClosed) for r in refused), refused
    assert ProxyGrant.objects.filter(principal=mother, agent=daughter).count() == 1
    assert ProxyRequest.objects.get().state == ProxyRequest.State.CONFIRMED


def test_the_resident_and_the_grid_worker_agreeing_at_once_make_one_grant(world):
    require_postgres()
    mother, daughter = world.resident_a, world.outsider
    asked = asks.proxy_request_create(agent=daughter, phone=mother.phone)

    results = run_together(
        [
            lambda: asks.proxy_request_approve(actor=mother, request_id=asked.pk),
            lambda: asks.proxy_request_approve(actor=world.worker_a, request_id=asked.pk),
        ]
    )

    assert sum(isinstance(r, ProxyGrant) for r in results) == 1, results
    assert ProxyGrant.objects.filter(principal=mother, agent=daughter).count() == 1
