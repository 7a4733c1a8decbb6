"""The live board in real browsers: two neighbours with the board open, a photo post
arrives without a reload; a cadre's notice appears pinned and its read mark counts."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from grids.models import NoticeRead, Post
from tests.e2e.shown import expect_photo_shown
from tests.factories import PASSWORD, MembershipFactory, MicroGridFactory, make_cadre


@pytest.fixture
def neighbours(transactional_db):
    building = MicroGridFactory(label="5幢")
    grid = building.grid
    alice = MembershipFactory(micro_grid=building, user__display_name="王阿姨").user
    bob = MembershipFactory(micro_grid=building, user__display_name="李师傅").user
    cadre = make_cadre(grid.community, display_name="张书记")
    return grid, alice, bob, cadre


def jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (220, 60, 60)).save(buf, "JPEG")
    return buf.getvalue()


def open_board(page, base_url: str, grid) -> None:
    page.goto(f"{base_url}/grids/{grid.pk}/board/")
    expect(page.locator("#board")).to_have_attribute("data-live", "live")


def test_a_photo_post_and_a_pinned_notice_arrive_live(
    asgi_server, ws_server, page_for, log_in, neighbours, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    grid, alice, bob, cadre = neighbours

    bob_page = page_for()
    log_in(bob_page, asgi_server, bob.national_phone, PASSWORD)
    open_board(bob_page, asgi_server, grid)
    bob_page.evaluate("window.stillTheSamePage = true")

    alice_page = page_for()
    log_in(alice_page, asgi_server, alice.national_phone, PASSWORD)
    open_board(alice_page, asgi_server, grid)
    alice_page.get_by_text("发动态", exact=True).click()
    alice_page.get_by_label("想和邻居们说点什么？").fill("谁家有多余的口罩？楼下老人需要")
    alice_page.get_by_label("照片（最多 9 张）").set_input_files(
        [{"name": "mask.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    expect(alice_page.locator("#photo-previews img")).to_have_count(1)
    alice_page.locator("#compose").get_by_role("button", name="发布").click()
    expect(alice_page.get_by_role("status").first).to_contain_text("发布成功")

    post = Post.objects.get(grid=grid)
    assert post.photo_count == 1

    # Bob never reloads: a banner tells him, a tap brings the card in.
    banner = bob_page.locator("#new-banner")
    expect(banner).to_have_text("1 条新动态")
    banner.click()
    card = bob_page.locator(f"#post-{post.pk}")
    expect(card).to_contain_text("谁家有多余的口罩？楼下老人需要")
    expect(card).to_contain_text("王阿姨")
    expect_photo_shown(card.locator(".photos img"))
    assert bob_page.evaluate("window.stillTheSamePage") is True

    # The cadre publishes a notice to this grid from the composer.
    cadre_page = page_for()
    log_in(cadre_page, asgi_server, cadre.national_phone, PASSWORD)
    cadre_page.goto(f"{asgi_server}/communities/{grid.community_id}/notices/")
    cadre_page.get_by_label("标题").fill("周六上午免费书法班")
    cadre_page.get_by_label("正文").fill("地点：社区活动室。请提前报名。")
    cadre_page.locator('label[for="id_scope_1"]').click()  # 选择网格: the grid boxes show
    cadre_page.get_by_label(grid.name).check()
    cadre_page.get_by_role("button", name="发布", exact=True).click()
    expect(cadre_page).to_have_url(re.compile(r"/notices/\d+/receipts/$"))
    expect(cadre_page.locator(f'tr[data-grid="{grid.pk}"] .read-count')).to_have_text("0")

    pin = bob_page.locator("#pinned .pin")
    expect(pin).to_have_count(1)
    expect(pin).to_contain_text("周六上午免费书法班")
    expect(pin).to_contain_text("置顶")
    assert bob_page.evaluate("window.stillTheSamePage") is True

    # Bob opens it: read. The cadre's read rate counts him.
    pin.get_by_role("link", name="周六上午免费书法班").click()
    expect(bob_page.locator("#read-mark")).to_have_text("已读")
    assert NoticeRead.objects.filter(user=bob).count() == 1
    cadre_page.reload()
    expect(cadre_page.locator(f'tr[data-grid="{grid.pk}"] .read-count')).to_have_text("1")
    expect(cadre_page.locator("#read-total")).to_contain_text("2 位居民中已有 1 位阅读")


def test_a_comment_from_a_neighbour_updates_the_card_live(
    asgi_server, ws_server, page_for, log_in, neighbours, server_side
):
    from grids.services import posts

    grid, alice, bob, _cadre = neighbours
    post = server_side(posts.post_create, actor=alice, grid=grid, body="借一把梯子")

    alice_page = page_for()
    log_in(alice_page, asgi_server, alice.national_phone, PASSWORD)
    open_board(alice_page, asgi_server, grid)

    bob_page = page_for()
    log_in(bob_page, asgi_server, bob.national_phone, PASSWORD)
    open_board(bob_page, asgi_server, grid)
    card = bob_page.locator(f"#post-{post.pk}")
    card.get_by_role("textbox", name="评论").fill("我家有，来拿")
    card.get_by_role("button", name="发送").click()
    expect(card.locator(".comments")).to_contain_text("我家有，来拿")

    expect(alice_page.locator(f"#post-{post.pk} .comments")).to_contain_text("李师傅")
    expect(alice_page.locator(f"#post-{post.pk} .comments")).to_contain_text("我家有，来拿")
