"""A grid worker or cadre follows a need or offer from the board or the urgent list and sees
it (no dead end), without being offered a way to help or claim that would refuse them; staff
of another community still cannot look."""

import pytest

from mutualaid.models import Category
from mutualaid.services import needs

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(world):
    masks = Category.objects.get(slug="masks")
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=20)
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=10)
    return need, offer


@pytest.mark.parametrize("who", ["worker_a", "cadre_east"])
def test_the_grids_staff_see_its_needs_and_offers_without_the_help_buttons(
    client, world, asked, who
):
    need, offer = asked
    client.force_login(getattr(world, who))

    need_page = client.get(f"/mutual-aid/needs/{need.pk}/")
    offer_page = client.get(f"/mutual-aid/offers/{offer.pk}/")

    assert need_page.status_code == 200 and offer_page.status_code == 200
    assert f'action="/mutual-aid/needs/{need.pk}/help/"' not in need_page.content.decode()
    assert f'action="/mutual-aid/offers/{offer.pk}/claim/"' not in offer_page.content.decode()
    assert world.resident_a.national_phone not in need_page.content.decode()


def test_staff_of_another_community_still_cannot_look(client, world, asked):
    need, offer = asked
    client.force_login(world.worker_c)
    assert client.get(f"/mutual-aid/needs/{need.pk}/").status_code == 403
    assert client.get(f"/mutual-aid/offers/{offer.pk}/").status_code == 403


def test_a_neighbour_still_gets_the_help_button(client, world, asked):
    need, _offer = asked
    client.force_login(world.resident_a2)
    page = client.get(f"/mutual-aid/needs/{need.pk}/").content.decode()
    assert f'action="/mutual-aid/needs/{need.pk}/help/"' in page
