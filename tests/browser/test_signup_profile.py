"""A new person signs up with their name and consent to the privacy notice, verifies the email,
logs in and sees their name in the menu; then edits their profile and switches language."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cluster_portal.core.legal import PRIVACY_NOTICE_VERSION
from members.models import User
from tests.browser.helpers import (
    click_and_wait,
    goto,
    record_console_errors,
    serious_accessibility_violations,
    switch_to_english,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Toquepala-Smelter-2026"
EMAIL = "rosa.paredes@example.pe"


def test_signup_with_name_and_consent_then_edit_the_profile(page) -> None:
    console_errors = record_console_errors(page)
    goto(page, "/accounts/signup/")
    switch_to_english(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign Up")
    expect(page.get_by_role("link", name=re.compile("Read the privacy notice"))).to_have_attribute(
        "href", "/privacy/"
    )
    assert serious_accessibility_violations(page) == []

    # Without consent the form comes back with the reason, and no account exists.
    page.get_by_label("Full name").fill("Rosa Paredes Huamán")
    page.get_by_label("Position").fill("Gerenta de logística")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    # The browser's own "required" check is bypassed to see the server's answer.
    page.locator("form").first.evaluate("form => form.setAttribute('novalidate', '')")
    click_and_wait(page, page.get_by_role("button", name="Sign Up"))
    expect(
        page.get_by_text("To create an account, accept the privacy notice.").first
    ).to_be_visible()
    assert not User.objects.filter(email=EMAIL).exists()
    assert serious_accessibility_violations(page) == []

    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_label("I have read and accept the privacy notice.").check()
    click_and_wait(page, page.get_by_role("button", name="Sign Up"))
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    user = User.objects.get(email=EMAIL)
    assert (user.full_name, user.position) == ("Rosa Paredes Huamán", "Gerenta de logística")
    assert user.privacy_consent_version == PRIVACY_NOTICE_VERSION
    assert user.privacy_consent_at is not None

    # The confirmation email greets the person by name; its link confirms the address.
    assert len(mail.outbox) == 1
    assert "Rosa Paredes Huamán" in mail.outbox[0].body
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body)
    assert link is not None
    goto(page, link.group(1))
    click_and_wait(page, page.get_by_role("button", name="Confirm"))
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Sign In"))
    user_menu = page.get_by_role("button", name="Rosa", exact=True)
    expect(user_menu).to_be_visible()

    # The profile page from the user menu: a bad phone is refused with a clear message.
    user_menu.click()
    click_and_wait(page, page.get_by_test_id("my-profile"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(page.get_by_label("Full name")).to_have_value("Rosa Paredes Huamán")
    expect(page.get_by_test_id("privacy-consent")).to_contain_text(PRIVACY_NOTICE_VERSION)
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Phone").fill("12-34")
    click_and_wait(page, page.get_by_role("button", name="Save profile"))
    expect(page.locator("#id_phone_error")).to_contain_text(
        "Enter a phone number with its country code"
    )
    user.refresh_from_db()
    assert user.phone == ""

    # A good phone, and Spanish: the page (and the emails) switch to Spanish.
    page.get_by_label("Phone").fill("959 123 456")
    page.get_by_label("Español").check()
    click_and_wait(page, page.get_by_role("button", name="Save profile"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    # (The Spanish wording comes with the translation pass: check the state, not the words.)
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#id_phone")).to_have_value("+51959123456")
    expect(page.locator("input[name=language][value=es]")).to_be_checked()
    user.refresh_from_db()
    assert (user.phone, user.language) == ("+51959123456", "es")
    assert console_errors == []
