"""Reports (随手拍) in real browsers, live: a resident photographs floating litter at her
building and sends it in three taps; the river crew, its queue open, sees it arrive,
accepts it in one tap and closes it with a photo of the clean water; the resident, her
report open, sees 已办结 and gives five stars; the cadre's dashboard counts the on-time
closure. And a neighbour about to report the same litter is offered "+1" instead."""

import re
from types import SimpleNamespace

import pytest
from PIL import Image
from playwright.sync_api import expect

from reports.models import Category, HandlingUnit, Report, ReportPhoto
from tests.e2e.shown import expect_photo_shown
from tests.factories import PASSWORD, MembershipFactory, MicroGridFactory, UserFactory, make_cadre

LITTER = "river-litter"  # 河道漂浮物


def _river_world() -> SimpleNamespace:
    """湖滨苑 3栋 with two residents, the 河道保洁队 with one staff member and the rule that
    sends 河道漂浮物 to it, and the community's cadre."""
    from reports.categories import seed
    from reports.models import RoutingRule, UnitMember

    seed(Category)  # a transactional test before this one emptied what the migration wrote
    building = MicroGridFactory(label="3栋", grid__name="湖滨苑网格")
    community = building.grid.community
    crew = HandlingUnit.objects.create(
        name="河道保洁队", kind=HandlingUnit.Kind.RIVER, phone="0573-82060002"
    )
    crew.communities.add(community)
    staff = UserFactory(display_name="河道保洁员老吴")
    UnitMember.objects.create(unit=crew, user=staff)
    litter = Category.objects.get(code=LITTER)
    RoutingRule.objects.create(community=community, category=litter, unit=crew)
    return SimpleNamespace(
        building=building,
        community=community,
        crew=crew,
        staff=staff,
        litter=litter,
        resident=MembershipFactory(micro_grid=building, user__display_name="周阿姨").user,
        neighbour=MembershipFactory(micro_grid=building, user__display_name="钱师傅").user,
        cadre=make_cadre(community, display_name="陈书记"),
    )


@pytest.fixture
def river(transactional_db, server_side, settings, tmp_path) -> SimpleNamespace:
    settings.MEDIA_ROOT = tmp_path / "media"
    return server_side(_river_world)


@pytest.fixture
def photo(tmp_path):
    """A small JPEG on disk, as a phone's camera would hand it to the file input."""

    def make(name: str, colour: tuple[int, int, int]) -> str:
        path = tmp_path / name
        Image.new("RGB", (160, 120), colour).save(path, "JPEG")
        return str(path)

    return make


def _signed_in(page_for, log_in, base_url: str, user, path: str):
    page = page_for()
    log_in(page, base_url, user.national_phone, PASSWORD)
    page.goto(f"{base_url}{path}")
    return page


def test_floating_litter_is_reported_accepted_closed_and_rated_while_everyone_watches_live(
    asgi_server, ws_server, page_for, log_in, river, photo
):
    # The river crew has its queue open on a phone; the cadre, the community's dashboard.
    crew_page = _signed_in(
        page_for, log_in, asgi_server, river.staff, f"/reports/units/{river.crew.pk}/"
    )
    queue = crew_page.locator("#unit-queue")
    expect(queue).to_have_attribute("data-live", "live")
    expect(queue.locator("article.report-card")).to_have_count(0)
    crew_page.evaluate("window.stillTheSamePage = true")

    cadre_page = _signed_in(
        page_for,
        log_in,
        asgi_server,
        river.cadre,
        f"/reports/dashboard/community/{river.community.pk}/",
    )
    expect(cadre_page.locator("#reports-dashboard")).to_have_attribute("data-live", "live")
    totals = cadre_page.locator(".dash-totals li")
    on_time = totals.filter(has=cadre_page.get_by_text("按时办结率", exact=True)).locator("strong")
    satisfaction = totals.filter(has=cadre_page.get_by_text("满意度", exact=True)).locator("strong")
    # Nothing was closed or rated yet: no figure.
    expect(on_time).not_to_contain_text("%")
    expect(satisfaction).not_to_contain_text("/ 5")
    cadre_page.evaluate("window.stillTheSamePage = true")

    # The resident: photo, 河道漂浮物, 发送. Her building is already chosen.
    resident_page = _signed_in(page_for, log_in, asgi_server, river.resident, "/reports/new/")
    form = resident_page.locator("#report-new-form")
    expect(form.locator("#id_micro_grid")).to_have_value(str(river.building.pk))
    form.locator("#id_photos").set_input_files(photo("litter.jpg", (40, 90, 60)))
    form.locator(f'label[for="report-c-{LITTER}"]').click()
    expect(form.locator(f"#report-c-{LITTER}")).to_be_checked()
    form.get_by_role("button", name="发送").click()

    expect(resident_page).to_have_url(re.compile(r"/reports/\d+/$"))
    report = Report.objects.get(reporter=river.resident)
    assert (report.category_id, report.unit_id, report.micro_grid_id) == (
        river.litter.pk,
        river.crew.pk,
        river.building.pk,
    )
    assert report.photos.filter(kind=ReportPhoto.Kind.REPORT).count() == 1
    detail = resident_page.locator("#report-detail")
    expect(detail).to_have_attribute("data-live", "live")
    expect(resident_page.locator("#report-state")).not_to_have_text("已办结")
    resident_page.evaluate("window.stillTheSamePage = true")

    # The crew's queue shows it without a reload, with its photo; one tap accepts it.
    card = queue.locator(f"#report-{report.pk}")
    expect(card).to_contain_text("河道漂浮物 · 3栋")
    expect_photo_shown(card.locator("img.report-thumb"))
    assert crew_page.evaluate("window.stillTheSamePage") is True
    card.locator("form button[type=submit]").click()
    expect(crew_page).to_have_url(re.compile(rf"/reports/units/{river.crew.pk}/$"))
    card = crew_page.locator(f"#report-{report.pk}")
    expect(card.locator(".report-state")).to_have_text("已受理")
    expect(resident_page.locator("#report-state")).to_have_text("已受理")

    # It opens the report and closes it with a note and a photo of the result.
    card.locator(".report-card-title a").click()
    expect(crew_page).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    crew_page.locator("#close-note").fill("漂浮物已打捞干净，河面恢复整洁。")
    crew_page.locator("#close-photos").set_input_files(photo("clean.jpg", (60, 120, 200)))
    crew_page.locator("#report-close").click()
    expect(crew_page.locator("#report-state")).to_have_text("已办结")
    report.refresh_from_db()
    assert report.state == Report.State.CLOSED
    assert report.photos.filter(kind=ReportPhoto.Kind.RESULT).count() == 1

    # The resident's open page says so at once, with what was done, and she rates it.
    expect(resident_page.locator("#report-state")).to_have_text("已办结")
    expect(detail).to_contain_text("漂浮物已打捞干净，河面恢复整洁。")
    expect_photo_shown(detail.locator(".report-result img"))
    assert resident_page.evaluate("window.stillTheSamePage") is True
    detail.locator('label[for="rate-5"]').click()
    expect(detail.locator("#rate-5")).to_be_checked()
    detail.locator("#report-rate").click()
    expect(resident_page.locator("#report-state")).to_have_text("已确认")
    report.refresh_from_db()
    assert (report.state, report.rating) == (Report.State.CONFIRMED, 5)

    # The cadre's dashboard, never reloaded, counts one closure, on time, and five stars.
    expect(on_time).to_have_text("100%")
    expect(satisfaction).to_contain_text("5 / 5")
    assert cadre_page.evaluate("window.stillTheSamePage") is True


def test_a_neighbour_about_to_report_the_same_litter_is_offered_plus_one_instead(
    asgi_server, page_for, log_in, river, server_side
):
    from reports.services.submitting import place_resolve, report_create

    def first_report() -> Report:
        place = place_resolve(actor=river.resident, micro_grid_id=river.building.pk)
        return report_create(
            actor=river.resident,
            category=river.litter,
            place=place,
            description="河里漂着很多塑料瓶。",
        )

    report = server_side(first_report)

    page = _signed_in(page_for, log_in, asgi_server, river.neighbour, "/reports/new/")
    similar = page.locator("#similar")
    expect(similar).not_to_contain_text("这个问题已有人反映")
    page.locator(f'label[for="report-c-{LITTER}"]').click()

    # Before anything is sent: the report already made, with +1 on it.
    expect(similar.get_by_role("heading", name="这个问题已有人反映")).to_be_visible()
    offered = similar.locator(f"#report-{report.pk}")
    expect(offered).to_contain_text("河道漂浮物 · 3栋")
    plus_one = offered.get_by_role("button", name="我也遇到了 +1")
    expect(plus_one).to_be_visible()
    assert page.url.endswith("/reports/new/")

    plus_one.click()
    expect(page).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(page.locator("#report-state")).to_have_text("已派发")
    report.refresh_from_db()
    assert report.followers_count == 2
    assert report.followers.filter(user=river.neighbour).exists()
    assert Report.objects.count() == 1
