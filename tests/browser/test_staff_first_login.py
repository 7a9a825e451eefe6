"""A new staff member's first login in a real browser: the password once, straight to the
authenticator app set-up (no second password prompt), the secret grouped for reading, the
recovery codes with "Download codes" first and a way on into the portal."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.browser.helpers import (
    click_and_wait,
    goto,
    record_console_errors,
    serious_accessibility_violations,
    switch_to_english,
)
from tests.members.factories import DEFAULT_PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_new_staff_member_types_the_password_once_and_sets_up_the_app(page) -> None:
    staff = UserFactory(is_staff=True, email="ana.quispe@example.pe", full_name="Ana Quispe")
    console_errors = record_console_errors(page)
    goto(page, "/accounts/login/")
    switch_to_english(page)

    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    click_and_wait(page, page.locator("main form [type=submit]:not([name=language])"))

    # The only password prompt was the login form: the app set-up page follows directly.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    expect(page.locator("input[name=password]")).to_have_count(0)
    expect(
        page.get_by_role("status")
        .or_(page.get_by_role("alert"))
        .filter(has_text="Staff accounts require two-factor authentication.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Add this account to the app")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()

    # The secret in groups of four, and whole in a read-only field to copy.
    copy_field = page.get_by_label("The same key without spaces, to copy and paste")
    secret = copy_field.input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    expect(copy_field).to_have_attribute("readonly", "")
    grouped = page.get_by_test_id("totp-secret").inner_text()
    assert grouped.split() == [secret[i : i + 4] for i in range(0, 32, 4)]
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Authenticator code").fill(totp_code(secret))
    click_and_wait(page, page.get_by_role("button", name="Activate"))
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    # Recovery codes: "Download codes" is the primary action, then on into the portal.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    main = page.get_by_role("main")
    download = main.get_by_role("link", name="Download codes")
    expect(download).to_have_class(re.compile(r"\bbtn-primary\b"))
    generate = main.get_by_role("link", name="Generate new codes")
    expect(generate).not_to_have_class(re.compile(r"\bbtn-primary\b"))
    expect(main).to_contain_text("Generating new codes makes all the codes above stop working.")
    assert len(page.locator("textarea#recovery_codes").input_value().split()) == 10
    assert serious_accessibility_violations(page) == []

    with page.expect_download() as download_info:
        download.click()
    assert download_info.value.suggested_filename.endswith(".txt")

    click_and_wait(page, main.get_by_role("link", name="Continue to the portal"))
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/accounts/" not in page.url
    assert console_errors == []
