"""Screenshots of the pages people meet first, at a phone's width (390 px).

Run against a server with the demo data (`make run` in another terminal):

    .venv/bin/python docs/screens/take.py http://127.0.0.1:8000

It logs in as the demo resident and cadre through the real login page and writes PNGs
next to this file. Chromium is Debian's (`/usr/bin/chromium`).
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
PASSWORD = "linli2026"
RESIDENT = "13800010002"
HELPER = "13800010003"
CADRE = "13900000001"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def log_in(page, base: str, phone: str) -> None:
    page.goto(f"{base}/accounts/login/")
    # Password login is the page's second way, folded under the SMS-code form.
    folded = page.locator("details:not([open])").filter(has=page.locator("#id_login"))
    if folded.count():
        folded.locator("summary").click()
    form = page.locator("form").filter(has=page.locator("#id_password"))
    form.locator("#id_login").fill(phone)
    form.locator("#id_password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def shoot(page, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(HERE / f"{name}.png"), full_page=True)
    print("wrote", name)


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        viewport = {"width": 390, "height": 844}

        anonymous = browser.new_context(viewport=viewport, locale="zh-CN")
        page = anonymous.new_page()
        page.goto(f"{base}/accounts/login/")
        shoot(page, "sign-in")
        anonymous.close()

        resident = browser.new_context(viewport=viewport, locale="zh-CN")
        page = resident.new_page()
        log_in(page, base, RESIDENT)
        page.goto(f"{base}/")
        shoot(page, "resident-home")
        page.goto(f"{base}/mutual-aid/needs/new/")
        shoot(page, "ask-for-help")
        # Ask for masks as a resident would (a kind, the prefilled number, 发布), so the
        # neighbour below has a need to open; the page then says what happens next.
        page.locator("label[for='ask-c-masks']").click()
        page.locator("#need-publish").click()
        page.wait_for_url(re.compile(r"/needs/[0-9]+/"))
        shoot(page, "asked")
        resident.close()

        # A neighbour's need, as the resident who could help sees it.
        helper = browser.new_context(viewport=viewport, locale="zh-CN")
        page = helper.new_page()
        log_in(page, base, HELPER)
        page.goto(f"{base}/mutual-aid/")
        links = page.locator("a[href*='/mutual-aid/needs/']")
        hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
        detail = next((h for h in hrefs if re.search(r"/needs/[0-9]+/$", h or "")), None)
        if detail:
            page.goto(f"{base}{detail}")
            shoot(page, "need")
        helper.close()

        cadre = browser.new_context(viewport=viewport, locale="zh-CN")
        page = cadre.new_page()
        log_in(page, base, CADRE)
        page.goto(f"{base}/")
        shoot(page, "cadre-home")
        cadre.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
