"""The admin lists family help and ends it through the service; codes are never shown."""

import pytest
from django.urls import reverse

from family.models import ProxyRequest

pytestmark = pytest.mark.django_db


def test_the_admin_pages_open_and_hide_the_code(client, world, grant):
    client.force_login(world.admin)
    for model in ("proxygrant", "proxyrequest", "proxyaction", "assistedresident"):
        assert client.get(reverse(f"admin:family_{model}_changelist")).status_code == 200
    request = ProxyRequest.objects.get()
    page = client.get(reverse("admin:family_proxyrequest_change", args=[request.pk]))
    assert page.status_code == 200
    assert request.code_hash not in page.content.decode()


def test_the_admin_action_ends_family_help(client, world, grant):
    client.force_login(world.admin)
    client.post(
        reverse("admin:family_proxygrant_changelist"),
        {"action": "revoke", "_selected_action": [grant.pk]},
    )
    grant.refresh_from_db()
    assert grant.revoked_by == world.admin
