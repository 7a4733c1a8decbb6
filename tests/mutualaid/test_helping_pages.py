"""Help in three taps, from the pages: ask by chips, "我来帮忙" on a need, "我要" on an
offer with what it is for chosen already, and "转为互助" for a board post."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from mutualaid.models import Category, Need
from mutualaid.services import needs
from mutualaid.views.helping import told_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def masks(db):
    return Category.objects.get(slug="masks")


def test_the_ask_page_offers_kinds_and_quantities_by_chips(client, world, masks):
    client.force_login(world.resident_a)
    page = client.get("/mutual-aid/needs/new/").content.decode()
    assert 'name="category"' in page and 'type="radio"' in page
    assert "口罩" in page and 'value="10" checked' in page  # what neighbours usually ask


def test_asking_from_the_ask_page_says_how_many_neighbours_were_told(client, world, masks):
    needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=30)
    client.force_login(world.resident_a)
    response = client.post(
        "/mutual-aid/needs/new/", {"category": masks.pk, "quantity": "10", "description": ""}
    )
    need = Need.objects.get()
    assert response["Location"] == f"/mutual-aid/needs/{need.pk}/"
    assert need.quantity == 10 and need.requester == world.resident_a
    page = client.get(response["Location"]).content.decode()
    with translation.override("zh-hans"):
        assert told_message(1) in page  # "已告诉附近 1 位邻居。有人帮忙时会通知您。"


def test_another_amount_typed_wins_over_the_chip(client, world, masks):
    client.force_login(world.resident_a)
    client.post(
        "/mutual-aid/needs/new/", {"category": masks.pk, "quantity": "10", "quantity_other": "7"}
    )
    assert Need.objects.get().quantity == 7


def test_a_quantity_that_is_not_a_number_is_a_message_not_an_error(client, world, masks):
    client.force_login(world.resident_a)
    response = client.post(
        "/mutual-aid/needs/new/", {"category": masks.pk, "quantity_other": "abc"}
    )
    assert response.status_code == 200 and not Need.objects.exists()
    with translation.override("zh-hans"):
        assert gettext("The quantity must be a whole number of at least 1.") in (
            response.content.decode()
        )
