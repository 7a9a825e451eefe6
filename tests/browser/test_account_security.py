"""Account security in a real browser: resetting a forgotten password from the emailed link,
changing the password, ending the sessions of other browsers, and signing in with a recovery code
instead of the authenticator app."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from playwright.sync_api import expect

from tests.browser.helpers import (
    click_and_wait,
    goto,
    log_in,
    record_console_errors,
    serious_accessibility_violations,
    switch_to_english,
)
from tests.members.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Toquepala-Smelter-Night-42"


def user_menu(page):
    return page.get_by_role("navigation").get_by_role("button", name=re.compile("Rosa"))


def expect_logged_in(page) -> None:
    expect(user_menu(page)).to_be_visible()


def expect_logged_out(page) -> None:
    expect(page.get_by_role("navigation").get_by_role("link", name="Log in")).to_be_visible()
    expect(user_menu(page)).to_have_count(0)


def log_out(page) -> None:
    user_menu(page).click()
    click_and_wait(page, page.get_by_test_id("logout"))
    expect_logged_out(page)


def test_forgotten_password_is_reset_from_the_emailed_link(page) -> None:
    person = UserFactory(email="rosa.mamani@example.pe", full_name="Rosa Mamani")
    console_errors = record_console_errors(page)

    goto(page, "/accounts/login/")
    switch_to_english(page)
    click_and_wait(page, page.get_by_role("link", name="Forgot your password?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Password Reset")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Email").fill("rosa.mamani@example.pe")
    click_and_wait(page, page.get_by_role("button", name="Reset My Password"))
    expect(page.get_by_role("main")).to_contain_text("We have sent you an email")

    # The live server runs in this process: the email is in Django's locmem outbox.
    assert [message.to for message in mail.outbox] == [["rosa.mamani@example.pe"]]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    assert link is not None
    goto(page, link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Password")
    assert serious_accessibility_violations(page) == []
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Change Password"))
    expect(page.get_by_role("main")).to_contain_text("Your password is now changed.")

    # The link works once.
    goto(page, link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bad Token")

    # The old password no longer opens the account; the new one does.
    goto(page, "/accounts/login/")
    log_in(page, person)
    expect(
        page.get_by_text("The email address and/or password you specified are not correct.")
    ).to_be_visible()
    log_in(page, person, password=NEW_PASSWORD)
    expect_logged_in(page)
    assert console_errors == []


def test_password_change_from_the_user_menu(page, login) -> None:
    person = UserFactory(email="rosa.mamani@example.pe", full_name="Rosa Mamani")
    console_errors = record_console_errors(page)

    goto(page, "/")
    switch_to_english(page)
    login(page, person)
    user_menu(page).click()
    click_and_wait(page, page.get_by_role("link", name="Change password"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Password")
    assert serious_accessibility_violations(page) == []

    # A wrong current password is refused.
    page.fill("input[name=oldpassword]", "not-my-password-1")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Change Password"))
    # Shown in the error summary at the top and again under the field.
    expect(page.get_by_test_id("error-summary")).to_contain_text(
        "Please type your current password."
    )
    expect(
        page.locator(".invalid-feedback").filter(has_text="Please type your current password.")
    ).to_be_visible()
    person.refresh_from_db()
    assert person.check_password(DEFAULT_PASSWORD)

    page.fill("input[name=oldpassword]", DEFAULT_PASSWORD)
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Change Password"))
    expect(page.get_by_text("Password successfully changed.")).to_be_visible()
    expect_logged_in(page)  # changing the password keeps this browser signed in

    log_out(page)
    login(page, person, password=NEW_PASSWORD)
    expect_logged_in(page)
    assert console_errors == []


def test_ending_other_sessions_logs_the_other_browser_out(page, english_page, login) -> None:
    person = UserFactory(email="rosa.mamani@example.pe", full_name="Rosa Mamani")
    console_errors = record_console_errors(page)
    laptop, phone = page, english_page

    login(phone, person)
    expect_logged_in(phone)
    goto(laptop, "/")
    switch_to_english(laptop)
    login(laptop, person)
    user_menu(laptop).click()
    click_and_wait(laptop, laptop.get_by_role("link", name="Active sessions"))
    sessions = laptop.get_by_test_id("sessions")
    expect(sessions.locator("tbody tr")).to_have_count(2)
    expect(sessions.get_by_text("This browser")).to_have_count(1)
    assert serious_accessibility_violations(laptop) == []

    click_and_wait(laptop, laptop.get_by_role("button", name="End all other sessions"))
    expect(laptop.get_by_test_id("sessions").locator("tbody tr")).to_have_count(1)
    expect(laptop.get_by_text("This is your only active session.")).to_be_visible()
    expect_logged_in(laptop)

    # The phone finds itself logged out on its next request.
    goto(phone, "/notifications/")
    expect(phone).to_have_url(re.compile(r"/accounts/login/\?next=/notifications/"))
    expect_logged_out(phone)
    assert console_errors == []


def test_log_in_with_a_recovery_code_instead_of_the_authenticator(page) -> None:
    person = UserFactory(email="rosa.mamani@example.pe", full_name="Rosa Mamani", totp=True)
    codes = RecoveryCodes.activate(person).get_unused_codes()
    console_errors = record_console_errors(page)

    goto(page, "/accounts/login/")
    switch_to_english(page)
    log_in(page, person)  # password only: the second step is answered below
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    assert serious_accessibility_violations(page) == []
    page.fill("input[name=code]", codes[0])
    click_and_wait(page, page.locator("main form [type=submit]:not([name=language])").first)
    expect_logged_in(page)
    authenticator = RecoveryCodes(person.authenticator_set.get(type="recovery_codes"))
    assert codes[0] not in authenticator.get_unused_codes()
    assert len(authenticator.get_unused_codes()) == len(codes) - 1

    # A used recovery code does not open the account again.
    log_out(page)
    log_in(page, person)
    page.fill("input[name=code]", codes[0])
    click_and_wait(page, page.locator("main form [type=submit]:not([name=language])").first)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    # Shown in the error summary at the top and again under the field.
    expect(page.get_by_test_id("error-summary")).to_contain_text("Incorrect code.")
    expect(page.locator(".invalid-feedback").filter(has_text="Incorrect code.")).to_be_visible()
    assert console_errors == []
