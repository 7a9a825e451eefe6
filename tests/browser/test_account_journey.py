"""Account journeys in a real browser: sign up, verify, log in, set up two-factor authentication,
see the recovery codes, log out; and a staff member without MFA sent to set it up."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from members.models import User
from tests.browser.helpers import click_and_wait, goto, serious_accessibility_violations
from tests.members.factories import UserFactory, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Cerro-Verde-Concentrator-7"


def switch_to_english(page) -> None:
    click_and_wait(page, page.get_by_role("button", name="EN").first)
    expect(page.locator("html")).to_have_attribute("lang", "en")


def activate_totp(page) -> list[str]:
    """On the TOTP activation page: read the secret, type the current code, return the codes."""
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.get_by_test_id("totp-secret-copy").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    grouped = page.get_by_test_id("totp-secret").inner_text().split()
    assert grouped == [secret[i : i + 4] for i in range(0, 32, 4)]
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    click_and_wait(page, page.get_by_role("button", name="Activate"))
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    return page.locator("textarea#recovery_codes").input_value().split()


def test_signup_verify_login_mfa_and_logout(page) -> None:
    console_errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))

    goto(page, "/accounts/signup/")
    switch_to_english(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign Up")
    assert serious_accessibility_violations(page) == []
    page.fill("input[name=full_name]", "Rosa Mamani Quispe")
    page.fill("input[name=email]", "rosa.mamani@example.pe")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_label("I have read and accept the privacy notice.").check()
    click_and_wait(page, page.get_by_role("button", name="Sign Up"))
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    # The live server runs in this process: its emails land in Django's locmem outbox.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rosa.mamani@example.pe"]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body)
    assert link is not None
    goto(page, link.group(1))
    click_and_wait(page, page.get_by_role("button", name="Confirm"))
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    page.fill("input[name=login]", "rosa.mamani@example.pe")
    page.fill("input[name=password]", PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Sign In"))
    user_menu = page.get_by_role("button", name=re.compile("Rosa"))
    expect(user_menu).to_be_visible()

    # Two-factor authentication from the user menu; the password typed at login is recent
    # enough, so allauth does not ask for it again.
    user_menu.click()
    click_and_wait(page, page.get_by_role("link", name="Two-factor authentication"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    click_and_wait(page, page.get_by_role("main").get_by_role("link", name="Activate"))
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    codes = activate_totp(page)
    assert len(codes) == 10
    user = User.objects.get(email="rosa.mamani@example.pe")
    assert user.authenticator_set.filter(type="totp").exists()

    user_menu.click()
    click_and_wait(page, page.get_by_test_id("logout"))
    expect(page.get_by_role("navigation").get_by_role("link", name="Log in")).to_be_visible()
    assert console_errors == []


def test_staff_without_mfa_opening_admin_is_sent_to_mfa_setup(page, login) -> None:
    staff = UserFactory(is_staff=True, email="secretaria@example.pe")
    goto(page, "/")
    switch_to_english(page)
    login(page, staff)

    goto(page, "/admin/")
    # Straight to the authenticator app page: the login's password is recent enough.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(
        page.get_by_role("alert").filter(
            has_text="Staff accounts require two-factor authentication."
        )
    ).to_be_visible()

    activate_totp(page)
    goto(page, "/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
