"""Campaign pages, and the grid worker's list of urgent needs still waiting."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AccessLog
from mutualaid.models import Campaign, Category, Need
from mutualaid.services import campaigns, claims, helping, needs

pytestmark = pytest.mark.django_db


@pytest.fixture
def masks():
    return Category.objects.get(slug="masks")


def start(world, masks, **kwargs) -> Campaign:
    return campaigns.campaign_create(
        actor=world.cadre_east,
        community_id=world.east.pk,
        title="口罩援助",
        category_ids=[masks.pk],
        ends_at=timezone.now() + timedelta(days=7),
        **kwargs,
    )


def test_a_cadre_starts_a_campaign_from_the_form_and_lands_on_its_dashboard(client, world, masks):
    client.force_login(world.cadre_east)
    tab = client.get("/mutual-aid/").content.decode()
    assert 'href="/mutual-aid/campaigns/new/"' in tab
    form = client.get("/mutual-aid/campaigns/new/")
    assert form.status_code == 200 and world.grid_a.name in form.content.decode()
    response = client.post(
        "/mutual-aid/campaigns/new/",
        {
            "community": world.east.pk,
            "title": "口罩援助",
            "categories": [masks.pk],
            "grids": [world.grid_a.pk],
            "target_quantity": "20000",
            "ends_at": (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == f"/mutual-aid/campaigns/{campaign.pk}/"
    assert campaign.target_quantity == 20000 and list(campaign.grids.all()) == [world.grid_a]
    page = client.get(response["Location"]).content.decode()
    assert 'id="campaign-close"' in page and f'data-ws="/ws/aid/campaigns/{campaign.pk}/"' in page


def test_a_bad_form_is_shown_again_with_the_reason(client, world, masks):
    client.force_login(world.cadre_east)
    response = client.post(
        "/mutual-aid/campaigns/new/",
        {
            "community": world.east.pk,
            "title": "口罩援助",
            "categories": [masks.pk],
            "ends_at": "2001-01-01T08:00",
        },
    )
    assert response.status_code == 400 and not Campaign.objects.exists()
    assert 'role="alert"' in response.content.decode()


def test_residents_follow_a_campaign_but_cannot_start_or_close_one(client, world, masks):
    campaign = start(world, masks, target_quantity=20000)
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=12430)
    claim = claims.claim_request(actor=world.resident_a, offer_id=offer.pk, quantity=12430)
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    claims.claim_confirm(actor=world.resident_a2, claim_id=claim.pk, code=claim.handover_code)
    client.force_login(world.resident_b)
    tab = client.get("/mutual-aid/").content.decode()
    assert f'href="/mutual-aid/campaigns/{campaign.pk}/"' in tab
    assert "/mutual-aid/campaigns/new/" not in tab
    page = client.get(f"/mutual-aid/campaigns/{campaign.pk}/").content.decode()
    assert f'id="handed-{masks.pk}">12,430</strong>' in page
    assert 'id="progress-text">62</span>' in page and 'id="campaign-close"' not in page
    assert client.get("/mutual-aid/campaigns/new/").status_code == 403
    client.post(f"/mutual-aid/campaigns/{campaign.pk}/close/")
    campaign.refresh_from_db()
    assert campaign.state == "active"
    client.force_login(world.resident_c)
    assert client.get(f"/mutual-aid/campaigns/{campaign.pk}/").status_code == 404


def test_a_cadre_closes_a_campaign_from_its_page(client, world, masks):
    campaign = start(world, masks)
    client.force_login(world.cadre_east)
    client.post(f"/mutual-aid/campaigns/{campaign.pk}/close/")
    campaign.refresh_from_db()
    assert campaign.state == "closed"
    assert (
        'id="campaign-close"'
        not in client.get(f"/mutual-aid/campaigns/{campaign.pk}/").content.decode()
    )
    assert client.get("/mutual-aid/campaigns/").status_code == 200


def test_a_need_joins_a_running_campaign_from_the_ask_form(client, world, masks):
    campaign = start(world, masks)
    client.force_login(world.resident_a)
    assert 'name="campaign"' in client.get("/mutual-aid/needs/new/").content.decode()
    client.post(
        "/mutual-aid/needs/new/",
        {"category": masks.pk, "quantity": "5", "campaign": campaign.pk},
    )
    need = Need.objects.get()
    assert need.campaign == campaign
    page = client.get(f"/mutual-aid/needs/{need.pk}/").content.decode()
    assert f'href="/mutual-aid/campaigns/{campaign.pk}/"' in page


def test_the_grid_worker_sees_urgent_needs_still_waiting_with_who_and_where(client, world, masks):
    old = needs.need_create(
        actor=world.resident_a, category_id=masks.pk, quantity=20, urgency="urgent"
    )
    Need.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=9))
    fresh = needs.need_create(
        actor=world.resident_a2, category_id=masks.pk, quantity=2, urgency="urgent"
    )
    client.force_login(world.worker_a)
    assert (
        f'href="/mutual-aid/grids/{world.grid_a.pk}/urgent/"'
        in client.get("/mutual-aid/").content.decode()
    )
    page = client.get(f"/mutual-aid/grids/{world.grid_a.pk}/urgent/").content.decode()
    assert f'data-need="{old.pk}"' in page and f'data-need="{fresh.pk}"' not in page
    assert world.resident_a.national_phone in page and world.members["a"][0].unit in page
    log = AccessLog.objects.get(actor=world.worker_a, action="aid.urgent_listed")
    assert log.detail == {"count": 1, "hours": 6}
    page = client.get(f"/mutual-aid/grids/{world.grid_a.pk}/urgent/?hours=10").content.decode()
    assert f'data-need="{old.pk}"' not in page
    page = client.get(f"/mutual-aid/grids/{world.grid_a.pk}/urgent/?hours=abc")
    assert page.status_code == 200 and f'data-need="{old.pk}"' in page.content.decode()


def test_only_the_grids_staff_open_its_urgent_list(client, world):
    client.force_login(world.resident_a)
    assert client.get(f"/mutual-aid/grids/{world.grid_a.pk}/urgent/").status_code == 403
    client.force_login(world.worker_b)
    assert client.get(f"/mutual-aid/grids/{world.grid_a.pk}/urgent/").status_code == 404
    client.force_login(world.cadre_east)
    assert client.get(f"/mutual-aid/grids/{world.grid_a.pk}/urgent/").status_code == 200


def test_the_mask_aid_preset_fills_the_form(client, world, masks):
    client.force_login(world.cadre_east)
    page = client.get("/mutual-aid/campaigns/new/?preset=masks").content.decode()
    assert 'value="10000"' in page
    assert re.search(rf'name="categories" value="{masks.pk}"[^>]* checked', page)


def test_the_whole_community_is_the_default_and_chosen_grids_are_dropped(client, world, masks):
    client.force_login(world.cadre_east)
    form = {
        "community": world.east.pk,
        "title": "口罩援助",
        "categories": [masks.pk],
        "grids": [world.grid_a.pk],
        "scope": "community",
        "ends_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    client.post("/mutual-aid/campaigns/new/", form)
    assert list(Campaign.objects.get().grids.all()) == []
    refused = client.post("/mutual-aid/campaigns/new/", {**form, "scope": "grids", "grids": []})
    assert refused.status_code == 400 and Campaign.objects.count() == 1


def test_twenty_of_ten_thousand_shows_as_given_out_and_not_zero_percent(client, world, masks):
    campaign = start(world, masks)
    Campaign.objects.filter(pk=campaign.pk).update(target_quantity=10_000)
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=20)
    claim = helping.need_help(actor=world.resident_a2, need_id=need.pk, quantity=20)
    claims.claim_confirm(actor=world.resident_a2, claim_id=claim.pk, code=claim.handover_code)
    client.force_login(world.resident_a)
    page = client.get(f"/mutual-aid/campaigns/{campaign.pk}/").content.decode()
    assert 'id="progress-done">20</strong> / 10,000' in page
    assert 'id="progress-text">1</span>%' in page and 'value="1"' in page
