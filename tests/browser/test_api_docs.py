"""The API documentation renders in a real browser, offline assets only, with no CSP errors."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def _watch(page, live_server) -> tuple[list[str], list[str]]:
    console_errors: list[str] = []
    foreign_requests: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    # Responses, not requests: a request the CSP blocks never reaches the network.
    page.on(
        "response",
        lambda resp: (
            resp.url.startswith(("http://", "https://"))
            and not resp.url.startswith(live_server.url)
            and foreign_requests.append(resp.url)
        ),
    )
    return console_errors, foreign_requests


def test_swagger_ui_renders_the_schema(page, live_server) -> None:
    console_errors, foreign_requests = _watch(page, live_server)

    page.goto("/api/docs/")

    page.locator(".swagger-ui .info .title").filter(has_text="CMSP Portal API").wait_for()
    page.locator(".opblock-summary-path", has_text="/api/v1/me/").wait_for()
    assert page.locator("button.authorize").count() == 1  # the OAuth2 scheme is offered
    assert console_errors == []
    assert foreign_requests == []


def test_redoc_renders_the_schema(page, live_server) -> None:
    console_errors, foreign_requests = _watch(page, live_server)

    page.goto("/api/redoc/")

    page.get_by_role("heading", name="CMSP Portal API").first.wait_for()
    # Redoc's bundle always tries its vendor logo from cdn.redoc.ly; the CSP blocks it before any
    # request leaves the browser, which is the behaviour we want offline.
    assert [e for e in console_errors if "cdn.redoc.ly" not in e] == []
    assert foreign_requests == []
