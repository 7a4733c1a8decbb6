"""The shared live-socket client (static/js/live.js) in a real browser, on the board page.

A break in the network loses nothing: the client reconnects as soon as the network is
back and resumes from the last seq it applied, so what was posted meanwhile arrives, in
order, without a reload. Being removed from the grid (4403) is final: no retry, and the
page says live updates stopped.
"""

import pytest
from playwright.sync_api import expect

from grids.models import Grid, Membership
from tests.factories import PASSWORD, MembershipFactory, MicroGridFactory, make_cadre

NO_RETRY_WAIT_MS = 3_000  # the first retry after a break comes within 1 s
ONLINE_RECONNECT_MS = 2_000  # well before the backoff's next try (>= 4 s after three tries)


@pytest.fixture
def neighbours(transactional_db):
    building = MicroGridFactory(label="7幢")
    alice = MembershipFactory(micro_grid=building, user__display_name="陈阿姨").user
    bob = MembershipFactory(micro_grid=building, user__display_name="周师傅").user
    cadre = make_cadre(building.grid.community, display_name="刘书记")
    return building.grid, alice, bob, cadre


def _open_board(page_for, log_in, base_url: str, user, grid):
    """The board open on `user`'s phone, with the URL of every socket it opens recorded."""
    page = page_for()
    log_in(page, base_url, user.national_phone, PASSWORD)
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(f"{base_url}/grids/{grid.pk}/board/")
    expect(page.locator("#board")).to_have_attribute("data-live", "live")
    page.evaluate("window.stillTheSamePage = true")
    return page, sockets


def _wait_for(page, condition, what: str, timeout_ms: int = 15_000) -> None:
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    pytest.fail(f"timed out waiting for {what}")


def test_the_board_reconnects_when_the_network_is_back_and_misses_nothing_posted_meanwhile(
    asgi_server, ws_server, page_for, log_in, neighbours, server_side
):
    from grids.services import posts

    grid, alice, bob, _cadre = neighbours
    server_side(posts.post_create, actor=alice, grid=grid, body="早上好")
    page, sockets = _open_board(page_for, log_in, asgi_server, bob, grid)
    board = page.locator("#board")
    banner = page.locator("#new-banner")
    seq_before = Grid.objects.get(pk=grid.pk).board_seq
    expect(board).to_have_attribute("data-seq", str(seq_before))
    assert len(sockets) == 1

    # The phone loses its network; the open socket breaks, reconnecting fails meanwhile.
    page.context.set_offline(True)
    page.evaluate("window.LinliLive.connections[0].socket.close()")
    expect(board).to_have_attribute("data-live", "offline")

    first = server_side(posts.post_create, actor=alice, grid=grid, body="楼下有快递没人拿")
    second = server_side(posts.post_create, actor=alice, grid=grid, body="已经帮忙收好了")
    # It keeps trying, further apart each time: after three failed tries the next is >= 4 s off.
    _wait_for(page, lambda: len(sockets) >= 4, "three tries to reconnect while offline")
    expect(banner).to_have_attribute("hidden", "")  # nothing can have arrived yet
    expect(banner).to_have_text("")

    # The network is back: at once a new socket, resumed after the last seq applied.
    page.context.set_offline(False)
    expect(board).to_have_attribute("data-live", "live", timeout=ONLINE_RECONNECT_MS)
    expect(banner).to_have_text("2 条新动态")
    assert sockets[-1].endswith(f"/ws/grids/{grid.pk}/?after={seq_before}"), sockets
    banner.click()
    cards = page.locator("#feed [data-post]")
    expect(page.locator(f"#post-{second.pk}")).to_contain_text("已经帮忙收好了")
    expect(page.locator(f"#post-{first.pk}")).to_contain_text("楼下有快递没人拿")
    expect(cards).to_have_count(3)
    expect(cards.first).to_have_attribute("data-post", str(second.pk))
    expect(board).to_have_attribute("data-seq", str(Grid.objects.get(pk=grid.pk).board_seq))
    assert page.evaluate("window.stillTheSamePage") is True

    # And it keeps listening: a post after the reconnect arrives live.
    third = server_side(posts.post_create, actor=alice, grid=grid, body="谢谢邻居")
    expect(banner).to_have_text("1 条新动态")
    banner.click()
    expect(page.locator(f"#post-{third.pk}")).to_contain_text("谢谢邻居")


def test_a_resident_removed_from_the_grid_is_not_reconnected_and_the_page_says_so(
    asgi_server, ws_server, page_for, log_in, neighbours, server_side
):
    from grids.services import places

    grid, _alice, bob, cadre = neighbours
    page, sockets = _open_board(page_for, log_in, asgi_server, bob, grid)
    board = page.locator("#board")
    assert len(sockets) == 1

    membership = Membership.objects.get(user=bob, left_at__isnull=True)
    server_side(places.membership_remove, actor=cadre, membership_id=membership.pk)

    expect(board).to_have_attribute("data-live", "closed")
    status = page.locator("#live-status")
    expect(status).to_have_text(status.get_attribute("data-closed"))
    assert page.evaluate("window.LinliLive.connections[0].closeCode") == 4403

    # Neither time, the network coming back nor the page shown again opens a new socket.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_timeout(NO_RETRY_WAIT_MS)
    assert len(sockets) == 1, sockets
    expect(board).to_have_attribute("data-live", "closed")
