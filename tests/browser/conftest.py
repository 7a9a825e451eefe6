"""Playwright fixtures: Debian's Chromium driven headless against pytest-django's live server.

Browser tests skip on a developer machine without /usr/bin/chromium, but never in CI
(``CI=true``): there a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (fixtures, assertions) are still synchronous, so allow them explicitly.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} does not exist")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser context (own cookies) whose relative URLs hit the live server.

    On failure a screenshot is written to ``test-artifacts/``.
    """
    # Reduced motion: Bootstrap then skips its colour transitions, so axe never measures a
    # button half-way through one (a hovered button read 4.35:1 mid-transition, 4.69:1 after).
    context = chromium.new_context(
        base_url=live_server.url, locale="es-PE", reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def english_page(chromium, live_server) -> Iterator[object]:
    """A second, English-speaking browser (own cookies) for the other person in a journey."""
    context = chromium.new_context(
        base_url=live_server.url, locale="en-US", reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def login(live_server):
    """``login(page, user)``: sign a user in by password through the real login form."""
    from tests.browser.helpers import log_in
    from tests.members.factories import DEFAULT_PASSWORD

    def _login(pg, user, password: str = DEFAULT_PASSWORD) -> None:
        pg.goto("/accounts/login/")
        log_in(pg, user, password=password)

    return _login
