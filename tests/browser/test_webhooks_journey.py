"""A partner's webhooks in a real browser (issue 14): the administrator of an organization with
API access opens Webhooks, is refused a loopback target (default settings), subscribes an https
URL, sees the signing secret once, sends a test event (its delivery appears in the log, pending:
nothing is posted in this test), rotates the secret (the new one shown once, with until when the
old one still signs) and opens the public event catalogue. axe on every page; screenshots at
1,280 and 320 px.

Names under ``*.example`` resolve to a public address for the portal (the live server runs in
this process), and the delivery task is not published, so the journey needs no network.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from members.models import OrganizationMember
from notifications.models import WebhookDelivery, WebhookEndpoint
from tests.browser.helpers import (
    accept_confirmations,
    click_and_wait,
    goto,
    log_in,
    record_console_errors,
    serious_accessibility_violations,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory
from tests.notifications.webhooks.factories import partner_for

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("WEBHOOKS_SHOTS", "/tmp/shots/webhooks"))  # noqa: S108
SIZES = ({"width": 1280, "height": 800}, {"width": 320, "height": 640})
URL = "https://erp.universidad-andina.example/cmsp-webhooks"
PUBLIC_ADDRESS = "93.184.215.14"


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """``*.example`` resolves to a public address; deliveries are recorded, never posted."""
    real = socket.getaddrinfo

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if str(host or "").endswith(".example"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_ADDRESS, port or 443))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr("cluster_portal.tasks.publish_safely", lambda task, **kwargs: None)


@pytest.fixture
def admin(db: None) -> Any:
    organization = OrganizationFactory(
        legal_name="Universidad Andina del Sur", trade_name="Universidad Andina"
    )
    partner_for(organization, ("public:read", "challenges:read", "webhooks:manage"))
    member: Any = OrganizationMemberFactory(
        organization=organization,
        role=OrganizationMember.Role.ADMIN,
        user__full_name="Mariela Rivera Paredes",
    )
    return member.user


def look(page, name: str) -> list[str]:
    """axe at both widths, and a full-page screenshot at each."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for size in SIZES:
        page.set_viewport_size(size)
        found = serious_accessibility_violations(page, targets=True)
        if found:
            problems.append(f"{name} at {size['width']}px: {found}")
        page.screenshot(path=str(SHOTS / f"webhooks-{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(SIZES[0])
    return problems


@pytest.mark.usefixtures("offline")
def test_a_partner_admin_manages_a_webhook(page, admin) -> None:
    errors = record_console_errors(page)
    questions = accept_confirmations(page)
    problems: list[str] = []
    goto(page, "/")
    log_in(page, admin)

    goto(page, "/webhooks/")
    expect(page.get_by_test_id("no-endpoints")).to_be_visible()
    problems += look(page, "list-empty")
    click_and_wait(page, page.get_by_test_id("endpoint-create"))

    # A loopback target is refused under the default settings, with the target's reason.
    page.fill("input[name=url]", "https://127.0.0.1/hooks")
    page.get_by_label("call.published", exact=False).first.check()
    page.get_by_label("mission.published", exact=False).first.check()
    click_and_wait(page, page.locator("main form [type=submit]"))
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    assert not WebhookEndpoint.objects.exists()
    problems += look(page, "create-refused")

    page.fill("input[name=url]", URL)
    page.get_by_label("mission.published", exact=False).first.check()
    click_and_wait(page, page.locator("main form [type=submit]"))
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.url == URL
    assert endpoint.events == ["call.published", "mission.published"]
    secret = page.get_by_test_id("webhook-secret")
    expect(secret).to_have_value(endpoint.secret)
    problems += look(page, "secret")

    click_and_wait(page, page.get_by_test_id("secret-done"))
    expect(page.get_by_test_id("masked-secret")).to_be_visible()
    assert endpoint.secret not in page.content()
    problems += look(page, "detail-empty")

    # Send a test event: its delivery appears in the log (pending: nothing is posted here).
    click_and_wait(page, page.get_by_test_id("test"))
    expect(page.get_by_test_id("delivery-row")).to_have_count(1)
    expect(page.get_by_test_id("delivery-row")).to_contain_text("webhook.test")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.message.event_type == "webhook.test"
    problems += look(page, "detail-log")

    # Rotate: asked first, then the new secret once, and until when the old one signs.
    old = endpoint.secret
    click_and_wait(page, page.get_by_test_id("rotate"))
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.previous_secret == old
    expect(page.get_by_test_id("webhook-secret")).to_have_value(endpoint.secret)
    expect(page.get_by_test_id("overlap-until")).to_be_visible()
    assert old not in page.content()
    assert len(questions) == 1

    goto(page, "/webhooks/")
    expect(page.get_by_test_id("endpoint")).to_have_count(1)
    problems += look(page, "list")

    # The public catalogue, from the list's link.
    click_and_wait(page, page.locator("main a[href='/webhooks/events/']").first)
    expect(page.get_by_test_id("catalogue-event")).to_have_count(7)
    expect(page.get_by_test_id("retry-schedule")).to_be_visible()
    problems += look(page, "catalogue")

    assert not problems, "\n".join(problems)
    # The refused form comes back with 400 on purpose; anything else (CSP, scripts) is a fault.
    assert [e for e in errors if "status of 400" not in e] == []
