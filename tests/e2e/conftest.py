"""Real-browser tests: Chromium (through Playwright) against the real ASGI application.

The server is uvicorn in a background thread of the test process, so it sees the
test database (SQLite's shared in-memory test database, or PostgreSQL), and it
speaks HTTP and WebSocket like production does. Django's WSGI `live_server` would
not carry WebSockets.
"""

import asyncio
import re
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from playwright.sync_api import expect

from tests.environment import require

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE_VIEWPORT = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000
T = TypeVar("T")


def pytest_collection_modifyitems(items):
    """Every test in tests/e2e is a browser test: mark it, so `-m "not e2e"` skips them all."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures know whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# --- the server -------------------------------------------------------------------------------


def _wait_until_answering(url: str, thread: threading.Thread, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if not thread.is_alive():
            pytest.fail(f"the ASGI test server died before answering on {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
            return
        except urllib.error.HTTPError:
            return  # it answered, even if not with a 200
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"the ASGI test server did not answer on {url} within {timeout}s")
            time.sleep(0.05)


class LiveASGIServer:
    """uvicorn running the project's ASGI application in a thread of this process."""

    def __init__(self, url: str, server, thread: threading.Thread):
        self.url = url
        self.server = server
        self.thread = thread

    @property
    def speaks_websocket(self) -> bool:
        """uvicorn answers WebSocket upgrades only with `websockets` or `wsproto` installed."""
        return getattr(self.server.config, "ws_protocol_class", None) is not None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self.server.servers[0].get_loop()

    def call(self, fn: Callable[..., T], /, *args, **kwargs) -> T:
        """Run `fn(*args, **kwargs)` inside the server, as a request's code would run.

        Use it for writes that publish live events (services, `call_command`): their
        `on_commit` broadcast then reaches the channel layer from the server's own event
        loop, as it does in production, which the in-memory channel layer needs. (The
        test's own thread cannot: Playwright keeps an event loop marked running there.)
        """
        from asgiref.sync import sync_to_async
        from django.db import connections

        def run():
            try:
                return fn(*args, **kwargs)
            finally:
                connections.close_all()

        future = asyncio.run_coroutine_threadsafe(
            sync_to_async(run, thread_sensitive=False)(), self.loop
        )
        return future.result(timeout=120)


def _media_files_handler():
    """Uploaded photos under MEDIA_URL from MEDIA_ROOT (read per request, so a test's
    own folder), as the proxy or the bucket serves them in production (the project's
    urls serve media only with DEBUG): so a browser test sees a photo, not a 404."""
    from django.conf import settings as django_settings
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.views.static import serve

    class MediaFilesHandler(ASGIStaticFilesHandler):
        def get_base_url(self):
            return django_settings.MEDIA_URL

        def serve(self, request):
            return serve(request, self.file_path(request.path), django_settings.MEDIA_ROOT)

    return MediaFilesHandler


@pytest.fixture
def live_asgi(transactional_db, settings) -> Iterator[LiveASGIServer]:
    """uvicorn serving `community.asgi.application` (+ static and media files) on
    127.0.0.1.

    Each request runs in a thread of its own (Django's ASGI handler), so the database
    is reached from other threads than the test's: hence `transactional_db`, whose
    writes other connections can see (SQLite's test database is in memory with a
    shared cache). Persistent connections are off while the server runs, so every
    request closes its connection and nothing holds the test database open after
    the test (PostgreSQL could neither flush nor drop it then).
    """
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.db import connections

    from community.asgi import application

    if "127.0.0.1" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]

    # The settings dict of an alias is shared by that alias's connections in every thread.
    saved_max_age = {
        alias: connections.settings[alias].get("CONN_MAX_AGE") for alias in connections
    }
    for alias in connections:
        connections.settings[alias]["CONN_MAX_AGE"] = 0

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"

    # ASGIStaticFilesHandler answers /static/ itself, the media handler /media/, and they
    # hand everything else, WebSockets included, to the project's ProtocolTypeRouter. No
    # lifespan: the router has none.
    config = uvicorn.Config(
        ASGIStaticFilesHandler(_media_files_handler()(application)),
        lifespan="off",
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="uvicorn-e2e", daemon=True
    )
    thread.start()
    try:
        _wait_until_answering(f"{url}/", thread)
        yield LiveASGIServer(url, server, thread)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        for alias, value in saved_max_age.items():
            connections.settings[alias]["CONN_MAX_AGE"] = value
    assert not thread.is_alive(), "the ASGI test server did not stop"


@pytest.fixture
def asgi_server(live_asgi) -> str:
    """The base URL of the live ASGI server, e.g. http://127.0.0.1:43117."""
    return live_asgi.url


@pytest.fixture
def ws_server(live_asgi) -> str:
    """The base WebSocket URL (ws://127.0.0.1:PORT) of the live server; fails when uvicorn
    has no WebSocket library, instead of a browser test timing out on a refused upgrade."""
    if not live_asgi.speaks_websocket:
        pytest.fail(
            "uvicorn found no WebSocket library: requirements.txt needs `websockets` "
            "(or uvicorn[standard])",
            pytrace=False,
        )
    return "ws" + live_asgi.url.removeprefix("http")


@pytest.fixture
def server_side(live_asgi) -> Callable[..., object]:
    """`server_side(fn, *args, **kwargs)`: run Django code inside the live server (see `call`)."""
    return live_asgi.call


# --- the browser ------------------------------------------------------------------------------

_playwright_loop: list[asyncio.AbstractEventLoop] = []


@pytest.fixture(autouse=True)
def _playwright_loop_only_in_browser_tests(monkeypatch):
    """Playwright's sync API marks its event loop as running on the test thread between
    calls. Keep that mark to browser tests, so the tests after them (async consumers,
    `async_to_sync`) run as they would without a browser; and let the synchronous ORM
    run under the mark here.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if _playwright_loop:
        asyncio._set_running_loop(_playwright_loop[0])
    yield
    if _playwright_loop:
        asyncio._set_running_loop(None)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (Debian's, not a Playwright download)."""
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    require(bool(executable), f"Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    loop = asyncio.get_running_loop()  # marked running by Playwright, see the fixture above
    _playwright_loop.append(loop)
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            asyncio._set_running_loop(loop)  # cleared again after the last browser test
            chromium.close()
    finally:
        asyncio._set_running_loop(loop)
        playwright.stop()
        _playwright_loop.clear()


@pytest.fixture
def page_for(browser, request, tmp_path) -> Iterator[Callable[..., object]]:
    """`page_for()` → a new page in a fresh context (own cookies) on a phone in Chinese.

    Each call is one person on their own phone. Contexts are closed after the test;
    when the test failed, each page's last screen is saved in the test's tmp_path.
    """
    contexts = []

    def new_page(**context_options):
        options = {
            "viewport": PHONE_VIEWPORT,
            "locale": "zh-CN",
            "is_mobile": True,
            "has_touch": True,
            **context_options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield new_page

    report = getattr(request.node, "report_call", None)
    for i, context in enumerate(contexts):
        if report is not None and report.failed:
            for j, page in enumerate(context.pages):
                path = tmp_path / f"failure-{i}-{j}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                    print(f"screenshot of {page.url}: {path}")
                except Exception as error:  # a crashed page must not hide the real failure
                    print(f"no screenshot of page {i}-{j}: {error}")
        context.close()


def _log_in(page, base_url: str, phone: str, password: str, *, next_path: str = "") -> None:
    """Log in through the real allauth page with mobile number and password (the page's
    second way, after the SMS code).

    When the page is already on the login form (sent there by a `?next=`), it logs in
    right there; otherwise it opens /accounts/login/ first.
    """
    if "/accounts/login/" not in page.url:
        suffix = f"?next={next_path}" if next_path else ""
        page.goto(f"{base_url}/accounts/login/{suffix}")
    # Password login is the second way on the page, folded under a summary: unfold it.
    folded = page.locator("details:not([open])").filter(has=page.locator("#id_login"))
    if folded.count():
        folded.locator("summary").click()
    form = page.locator("form").filter(has=page.locator("#id_login"))
    form.locator("#id_login").fill(phone)
    form.locator("#id_password").fill(password)
    form.locator("button[type=submit]").click()
    try:
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    except AssertionError:
        errors = page.locator(".errorlist, [role=alert]").all_inner_texts()
        raise AssertionError(f"login as {phone} failed at {page.url}: {errors}") from None


@pytest.fixture
def log_in() -> Callable[..., None]:
    """`log_in(page, base_url, phone, password)`: through the real login page, as a person would."""
    return _log_in
