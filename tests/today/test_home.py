"""Home is "today": each role's sections, the next step of each item in plain words, the
order of the sections for several roles, and what a resident never sees on it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from activities.models import SignUp, Slot
from activities.services import signups
from grids.models import Mute, Notice, Post, PostKind
from grids.services import notices
from mutualaid.models import Claim, Need
from mutualaid.selectors.campaigns import campaign_dashboard
from mutualaid.services import campaigns, claims, needs
from tests.factories import MembershipFactory
from tests.today.conftest import make_activity

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, heading_id: str) -> str:
    """The <section> whose heading has this id."""
    found = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', html, re.S
    )
    assert found, f"no section {heading_id}"
    return found.group(1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# Visitors and people without a grid


def test_a_visitor_is_welcomed_with_big_log_in_and_sign_up_buttons_and_the_join_code(client):
    html = client.get("/").content.decode()
    assert 'class="btn btn-primary btn-big" href="/accounts/login/"' in html
    assert 'class="btn btn-big" href="/accounts/signup/"' in html
    for text in ("登录", "注册", "有加入码？"):
        assert text in html


def test_someone_with_no_grid_and_no_role_is_asked_to_join_first(client, world):
    html = _home(client, world.outsider)
    assert "加入您的网格" in html and 'name="code"' in html
    assert "today-join" not in html


# The resident


def test_the_latest_notice_is_marked_unread_until_opened_in_one_tap(en_client, world):
    notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="停水通知", body="周六上午停水。"
    )
    latest = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="防汛演练", body="周日演练。"
    )
    section = _section(_home(en_client, world.resident_a), "today-notice-h")
    assert "防汛演练" in section and "停水通知" not in section
    assert f'href="/notices/{latest.pk}/"' in section
    assert "Unread" in section and "1 more unread notice on the board" in section

    assert en_client.get(f"/notices/{latest.pk}/").status_code == 200
    section = _section(_home(en_client, world.resident_a), "today-notice-h")
    assert "Unread" not in section and "today-unread" not in section
    assert "more unread" not in section  # the other one alone is left: no "more"


def test_a_withdrawn_notice_is_not_the_latest(client, world):
    kept = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="旧通知", body="正文"
    )
    gone = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="撤回的通知", body="正文"
    )
    notices.notice_withdraw(actor=world.cadre_east, notice_id=gone.pk)
    html = _home(client, world.resident_a)
    assert "撤回的通知" not in html and f"/notices/{kept.pk}/" in html


def test_a_resident_sees_their_grid_building_and_the_four_big_actions(en_client, world):
    html = _home(en_client, world.resident_a)
    assert world.grid_a.name in html and world.buildings["a"][0].label in html
    actions = re.search(r'<nav class="today-actions today-big".*?</nav>', html, re.S).group(0)
    assert [a for a in re.findall(r">([^<>]+)</a>", actions)] == [
        "I need help",
        "I can help",
        "Activities",
        "Report a problem (photo)",
    ]
    assert 'href="/mutual-aid/"' in actions and 'href="/activities/"' in actions
    assert "Join your grid" not in html


def test_the_ask_button_goes_to_the_ask_page(client, world):
    from django.urls import NoReverseMatch, reverse

    try:
        ask = reverse("aid-need-new")
    except NoReverseMatch:  # not there yet: the button falls back to the 互助 tab
        ask = reverse("mutualaid")
    assert f'class="btn btn-primary btn-big" href="{ask}"' in _home(client, world.resident_a)


def test_a_claim_says_what_happens_next_for_each_side_and_state(en_client, world, masks):
    giver, receiver = world.resident_a2, world.resident_a
    offer = needs.offer_create(actor=giver, category_id=masks.pk, quantity=10)
    claim = claims.claim_request(actor=receiver, offer_id=offer.pk, quantity=10)
    unit = masks.unit

    mine = _text(_section(_home(en_client, receiver), "today-mine-h"))
    assert f"You asked {giver.display_name} for 10 {unit} of 口罩: waiting for their answer." in (
        mine
    )
    mine = _text(_section(_home(en_client, giver), "today-mine-h"))
    assert (
        f"{receiver.display_name} would like 10 {unit} of 口罩 from you: tap to say yes or no."
        in (mine)
    )
    assert "Your answer" in mine

    claims.claim_accept(actor=giver, claim_id=claim.pk)
    claim.refresh_from_db()
    html = _home(en_client, receiver)
    mine = _text(_section(html, "today-mine-h"))
    assert (
        f"{giver.display_name} will give you 10 {unit} of 口罩: when you meet, tell them your "
        f"pick-up code {claim.handover_code}." in mine
    )
    assert "Hand over by" in mine
    assert f'href="/mutual-aid/claims/{claim.pk}/"' in html
    mine = _text(_section(_home(en_client, giver), "today-mine-h"))
    assert (
        f"You promised 10 {unit} of 口罩 to {receiver.display_name}: hand it over and ask them "
        "for their pick-up code." in mine
    )
    assert claim.handover_code not in mine  # the code is the receiver's to give

    claims.claim_confirm(actor=giver, claim_id=claim.pk, code=claim.handover_code)
    assert "pick-up code" not in _home(en_client, receiver)  # done: off the list


def test_a_need_says_what_happens_next_as_it_is_matched(en_client, world, masks):
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=10)
    mine = _text(_section(_home(en_client, world.resident_a), "today-mine-h"))
    assert f"I asked for 10 {masks.unit} of 口罩" in mine
    assert "Neighbours nearby have been told; you will hear as soon as someone can help." in mine

    Need.objects.filter(pk=need.pk).update(matched=4, state=Need.State.PARTLY_MATCHED)
    mine = _text(_section(_home(en_client, world.resident_a), "today-mine-h"))
    assert f"4 {masks.unit} promised so far; we keep looking for the other 6." in mine

    Need.objects.filter(pk=need.pk).update(matched=10, state=Need.State.MATCHED)
    mine = _text(_section(_home(en_client, world.resident_a), "today-mine-h"))
    assert "All of it is promised: meet your neighbour and give them your pick-up code." in mine

    Need.objects.filter(pk=need.pk).update(fulfilled=10, state=Need.State.FULFILLED)
    assert "I asked for" not in _home(en_client, world.resident_a)


def test_a_sign_up_says_when_where_and_what_to_do(en_client, world):
    starts = timezone.localtime() + timedelta(days=1)
    starts = starts.replace(hour=9, minute=0, second=0, microsecond=0)
    activity = make_activity(world, starts_at=starts, capacity=1, title="太极课")
    slot = Slot.objects.get(activity=activity)
    signups.signup_create(actor=world.resident_a, slot_id=slot.pk)
    signups.signup_create(actor=world.resident_a2, slot_id=slot.pk)  # no place left: waits

    mine = _text(_section(_home(en_client, world.resident_a), "today-mine-h"))
    assert (
        "tomorrow 9:00 太极课 at 社区广场: when you get there, scan the QR code on the screen "
        "to check in." in mine
    )
    mine = _text(_section(_home(en_client, world.resident_a2), "today-mine-h"))
    assert (
        "tomorrow 9:00 太极课: you are on the waiting list; you will hear as soon as a place "
        "is free." in mine
    )
    SignUp.objects.filter(user=world.resident_a).update(state=SignUp.State.CANCELLED)
    assert "太极课" not in _home(en_client, world.resident_a)


def test_the_next_step_is_in_chinese_by_default(client, world, masks):
    needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=10)
    html = _home(client, world.resident_a)
    assert "我要求助" in html and "我能帮忙" in html and "活动" in html
    assert world.grid_a.name in html and "等待网格员核实" in html


def test_needs_nearby_come_nearest_first_never_mine_nor_muted(en_client, world, masks):
    me = world.resident_a  # building a1, grid A
    same_building = MembershipFactory(micro_grid=world.buildings["a"][0], unit="a1-909").user
    other_grid = world.resident_b
    muted = MembershipFactory(micro_grid=world.buildings["a"][0]).user
    far = needs.need_create(actor=other_grid, category_id=masks.pk, quantity=3)
    grid = needs.need_create(actor=world.resident_a2, category_id=masks.pk, quantity=4)
    near = needs.need_create(actor=same_building, category_id=masks.pk, quantity=5)
    needs.need_create(actor=muted, category_id=masks.pk, quantity=6)
    needs.need_create(actor=me, category_id=masks.pk, quantity=7)
    needs.need_create(actor=world.resident_c, category_id=masks.pk, quantity=8)  # West
    Mute.objects.create(muter=muted, muted=me)

    section = _section(_home(en_client, me), "today-nearby-h")
    links = re.findall(r'href="/mutual-aid/needs/(\d+)/"', section)
    assert links == [str(near.pk), str(grid.pk), str(far.pk)]
    text = _text(section)
    assert f"{same_building.display_name} needs 5 {masks.unit} of 口罩" in text
    assert "Same building" in text and "Same grid" in text and "Same community" in text


def test_a_resident_never_sees_a_neighbours_phone_or_room_on_home(client, world, masks):
    giver = world.resident_a2
    offer = needs.offer_create(actor=giver, category_id=masks.pk, quantity=10)
    claim = claims.claim_request(actor=world.resident_a, offer_id=offer.pk, quantity=5)
    claims.claim_accept(actor=giver, claim_id=claim.pk)
    needs.need_create(actor=giver, category_id=masks.pk, quantity=3)
    needs.need_create(actor=world.resident_b, category_id=masks.pk, quantity=3)
    html = _home(client, world.resident_a)
    assert giver.display_name in html
    for neighbour, membership in (
        (giver, world.members["a"][1]),
        (world.resident_b, world.members["b"][0]),
    ):
        assert neighbour.national_phone not in html and neighbour.phone not in html
        assert membership.unit not in html
    assert world.members["a"][0].unit not in html  # nor their own room: nothing asks for it


# The grid worker


def _figures(html: str, grid_id: int) -> dict[str, tuple[str, str]]:
    block = re.search(rf'<ul class="today-list" data-grid="{grid_id}">(.*?)</ul>', html, re.S)
    assert block, f"no figures for grid {grid_id}"
    return {
        figure: (href, count)
        for href, figure, count in re.findall(
            r'href="([^"]+)" data-figure="(\w+)">\s*'
            r'<strong><span class="today-count[^"]*">(\d+)</span>',
            block.group(1),
        )
    }


def test_a_grid_worker_sees_each_staff_list_with_its_count(en_client, world, masks):
    grid = world.grid_a
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="垃圾分类", body="正文"
    )
    en_client.force_login(world.resident_a)
    en_client.get(f"/notices/{notice.pk}/")  # one of the two residents has read it
    urgent = needs.need_create(
        actor=world.resident_a2, category_id=masks.pk, quantity=2, urgency="urgent"
    )
    needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=2, urgency="urgent")
    Need.objects.filter(pk=urgent.pk).update(created_at=timezone.now() - timedelta(hours=7))
    post = Post.objects.filter(grid=grid, kind=PostKind.NEED).first()
    Post.objects.filter(pk=post.pk).update(review_pending=True)

    html = _home(en_client, world.worker_a)
    assert "Join your grid" in html and "today-join" in html  # tucked away, not first
    assert html.index("My grids today") < html.index("today-join")
    figures = _figures(html, grid.pk)
    assert figures == {
        "unread": (f"/notices/{notice.pk}/receipts/?grid={grid.pk}", "1"),
        "urgent": (f"/mutual-aid/grids/{grid.pk}/urgent/", "1"),
        "flags": (f"/grids/{grid.pk}/moderation/", "1"),
        "verify": (f"/grids/{grid.pk}/manage/?show=unverified", "2"),
    }
    assert "1 resident has not read “垃圾分类”" in _text(html)
    assert world.grid_b.name not in html  # another worker's grid
    for path in [href for href, _ in figures.values()]:
        assert en_client.get(path).status_code == 200, path  # every link opens for them
    # Family help (residents with no phone, asks waiting for the grid worker) is one tap away.
    assert 'href="/family/staff/"' in html
    assert en_client.get("/family/staff/").status_code == 200


# The cadre


def test_a_cadres_home_opens_with_the_community_not_with_joining(client, world):
    html = _home(client, world.cadre_east)
    assert "加入您的网格" not in html[: html.index("today-join")]
    assert 'id="today-cadre-h"' in html
    assert html.index('id="today-cadre-h"') < html.index("today-join")


def test_a_cadre_sees_what_is_overdue_today_and_the_figures(en_client, world, masks):
    cadre = world.cadre_east
    # Overdue: an urgent need waiting 7 h, a claim accepted 30 h ago, an activity ended
    # yesterday with nobody marked.
    late = needs.need_create(
        actor=world.resident_b, category_id=masks.pk, quantity=2, urgency="urgent"
    )
    Need.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(hours=7))
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=30)
    claim = claims.claim_request(actor=world.resident_a, offer_id=offer.pk, quantity=5)
    claims.claim_accept(actor=world.resident_a2, claim_id=claim.pk)
    Claim.objects.filter(pk=claim.pk).update(accepted_at=timezone.now() - timedelta(hours=30))
    ended = make_activity(world, title="义诊")
    signups.signup_create(actor=world.resident_a, slot_id=Slot.objects.get(activity=ended).pk)
    yesterday = timezone.now() - timedelta(days=1)
    type(ended).objects.filter(pk=ended.pk).update(
        starts_at=yesterday - timedelta(hours=2),
        ends_at=yesterday,
        signup_opens_at=yesterday - timedelta(hours=3),
        signup_closes_at=yesterday - timedelta(hours=2),
        cancel_until=yesterday - timedelta(hours=2),
    )
    # Today: an activity that started earlier today (whatever the time of the run).
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    today_at = midnight + (now - midnight) / 2
    dance = make_activity(world, title="广场舞")
    type(dance).objects.filter(pk=dance.pk).update(
        starts_at=today_at, signup_opens_at=today_at - timedelta(hours=1)
    )
    # A campaign with 20 handed over of 10,000.
    campaign = campaigns.campaign_create(
        actor=cadre,
        community_id=world.east.pk,
        title="口罩援助",
        category_ids=[masks.pk],
        ends_at=timezone.now() + timedelta(days=7),
        target_quantity=10_000,
    )
    gift = needs.offer_create(actor=world.resident_b, category_id=masks.pk, quantity=20)
    handed = claims.claim_request(actor=world.resident_a2, offer_id=gift.pk, quantity=20)
    claims.claim_accept(actor=world.resident_b, claim_id=handed.pk)
    handed.refresh_from_db()
    claims.claim_confirm(actor=world.resident_b, claim_id=handed.pk, code=handed.handover_code)
    # A notice read by one of the four residents of East.
    notice = notices.notice_publish(actor=cadre, community=world.east, title="停电通知", body="x")
    en_client.force_login(world.resident_a)
    en_client.get(f"/notices/{notice.pk}/")

    html = _home(en_client, cadre)
    overdue = _text(re.search(r'id="today-overdue">(.*?)</ul>', html, re.S).group(1))
    assert f"1 urgent request in {world.grid_b.name} without help for over 6 hours" in overdue
    assert "1 promised handover not done after 24 hours" in overdue
    assert "义诊 It has ended: mark who came (1 person not yet marked)." in overdue
    assert f'href="/mutual-aid/grids/{world.grid_b.pk}/urgent/"' in html
    assert f'href="/activities/{ended.pk}/manage/"' in html
    today = _text(re.search(r'id="today-activities">(.*?)</ul>', html, re.S).group(1))
    assert (
        f"{today_at:%-H:%M} 广场舞" in today
        and "0 of 5 places taken" in today
        and "义诊" not in today
    )
    totals = _text(re.search(r'id="today-campaigns">(.*?)</ul>', html, re.S).group(1))
    assert f"Handed over 20 / 10,000 {masks.unit}" in totals
    assert campaign_dashboard(campaign.pk).handed_over == 20  # the campaign page's own count
    reads = _text(re.search(r'id="today-reads">(.*?)</ul>', html, re.S).group(1))
    assert "停电通知 Read by 1 of 4 residents (25%)" in reads
    assert "West" not in html and world.grid_c.name not in html
    staff = re.search(r'aria-labelledby="today-cadre-h".*?</section>', html, re.S).group(0)
    for path in set(re.findall(r'href="(/[^"]*)"', staff)):
        assert en_client.get(path.replace("&amp;", "&")).status_code == 200, path


def test_a_campaign_for_some_grids_counts_only_their_handovers(world, masks):
    from today.selectors.staff import campaigns_running

    campaign = campaigns.campaign_create(
        actor=world.cadre_east,
        community_id=world.east.pk,
        title="一网格援助",
        category_ids=[masks.pk],
        grid_ids=[world.grid_a.pk],
        ends_at=timezone.now() + timedelta(days=7),
        target_quantity=100,
    )
    for giver, receiver, quantity in (
        (world.resident_b, world.resident_a, 7),  # received in grid A: counts
        (world.resident_a, world.resident_b, 5),  # received in grid B: does not
    ):
        offer = needs.offer_create(actor=giver, category_id=masks.pk, quantity=quantity)
        claim = claims.claim_request(actor=receiver, offer_id=offer.pk, quantity=quantity)
        claims.claim_accept(actor=giver, claim_id=claim.pk)
        claim.refresh_from_db()
        claims.claim_confirm(actor=giver, claim_id=claim.pk, code=claim.handover_code)
    (total,) = campaigns_running([world.east.pk])
    assert total.handed_over == 7 == campaign_dashboard(campaign.pk).handed_over


# Several roles


def test_a_grid_worker_who_lives_here_sees_the_doors_then_their_own_things(client, world):
    MembershipFactory(user=world.worker_a, micro_grid=world.buildings["a"][1])
    html = _home(client, world.worker_a)
    assert html.index('id="today-grids-h"') < html.index('id="today-mine-h"')
    assert "today-join" not in html and "加入您的网格" not in html


def test_a_cadre_who_also_serves_a_grid_sees_the_grid_then_the_community(client, world):
    from grids.models import Grid

    Grid.objects.filter(pk=world.grid_b.pk).update(grid_worker=world.cadre_east)
    html = _home(client, world.cadre_east)
    assert html.index('id="today-grids-h"') < html.index('id="today-cadre-h"')


def test_notices_helper_counts_only_the_grids_a_notice_reaches(world):
    from today.selectors.staff import notices_with_rates

    notice = notices.notice_publish(
        actor=world.cadre_east,
        community=world.east,
        title="一网格",
        body="x",
        grid_ids=[world.grid_a.pk],
    )
    notices.notice_read_mark(actor=world.resident_a, notice_id=notice.pk)
    (rate,) = notices_with_rates([world.east.pk])
    assert (rate.notice, rate.read, rate.members, rate.percent) == (
        Notice.objects.get(pk=notice.pk),
        1,
        2,
        50,
    )
