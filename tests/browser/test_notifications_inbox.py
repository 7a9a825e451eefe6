"""Notifications journey: the bell shows the unread count, the inbox marks everything read and the
badge disappears (htmx, no page reload), without CSP errors or serious accessibility issues."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from tests.browser.helpers import serious_accessibility_violations
from tests.members.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_reads_notifications_and_the_badge_goes_away(page, login) -> None:
    console_errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    member = UserFactory()
    NotificationFactory.create_batch(3, recipient=member, url="/")
    NotificationFactory(title="Not yours")  # someone else's: never shown

    login(page, member)
    badge = page.get_by_test_id("unread-badge")
    expect(badge).to_have_text(re.compile(r"^3\b"))

    page.get_by_test_id("notifications-bell").click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.get_by_test_id("notification")).to_have_count(3)
    expect(page.locator(".notification-unread")).to_have_count(3)
    expect(page.get_by_text("Not yours")).to_have_count(0)

    assert serious_accessibility_violations(page) == []

    page.get_by_test_id("mark-all-read").click()
    expect(page.locator(".notification-unread")).to_have_count(0)
    expect(page.get_by_test_id("unread-badge")).to_have_count(0)  # refreshed via HX-Trigger
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()

    page.reload()
    expect(page.get_by_test_id("notification")).to_have_count(3)
    expect(page.get_by_test_id("unread-badge")).to_have_count(0)
    assert console_errors == []
