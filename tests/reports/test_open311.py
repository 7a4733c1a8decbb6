"""Open311 GeoReport v2 conformance: every endpoint in XML and JSON, errors in the spec's
format (never a 500 for odd input), a civic app's POST read back by id, by token and in
the list, privacy of the list, its query count, the POST budget, and a key issued once in
admin."""

import logging
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from grids.models import Post
from reports.models import (
    Category,
    CategoryAttribute,
    HandlingUnit,
    Open311Client,
    Report,
    ReportPhoto,
    RoutingRule,
)
from reports.open311.views import Open311PostThrottle
from reports.services import open311, submitting
from tests.factories import (
    CommunityFactory,
    GridFactory,
    MembershipFactory,
    MicroGridFactory,
    make_cadre,
    make_grid_worker,
)

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


class World:
    pass


@pytest.fixture
def world():
    w = World()
    w.grid = GridFactory()
    w.community = w.grid.community
    w.building = MicroGridFactory(grid=w.grid, latitude="30.750000", longitude="120.750000")
    w.unit = HandlingUnit.objects.create(name="物业服务中心", kind=HandlingUnit.Kind.PROPERTY)
    w.unit.communities.add(w.community)
    RoutingRule.objects.create(community=w.community, unit=w.unit)
    w.cadre = make_cadre(w.community)
    w.worker = make_grid_worker(w.grid)
    w.client, w.key = open311.client_issue(actor=w.cadre, name="城市随手拍", community=w.community)
    w.lift = Category.objects.get(code="lift")
    CategoryAttribute.objects.create(
        category=w.lift,
        code="floor",
        description="哪一层",
        datatype=CategoryAttribute.Datatype.NUMBER,
        required=True,
        position=1,
    )
    CategoryAttribute.objects.create(
        category=w.lift,
        code="trapped",
        description="有人被困吗",
        datatype=CategoryAttribute.Datatype.SINGLE,
        values=[{"key": "yes", "name": "有"}, {"key": "no", "name": "没有"}],
        position=2,
    )
    return w


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def error_of(response, fmt: str) -> tuple[int, str]:
    """The spec's error document, in either format: (code, description)."""
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert isinstance(body, list)
        assert len(body) == 1
        assert set(body[0]) == {"code", "description"}
        return body[0]["code"], body[0]["description"]
    root = xml(response)
    assert root.tag == "errors"
    error = root.find("error")
    return int(error.findtext("code")), error.findtext("description")


def assert_error(response, fmt: str, status: int) -> str:
    assert response.status_code == status, response.content
    code, description = error_of(response, fmt)
    assert code == status
    assert description
    return description


def post_fields(world) -> dict:
    return {
        "api_key": world.key,
        "jurisdiction_id": world.community.pk,
        "service_code": "lift",
        "lat": "30.750100",
        "long": "120.750100",
        "description": "3号电梯不动了",
    }


def post(client, world, fmt="json", **fields):
    data = post_fields(world)
    if fields.get("service_code", "lift") == "lift":
        data.update({"attribute[floor]": "5", "attribute[trapped]": "no"})
    data.update(fields)
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(f"{BASE}/requests.{fmt}", data)


# Discovery -------------------------------------------------------------------------------


def test_services_are_listed_in_json_and_xml(client, world):
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    services = {s["service_code"]: s for s in response.json()}
    assert set(services["lift"]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert services["lift"]["service_name"] == "电梯故障"
    assert services["lift"]["metadata"] is True
    assert services["rubbish"]["metadata"] is False
    assert services["lift"]["type"] == "realtime"
    assert services["lift"]["group"] == "楼栋设施"

    root = xml(client.get(f"{BASE}/services.xml", {"jurisdiction_id": world.community.pk}))
    assert root.tag == "services"
    lift = next(s for s in root.findall("service") if s.findtext("service_code") == "lift")
    assert lift.findtext("service_name") == "电梯故障"
    assert lift.findtext("metadata") == "true"
    assert len(root.findall("service")) == len(services)


def test_a_service_definition_lists_its_attributes(client, world):
    body = client.get(f"{BASE}/services/lift.json").json()
    assert body["service_code"] == "lift"
    floor, trapped = body["attributes"]
    assert floor == {
        "variable": True,
        "code": "floor",
        "datatype": "number",
        "required": True,
        "datatype_description": str(CategoryAttribute.Datatype.NUMBER.label),
        "order": 1,
        "description": "哪一层",
    }
    assert trapped["datatype"] == "singlevaluelist"
    assert trapped["values"] == [{"key": "yes", "name": "有"}, {"key": "no", "name": "没有"}]

    root = xml(client.get(f"{BASE}/services/lift.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "lift"
    attributes = root.find("attributes").findall("attribute")
    assert [a.findtext("code") for a in attributes] == ["floor", "trapped"]
    values = attributes[1].find("values").findall("value")
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [
        ("yes", "有"),
        ("no", "没有"),
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_code_is_a_404_in_the_spec_format(client, world, fmt):
    assert_error(client.get(f"{BASE}/services/no-such-thing.{fmt}"), fmt, 404)


# POST then GET ---------------------------------------------------------------------------


def test_a_posted_request_is_an_ordinary_report_read_back_by_id_token_and_list(client, world):
    response = post(client, world, first_name="王", last_name="阿姨", phone="13800001111")
    assert response.status_code == 201, response.content
    (answer,) = response.json()
    assert answer["service_notice"] == ""
    assert answer["account_id"] is None

    report = Report.objects.get(pk=int(answer["service_request_id"]))
    assert answer["token"] == report.token
    assert report.source == Report.Source.OPEN311
    assert report.client == world.client
    assert report.reporter is None
    assert report.community == world.community
    assert report.unit == world.unit
    assert report.state == Report.State.DISPATCHED
    assert report.close_due is not None
    assert report.attributes == {"floor": "5", "trapped": "no"}
    assert report.reporter_name == "城市随手拍"  # the app, not the person it named
    assert report.contact_ok is True
    assert report.steps.count() == 2

    got = client.get(f"{BASE}/requests/{report.pk}.json")
    assert got.status_code == 200
    (request,) = got.json()
    assert request["service_request_id"] == str(report.pk)
    assert request["status"] == "open"
    assert request["service_code"] == "lift"
    assert request["service_name"] == "电梯故障"
    assert request["description"] == "3号电梯不动了"
    assert request["agency_responsible"] == "物业服务中心"
    assert request["lat"] == pytest.approx(30.7501)
    assert request["long"] == pytest.approx(120.7501)
    assert request["expected_datetime"] == timezone.localtime(report.close_due).isoformat(
        timespec="seconds"
    )
    assert request["requested_datetime"].endswith("+08:00")
    assert request["media_url"] is None
    # Nothing of the reporter goes out.
    for text in ("13800001111", "王 阿姨", "阿姨"):
        assert text not in got.content.decode()

    token = client.get(f"{BASE}/tokens/{report.token}.json").json()
    assert token == [{"service_request_id": str(report.pk), "token": report.token}]

    listed = client.get(f"{BASE}/requests.json").json()
    assert [r["service_request_id"] for r in listed] == [str(report.pk)]

    # On the board, as a card put there by the grid's grid worker.
    card = Post.objects.get(ref_type="reports.report", ref_id=report.pk)
    assert card.grid == report.grid and card.author == report.grid.grid_worker

    root = xml(client.get(f"{BASE}/requests/{report.pk}.xml"))
    assert root.tag == "service_requests"
    assert root.find("request").findtext("service_request_id") == str(report.pk)
    assert root.find("request").findtext("status") == "open"
    assert root.find("request").findtext("zipcode") == ""
    token_root = xml(client.get(f"{BASE}/tokens/{report.token}.xml"))
    assert token_root.find("request").findtext("service_request_id") == str(report.pk)


def test_posting_in_xml_by_building_or_by_words(client, world):
    response = post(client, world, "xml", lat=None, long=None, address_id=world.building.pk)
    assert response.status_code == 201, response.content
    report_id = int(xml(response).find("request").findtext("service_request_id"))
    report = Report.objects.get(pk=report_id)
    assert report.micro_grid == world.building
    got = client.get(f"{BASE}/requests/{report_id}.json").json()[0]
    assert got["address_id"] == str(world.building.pk)
    assert got["address"] == world.building.label
    assert got["lat"] == pytest.approx(30.75)

    response = post(
        client, world, lat=None, long=None, address_string="南湖路12号门口", service_code="rubbish"
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get(pk=int(response.json()[0]["service_request_id"]))
    assert report.address == "南湖路12号门口"
    assert report.grid == world.grid


def test_a_closed_report_reads_closed_with_its_result(client, world):
    (answer,) = post(client, world).json()
    Report.objects.filter(pk=answer["service_request_id"]).update(
        state=Report.State.CLOSED, result_note="已修好"
    )
    (request,) = client.get(f"{BASE}/requests/{answer['service_request_id']}.json").json()
    assert request["status"] == "closed"
    assert request["status_notes"] == "已修好"
    assert request["expected_datetime"] is None


# Refusals: always the spec's error document, never a 500 --------------------------------


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"api_key": None}, 403),
        ({"api_key": "not-a-key"}, 403),
        ({"api_key": "x" * 5000}, 403),
        ({"jurisdiction_id": "999999"}, 403),
        ({"jurisdiction_id": "abc"}, 403),
        ({"service_code": "no-such-service"}, 400),
        ({"service_code": None}, 400),
        ({"lat": "north", "long": "120.75"}, 400),
        ({"lat": "NaN", "long": "120.75"}, 400),
        ({"lat": "1e999999999", "long": "1"}, 400),
        ({"lat": "30.75", "long": None}, 400),
        ({"lat": None, "long": None}, 400),
        ({"lat": None, "long": None, "address_id": "99999999999999999999999"}, 400),
        ({"lat": None, "long": None, "address_id": "-3"}, 400),
        ({"attribute[floor]": None}, 400),
        ({"attribute[floor]": "five"}, 400),
        ({"attribute[trapped]": "maybe"}, 400),
        ({"attribute[colour]": "red"}, 400),
        ({"description": "很长" * 300}, 400),
        ({"phone": "1" * 40}, 400),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_bad_post_is_refused_in_the_spec_format(client, world, fields, status, fmt):
    assert_error(post(client, world, fmt, **fields), fmt, status)
    assert not Report.objects.exists()


def test_a_building_of_another_community_and_an_inactive_key_are_refused(client, world):
    elsewhere = MicroGridFactory()
    assert_error(post(client, world, lat=None, long=None, address_id=elsewhere.pk), "json", 400)
    Open311Client.objects.filter(pk=world.client.pk).update(active=False)
    assert_error(post(client, world), "json", 403)
    assert not Report.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("requests", {"start_date": "yesterday"}, 400),
        ("requests", {"end_date": "2026-13-45T00:00:00Z"}, 400),
        ("requests", {"start_date": "0001-01-01T00:00:00+14:00"}, 400),
        (
            "requests",
            {"start_date": "2026-05-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"},
            400,
        ),
        ("requests", {"status": "pending"}, 400),
        ("requests", {"service_code": "no-such-service"}, 400),
        ("requests", {"service_request_id": "1,two"}, 400),
        ("requests", {"service_request_id": "99999999999999999999999"}, 400),
        ("requests", {"jurisdiction_id": "999999"}, 404),
        ("requests", {"jurisdiction_id": "'; drop table"}, 404),
        ("requests/99999999999999999999999", {}, 404),
        ("requests/abc", {}, 404),
        ("requests/0", {}, 404),
        ("tokens/" + "z" * 60, {}, 404),
        ("services/lift", {"jurisdiction_id": "-1"}, 404),
        ("no-such-resource", {}, 404),
        ("services/%00", {}, 400),
        ("tokens/%00", {}, 400),
        ("requests", {"service_code": "lift\x00"}, 400),
        ("requests", {"jurisdiction_id": "\x00"}, 400),
    ],
)
def test_odd_reads_are_refused_in_the_spec_format(client, world, fmt, path, params, status):
    assert_error(client.get(f"{BASE}/{path}.{fmt}", params), fmt, status)


def test_jurisdiction_is_required_once_there_are_two_communities(client, world):
    assert client.get(f"{BASE}/services.json").status_code == 200
    CommunityFactory()
    assert_error(client.get(f"{BASE}/services.json"), "json", 400)
    assert_error(client.get(f"{BASE}/requests.xml"), "xml", 400)
    ok = client.get(f"{BASE}/services.json", {"jurisdiction_id": world.community.pk})
    assert ok.status_code == 200
    # A key knows its community: posting needs no jurisdiction_id.
    assert post(client, world, jurisdiction_id=None).status_code == 201


def test_an_unknown_address_and_a_wrong_method_answer_in_xml(client, world):
    assert_error(client.get(f"{BASE}/nothing/here"), "xml", 404)
    assert_error(client.delete(f"{BASE}/services.xml"), "xml", 405)
    assert_error(client.post(f"{BASE}/services.json"), "json", 405)
    sent_json = client.post(
        f"{BASE}/requests.json", {"api_key": world.key}, content_type="application/json"
    )
    assert_error(sent_json, "json", 415)


# Privacy and the list --------------------------------------------------------------------


def test_private_reports_never_leave_the_portal(client, world):
    response = post(client, world, service_code="noise")
    assert response.status_code == 201, response.content
    (answer,) = response.json()
    assert answer["service_notice"]
    private_id = answer["service_request_id"]
    assert not Report.objects.get(pk=private_id).public

    resident = MembershipFactory(micro_grid=world.building).user
    place = submitting.place_resolve(actor=resident, micro_grid_id=world.building.pk)
    hidden = submitting.report_create(
        actor=resident,
        category=Category.objects.get(code="rubbish"),
        place=place,
        public=False,
        not_duplicate=True,
    )
    shown = submitting.report_create(
        actor=resident,
        category=Category.objects.get(code="rubbish"),
        place=place,
        contact_ok=True,
        not_duplicate=True,
    )
    for report_id in (private_id, hidden.pk):
        assert_error(client.get(f"{BASE}/requests/{report_id}.json"), "json", 404)
        assert_error(client.get(f"{BASE}/requests/{report_id}.xml"), "xml", 404)
    listed = client.get(f"{BASE}/requests.json").json()
    assert [r["service_request_id"] for r in listed] == [str(shown.pk)]
    by_id = client.get(
        f"{BASE}/requests.json", {"service_request_id": f"{private_id},{hidden.pk},{shown.pk}"}
    ).json()
    assert [r["service_request_id"] for r in by_id] == [str(shown.pk)]
    page = client.get(f"{BASE}/requests.xml").content.decode()
    for personal in (resident.phone, resident.national_phone, resident.display_name):
        assert personal not in page


def test_a_community_reads_only_its_own_reports(client, world):
    post(client, world)
    other = CommunityFactory()
    GridFactory(community=other)
    assert client.get(f"{BASE}/requests.json", {"jurisdiction_id": other.pk}).json() == []
    mine = client.get(f"{BASE}/requests.json", {"jurisdiction_id": world.community.pk}).json()
    assert len(mine) == 1
    assert_error(
        client.get(
            f"{BASE}/requests/{mine[0]['service_request_id']}.json", {"jurisdiction_id": other.pk}
        ),
        "json",
        404,
    )


def test_the_filters_of_the_list(client, world):
    lift = post(client, world).json()[0]["service_request_id"]
    rubbish = post(client, world, service_code="rubbish").json()[0]["service_request_id"]
    old = post(client, world, service_code="rubbish").json()[0]["service_request_id"]
    long_ago = timezone.now() - timedelta(days=120)
    Report.objects.filter(pk=old).update(created_at=long_ago, state=Report.State.CONFIRMED)

    def ids(**params):
        body = client.get(f"{BASE}/requests.json", params).json()
        return [r["service_request_id"] for r in body]

    assert ids() == [rubbish, lift]  # the last 90 days, newest first
    assert ids(service_code="lift") == [lift]
    assert ids(service_code="lift,rubbish") == [rubbish, lift]
    assert ids(status="closed") == []
    assert ids(status="open,closed") == [rubbish, lift]
    day = timezone.localtime(long_ago).date()
    assert ids(start_date=f"{day}T00:00:00+08:00", end_date=f"{day}T23:59:59+08:00") == [old]
    assert ids(start_date=(day - timedelta(days=1)).isoformat(), status="closed") == [old]
    # Asked by id, the other filters do not apply.
    assert ids(service_request_id=f"{old},{lift}", service_code="nothing", status="x") == [
        lift,
        old,
    ]


def test_the_list_is_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    def add(count):
        for _ in range(count):
            report_id = post(client, world).json()[0]["service_request_id"]
            ReportPhoto.objects.create(
                report_id=report_id,
                image=f"reports/{world.community.pk}/{report_id}.jpg",
                thumb=f"reports/{world.community.pk}/{report_id}_t.jpg",
                width=800,
                height=600,
            )

    add(2)
    # jurisdiction, reports, their first photos
    with django_assert_num_queries(3):
        assert len(client.get(f"{BASE}/requests.json").json()) == 2
    add(5)
    with django_assert_num_queries(3):
        body = client.get(f"{BASE}/requests.json").json()
    assert len(body) == 7
    assert all(r["media_url"].startswith("http://testserver/") for r in body)
    assert body[0]["media_url"].endswith(f"{body[0]['service_request_id']}.jpg")


def test_the_list_is_capped(client, world, monkeypatch):
    monkeypatch.setattr("reports.selectors.open311.REQUESTS_MAX", 2)
    for _ in range(3):
        post(client, world)
    assert len(client.get(f"{BASE}/requests.json").json()) == 2


# Keys and the posting budget -------------------------------------------------------------


def test_bad_keys_spend_the_budget_and_then_even_a_good_key_waits(client, world, monkeypatch):
    rates = {**Open311PostThrottle.THROTTLE_RATES, "open311": "3/min"}
    monkeypatch.setattr(Open311PostThrottle, "THROTTLE_RATES", rates)
    for _ in range(3):
        assert_error(post(client, world, api_key="guess"), "json", 403)
    refused = post(client, world)
    assert_error(refused, "json", 429)
    assert int(refused["Retry-After"]) >= 1
    assert_error(post(client, world, "xml"), "xml", 429)
    assert not Report.objects.exists()
    # Reading costs nothing.
    assert client.get(f"{BASE}/requests.json").status_code == 200


def test_the_budget_is_per_address(world, monkeypatch):
    rates = {**Open311PostThrottle.THROTTLE_RATES, "open311": "2/min"}
    monkeypatch.setattr(Open311PostThrottle, "THROTTLE_RATES", rates)
    guesser, app = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(2):
        assert_error(post(guesser, world, api_key="guess"), "json", 403)
    assert_error(post(guesser, world), "json", 429)
    assert post(app, world).status_code == 201


def test_list_and_date_answers_are_checked_and_kept(client, world):
    leak = Category.objects.get(code="leak")
    CategoryAttribute.objects.create(
        category=leak,
        code="where",
        description="哪里漏水",
        datatype=CategoryAttribute.Datatype.MULTI,
        values=[{"key": "ceiling", "name": "天花板"}, {"key": "pipe", "name": "水管"}],
    )
    CategoryAttribute.objects.create(
        category=leak,
        code="since",
        description="从什么时候开始",
        datatype=CategoryAttribute.Datatype.DATETIME,
    )
    fields = {"service_code": "leak", "attribute[since]": "2026-11-30T21:00:00+08:00"}
    sent = post(client, world, **fields, **{"attribute[where][]": ["ceiling", "pipe"]})
    assert sent.status_code == 201, sent.content
    report = Report.objects.get(pk=sent.json()[0]["service_request_id"])
    assert report.attributes == {
        "where": ["ceiling", "pipe"],
        "since": "2026-11-30T21:00:00+08:00",
    }
    for wrong in (
        {"attribute[where][]": ["ceiling", "roof"]},
        {"attribute[since]": "last night"},
    ):
        assert_error(post(client, world, **{**fields, **wrong}), "json", 400)


def test_only_a_hash_of_the_key_is_kept_and_no_log_holds_it(client, world, caplog):
    stored = Open311Client.objects.get(pk=world.client.pk)
    assert len(world.key) >= 40
    assert stored.key_hash == open311.key_hash(world.key)
    assert stored.key_hint == world.key[: open311.KEY_HINT_CHARS]
    assert world.key not in str(vars(stored))
    with caplog.at_level(logging.DEBUG):
        post(client, world)
        post(client, world, api_key=world.key + "x")
    assert world.key not in caplog.text
    assert open311.client_for_key(world.key) == stored


def test_only_a_cadre_of_the_community_issues_its_keys(world):
    stranger = make_cadre(CommunityFactory())
    with pytest.raises(open311.NotAllowed):
        open311.client_issue(actor=stranger, name="app", community=world.community)
    with pytest.raises(open311.NotAllowed):
        open311.client_rekey(actor=stranger, client_id=world.client.pk)
    client, key = open311.client_rekey(actor=world.cadre, client_id=world.client.pk)
    assert key != world.key
    with pytest.raises(open311.Open311KeyInvalid):
        open311.client_for_key(world.key)
    assert open311.client_for_key(key) == client


def test_a_cadre_issues_a_key_in_admin_and_sees_it_once(client, world):
    world.cadre.is_staff = True
    world.cadre.save()
    world.cadre.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="reports", codename__endswith="open311client"
        )
    )
    other = CommunityFactory()
    Open311Client.objects.create(name="别处的应用", community=other, key_hash="0" * 64)
    client.force_login(world.cadre)

    form = client.get("/admin/reports/open311client/add/").content.decode()
    assert other.name not in form
    response = client.post(
        "/admin/reports/open311client/add/",
        {"name": "街道小程序", "community": world.community.pk},
        follow=True,
    )
    assert response.status_code == 200
    issued = Open311Client.objects.get(name="街道小程序")
    assert issued.issued_by == world.cadre
    shown = [str(m) for m in response.context["messages"]]
    key = next(word for m in shown for word in m.split() if word.startswith(issued.key_hint))
    assert open311.key_hash(key.rstrip("。.")) == issued.key_hash

    listing = client.get("/admin/reports/open311client/").content.decode()
    assert "街道小程序" in listing
    assert "别处的应用" not in listing
    change = client.get(f"/admin/reports/open311client/{issued.pk}/change/").content.decode()
    assert issued.key_hint in change
    assert key.rstrip("。.") not in change
    assert issued.key_hash not in change


def test_open311_stays_out_of_the_api_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert not [path for path in schema.json()["paths"] if "open311" in path]


def test_a_residents_report_goes_out_with_its_point_rounded_and_without_photos(client, world):
    resident = MembershipFactory(micro_grid=world.building).user
    place = submitting.place_resolve(
        actor=resident, latitude="30.751234", longitude="120.756789", address="河边步道"
    )
    report = submitting.report_create(
        actor=resident, category=Category.objects.get(code="rubbish"), place=place
    )
    ReportPhoto.objects.create(
        report=report, image="reports/x.jpg", thumb="reports/x_t.jpg", width=8, height=6
    )
    (got,) = client.get(f"{BASE}/requests/{report.pk}.json").json()
    assert (got["lat"], got["long"]) == (30.751, 120.757)  # about 100 m, not the doorstep
    assert got["media_url"] is None
