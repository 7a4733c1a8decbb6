"""Staff pages: every staff link leads somewhere its reader may go, no one is shown an
action they may not take, tables label their cells for phones, destructive buttons name
their person and ask first, and the notice composer's whole-community / chosen-grids toggle."""

import re

import pytest

from grids.models import Notice, Role, RoleGrant
from grids.services import notices
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"#]+)"', html)


def test_every_staff_link_on_a_grid_workers_board_opens_for_them(client, world):
    notices.notice_publish(actor=world.cadre_east, community=world.east, title="停水", body="b")
    client = logged_in(client, world.worker_a)
    html = client.get(f"/grids/{world.grid_a.pk}/board/").content.decode()
    staff = html[html.index('id="staff-links"') : html.index("</nav>", html.index("staff-links"))]
    wanted = {
        f"/grids/{world.grid_a.pk}/notices/",
        f"/mutual-aid/grids/{world.grid_a.pk}/urgent/",
        f"/grids/{world.grid_a.pk}/moderation/",
        f"/grids/{world.grid_a.pk}/manage/?show=unverified",
    }
    assert wanted <= set(_links(staff))
    assert f"/communities/{world.east.pk}/notices/" not in html  # the cadres' composer: 403
    for url in _links(staff):
        assert client.get(url).status_code == 200, url


def test_a_cadre_also_finds_the_composer_and_a_resident_no_staff_links(client, world):
    cadre = logged_in(client, world.cadre_east).get(f"/grids/{world.grid_a.pk}/board/")
    assert f'href="/communities/{world.east.pk}/notices/"' in cadre.content.decode()
    for user in (world.resident_a, _volunteer(world)):
        html = logged_in(client, user).get(f"/grids/{world.grid_a.pk}/board/").content.decode()
        assert "staff-links" not in html and "/moderation/" not in html


def _volunteer(world):
    RoleGrant.objects.create(user=world.resident_a2, role=Role.VOLUNTEER, community=world.east)
    return world.resident_a2


def test_the_grid_notices_list_counts_who_has_not_read_and_leads_to_their_doors(client, world):
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="防汛", body="b"
    )
    notices.notice_read_mark(actor=world.resident_a, notice_id=notice.pk)
    members = world.grid_a.memberships.filter(left_at__isnull=True).count()
    page = logged_in(client, world.worker_a).get(f"/grids/{world.grid_a.pk}/notices/")
    html = page.content.decode()
    assert "防汛" in html
    row = html[html.index(f'data-notice="{notice.pk}"') :]
    assert f'<a href="/notices/{notice.pk}/receipts/?grid={world.grid_a.pk}"' in row
    assert re.search(rf'aria-label="[^"]*{members - 1}[^"]*防汛[^"]*">{members - 1}</a>', row)
    doors = client.get(f"/notices/{notice.pk}/receipts/?grid={world.grid_a.pk}").content.decode()
    assert world.resident_a2.display_name in doors
    assert f'href="/grids/{world.grid_a.pk}/notices/"' in doors  # back to their list
    assert "notice-action" not in doors and "/withdraw/" not in doors


def test_the_grid_notices_list_is_for_that_grids_staff_only(client, world):
    url = f"/grids/{world.grid_a.pk}/notices/"
    assert logged_in(client, world.resident_a).get(url).status_code == 403
    assert logged_in(client, world.worker_b).get(url).status_code == 404
    assert logged_in(client, world.cadre_east).get(url).status_code == 200


def test_a_grid_worker_reading_a_notice_is_led_to_who_has_not_read_it(client, world):
    notice = notices.notice_publish(
        actor=world.cadre_east, community=world.east, title="体检", body="b"
    )
    html = logged_in(client, world.worker_a).get(f"/notices/{notice.pk}/").content.decode()
    assert f"/notices/{notice.pk}/receipts/?grid={world.grid_a.pk}" in html
    assert f'href="/notices/{notice.pk}/receipts/"' not in html  # the cadres' rate page


def test_members_to_verify_shows_only_those_not_yet_verified(client, world):
    verified, waiting = world.members["a"][:2]
    verified.verified_at = verified.joined_at
    verified.save(update_fields=["verified_at"])
    html = (
        logged_in(client, world.worker_a)
        .get(f"/grids/{world.grid_a.pk}/manage/?show=unverified")
        .content.decode()
    )
    assert f'id="member-{waiting.pk}"' in html and f'id="member-{verified.pk}"' not in html
    row = html[
        html.index(f'id="member-{waiting.pk}"') : html.index(
            "</tr>", html.index(f'id="member-{waiting.pk}"')
        )
    ]
    assert row.count("<td") == row.count('<td data-label="') + row.count(
        '<td class="row-actions" data-label="'
    )
    name = waiting.user.display_name
    assert re.search(rf'data-confirm="[^"]*{name}[^"]*"', row)
    assert re.search(rf'<button[^>]*aria-label="[^"]*{name}"', row)


def test_the_community_page_folds_its_lists_and_each_remove_names_the_person(client, world):
    people = [UserFactory(display_name=f"志愿者{i}") for i in range(30)]
    grants = [
        RoleGrant.objects.create(user=u, role=Role.VOLUNTEER, community=world.east) for u in people
    ]
    html = (
        logged_in(client, world.cadre_east).get(f"/communities/{world.east.pk}/").content.decode()
    )
    assert html.count("<details") >= 3 and '<span class="badge">30</span>' in html
    table = html[html.index('id="community-grids"') : html.index("</table>")]
    assert table.count("<td") == table.count('<td data-label="') > 0
    assert len(set(re.findall(r'aria-label="([^"]*志愿者\d+)"', html))) == 30
    form = html[html.index(f"/roles/{grants[0].pk}/revoke/") - 200 :]
    assert "data-confirm=" in form[: form.index("</form>")]


def test_a_notice_to_the_whole_community_ignores_grids_ticked_before_switching(client, world):
    url = f"/communities/{world.east.pk}/notices/"
    data = {"title": "通知", "body": "b", "category": "general", "grids": [world.grid_a.pk]}
    response = logged_in(client, world.cadre_east).post(url, {**data, "scope": "all"})
    assert response.status_code == 302
    assert Notice.objects.get().all_grids


def test_choosing_grids_without_ticking_one_is_refused_with_a_message(client, world):
    url = f"/communities/{world.east.pk}/notices/"
    data = {"title": "通知", "body": "b", "category": "general", "scope": "chosen"}
    response = logged_in(client, world.cadre_east).post(url, data)
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert not Notice.objects.exists()


def test_the_composer_offers_the_toggle_with_the_whole_community_chosen(client, world):
    html = (
        logged_in(client, world.cadre_east)
        .get(f"/communities/{world.east.pk}/notices/")
        .content.decode()
    )
    assert re.search(r'<input type="radio" name="scope" value="all"[^>]*checked', html)
    assert 'class="scope-grids"' in html


def test_the_grid_notices_list_costs_the_same_queries_for_any_number_of_notices(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(client, world.worker_a)
    url = f"/grids/{world.grid_a.pk}/notices/"
    notices.notice_publish(actor=world.cadre_east, community=world.east, title="n0", body="b")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(4):
        notices.notice_publish(
            actor=world.cadre_east, community=world.east, title=f"n{i + 1}", body="b"
        )
    with CaptureQueriesContext(connection) as five:
        page = client.get(url)
    assert page.content.decode().count("data-notice=") == 5
    assert len(five) == len(one)
