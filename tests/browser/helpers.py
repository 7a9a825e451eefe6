"""Steps shared by the browser journeys."""

from __future__ import annotations

from pathlib import Path

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


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the current page.

    axe is injected through ``evaluate``, not a <script> tag, so the page's CSP stays intact.
    """
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


def log_in(page, user, *, password: str = DEFAULT_PASSWORD, totp_secret: str | None = None) -> None:
    """Log in by password on the login page; answer the TOTP step when asked."""
    if "/accounts/login/" not in page.url:
        goto(page, "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    click_and_wait(page, page.locator("form [type=submit]:not([name=language])"))
    if totp_secret and "/accounts/2fa/authenticate/" in page.url:
        page.fill("input[name=code]", totp_code(totp_secret))
        # The stage page also has a "Cancel" submit button (log out); the first one signs in.
        click_and_wait(page, page.locator("form [type=submit]:not([name=language])").first)
