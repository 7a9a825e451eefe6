"""Steps shared by the browser journeys."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.members.factories import DEFAULT_PASSWORD, totp_code

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"


def click_and_wait(page, locator) -> None:
    """Click something that loads a new page and wait until that page is quiet.

    Waiting for the navigation *and* for the page's background (htmx) requests keeps the next
    step from racing them on the live server's database (SQLite locally).
    """
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state("networkidle")


def goto(page, url: str) -> None:
    page.goto(url, wait_until="networkidle")


def serious_accessibility_violations(page, *, targets: bool = False) -> list[str]:
    """axe-core's serious and critical findings on the current page (with ``targets``, each
    followed by the first elements to blame).

    axe is injected through ``evaluate``, not a <script> tag, so the page's CSP stays intact.
    """
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" if targets else v["id"]
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def log_in(page, user, *, password: str = DEFAULT_PASSWORD, totp_secret: str | None = None) -> None:
    """Log in by password on the login page; answer the TOTP step when asked."""
    if "/accounts/login/" not in page.url:
        goto(page, "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    # The page's own form (the navigation has a search form and the language buttons too).
    click_and_wait(page, page.locator("main form [type=submit]:not([name=language])"))
    if totp_secret and "/accounts/2fa/authenticate/" in page.url:
        page.fill("input[name=code]", totp_code(totp_secret))
        # The stage page also has a "Cancel" submit button (log out); the first one signs in.
        click_and_wait(page, page.locator("main form [type=submit]:not([name=language])").first)


def switch_to_english(page) -> None:
    """Press the navbar's EN button and wait for the English page."""
    click_and_wait(page, page.get_by_role("button", name="EN").first)
    expect(page.locator("html")).to_have_attribute("lang", "en")


def record_console_errors(page) -> list[str]:
    """A list that collects the page's console errors (CSP violations, script errors...)."""
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    return errors


def accept_confirmations(page) -> list[str]:
    """Answer "OK" to every ``window.confirm`` (forms with ``data-confirm``); the returned list
    collects the questions asked."""
    questions: list[str] = []

    def accept(dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return questions


def open_user_menu_item(page, user_menu_name, test_id: str) -> None:
    """Open the navbar's user menu (button named ``user_menu_name``) and follow an item."""
    page.get_by_role("button", name=user_menu_name).click()
    click_and_wait(page, page.get_by_test_id(test_id))
