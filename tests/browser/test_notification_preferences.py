"""Notification preferences in a real browser: a person chooses how often each topic is emailed
and the choice sticks; the unsubscribe link of an email asks first, then switches the topic off
(and mail clients may POST to it directly, RFC 8058)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from notifications.models import NotificationPreference
from notifications.services import unsubscribe_token
from tests.browser.helpers import (
    click_and_wait,
    goto,
    record_console_errors,
    serious_accessibility_violations,
    switch_to_english,
)
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def frequencies(user) -> dict[str, str]:
    return dict(
        NotificationPreference.objects.filter(user=user).values_list("category", "frequency")
    )


def unsubscribe_path(user, category: str) -> str:
    """The link the emails carry (``notifications.services.render_email``), without SITE_URL."""
    return reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(user_id=user.pk, category=category)]
    )


def test_person_sets_frequencies_and_they_persist(page, login) -> None:
    person = UserFactory(full_name="Rosa Mamani")
    console_errors = record_console_errors(page)

    goto(page, "/")
    switch_to_english(page)
    login(page, person)
    page.get_by_role("button", name=re.compile("Rosa")).click()
    click_and_wait(page, page.get_by_role("link", name="Notification preferences"))
    expect(page).to_have_url(re.compile(r"/notifications/preferences/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification preferences")
    # Account and security messages are always sent: not offered.
    expect(page.get_by_role("group", name="Account and security")).to_have_count(0)
    calls = page.get_by_role("group", name="Calls and deadlines")
    membership = page.get_by_role("group", name="Membership and organization")
    expect(calls.get_by_label("Immediately")).to_be_checked()
    assert serious_accessibility_violations(page) == []

    calls.get_by_label("Daily digest").check()
    membership.get_by_label("Off (in-app only)").check()
    click_and_wait(page, page.get_by_role("button", name="Save preferences"))
    expect(page.get_by_text("Your notification preferences are saved.")).to_be_visible()

    page.reload(wait_until="networkidle")
    calls = page.get_by_role("group", name="Calls and deadlines")
    membership = page.get_by_role("group", name="Membership and organization")
    expect(calls.get_by_label("Daily digest")).to_be_checked()
    expect(membership.get_by_label("Off (in-app only)")).to_be_checked()
    expect(page.get_by_role("group", name="Reports").get_by_label("Immediately")).to_be_checked()
    prefs = frequencies(person)
    assert prefs["calls"] == "daily"
    assert prefs["membership"] == "off"
    assert prefs.get("reports", "immediate") == "immediate"
    assert console_errors == []


def test_unsubscribe_link_asks_first_then_switches_the_topic_off(english_page, page, login) -> None:
    person = UserFactory(full_name="Rosa Mamani")
    visitor = english_page  # the link works without logging in, as from a mail client
    console_errors = record_console_errors(visitor)
    link = unsubscribe_path(person, "proposals")

    goto(visitor, link)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    expect(
        visitor.get_by_text("Stop receiving emails about “Proposals and results”?")
    ).to_be_visible()
    assert serious_accessibility_violations(visitor) == []
    assert frequencies(person) == {}  # opening the link (a link scanner) changes nothing

    click_and_wait(visitor, visitor.get_by_role("main").get_by_role("button", name="Unsubscribe"))
    expect(visitor.get_by_role("status")).to_contain_text(
        "You will no longer receive emails about “Proposals and results”."
    )
    assert frequencies(person) == {"proposals": "off"}

    # A mail client's one-click button POSTs to the same link, without a CSRF token.
    response = visitor.request.post(unsubscribe_path(person, "calls"))
    assert response.status == 200
    assert frequencies(person) == {"proposals": "off", "calls": "off"}
    # A link whose signature does not match is unknown.
    assert visitor.request.get(link[:-3] + "xyz/").status == 404

    # The person sees both topics off on the preferences page.
    login(page, person)
    goto(page, "/notifications/preferences/")
    switch_to_english(page)
    expect(
        page.get_by_role("group", name="Proposals and results").get_by_label("Off (in-app only)")
    ).to_be_checked()
    expect(
        page.get_by_role("group", name="Calls and deadlines").get_by_label("Off (in-app only)")
    ).to_be_checked()
    assert console_errors == []
