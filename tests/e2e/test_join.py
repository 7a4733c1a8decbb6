"""Joining a grid in a real browser: scan (open the link), log in, pick a building, home."""

import io
import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from grids.models import Membership, MicroGrid
from residents.models import User

GRID_NUMBER = 3  # any demo grid; not the first, so nothing works only by accident of order


@pytest.fixture
def demo(server_side):
    """The demo community, seeded as `manage.py seed_demo --json` seeds and reports it."""
    out = io.StringIO()
    server_side(call_command, "seed_demo", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_a_newcomer_joins_a_grid_from_its_link(asgi_server, page_for, log_in, demo):
    newcomer = next(a for a in demo["accounts"] if a["role"] == "newcomer")
    grid = next(g for g in demo["grids"] if g["number"] == GRID_NUMBER)
    user = User.objects.get(phone=f"+86{newcomer['phone']}")
    assert not Membership.objects.filter(user=user).exists(), "a newcomer has no grid yet"
    buildings = list(MicroGrid.objects.filter(grid_id=grid["id"]).order_by("id"))
    building = buildings[len(buildings) // 2]

    page = page_for()
    page.goto(f"{asgi_server}{grid['join_path']}")
    main = page.locator("main")
    expect(main.get_by_role("heading", name=grid["name"])).to_be_visible()

    main.get_by_role("link", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=" + re.escape(grid["join_path"])))
    log_in(page, asgi_server, newcomer["phone"], demo["password"])

    expect(page).to_have_url(f"{asgi_server}{grid['join_path']}")
    choice = main.get_by_label("我的楼栋")
    expect(choice).to_be_visible()
    offered = [text.strip() for text in choice.locator("option").all_inner_texts()]
    assert offered[1:] == [b.label for b in buildings], "only this grid's buildings, in order"
    choice.select_option(label=building.label)
    main.get_by_label("门牌号（选填）").fill("302")
    main.get_by_role("button", name="加入", exact=True).click()

    expect(page).to_have_url(f"{asgi_server}/")
    expect(page.locator("#my-grid")).to_have_text(grid["name"])
    expect(page.get_by_role("status")).to_contain_text(f"欢迎加入{grid['name']}！")
    expect(main).to_contain_text(building.label)

    membership = Membership.objects.get(user=user, left_at__isnull=True)
    assert membership.micro_grid_id == building.pk
    assert membership.grid_id == grid["id"]
    assert membership.unit == "302"


@pytest.mark.parametrize(
    ("typed", "lands_on", "message"),
    [
        # Well-formed but unknown: the join page says the code is not valid, in Chinese.
        ("wxyz-2345", "/join/WXYZ2345/", "加入码无效"),
        # Nothing of a code left after dropping what codes never contain: back home, asked again.
        ("!!!", "/", "请输入二维码下方印的加入码。"),
    ],
    ids=["unknown-code", "nothing-like-a-code"],
)
def test_a_bad_code_typed_in_shows_a_chinese_error(asgi_server, page_for, typed, lands_on, message):
    page = page_for()
    page.goto(f"{asgi_server}/")
    box = page.get_by_label("有加入码？")
    box.fill(typed)
    page.get_by_role("button", name="下一步", exact=True).click()

    expect(page).to_have_url(f"{asgi_server}{lands_on}")
    expect(page.get_by_role("alert").or_(page.get_by_role("status"))).to_contain_text(message)
    expect(page.get_by_label("有加入码？")).to_be_visible()  # and can try again at once
