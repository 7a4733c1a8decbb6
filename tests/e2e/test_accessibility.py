"""The accessibility crawl: every page each role can reach, checked in the real browser.

For each role of the demo world (anonymous, a newcomer with no grid yet, resident, volunteer,
grid worker, cadre, the staff of a unit that handles reports) the crawl follows same-origin
links from home and from a grid's QR-code link (GET only), one page per URL pattern (numeric
ids normalised, so thirty post cards count once), and on each page checks:

- axe-core (WCAG 2.0/2.1 A and AA rules): no violation of impact serious or critical;
- exactly one h1 (the top bar's) and a title that names the page, not just the site;
- no horizontal scrolling on a 320 px phone;
- every visible control at least 44 × 44 px (links inside running text are exempt, and so
  are inputs wrapped in a label that is itself big enough);
- every form that deletes, removes or calls something off asks first (data-confirm).

It runs in Chinese and English, normal and large text (the `django_language` and
`large_text` cookies a person sets with the switches at the bottom of every page), and one
of those variants in the dark theme. axe-core comes from the npm registry at the version
package-lock.json pins (`make test` runs `npm ci`); it is never fetched at run time.
"""

import io
import re
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from grids.demo import demo_join_code
from residents.models import User
from tests.environment import require

HERE = Path(__file__).resolve().parent
AXE = HERE.parents[1] / "node_modules" / "axe-core" / "axe.min.js"
NARROWEST_PHONE = {"width": 320, "height": 640}
PAGES_PER_ROLE = 50
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MIN_TARGET_PX = 44
TOLERANCE_PX = 0.5  # 2.75rem renders as 44 px, give or take sub-pixel rounding

# The demo world's accounts (grids/demo.py): grid 1 of 东湖社区; the unit staff's in
# reports/demo.py.
ROLES = {
    "anonymous": None,
    "newcomer": "13800020001",  # logged in, no grid yet: arrives by a grid's QR code
    "resident": "13800010002",
    "volunteer": "13800010001",
    "grid worker": "13900001001",
    "cadre": "13900000001",
    "unit staff": "13900004002",  # 河道保洁队: one report in hand, to update or close
}
# Pages each role must reach by links from home (URL patterns, see `pattern`): the crawl
# fails when a link to them goes, instead of quietly checking less.
MUST_REACH = {
    "resident": ["/reports/new/", "/reports/", "/reports/N/"],
    "grid worker": ["/reports/handling/", "/reports/dashboard/grid/N/"],
    "cadre": ["/reports/communities/N/", "/reports/N/", "/reports/dashboard/community/N/"],
    "unit staff": ["/reports/units/N/", "/reports/N/", "/reports/dashboard/unit/N/"],
}
# (language, large text, colour scheme)
VARIANTS = [
    ("zh-hans", False, "light"),
    ("en", False, "light"),
    ("zh-hans", True, "light"),
    ("en", True, "dark"),
]

SKIP_PATH = re.compile(
    r"^/(admin|api|_allauth|i18n|metrics|healthz|readyz|static|media)(/|$)"
    r"|/logout/?$"
    r"|\.(ics|csv|png|svg|jpe?g|pdf|json)$"
)
CODE_SEGMENT = re.compile(r"^(?=.*\d)[A-Z0-9]{6,}$")
START_PATHS = ["/", f"/join/{demo_join_code(1)}/"]
# A role whose other pages are another role's (unit staff live in no grid: their profile,
# points and family pages are the newcomer's) follows only its own links, to keep the
# crawl's time.
ONLY_PATHS = {"unit staff": re.compile(r"^/(reports/.*)?$")}
GENERIC_TITLES = {"邻里 · 邻里", "Linli · Linli", "邻里", "Linli", ""}


def browser_function(name: str) -> str:
    """The function in tests/e2e/<name>, without its heading comment (evaluate wants a function)."""
    lines = (HERE / name).read_text().splitlines()
    while lines and lines[0].startswith("//"):
        lines.pop(0)
    return "\n".join(lines)


# Run in the browser: what the top bar, the width and the controls say; what axe finds.

PAGE_CHECKS_JS = browser_function("accessibility_page_checks.js")

RUN_AXE_JS = browser_function("accessibility_axe.js")

LINKS_JS = """
() => [...document.querySelectorAll('a[href]')]
  .filter(a => !a.closest('template') && !a.hasAttribute('download'))
  .map(a => a.href)
"""


def pattern(url: str) -> str:
    """The page's shape: ids and codes stand for any id or code, query values for any value."""
    parts = urlsplit(url)
    segments = [
        "N" if s.isdigit() else "CODE" if CODE_SEGMENT.match(s) else s
        for s in parts.path.split("/")
    ]
    query = sorted(
        (k, "N" if v.isdigit() or k in {"cursor", "page", "before", "after", "next"} else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    )
    return "/".join(segments) + (f"?{urlencode(query)}" if query else "")


def crawlable(url: str, origin: str, role: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    only = ONLY_PATHS.get(role)
    if only is not None and not only.match(parts.path):
        return False
    return not SKIP_PATH.search(parts.path)


def session_cookie(phone: str) -> str:
    client = Client()
    client.force_login(User.objects.get(phone=f"+86{phone}"))
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def crawl(
    page, origin: str, role: str, variant: str, clock: Counter
) -> tuple[list[str], list[str]]:
    """Visit what `role` can reach from home (and from a grid's QR code, where most residents
    come in); return (pages checked, problems found)."""
    queue = [
        (f"{origin}{path}", "")
        for path in START_PATHS
        if crawlable(f"{origin}{path}", origin, role)
    ]
    seen, checked, problems = {pattern(url) for url, _ in queue}, [], []
    while queue and len(checked) < PAGES_PER_ROLE:
        url, linked_from = queue.pop(0)
        tick = time.monotonic()
        response = page.goto(url, wait_until="load")
        clock["loading pages"] += time.monotonic() - tick
        path = urlsplit(page.url).path + (
            f"?{urlsplit(page.url).query}" if urlsplit(page.url).query else ""
        )
        where = f"[{role} · {variant}] {path}"
        if response is None:
            problems.append(f"{where}: no response")
            continue
        if response.status >= 400:
            problems.append(
                f"{where}: answers {response.status}, yet {linked_from or 'the start'} links to it"
            )
            continue
        final = pattern(page.url)
        if final != pattern(url) and final in seen:
            continue  # a redirect to a page already checked (e.g. the login page)
        seen.add(final)
        if not (response.text() or "").lstrip().lower().startswith("<!doctype"):
            continue  # an htmx fragment, part of a page checked elsewhere
        checked.append(path)

        tick = time.monotonic()
        title = page.title().strip()
        if title in GENERIC_TITLES or title.startswith("·"):
            problems.append(f"{where}: title {title!r} does not name the page")
        for rule, detail, target in page.evaluate(
            PAGE_CHECKS_JS, {"minimum": MIN_TARGET_PX, "tolerance": TOLERANCE_PX}
        ):
            problems.append(f"{where}: {rule}: {detail} {target}".rstrip())
        clock["phone checks"] += time.monotonic() - tick
        tick = time.monotonic()
        for rule, impact, targets in page.evaluate(RUN_AXE_JS, WCAG_TAGS):
            problems.append(f"{where}: axe {rule} ({impact}): " + "; ".join(targets))
        clock["axe"] += time.monotonic() - tick

        for link in page.evaluate(LINKS_JS):
            link = link.split("#", 1)[0]
            if not crawlable(link, origin, role):
                continue
            key = pattern(link)
            if key not in seen:
                seen.add(key)
                queue.append((link, path))
    return checked, problems


NEIGHBOUR = "13800010003"  # another resident of grid 1


def _some_mutual_aid() -> None:
    """A neighbour asks for masks, the resident offers some, the volunteer comes to help:
    so the need, offer and claim pages are on the crawl's way."""
    from mutualaid.categories import categories_seed
    from mutualaid.models import Category
    from mutualaid.services import helping, needs

    categories_seed(Category)  # a transactional test before this one may have emptied them
    masks = Category.objects.get(slug="masks")
    person = {phone: User.objects.get(phone=f"+86{phone}") for phone in ROLES.values() if phone}
    neighbour = User.objects.get(phone=f"+86{NEIGHBOUR}")
    need = needs.need_create(actor=neighbour, category_id=masks.pk, quantity=20)
    needs.offer_create(actor=person[ROLES["resident"]], category_id=masks.pk, quantity=10)
    helping.need_help(actor=person[ROLES["volunteer"]], need_id=need.pk, quantity=5)


def _report_categories() -> None:
    """The categories the data migration seeds (a transactional test before may have
    emptied them), for the demo's routing table and reports."""
    from reports.categories import seed
    from reports.models import Category

    seed(Category)


@pytest.fixture
def demo_world(transactional_db, server_side):
    # Inside the server, like the mutual aid below: the live events these write on commit
    # need the server's loop (in the test's thread Playwright's loop is the running one).
    server_side(call_command, "seed_demo", stdout=io.StringIO())
    server_side(call_command, "seed_demo_activities", stdout=io.StringIO())
    server_side(_report_categories)
    server_side(call_command, "seed_demo_reports", stdout=io.StringIO())
    server_side(_some_mutual_aid)


def test_every_page_each_role_reaches_passes_axe_and_the_phone_checks(
    asgi_server, browser, demo_world
):
    require(AXE.exists(), f"axe-core at {AXE} (`make test` runs npm ci; needs npm)")
    origin = asgi_server
    host = urlsplit(origin).hostname
    started = time.monotonic()
    problems: list[str] = []
    summary: Counter[str] = Counter()
    clock: Counter[str] = Counter()
    # The tab bar says how much is unread, to the eye and to a screen reader (before the
    # crawl, which opens the notices and messages and so reads them).
    context = browser.new_context(viewport=NARROWEST_PHONE, is_mobile=True, has_touch=True)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": session_cookie(ROLES["resident"]),
                "domain": host,
                "path": "/",
            }
        ]
    )
    page = context.new_page()
    page.goto(f"{origin}/")
    badges = page.evaluate(
        """() => [...document.querySelectorAll('.tabbar a')].map(a => [
             a.getAttribute('href'), a.querySelector('.tab-badge [aria-hidden]')?.textContent || '',
             a.querySelector('.tab-badge .sr-only')?.textContent || ''])"""
    )
    context.close()
    shown = {href: (seen, said) for href, seen, said in badges if seen}
    assert shown, f"no unread badge on the tab bar of a resident with unread notices: {badges}"
    for href, (seen, said) in shown.items():
        assert seen.rstrip("+") in said, f"the badge on {href} shows {seen} but says {said!r}"

    for role, phone in ROLES.items():
        for language, large, scheme in VARIANTS:
            variant = f"{language}{' large' if large else ''}{' dark' if scheme == 'dark' else ''}"
            context = browser.new_context(
                viewport=NARROWEST_PHONE,
                is_mobile=True,
                has_touch=True,
                locale="zh-CN" if language == "zh-hans" else "en-US",
                color_scheme=scheme,
            )
            context.set_default_timeout(15_000)
            context.add_init_script(path=str(AXE))
            cookies = [
                {"name": "django_language", "value": language, "domain": host, "path": "/"},
                {"name": "large_text", "value": "1" if large else "0", "domain": host, "path": "/"},
            ]
            if phone:
                cookies.append(
                    {
                        "name": django_settings.SESSION_COOKIE_NAME,
                        "value": session_cookie(phone),
                        "domain": host,
                        "path": "/",
                    }
                )
            context.add_cookies(cookies)
            try:
                checked, found = crawl(context.new_page(), origin, role, variant, clock)
            finally:
                context.close()
            summary[f"{role} · {variant}"] = len(checked)
            problems += found
            if variant == "zh-hans":
                reached = {pattern(path) for path in checked}
                missing = [p for p in MUST_REACH.get(role, ()) if p not in reached]
                if missing:
                    problems.append(f"[{role}] never reached {missing}; checked {checked}")
            if role == "resident" and language == "zh-hans" and not large:
                print(f"pages a resident reaches: {checked}")
    spent = ", ".join(f"{what} {seconds:.0f}s" for what, seconds in clock.items())
    print(f"accessibility crawl in {time.monotonic() - started:.0f}s ({spent}), pages per role:")
    for key, count in summary.items():
        print(f"  {key}: {count}")
    for role in ROLES:
        assert summary[f"{role} · zh-hans"] >= 1, f"the crawl checked no page as {role}"
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


def test_language_and_large_text_switch_before_logging_in(asgi_server, page_for):
    page = page_for()
    page.goto(f"{asgi_server}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    prefs = page.get_by_role("contentinfo")

    prefs.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert "/accounts/login/" in page.url

    large = page.get_by_role("contentinfo").get_by_role("button", name="Large text")
    expect(large).to_have_attribute("aria-pressed", "false")
    large.click()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    # 150 % of the browser's 16 px: everything sized in rem grows with it.
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "24px"
    page.get_by_role("contentinfo").get_by_role("button", name="Large text").click()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\blarge-text\b"))

    page.get_by_role("contentinfo").get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_a_form_marked_data_confirm_is_sent_only_after_the_person_agrees(asgi_server, page_for):
    page = page_for()
    page.goto(f"{asgi_server}/accounts/login/")
    # A destructive form as the pages write it; here it switches large text so the effect shows.
    page.evaluate(
        """() => {
          const form = document.createElement('form');
          form.method = 'post';
          form.action = '/prefs/large-text/';
          form.dataset.confirm = '真的要切换吗？';
          const token = document.querySelector('[name=csrfmiddlewaretoken]').cloneNode();
          const button = document.createElement('button');
          Object.assign(button, {type: 'submit', id: 'risky', textContent: '切换'});
          form.append(token, button);
          document.querySelector('main').append(form);
        }"""
    )
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("#risky").click()
    page.wait_for_load_state("load")
    assert asked == ["真的要切换吗？"]
    assert not page.evaluate("document.documentElement.classList.contains('large-text')")
    assert page.locator("#risky").count() == 1  # still the same page: nothing was sent

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#risky").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))


def test_the_phone_checks_catch_what_they_look_for(asgi_server, page_for):
    """The crawl can fail: a second h1, a too-wide box, a small button and a delete form that
    does not ask are each reported on an otherwise clean page."""
    page = page_for(viewport=NARROWEST_PHONE)
    page.goto(f"{asgi_server}/accounts/login/")
    assert (
        page.evaluate(PAGE_CHECKS_JS, {"minimum": MIN_TARGET_PX, "tolerance": TOLERANCE_PX}) == []
    )

    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
             '<h1>Second</h1><div style="width: 30rem">wide</div>'
             + '<button type="button" style="min-height: 0; padding: 0">x</button>'
             + '<form method="post" action="/posts/1/delete/">'
             + '<button class="btn">Delete</button></form>')"""
    )
    found = page.evaluate(PAGE_CHECKS_JS, {"minimum": MIN_TARGET_PX, "tolerance": TOLERANCE_PX})
    assert sorted({rule for rule, _detail, _target in found}) == [
        "confirm-destructive",
        "no-horizontal-scroll",
        "one-h1",
        "target-size",
    ], found


def test_axe_reports_faint_text_even_under_the_tab_bar(asgi_server, page_for):
    require(AXE.exists(), f"axe-core at {AXE} (`make test` runs npm ci; needs npm)")
    page = page_for(viewport=NARROWEST_PHONE)
    page.add_init_script(path=str(AXE))
    page.goto(f"{asgi_server}/accounts/login/")
    assert page.evaluate(RUN_AXE_JS, WCAG_TAGS) == []

    # Faint grey text where the fixed tab bar covers it on a short screen.
    page.evaluate(
        """() => {
          const p = document.createElement('p');
          p.textContent = '浅灰色的字';
          p.style.cssText = 'color: #bbb; position: fixed; bottom: 0.5rem; left: 0; z-index: 1';
          document.querySelector('main').append(p);
        }"""
    )
    found = page.evaluate(RUN_AXE_JS, WCAG_TAGS)
    assert [rule for rule, _impact, _targets in found] == ["color-contrast"], found
