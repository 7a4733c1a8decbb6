"""Share cards: a notice, an activity or a need shared into a WeChat chat shows a title,
a description and an image; a need's card never names the asker, their phone or unit."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.services import publishing
from grids.models import Membership
from grids.services import notices
from mutualaid.models import Category
from mutualaid.services import needs

pytestmark = pytest.mark.django_db


def og(html: str) -> dict[str, str]:
    head = html[: html.index("</head>")]
    return {
        name: unescape(value)
        for name, value in re.findall(r'<meta property="og:([a-z:]+)" content="([^"]*)"', head)
    }


def assert_card_basics(card: dict, page_url: str) -> None:
    assert card["image"] == "http://testserver/static/img/share.png"
    assert card["image:width"] == card["image:height"] == "300"
    assert card["url"] == f"http://testserver{page_url}"


def test_a_notice_card_has_its_title_and_the_start_of_its_text(client, world):
    notice = notices.notice_publish(
        actor=world.cadre_east,
        community=world.east,
        title="周六停水",
        body="8:00-12:00 维修水管\n请提前储水。" + "很长的说明" * 40,
        grid_ids=[world.grid_a.pk],
    )
    client.force_login(world.resident_a)
    url = reverse("notice", args=[notice.pk])
    card = og(client.get(url).content.decode())
    assert card["title"] == "周六停水"
    assert card["description"].startswith("8:00-12:00 维修水管 请提前储水。")
    assert len(card["description"]) <= 80
    assert_card_basics(card, url)


def test_an_activity_card_says_what_when_and_where(client, world):
    starts = timezone.now() + timedelta(days=2)
    activity = publishing.activity_create(
        actor=world.cadre_east,
        community=world.east,
        title="书法公益课",
        place="社区活动室",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=10,
    )
    client.force_login(world.resident_a)
    url = reverse("activity", args=[activity.pk])
    card = og(client.get(url).content.decode())
    assert card["title"] == "书法公益课"
    assert "社区活动室" in card["description"]
    assert_card_basics(card, url)


def test_a_need_card_names_the_kind_and_quantity_and_nothing_of_the_asker(client, world):
    masks = Category.objects.get(slug="masks")
    asker = world.resident_a
    Membership.objects.filter(user=asker, left_at__isnull=True).update(unit="3-502")
    need = needs.need_create(actor=asker, category_id=masks.pk, quantity=20)
    client.force_login(world.resident_a2)
    url = reverse("aid-need", args=[need.pk])
    html = client.get(url).content.decode()
    card = og(html)
    assert masks.name in card["title"] and "20" in card["title"]
    assert_card_basics(card, url)
    head = html[: html.index("</head>")]
    for private in (asker.display_name, asker.national_phone, asker.phone[-4:], "3-502"):
        assert private not in head
