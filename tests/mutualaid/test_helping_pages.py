"""Help in three taps, from the pages: ask by chips, "我来帮忙" on a need, "我要" on an
offer with what it is for chosen already, and "转为互助" for a board post."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from grids.models import Post, PostKind
from mutualaid.models import Category, Claim, Need, Offer
from mutualaid.services import helping, needs
from mutualaid.views.helping import told_message
from tests.factories import MembershipFactory

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


def test_a_need_page_offers_help_prefilled_with_what_is_missing(client, world, masks):
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=20)
    client.force_login(world.resident_a2)
    page = client.get(f"/mutual-aid/needs/{need.pk}/").content.decode()
    assert f'action="/mutual-aid/needs/{need.pk}/help/"' in page
    assert 'id="help-q-20" value="20" checked' in page  # "all 20", what is missing
    assert 'value="50"' not in page  # no chip above what it lacks
    response = client.post(f"/mutual-aid/needs/{need.pk}/help/", {"quantity": "20"})
    claim = Claim.objects.get()
    assert response["Location"] == f"/mutual-aid/claims/{claim.pk}/"
    assert (claim.quantity, claim.state, claim.receiver) == (20, "accepted", world.resident_a)
    client.force_login(world.resident_a)
    page = client.get(f"/mutual-aid/needs/{need.pk}/").content.decode()
    assert world.resident_a2.display_name in page and claim.handover_code in page
    assert "help-form" not in page


def test_the_offer_page_prefills_my_need_and_the_quantity(client, world, masks):
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=20)
    offer = needs.offer_create(actor=world.resident_a2, category_id=masks.pk, quantity=20)
    client.force_login(world.resident_a)
    page = client.get(f"/mutual-aid/offers/{offer.pk}/").content.decode()
    assert 'id="claim-q-20" value="20" checked' in page
    assert f'id="claim-need-{need.pk}" value="{need.pk}" checked' in page
    client.post(f"/mutual-aid/offers/{offer.pk}/claim/", {"quantity": "20", "need": need.pk})
    claim = Claim.objects.get()
    assert (claim.quantity, claim.need_id) == (20, need.pk)


def test_a_bad_help_quantity_is_a_message_not_an_error(client, world, masks):
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=20)
    client.force_login(world.resident_a2)
    response = client.post(f"/mutual-aid/needs/{need.pk}/help/", {"quantity_other": "x"})
    assert response.status_code == 302 and not Claim.objects.exists()
    response = client.post(f"/mutual-aid/needs/{need.pk}/help/", {"quantity": "21"})
    assert response.status_code == 302 and not Claim.objects.exists()


def test_converting_a_post_without_a_number_opens_the_ask_page_with_its_words(client, world, masks):
    post = Post.objects.create(
        grid=world.grid_a, author=world.resident_a, kind=PostKind.NEED, body="谁家有多余的口罩？"
    )
    client.force_login(world.resident_a)
    response = client.post(f"/mutual-aid/posts/{post.pk}/convert/")
    assert response["Location"] == f"/mutual-aid/needs/new/?post={post.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "谁家有多余的口罩？" in page and f'id="ask-c-masks" value="{masks.pk}"' in page
    client.post("/mutual-aid/needs/new/", {"category": masks.pk, "quantity": "10", "post": post.pk})
    need = Need.objects.get()
    post.refresh_from_db()
    assert (post.ref_type, post.ref_id, need.quantity) == ("aid.need", need.pk, 10)


def test_offering_from_the_tab_takes_the_quantity_from_chips_or_the_box(client, world, masks):
    client.force_login(world.resident_a2)
    page = client.get("/mutual-aid/").content.decode()
    assert 'name="offer-quantity" id="offer-q-20"' in page and 'name="offer-quantity_other"' in page
    form = {"form": "offer", "offer-category": masks.pk, "offer-handover": "pickup"}
    client.post("/mutual-aid/", {**form, "offer-quantity": "20"})
    client.post("/mutual-aid/", {**form, "offer-quantity": "20", "offer-quantity_other": "35"})
    assert sorted(Offer.objects.values_list("quantity", flat=True)) == [20, 35]


def test_the_askers_need_page_reads_the_same_queries_for_one_help_or_many(client, world, masks):
    need = needs.need_create(actor=world.resident_a, category_id=masks.pk, quantity=20)
    helping.need_help(actor=world.resident_a2, need_id=need.pk, quantity=2)
    client.force_login(world.resident_a)
    client.get(f"/mutual-aid/needs/{need.pk}/")  # session and caches warm
    with CaptureQueriesContext(connection) as one:
        client.get(f"/mutual-aid/needs/{need.pk}/")
    for _ in range(3):
        giver = MembershipFactory(micro_grid=world.buildings["a"][1]).user
        helping.need_help(actor=giver, need_id=need.pk, quantity=2)
    with CaptureQueriesContext(connection) as four:
        page = client.get(f"/mutual-aid/needs/{need.pk}/").content.decode()
    assert page.count("data-claim-code=") == 4
    assert len(four.captured_queries) == len(one.captured_queries)
