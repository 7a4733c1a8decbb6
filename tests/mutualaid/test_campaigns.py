"""Campaigns: who runs them, what they count, and directed donations to a campaign or a person."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grids.models import Grid, Post
from mutualaid.errors import (
    AidInvalid,
    CampaignClosed,
    CampaignInvalid,
    NotAllowed,
    NotFound,
)
from mutualaid.events import campaign_group
from mutualaid.models import Campaign, Category, Claim
from mutualaid.selectors import campaigns as campaign_selectors
from mutualaid.selectors import matching
from mutualaid.selectors import needs as need_selectors
from mutualaid.services import campaigns, claims, needs
from points.services import points_visibility_set
from residents.models import Notification
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def masks():
    return Category.objects.get(slug="masks")


@pytest.fixture
def medicine():
    return Category.objects.get(slug="medicine")


def campaign(world, *categories, **kwargs) -> Campaign:
    values = {
        "actor": world.cadre_east,
        "community_id": world.east.pk,
        "title": "口罩援助",
        "category_ids": [c.pk for c in categories],
        "ends_at": timezone.now() + timedelta(days=14),
        **kwargs,
    }
    return campaigns.campaign_create(**values)


def handover(giver, receiver, category, quantity, *, need=None, **offer_kwargs) -> Claim:
    offer = needs.offer_create(
        actor=giver, category_id=category.pk, quantity=quantity, **offer_kwargs
    )
    claim = claims.claim_request(
        actor=receiver,
        offer_id=offer.pk,
        quantity=quantity,
        need_id=need.pk if need is not None else None,
    )
    claims.claim_accept(actor=giver, claim_id=claim.pk)
    return claims.claim_confirm(actor=giver, claim_id=claim.pk, code=claim.handover_code)


def figures(c: Campaign) -> dict:
    dashboard = campaign_selectors.campaign_dashboard(c.pk)
    return {
        "handed_over": {f.name: f.quantity for f in dashboard.categories},
        "handovers": dashboard.handovers,
        "needs_met": dashboard.needs_met,
        "progress": dashboard.progress,
        "urgent": {g.name: g.open_urgent for g in dashboard.urgent_by_grid},
        "givers": [(g.display_name, g.quantity) for g in dashboard.top_givers],
    }


# Who runs campaigns


def test_a_cadre_starts_a_campaign_for_the_whole_community(world, masks):
    c = campaign(world, masks, target_quantity=1000, description="为独居老人调剂口罩")
    assert (c.community, c.state, c.created_by) == (world.east, "active", world.cadre_east)
    assert list(c.categories.all()) == [masks] and not c.grids.exists()
    now = timezone.now()
    covered = [
        g.pk
        for g in Grid.objects.order_by("community_id", "number")
        if c.pk in campaign_selectors.campaigns_covering(grid_id=g.pk, category_id=masks.pk, at=now)
    ]
    assert covered == [world.grid_a.pk, world.grid_b.pk]  # every grid of its community, no other


def test_only_the_cadres_of_that_community_run_its_campaigns(world, masks):
    with pytest.raises(NotAllowed):  # a resident of the community: told no
        campaign(world, masks, actor=world.resident_a)
    with pytest.raises(NotAllowed):  # its grid worker too
        campaign(world, masks, actor=world.worker_a)
    with pytest.raises(NotFound):  # another community's cadre cannot even tell it exists
        campaign(world, masks, actor=world.cadre_west)
    assert not Campaign.objects.exists()
    c = campaign(world, masks)
    for outsider in (world.cadre_west, world.resident_c):
        with pytest.raises(NotFound):
            campaigns.campaign_close(actor=outsider, campaign_id=c.pk)
    with pytest.raises(NotAllowed):
        campaigns.campaign_update(actor=world.resident_a, campaign_id=c.pk, title="改名")
    assert campaign(world, masks, actor=world.admin).pk  # admins may


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"title": " "}, "name"),
        ({"category_ids": []}, "kinds"),
        ({"ends_at": timezone.now() - timedelta(days=1)}, "end"),
        ({"starts_at": timezone.now() + timedelta(days=3), "ends_at": timezone.now()}, "end"),
        ({"ends_at": timezone.now() + timedelta(days=400)}, "year"),
        ({"target_quantity": 0}, "target"),
        ({"target_quantity": True}, "target"),
    ],
)
def test_bad_campaigns_are_refused_with_a_reason(world, masks, change, needle):
    with pytest.raises(CampaignInvalid) as refused:
        campaign(world, masks, **change)
    assert refused.value.status == 400 and refused.value.code == "campaign_invalid"
    assert not Campaign.objects.exists()


def test_grids_of_another_community_are_refused(world, masks):
    with pytest.raises(CampaignInvalid):
        campaign(world, masks, grid_ids=[world.grid_c.pk])


def test_a_target_needs_kinds_of_one_unit(world, masks, medicine):
    with pytest.raises(CampaignInvalid):
        campaign(world, masks, medicine, target_quantity=100)  # 个 and 盒
    assert campaign(world, masks, medicine).target_quantity is None


def test_a_closed_campaign_cannot_be_changed_or_closed_again(world, masks):
    c = campaign(world, masks)
    campaigns.campaign_close(actor=world.cadre_east, campaign_id=c.pk)
    c.refresh_from_db()
    assert c.state == "closed" and c.closed_at is not None
    with pytest.raises(CampaignClosed) as refused:
        campaigns.campaign_close(actor=world.cadre_east, campaign_id=c.pk)
    assert refused.value.status == 409
    with pytest.raises(CampaignClosed):
        campaigns.campaign_update(actor=world.cadre_east, campaign_id=c.pk, title="再来")


def test_updating_keeps_what_is_not_given_and_can_drop_the_target(world, masks):
    c = campaign(world, masks, target_quantity=500)
    campaigns.campaign_update(
        actor=world.cadre_east,
        campaign_id=c.pk,
        title="口罩援助（二期）",
        grid_ids=[world.grid_a.pk],
    )
    c.refresh_from_db()
    assert (c.title, c.target_quantity) == ("口罩援助（二期）", 500)
    assert [g.pk for g in c.grids.all()] == [world.grid_a.pk]
    campaigns.campaign_update(actor=world.cadre_east, campaign_id=c.pk, target_quantity=None)
    c.refresh_from_db()
    assert c.target_quantity is None and c.version == 2


# What a campaign counts


def test_the_dashboard_counts_handovers_received_in_its_scope_only(world, masks, medicine):
    c = campaign(world, masks, target_quantity=100, grid_ids=[world.grid_a.pk])
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=30)
    handover(world.resident_b, world.resident_a, masks, 30, need=need)  # giver from grid B: counts
    handover(world.resident_c, world.resident_a2, masks, 12)  # giver from the west, no need: counts
    handover(world.resident_a, world.resident_b, masks, 7)  # received in grid B: outside
    handover(world.resident_a2, world.resident_a, medicine, 3)  # another kind: outside
    assert figures(c) == {
        "handed_over": {"口罩": 42},
        "handovers": 2,
        "needs_met": 1,
        "progress": 42,
        "urgent": {},
        "givers": [],
    }


def test_handovers_before_the_start_or_after_the_close_are_not_counted(world, masks):
    c = campaign(world, masks)
    before = handover(world.resident_a2, world.resident_a, masks, 5)
    Claim.objects.filter(pk=before.pk).update(closed_at=c.starts_at - timedelta(minutes=1))
    handover(world.resident_a2, world.resident_a, masks, 8)
    campaigns.campaign_close(actor=world.cadre_east, campaign_id=c.pk)
    handover(world.resident_a2, world.resident_a, masks, 100)
    assert figures(c)["handed_over"] == {"口罩": 8}


def test_attaching_is_optional_everything_in_scope_counts(world, masks):
    c = campaign(world, masks)
    attached = needs.need_create(
        actor=world.resident_a, category_id=masks.pk, quantity=4, campaign_id=c.pk
    )
    plain = needs.need_create(actor=world.resident_b, category_id=masks.pk, quantity=6)
    assert attached.campaign == c and plain.campaign is None
    handover(world.resident_a2, world.resident_a, masks, 4, need=attached)
    handover(world.resident_a2, world.resident_b, masks, 6, need=plain)
    assert figures(c)["handed_over"] == {"口罩": 10}
    assert figures(c)["needs_met"] == 2


def test_a_partly_given_need_is_not_yet_met(world, masks):
    c = campaign(world, masks)
    n = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=10)
    handover(world.resident_a2, world.resident_a, masks, 4, need=n)
    assert (figures(c)["handed_over"], figures(c)["needs_met"]) == ({"口罩": 4}, 0)


def test_open_urgent_needs_are_counted_by_grid(world, masks, medicine):
    c = campaign(world, masks)
    needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=2, urgency="urgent")
    needs.need_create(actor=world.resident_a2, category_id=masks.pk, quantity=2, urgency="urgent")
    needs.need_create(actor=world.resident_b, category_id=masks.pk, quantity=2, urgency="urgent")
    needs.need_create(actor=world.resident_b, category_id=masks.pk, quantity=2)  # not urgent
    needs.need_create(
        actor=world.resident_b, category_id=medicine.pk, quantity=2, urgency="urgent"
    )  # another kind
    needs.need_create(actor=world.resident_c, category_id=masks.pk, quantity=2, urgency="urgent")
    assert figures(c)["urgent"] == {world.grid_a.name: 2, world.grid_b.name: 1}


def test_only_givers_who_chose_to_be_named_are_listed(world, masks):
    c = campaign(world, masks)
    handover(world.resident_a2, world.resident_a, masks, 50)
    handover(world.resident_b, world.resident_a, masks, 80)
    handover(world.resident_c, world.resident_a, masks, 20)
    points_visibility_set(user=world.resident_a2, public=True)
    points_visibility_set(user=world.resident_c, public=True)
    points_visibility_set(user=world.resident_b, public=False)
    assert figures(c)["givers"] == [
        (world.resident_a2.display_name, 50),
        (world.resident_c.display_name, 20),
    ]
    assert figures(c)["handed_over"] == {"口罩": 150}  # the unnamed still count


def test_the_dashboard_costs_the_same_queries_for_any_size(
    world, masks, medicine, django_assert_num_queries
):
    c = campaign(world, masks, medicine)
    with django_assert_num_queries(6):
        campaign_selectors.campaign_dashboard(c.pk)
    for giver in (world.resident_a2, world.resident_b, world.resident_c):
        points_visibility_set(user=giver, public=True)
        handover(giver, world.resident_a, masks, 3)
        handover(giver, world.resident_a, medicine, 1)
        needs.need_create(actor=giver, category_id=masks.pk, quantity=1, urgency="urgent")
    with django_assert_num_queries(6):
        dashboard = campaign_selectors.campaign_dashboard(c.pk)
    assert dashboard.handed_over == 12 and len(dashboard.top_givers) == 3


# Live nudges


def test_a_handover_in_scope_bumps_the_version_and_nudges_after_commit(
    world, masks, django_capture_on_commit_callbacks, monkeypatch
):
    c = campaign(world, masks)
    other = campaign(world, masks, actor=world.cadre_west, community_id=world.west.pk)
    sent = []
    monkeypatch.setattr(
        "core.events.async_to_sync",
        lambda fn: lambda group, message: sent.append((group, message["type"])),
    )
    with django_capture_on_commit_callbacks(execute=True):
        handover(world.resident_a2, world.resident_a, masks, 5)
    c.refresh_from_db()
    other.refresh_from_db()
    assert c.version == 1 and other.version == 0
    # Every live message leaves through core.events; the campaign's are its nudges.
    assert [s for s in sent if s[0].startswith("aid-campaign-")] == [
        (campaign_group(c.pk), "campaign.nudge")
    ]


def test_only_campaigns_covering_the_receivers_grid_hear_of_a_handover(world, masks):
    grid_a_only = campaign(world, masks, grid_ids=[world.grid_a.pk])
    grid_b_only = campaign(world, masks, grid_ids=[world.grid_b.pk])
    handover(world.resident_b, world.resident_a, masks, 5)  # received in grid A
    versions = dict(Campaign.objects.values_list("pk", "version"))
    assert (versions[grid_a_only.pk], versions[grid_b_only.pk]) == (1, 0)


# Directed donations


def test_an_offer_given_to_a_campaign_serves_only_its_area(world, masks):
    c = campaign(world, masks, grid_ids=[world.grid_a.pk])
    offer = needs.offer_create(
        actor=world.resident_a2, category_id=masks.pk, quantity=10, campaign_id=c.pk
    )
    assert offer.campaign == c
    b_need = needs.need_create(actor=world.resident_b, category_id=masks.pk, quantity=2)
    a_need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=2)
    assert [m.item.pk for m in matching.needs_for_offer(offer)] == [a_need.pk]
    assert offer.pk not in [m.item.pk for m in matching.offers_for_need(b_need)]
    with pytest.raises(NotAllowed):
        claims.claim_request(actor=world.resident_b, offer_id=offer.pk, quantity=2)
    claim = claims.claim_request(
        actor=world.resident_a, offer_id=offer.pk, quantity=2, need_id=a_need.pk
    )
    assert claim.grid == world.grid_a


def test_only_a_running_campaign_of_that_kind_and_area_can_be_joined(world, masks, medicine):
    c = campaign(world, masks, grid_ids=[world.grid_a.pk])
    with pytest.raises(CampaignInvalid):  # another kind
        needs.need_create(
            actor=world.resident_a, category_id=medicine.pk, quantity=1, campaign_id=c.pk
        )
    with pytest.raises(CampaignInvalid):  # another grid
        needs.need_create(
            actor=world.resident_b, category_id=masks.pk, quantity=1, campaign_id=c.pk
        )
    campaigns.campaign_close(actor=world.cadre_east, campaign_id=c.pk)
    with pytest.raises(CampaignInvalid):  # over
        needs.offer_create(
            actor=world.resident_a, category_id=masks.pk, quantity=1, campaign_id=c.pk
        )


def test_an_offer_for_one_neighbour_is_theirs_alone_and_private(world, masks):
    offer = needs.offer_create(
        actor=world.resident_a2,
        category_id=masks.pk,
        quantity=5,
        for_person_id=world.resident_b.pk,
    )
    assert not Post.objects.filter(ref_type="aid.offer", ref_id=offer.pk).exists()
    told = Notification.objects.get(user=world.resident_b, type="aid.offer_for_you")
    assert told.payload["offer_id"] == offer.pk
    with pytest.raises(NotFound):  # others cannot even see it
        claims.claim_request(actor=world.resident_a, offer_id=offer.pk, quantity=1)
    listed = need_selectors.offers_nearby(viewer=world.resident_a, community_id=world.east.pk)
    assert offer not in listed
    assert offer in need_selectors.offers_nearby(
        viewer=world.resident_b, community_id=world.east.pk
    )
    n = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=1)
    assert offer.pk not in [m.item.pk for m in matching.offers_for_need(n)]
    claim = claims.claim_request(actor=world.resident_b, offer_id=offer.pk, quantity=5)
    assert claim.receiver == world.resident_b


def test_a_donation_goes_to_one_target_and_to_a_neighbour_of_the_community(world, masks):
    c = campaign(world, masks)
    n = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=1)
    with pytest.raises(AidInvalid):
        needs.offer_create(
            actor=world.resident_a2,
            category_id=masks.pk,
            quantity=1,
            for_need_id=n.pk,
            campaign_id=c.pk,
        )
    for person in (world.resident_c, world.outsider, world.resident_a2):
        with pytest.raises(AidInvalid):  # another community, nobody's neighbour, oneself
            needs.offer_create(
                actor=world.resident_a2, category_id=masks.pk, quantity=1, for_person_id=person.pk
            )


def test_campaigns_are_listed_to_their_communitys_people(world, masks):
    c = campaign(world, masks)
    west = campaign(world, masks, actor=world.cadre_west, community_id=world.west.pk)
    for user in (world.resident_a, world.worker_b, world.cadre_east):
        assert list(campaign_selectors.campaigns_for(user)) == [c], user
    assert list(campaign_selectors.campaigns_for(world.resident_c)) == [west]
    assert list(campaign_selectors.campaigns_for(world.outsider)) == []
    newcomer = MembershipFactory(micro_grid=world.buildings["b"][1]).user
    assert list(campaign_selectors.campaigns_for(newcomer)) == [c]


@pytest.mark.parametrize(
    "given, target, percent",
    [
        (0, 10_000, 0),
        (20, 10_000, 1),
        (5_000, 10_000, 50),
        (9_999, 10_000, 99),
        (12_000, 10_000, 100),
    ],
)
def test_progress_is_never_rounded_down_to_nothing_nor_up_to_done(given, target, percent):
    figure = campaign_selectors.CategoryFigure(
        id=1, name="口罩", unit="个", quantity=given, handovers=1, needs_met=0
    )
    board = campaign_selectors.Dashboard(
        campaign=Campaign(target_quantity=target),
        version=0,
        categories=[figure],
        area=[],
        top_givers=[],
    )
    assert board.progress == percent
