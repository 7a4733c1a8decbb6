"""The reports dashboards: figures after real service calls, a fixed number of queries
whatever the data, who may see which scope, the API's answers to bad input, the pages, the
CSV, and a closure showing on the page."""

import csv
import io
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from reports.api.dashboard import ReportDashboardSerializer, dashboard_data
from reports.models import Category, HandlingUnit, RoutingRule, UnitMember
from reports.selectors import dashboard as selectors
from reports.services import handling, submitting
from reports.services.stats import week_of
from tests.factories import (
    CommunityFactory,
    GridFactory,
    MembershipFactory,
    MicroGridFactory,
    UserFactory,
    make_cadre,
    make_grid_worker,
)

pytestmark = pytest.mark.django_db


def _monday_morning(weeks_ago: int) -> datetime:
    """09:00 local on the Monday `weeks_ago` weeks back: a week's events stay in it."""
    monday = week_of(timezone.now()) - timedelta(weeks=weeks_ago)
    return timezone.make_aware(datetime.combine(monday, time(9)))


@pytest.fixture
def place():
    community = CommunityFactory(name="东湖社区")
    grid_a = GridFactory(community=community, name="第一网格")
    grid_b = GridFactory(community=community, name="第二网格")
    building_a = MicroGridFactory(grid=grid_a, latitude="30.750000", longitude="120.750000")
    building_b = MicroGridFactory(grid=grid_b, latitude="30.760000", longitude="120.760000")
    river = HandlingUnit.objects.create(name="河道保洁队", kind=HandlingUnit.Kind.RIVER)
    river.communities.add(community)
    litter = Category.objects.get(code="river-litter")
    RoutingRule.objects.create(community=community, category=litter, unit=river)
    staff = UserFactory()
    UnitMember.objects.create(unit=river, user=staff)
    return {
        "community": community,
        "grid_a": grid_a,
        "grid_b": grid_b,
        "building_a": building_a,
        "building_b": building_b,
        "resident_a": MembershipFactory(micro_grid=building_a).user,
        "resident_b": MembershipFactory(micro_grid=building_b).user,
        "worker_a": make_grid_worker(grid_a),
        "worker_b": make_grid_worker(grid_b),
        "cadre": make_cadre(community),
        "river": river,
        "staff": staff,
        "litter": litter,
    }


def _report(p, *, grid="a", code="river-litter", now=None):
    resident, building = p[f"resident_{grid}"], p[f"building_{grid}"]
    where = submitting.place_resolve(actor=resident, micro_grid_id=building.pk)
    return submitting.report_create(
        actor=resident,
        category=Category.objects.get(code=code),
        place=where,
        not_duplicate=True,
        now=now,
    )


@pytest.fixture
def history(place):
    """One week of a community's reports, through the services:
    - litter in grid A, to the river crew: closed in 2 h (on time), sent back, closed again
      after 100 h (late), rated 4;
    - a broken lift in grid A, for the grid worker, never accepted (overdue);
    - rubbish in grid B, for its grid worker, just in (not yet due)."""
    p = place
    t0 = _monday_morning(weeks_ago=2)
    litter = _report(p, now=t0)
    handling.report_accept(actor=p["staff"], report_id=litter.pk, now=t0 + timedelta(hours=1))
    handling.report_close(
        actor=p["staff"], report_id=litter.pk, note="已打捞", now=t0 + timedelta(hours=2)
    )
    handling.report_reopen(
        actor=p["resident_a"], report_id=litter.pk, reason="还有", now=t0 + timedelta(hours=3)
    )
    handling.report_accept(actor=p["staff"], report_id=litter.pk, now=t0 + timedelta(hours=4))
    handling.report_close(
        actor=p["staff"], report_id=litter.pk, note="全部打捞", now=t0 + timedelta(hours=100)
    )
    handling.report_rate(
        actor=p["resident_a"], report_id=litter.pk, rating=4, now=t0 + timedelta(hours=100)
    )
    lift = _report(p, code="lift", now=t0 + timedelta(hours=1))
    rubbish = _report(p, grid="b", code="rubbish", now=t0 + timedelta(hours=100))
    return {
        "t0": t0,
        "now": t0 + timedelta(hours=101),
        "litter": litter,
        "lift": lift,
        "rubbish": rubbish,
    }


def _row(breakdown, name):
    return next(row for row in breakdown.rows if row.name == name)


def test_the_figures_follow_the_services(place, history):
    p, h = place, history
    board = selectors.report_dashboard(scope="community", target=p["community"], now=h["now"])
    f = board.totals
    assert (f.received, f.open, f.overdue, f.closed, f.closed_on_time) == (3, 2, 1, 2, 1)
    assert f.on_time_rate == 0.5 and f.on_time_percent == 50.0
    assert (f.reopened, f.reopen_rate) == (1, 0.5)
    assert (f.rating_average, f.rating_count) == (4.0, 1)
    # Closures after 2 h and 100 h: the lower middle one is in the "up to 2 h" bucket.
    assert f.median_close_hours == 2.0

    assert board.week_count == selectors.WEEKS_DEFAULT
    assert board.last_week == week_of(h["now"]) == week_of(h["t0"])
    this_week = board.weeks[-1]
    assert this_week.week == board.last_week
    assert (this_week.figures.received, this_week.figures.open) == (3, 2)
    assert all(w.figures.received == 0 for w in board.weeks[:-1])

    grids, units, categories = board.breakdowns
    assert [g.name for g in grids.rows] == ["第一网格", "第二网格"]
    a, b = grids.rows
    assert (a.figures.received, a.figures.open, a.figures.overdue, a.figures.closed) == (2, 1, 1, 2)
    assert (b.figures.received, b.figures.open, b.figures.overdue, b.figures.closed) == (1, 1, 0, 0)
    assert b.figures.on_time_rate is None and b.figures.median_close_hours is None
    river = _row(units, "河道保洁队")
    assert (river.figures.closed, river.figures.reopened, river.figures.rating_sum) == (2, 1, 4)
    worker = next(row for row in units.rows if row.id is None)
    assert (worker.figures.received, worker.figures.open, worker.figures.overdue) == (2, 2, 1)
    lift = _row(categories, "电梯故障")
    assert (lift.figures.received, lift.figures.overdue) == (1, 1)
    assert lift.figures.on_time_rate is None and lift.figures.rating_average is None


def test_a_grid_and_a_unit_see_their_own_share(place, history):
    p, h = place, history
    grid = selectors.report_dashboard(scope="grid", target=p["grid_b"], now=h["now"])
    assert (grid.totals.received, grid.totals.open, grid.totals.closed) == (1, 1, 0)
    assert [b.dimension for b in grid.breakdowns] == ["category"]
    assert [r.name for r in grid.breakdowns[0].rows] == ["垃圾堆放"]
    unit = selectors.report_dashboard(scope="unit", target=p["river"], now=h["now"])
    f = unit.totals
    assert (f.received, f.open, f.closed, f.closed_on_time, f.reopened) == (1, 0, 2, 1, 1)
    assert f.median_close_hours == 2.0 and f.rating_average == 4.0


def test_a_week_range_leaves_older_weeks_out(place, history):
    later = history["now"] + timedelta(weeks=3)
    board = selectors.report_dashboard(
        scope="community", target=place["community"], weeks=2, now=later
    )
    assert board.week_count == 2
    assert (board.totals.received, board.totals.closed) == (0, 0)
    # Still open now, whenever it was received; but no week shown received it.
    assert (board.totals.open, board.totals.overdue) == (2, 2)
    assert all(w.figures.open == 0 for w in board.weeks)
    assert board.totals.on_time_rate is None and board.totals.reopen_rate is None


def _many_reports(p, count: int) -> None:
    codes = ["river-litter", "lift", "rubbish", "street-light", "parking", "leak"]
    start = _monday_morning(weeks_ago=6)
    for i in range(count):
        report = _report(
            p,
            grid="ab"[i % 2],
            code=codes[i % len(codes)],
            now=start + timedelta(days=i, hours=i % 5),
        )
        if report.unit_id and i % 3 == 0:
            at = start + timedelta(days=i, hours=6)
            handling.report_accept(actor=p["staff"], report_id=report.pk, now=at)
            handling.report_close(actor=p["staff"], report_id=report.pk, note="好了", now=at)


def _queries(scope: str, target) -> int:
    with CaptureQueriesContext(connection) as captured:
        board = selectors.report_dashboard(scope=scope, target=target)
        assert board.totals.received >= 1
    return len(captured)


@pytest.mark.parametrize("count", [1, 30])
def test_a_dashboard_costs_the_same_queries_for_1_or_30_reports(
    place, count, django_assert_num_queries
):
    p = place
    _many_reports(p, count)
    with django_assert_num_queries(3):  # the grids, the weekly rows, the open counts
        selectors.report_dashboard(scope="community", target=p["community"])
    assert _queries("grid", p["grid_a"]) == 2
    assert _queries("unit", p["river"]) == 2


def test_the_api_costs_the_same_queries_for_1_or_30_reports(place):
    p = place
    client = APIClient()
    client.force_authenticate(p["cadre"])
    url = reverse("api-reports-dashboard-community", args=[p["community"].pk])
    _many_reports(p, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, {"weeks": 12}).status_code == 200
    _many_reports(p, 29)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(url, {"weeks": 12})
    assert response.json()["totals"]["received"] == 30
    assert len(one) == len(thirty)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_each_scope_is_seen_by_its_own_people_only(place):
    p = place
    other = CommunityFactory()
    other_grid = GridFactory(community=other)
    admin = UserFactory(is_superuser=True, is_staff=True)
    cases = {
        ("community", p["community"].pk): (
            [p["cadre"], admin],
            [p["worker_a"], p["staff"], p["resident_a"], make_cadre(other)],
        ),
        ("grid", p["grid_a"].pk): (
            [p["worker_a"], p["cadre"], admin],
            [p["worker_b"], p["staff"], p["resident_a"], make_grid_worker(other_grid)],
        ),
        ("unit", p["river"].pk): (
            [p["staff"], admin],
            [p["cadre"], p["worker_a"], p["resident_a"]],
        ),
    }
    for (scope, scope_id), (allowed, refused) in cases.items():
        url = reverse(f"api-reports-dashboard-{scope}", args=[scope_id])
        page = reverse(f"reports-dashboard-{scope}", args=[scope_id])
        for user in allowed:
            answer = _api(user).get(url)
            assert answer.status_code == 200, (scope, user)
            assert answer.json()["scope"] == scope and answer.json()["id"] == scope_id
        for user in refused:
            answer = _api(user).get(url)
            assert answer.status_code == 404, (scope, user)
            assert answer.json()["code"] == "not_found" and answer.json()["detail"]
            browser = Client()
            browser.force_login(user)
            assert browser.get(page).status_code == 404
            assert browser.get(page + "?format=csv").status_code == 404
        assert APIClient().get(url).status_code in (401, 403)


def test_an_id_beyond_any_table_is_not_found(place):
    client = _api(UserFactory(is_superuser=True, is_staff=True))
    for scope in selectors.SCOPES:
        url = reverse(f"api-reports-dashboard-{scope}", args=[2**70])
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("weeks", ["0", "53", "-1", "abc", "1.5", "9" * 30])
def test_a_bad_number_of_weeks_is_refused_clearly(place, weeks):
    url = reverse("api-reports-dashboard-community", args=[place["community"].pk])
    answer = _api(place["cadre"]).get(url, {"weeks": weeks})
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid" and "weeks" in body["fields"]
    browser = Client()
    browser.force_login(place["cadre"])
    page = reverse("reports-dashboard-community", args=[place["community"].pk])
    assert browser.get(page, {"weeks": weeks}).status_code == 400


def test_the_api_answers_with_every_figure(place, history):
    answer = _api(place["cadre"]).get(
        reverse("api-reports-dashboard-community", args=[place["community"].pk]), {"weeks": 4}
    )
    body = answer.json()
    assert body["weeks"] == 4 and len(body["by_week"]) == 4
    assert [b["dimension"] for b in body["breakdowns"]] == ["grid", "unit", "category"]
    assert set(body["totals"]) == {
        "received",
        "open",
        "overdue",
        "closed",
        "closed_on_time",
        "on_time_rate",
        "median_close_hours",
        "reopened",
        "reopen_rate",
        "rating_average",
        "rating_count",
    }
    grid_b = next(r for r in body["breakdowns"][0]["rows"] if r["name"] == "第二网格")
    assert grid_b["figures"]["on_time_rate"] is None  # no closure: no rate, no error


@pytest.mark.parametrize("weeks", [1, 8])
def test_the_hand_built_json_equals_the_declared_serializer(place, history, weeks):
    p = place
    for scope, target in (
        ("community", p["community"]),
        ("grid", p["grid_b"]),
        ("unit", p["river"]),
    ):
        board = selectors.report_dashboard(
            scope=scope, target=target, weeks=weeks, now=history["now"]
        )
        assert board.totals.received >= 1
        assert dashboard_data(board) == ReportDashboardSerializer(board).data


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_renders_for_each_scope(place, history):
    p = place
    for scope, target, user in (
        ("community", p["community"], p["cadre"]),
        ("grid", p["grid_a"], p["worker_a"]),
        ("unit", p["river"], p["staff"]),
    ):
        page = _browser(user).get(reverse(f"reports-dashboard-{scope}", args=[target.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert html.count("<h1") == 1
        assert f'data-ws="/ws/reports/{scope}/{target.pk}/"' in html
        assert "js/reports-dashboard.js" in html and "js/live.js" in html
        assert '<label for="dash-weeks">' in html and 'id="dash-weeks"' in html
        assert target.name in html
        assert "<script>" not in html  # no inline script (CSP)
        fragment = _browser(user).get(
            reverse(f"reports-dashboard-{scope}-figures", args=[target.pk])
        )
        assert fragment.status_code == 200 and "<h1" not in fragment.content.decode()
        assert "no-cache" in fragment["Cache-Control"]


def test_the_page_speaks_chinese_first(place, history):
    page = _browser(place["cadre"]).get(
        reverse("reports-dashboard-community", args=[place["community"].pk])
    )
    assert 'lang="zh-hans"' in page.content.decode()


def test_the_index_leads_to_the_one_dashboard_or_lists_them(place):
    p = place
    only = _browser(p["worker_a"]).get(reverse("reports-dashboard"))
    assert only.status_code == 302
    assert only["Location"] == reverse("reports-dashboard-grid", args=[p["grid_a"].pk])
    staff = _browser(p["staff"]).get(reverse("reports-dashboard"))
    assert staff["Location"] == reverse("reports-dashboard-unit", args=[p["river"].pk])
    admin = _browser(UserFactory(is_superuser=True, is_staff=True)).get(
        reverse("reports-dashboard")
    )
    assert admin.status_code == 200
    html = admin.content.decode()
    assert reverse("reports-dashboard-community", args=[p["community"].pk]) in html
    assert reverse("reports-dashboard-unit", args=[p["river"].pk]) in html
    nobody = _browser(p["resident_a"]).get(reverse("reports-dashboard"))
    assert nobody.status_code == 200
    assert reverse("reports-dashboard-community", args=[p["community"].pk]) not in (
        nobody.content.decode()
    )


def _csv_rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_has_one_row_per_week_and_breakdown(place, history):
    p, h = place, history
    client = _browser(p["cadre"])
    url = reverse("reports-dashboard-community-csv", args=[p["community"].pk])
    response = client.get(url, {"weeks": 3}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="reports-community-')
    rows = _csv_rows(response)
    header, rows = rows[0], rows[1:]
    assert len(header) == 15 and header[:2] == ["Week", "Breakdown"]
    # Per week: the community, 2 grids, 2 units (river crew, grid worker), 3 categories.
    assert len(rows) == 3 * (1 + 2 + 2 + 3)
    week = week_of(h["now"]).isoformat()
    whole = next(r for r in rows if r[0] == week and r[3] == "东湖社区")
    # received, open, overdue, closed, on time, rate %, median h, reopened, rate %, avg, n
    # (the page counts overdue now: by now the rubbish is overdue too)
    assert whole[4:] == ["3", "2", "2", "2", "1", "50.0", "2.0", "1", "50.0", "4.0", "1"]
    grid_b = next(r for r in rows if r[0] == week and r[3] == "第二网格")
    assert grid_b[4:8] == ["1", "1", "1", "0"] and grid_b[9] == "" and grid_b[10] == ""
    same = client.get(
        reverse("reports-dashboard-community", args=[p["community"].pk]),
        {"weeks": 3, "format": "csv"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert same.content == response.content


def test_a_name_is_never_a_formula_in_the_csv(place, history):
    HandlingUnit.objects.filter(pk=place["river"].pk).update(name="=HYPERLINK(1)")
    response = _browser(place["cadre"]).get(
        reverse("reports-dashboard-community-csv", args=[place["community"].pk])
    )
    names = {row[3] for row in _csv_rows(response)[1:]}
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names


def test_a_closure_shows_on_the_dashboard(place):
    p = place
    report = _report(p)
    handling.report_accept(actor=p["staff"], report_id=report.pk)
    client = _browser(p["cadre"])
    figures = reverse("reports-dashboard-community-figures", args=[p["community"].pk])
    api = _api(p["cadre"])
    api_url = reverse("api-reports-dashboard-community", args=[p["community"].pk])
    before = client.get(figures).content.decode()
    assert api.get(api_url).json()["totals"]["on_time_rate"] is None
    assert "100%" not in before
    handling.report_close(actor=p["staff"], report_id=report.pk, note="已打捞")
    after = client.get(figures).content.decode()
    assert api.get(api_url).json()["totals"]["on_time_rate"] == 1.0
    assert "100%" in after
