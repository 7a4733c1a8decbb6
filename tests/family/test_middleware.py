"""Acting for a resident: who the pages see, what is allowed, what is written down."""

import pytest
from django.urls import reverse

from family.acting import SESSION_KEY
from family.models import ProxyAction
from family.services import grants
from mutualaid.models import Category, Need
from residents.models import Notification
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def acting(client, grant, daughter):
    """The daughter signed in, acting for her mother."""
    client.force_login(daughter)
    response = client.post(reverse("family-acting-start", args=[grant.pk]))
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == grant.pk
    return client


def _ask_for_masks(client):
    masks = Category.objects.get(slug="masks")
    return client.post(
        reverse("aid-need-new"),
        {"category": masks.pk, "quantity": "5", "description": "家里没有口罩了"},
    )


def test_while_acting_a_need_is_posted_in_the_residents_name_and_recorded(
    acting, daughter, mother, grant
):
    response = _ask_for_masks(acting)

    assert response.status_code == 302
    need = Need.objects.get()
    assert need.requester_id == mother.pk
    action = ProxyAction.objects.get()
    assert (action.grant, action.principal, action.agent) == (grant, mother, daughter)
    assert (action.object_type, action.object_id) == ("need", need.pk)
    assert action.label in ("Asked neighbours for help", "发布了求助")
    assert Notification.objects.filter(user=mother, type="family.acted").count() == 1


def test_the_banner_shows_on_every_page_while_acting(acting):
    page = acting.get(reverse("mutualaid")).content.decode()
    assert 'class="acting-banner"' in page
    assert "王阿姨" in page
    assert reverse("family-acting-stop") in page


def test_no_banner_when_not_acting(client, grant, daughter):
    client.force_login(daughter)
    assert 'class="acting-banner"' not in client.get(reverse("mutualaid")).content.decode()


@pytest.mark.parametrize(
    "name,args",
    [
        ("profile", []),  # 我的: the resident's own details
        ("notifications", []),
        ("points", []),
        ("family-home", []),
        ("account_change_password", []),
        ("account_email", []),
    ],
)
def test_account_and_private_pages_are_refused_while_acting(acting, name, args):
    response = acting.get(reverse(name, args=args))
    assert response.status_code == 403
    body = response.content.decode()
    assert "王阿姨" in body  # says for whom, and how to stop


def test_the_api_is_refused_while_acting(acting):
    response = acting.get("/api/v1/family/grants/")
    assert response.status_code == 403
    assert response.json()["code"] == "family_acting_refused"
    assert acting.get("/api/v1/me/notifications/").status_code == 403


def test_writes_outside_the_allow_list_are_refused_and_not_recorded(acting, grant, world):
    refused = [
        acting.post(reverse("family-grant-revoke", args=[grant.pk])),
        acting.post(reverse("points-visibility"), {"public": "on"}),
        acting.post(reverse("family-ask"), {"phone": "13900000009"}),
        acting.post(
            reverse("mutualaid"), {"form": "offer", "offer-category": "1", "offer-quantity": "1"}
        ),
    ]
    assert [r.status_code for r in refused] == [403] * 4
    assert not ProxyAction.objects.exists()
    grant.refresh_from_db()
    assert grant.is_active


def test_a_refused_write_is_not_recorded(acting):
    response = acting.post(reverse("aid-need-new"), {"category": "", "quantity": "5"})
    assert response.status_code in (200, 400)
    assert not ProxyAction.objects.exists()


def test_revoking_ends_acting_at_the_next_request(acting, grant, mother):
    grants.proxy_grant_revoke(actor=mother, grant_id=grant.pk)

    response = acting.get(reverse("profile"))

    assert response.status_code == 200  # the daughter's own page again
    assert response.wsgi_request.user.pk == grant.agent_id
    assert SESSION_KEY not in acting.session
    _ask_for_masks(acting)  # as herself now (she has no grid: no need is made)
    assert not ProxyAction.objects.exists()
    assert not Need.objects.filter(requester=mother).exists()


def test_stopping_acting_is_one_tap(acting, daughter):
    acting.post(reverse("family-acting-stop"))
    response = acting.get(reverse("profile"))
    assert response.status_code == 200
    assert response.wsgi_request.user == daughter
    assert not hasattr(response.wsgi_request, "agent")


def test_a_grant_of_someone_else_cannot_be_used(client, grant, world):
    client.force_login(world.outsider)
    response = client.post(reverse("family-acting-start", args=[grant.pk]))
    assert response.status_code == 404
    session = client.session
    session[SESSION_KEY] = grant.pk  # even a forged session value
    session.save()
    assert client.get(reverse("profile")).wsgi_request.user == world.outsider


def test_signing_out_while_acting_signs_out_the_helper(acting, daughter, mother):
    response = acting.post(reverse("account_logout"))
    assert response.status_code == 302
    assert acting.get(reverse("profile")).status_code == 302  # to the login page
    assert acting.login(phone=mother.phone, password=PASSWORD)  # the mother's account is intact


def test_the_helper_sees_only_what_acting_shows(acting, mother, world):
    """No phone, unit or notifications of the resident leak to the helper."""
    home = acting.get(reverse("home")).content.decode()
    aid = acting.get(reverse("mutualaid")).content.decode()
    for page in (home, aid):
        assert mother.national_phone not in page
        assert world.members["a"][0].unit not in page


def test_a_comment_made_while_acting_is_recorded_and_a_refused_one_is_not(
    acting, world, mother, grant
):
    from grids.models import Comment
    from grids.services.posts import post_create

    post = post_create(actor=world.resident_a2, grid=world.grid_a, body="谁家有多的口罩？")
    url = reverse("comment-add", args=[post.pk])

    answered = acting.post(url, {"body": "我家有"}, HTTP_HX_REQUEST="true")
    assert answered.status_code == 200
    assert Comment.objects.get().author_id == mother.pk
    action = ProxyAction.objects.get()
    assert (action.object_type, action.object_id) == ("post", post.pk)

    # An empty comment: the card comes back with the reason, nothing was written.
    refused = acting.post(url, {"body": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200
    assert ProxyAction.objects.count() == 1


def test_every_route_the_allow_list_names_exists():
    """A renamed page would silently drop out of what a helper may do: fail instead."""
    from django.urls import get_resolver

    from family.acting import QUIET, READ, WRITE

    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    missing = (set(READ) | set(WRITE) | set(QUIET)) - names
    assert not missing, sorted(missing)


def test_signing_up_for_an_activity_while_acting_is_in_the_residents_name(acting, world, mother):
    from activities.models import SignUp
    from tests.activities.conftest import make_class

    activity = make_class(world)
    slot = activity.slots.get()

    response = acting.post(
        reverse("activity-signup", args=[activity.pk]), {"slot": slot.pk, "who": "self"}
    )

    assert response.status_code == 302
    assert SignUp.objects.get().user_id == mother.pk
    action = ProxyAction.objects.get()
    assert (action.object_type, action.object_id) == ("activity", activity.pk)


def test_acting_ends_when_the_residents_account_is_closed(acting, mother, daughter):
    mother.is_active = False
    mother.save(update_fields=["is_active"])
    assert acting.get(reverse("profile")).wsgi_request.user == daughter
