"""The reports API: the whole loop over REST (report with a photo, the unit accepts and
closes with a photo, the reporter rates), the duplicate offer, who sees what, the queues
at a constant number of queries, and refusals with a message instead of a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from core.models import AccessLog
from grids.models import Post
from reports.models import Category, HandlingUnit, Report, RoutingRule, UnitMember
from tests.factories import (
    GridFactory,
    MembershipFactory,
    MicroGridFactory,
    UserFactory,
    jpeg,
    make_cadre,
    make_grid_worker,
)

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def w():
    building = MicroGridFactory(latitude="30.750000", longitude="120.750000")
    grid, community = building.grid, building.grid.community
    resident = MembershipFactory(micro_grid=building, user__phone="+8613800001111").user
    neighbour = MembershipFactory(micro_grid=MicroGridFactory(grid=grid)).user
    river = HandlingUnit.objects.create(name="河道保洁队", kind=HandlingUnit.Kind.RIVER)
    river.communities.add(community)
    staff = UserFactory()
    UnitMember.objects.create(unit=river, user=staff)
    litter = Category.objects.get(code="river-litter")
    RoutingRule.objects.create(community=community, category=litter, unit=river)
    return {
        "building": building,
        "grid": grid,
        "community": community,
        "resident": resident,
        "neighbour": neighbour,
        "worker": make_grid_worker(grid),
        "cadre": make_cadre(community),
        "river": river,
        "staff": staff,
        "litter": litter,
        "stranger": MembershipFactory(grid=GridFactory()).user,
    }


def _send(w, user=None, **fields):
    body = {"category": w["litter"].pk, "micro_grid": w["building"].pk, **fields}
    return api(user or w["resident"]).post("/api/v1/reports/", body, format="multipart")


def test_the_whole_loop_over_rest(w, tmp_path):
    sent = _send(w, description="河里有漂浮垃圾", photos=[jpeg(exif=True)])
    assert sent.status_code == 201, sent.content
    report = sent.json()
    rid = report["id"]
    assert report["state"] == "dispatched" and report["unit"]["name"] == "河道保洁队"
    assert report["building"] == w["building"].label and len(report["photos"]) == 1
    assert report["can"] == ["withdraw"]
    stored = next(tmp_path.rglob("*.jpg"))
    assert b"PhoneMaker" not in stored.read_bytes()  # EXIF gone
    assert [s["action"] for s in report["steps"]] == ["submitted", "dispatched"]

    queue = api(w["staff"]).get(f"/api/v1/reports/units/{w['river'].pk}/queue/").json()
    assert [r["id"] for r in queue["results"]] == [rid]
    assert queue["results"][0]["can"] == ["accept", "return"]
    accepted = api(w["staff"]).post(f"/api/v1/reports/{rid}/accept/")
    assert accepted.json()["state"] == "accepted"
    assert api(w["staff"]).post(f"/api/v1/reports/{rid}/accept/").status_code == 409
    progress = api(w["staff"]).post(f"/api/v1/reports/{rid}/progress/", {"note": "船已出发"})
    assert progress.json()["state"] == "in_progress"
    closed = api(w["staff"]).post(
        f"/api/v1/reports/{rid}/close/",
        {"note": "已打捞干净", "photos": [jpeg("after.jpg")]},
        format="multipart",
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == "closed"
    assert [p["kind"] for p in closed.json()["photos"]] == ["report", "result"]

    mine = api(w["resident"]).get(f"/api/v1/reports/{rid}/").json()
    assert mine["can"] == ["confirm", "reopen", "rate"] and mine["result_note"] == "已打捞干净"
    rated = api(w["resident"]).post(f"/api/v1/reports/{rid}/rate/", {"rating": 5, "comment": "快"})
    assert rated.json()["state"] == "confirmed" and rated.json()["rating"] == 5
    assert rated.json()["can"] == []
    listed = api(w["resident"]).get("/api/v1/reports/").json()
    assert [r["id"] for r in listed["results"]] == [rid]


def test_a_similar_open_report_is_offered_and_plus_one_follows_it(w):
    first = _send(w).json()["id"]
    similar = api(w["neighbour"]).get(
        "/api/v1/reports/similar/",
        {"category": w["litter"].pk, "micro_grid": w["building"].pk},
    )
    assert [r["id"] for r in similar.json()] == [first]
    assert similar.json()[0]["can"] == ["follow"]
    refused = _send(w, user=w["neighbour"])
    assert refused.status_code == 409
    assert refused.json()["code"] == "report_duplicate"
    assert refused.json()["report_ids"] == [first]
    assert "+1" in refused.json()["detail"]
    followed = api(w["neighbour"]).post(f"/api/v1/reports/{first}/follow/")
    assert followed.status_code == 200 and followed.json()["followers_count"] == 2
    assert followed.json()["can"] == []
    assert Report.objects.count() == 1
    anyway = _send(w, user=w["neighbour"], not_duplicate=True)
    assert anyway.status_code == 201 and Report.objects.count() == 2


def test_a_public_report_is_a_card_on_the_board_a_private_one_is_not(w):
    public = _send(w).json()
    assert Post.objects.get(ref_id=public["id"]).ref_type == "reports.report"
    noise = Category.objects.get(code="noise")
    private = _send(w, category=noise.pk, description="楼上装修").json()
    assert private["public"] is False
    assert not Post.objects.filter(ref_id=private["id"]).exists()
    assert api(w["neighbour"]).get(f"/api/v1/reports/{private['id']}/").status_code == 404
    assert api(w["neighbour"]).get(f"/api/v1/reports/{public['id']}/").status_code == 200
    assert api(w["stranger"]).get(f"/api/v1/reports/{public['id']}/").status_code == 404


def test_the_unit_never_sees_the_phone_unless_the_reporter_allows_it(w):
    hidden = _send(w).json()["id"]
    body = api(w["staff"]).get(f"/api/v1/reports/{hidden}/")
    assert "+8613800001111" not in body.content.decode()
    assert body.json()["reporter_name"] == w["resident"].display_name
    refused = api(w["staff"]).get(f"/api/v1/reports/{hidden}/contact/")
    assert refused.status_code == 404 and "不被联系" in refused.json()["detail"]
    allowed = _send(w, not_duplicate=True, contact_ok=True).json()["id"]
    assert (
        "+8613800001111" not in api(w["staff"]).get(f"/api/v1/reports/{allowed}/").content.decode()
    )
    contact = api(w["staff"]).get(f"/api/v1/reports/{allowed}/contact/")
    assert contact.json() == {"phone": "+8613800001111"}
    assert AccessLog.objects.filter(actor=w["staff"], action="report_contact").count() == 1
    assert api(w["neighbour"]).get(f"/api/v1/reports/{allowed}/contact/").status_code == 403


def test_a_returned_report_is_passed_on_by_a_cadre(w):
    rid = _send(w).json()["id"]
    returned = api(w["staff"]).post(f"/api/v1/reports/{rid}/return/", {"reason": "不归我们管"})
    assert returned.json()["state"] == "returned"
    community = w["community"].pk
    opened = api(w["cadre"]).get(f"/api/v1/reports/communities/{community}/open/").json()
    assert opened["results"][0]["can"] == ["reroute"]
    property_unit = HandlingUnit.objects.create(name="物业服务中心")
    property_unit.communities.add(w["community"])
    units = api(w["cadre"]).get(f"/api/v1/reports/communities/{community}/units/").json()
    assert {u["name"] for u in units} == {"河道保洁队", "物业服务中心"}
    passed = api(w["cadre"]).post(
        f"/api/v1/reports/{rid}/reroute/", {"unit": property_unit.pk}, format="json"
    )
    assert passed.json()["state"] == "dispatched"
    assert passed.json()["unit"]["name"] == "物业服务中心"
    assert (
        api(w["resident"])
        .post(f"/api/v1/reports/{rid}/reroute/", {"unit": None}, format="json")
        .status_code
        == 403
    )
    assert (
        api(w["stranger"]).get(f"/api/v1/reports/communities/{community}/open/").status_code == 404
    )


def test_queues_belong_to_their_unit(w):
    assert (
        api(w["neighbour"]).get(f"/api/v1/reports/units/{w['river'].pk}/queue/").status_code == 404
    )
    assert api(w["staff"]).get("/api/v1/reports/units/999999/queue/").status_code == 404


@pytest.mark.parametrize("count", [1, 12])
def test_a_queue_page_costs_the_same_queries_for_1_or_12_reports(
    w, count, django_assert_num_queries
):
    for i in range(count):
        assert _send(w, not_duplicate=True, description=f"#{i}", photos=[jpeg()]).status_code == 201
    client = api(w["staff"])
    # the viewer's units and cadre roles, the page with its photos
    # (reports.selectors.cards); no followers: staff are never offered +1 on their own queue
    with django_assert_num_queries(2):
        page = client.get(f"/api/v1/reports/units/{w['river'].pk}/queue/")
    assert len(page.json()["results"]) == count


def test_a_queue_page_and_the_viewers_roles_are_prepared_statements(w):
    """Planned once per connection, not on every reload of the queue."""
    assert _send(w, not_duplicate=True).status_code == 201
    for _ in range(2):
        assert (
            api(w["staff"]).get(f"/api/v1/reports/units/{w['river'].pk}/queue/").json()["results"]
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any("q.unit_id = $1" in s for s in statements), statements
    assert any("UNION ALL" in s and "reports_unitmember" in s for s in statements), statements


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"category": 999999}, "invalid"),
        ({"micro_grid": 999999}, "report_invalid"),
        ({"micro_grid": "", "address": ""}, "report_no_place"),
        ({"latitude": "30.1"}, "invalid"),
        ({"latitude": "abc", "longitude": "1"}, "invalid"),
        ({"description": "长" * 501}, "invalid"),
        ({"photos": [SimpleUploadedFile("x.jpg", b"not an image")]}, "invalid"),
    ],
)
def test_bad_input_is_a_clear_400(w, fields, code):
    response = _send(w, **fields)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code and response.json()["detail"]
    assert Report.objects.count() == 0


def test_refusals_speak_chinese(w):
    rid = _send(w).json()["id"]
    client = api(w["staff"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    empty = client.post(f"/api/v1/reports/{rid}/close/", {"note": ""})
    assert empty.status_code == 400 and empty.json()["detail"] == "请写明做了什么。"
    bad_rating = api(w["resident"]).post(f"/api/v1/reports/{rid}/rate/", {"rating": 9})
    assert bad_rating.status_code == 400


def test_someone_without_a_grid_is_told_to_join_first(w):
    response = api(UserFactory()).post(
        "/api/v1/reports/", {"category": w["litter"].pk, "address": "河边"}
    )
    assert response.status_code == 403 and response.json()["code"] == "report_no_grid"


def test_the_hand_built_report_shape_equals_drfs_own_rendering(w):
    from reports.errors import NotFound
    from reports.selectors.reports import report_for_viewer
    from reports.serializers import ReportDetailSerializer, ReportSerializer

    with_photo = _send(w, description="漂浮物", photos=[jpeg()]).json()["id"]
    on_map = (
        api(w["resident"])
        .post(
            "/api/v1/reports/",
            {
                "category": Category.objects.get(code="lift").pk,
                "latitude": "30.7512",
                "longitude": "120.7",
                "address": "河边",
                "contact_ok": True,
            },
            format="json",
        )
        .json()["id"]
    )
    api(w["staff"]).post(f"/api/v1/reports/{with_photo}/accept/")
    api(w["staff"]).post(f"/api/v1/reports/{with_photo}/close/", {"note": "好了"})
    api(w["resident"]).post(f"/api/v1/reports/{with_photo}/rate/", {"rating": 3})
    for report_id in (with_photo, on_map):
        for viewer in (w["resident"], w["staff"], w["cadre"], w["worker"]):
            try:
                report = report_for_viewer(viewer=viewer, report_id=report_id)
            except NotFound:  # this viewer may not read it: nothing to compare
                continue
            for serializer in (ReportSerializer, ReportDetailSerializer):
                shape = serializer(report, context={"viewer": viewer})
                fast, drf = shape.to_representation(report), shape.drf_representation(report)
                assert fast == drf and list(fast) == list(drf)
                assert fast["id"] == report_id


def test_a_public_report_reaches_the_board_as_one_event_with_its_state(w):
    from grids.models import BoardEvent

    rid = _send(w).json()["id"]
    (event,) = BoardEvent.objects.filter(grid=w["grid"])
    assert event.type == "post.created"
    assert event.payload["post"]["ref"] == {
        "type": "reports.report",
        "id": rid,
        "state": "dispatched",
    }


def _walk(client, url: str) -> tuple[list[list[int]], list[list[int]]]:
    """Every page's ids following `next` from `url`, then following `previous` back."""
    forward, backward = [], []
    body = client.get(url).json()
    forward.append([r["id"] for r in body["results"]])
    while body["next"]:
        body = client.get(body["next"]).json()
        forward.append([r["id"] for r in body["results"]])
    backward.append(forward[-1])
    while body["previous"]:
        body = client.get(body["previous"]).json()
        backward.append([r["id"] for r in body["results"]])
    return forward, backward[::-1]


def _orm_page_data(queryset, ids: list[int], viewer) -> list[dict]:
    from reports.serializers import ReportSerializer
    from reports.viewing import decorate

    found = {r.pk: r for r in queryset.filter(pk__in=ids)}
    page = decorate([found[i] for i in ids], viewer=viewer)
    return ReportSerializer(page, many=True, context={"viewer": viewer}).data


@pytest.mark.parametrize("scope", ["unit", "handler", "community"])
def test_a_queue_pages_as_the_orm_orders_it_both_ways_with_ties(w, scope):
    """The queue's plain-SQL page (reports.selectors.cards) gives, page by page and in
    both directions, the reports and JSON of the ORM's queue, deadlines tied or not."""
    from reports.selectors import reports as selectors

    rubbish = Category.objects.get(code="rubbish")  # no rule: the grid worker handles it
    category = rubbish if scope == "handler" else w["litter"]
    for i in range(7):
        sent = _send(
            w,
            not_duplicate=True,
            category=category.pk,
            description=f"#{i}",
            photos=[jpeg()] if i % 3 == 0 else [],
        )
        assert sent.status_code == 201, sent.content
    made = list(Report.objects.order_by("id"))
    Report.objects.filter(pk__in=[made[1].pk, made[2].pk, made[4].pk]).update(
        close_due=made[1].close_due
    )
    viewer, url, queryset = {
        "unit": (
            w["staff"],
            f"/api/v1/reports/units/{w['river'].pk}/queue/",
            selectors.unit_queue(unit_id=w["river"].pk),
        ),
        "handler": (
            w["worker"],
            "/api/v1/reports/handling/",
            selectors.handler_queue(user=w["worker"]),
        ),
        "community": (
            w["cadre"],
            f"/api/v1/reports/communities/{w['community'].pk}/open/",
            selectors.community_open(community_id=w["community"].pk),
        ),
    }[scope]
    client = api(viewer)
    expected = list(queryset.order_by("close_due", "id").values_list("id", flat=True))
    assert len(expected) == 7
    forward, backward = _walk(client, url + "?page_size=3")
    assert [i for page in forward for i in page] == expected
    assert backward == forward
    first = client.get(url + "?page_size=3").json()["results"]
    assert first == _orm_page_data(queryset, forward[0], viewer)


def test_a_queue_cursor_pointing_nowhere_is_a_404_not_a_500(w):
    import base64
    from urllib.parse import urlencode

    for position in ("not-a-time", "None", "2026-13-45 99:00:00"):
        cursor = base64.b64encode(urlencode({"o": 0, "p": position}).encode()).decode()
        answer = api(w["staff"]).get(
            f"/api/v1/reports/units/{w['river'].pk}/queue/", {"cursor": cursor}
        )
        assert answer.status_code == 404, (position, answer.content)
