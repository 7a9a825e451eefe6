"""The home page in a real browser: Spanish by default, language switch, no accessibility
violations of serious impact (axe-core), no CSP errors in the console."""

from __future__ import annotations

import pytest

from tests.browser.helpers import serious_accessibility_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_spanish_then_english_and_accessible(page) -> None:
    console_errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Clúster Minero del Sur del Perú"

    page.get_by_role("button", name="EN").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Mining Cluster of Southern Peru"

    # axe-core is injected through Playwright's evaluate (not a <script> tag), so the page's CSP
    # stays intact while we audit it.
    serious = serious_accessibility_violations(page)
    assert serious == []
    assert console_errors == []
