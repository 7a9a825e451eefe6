"""Membership journey in a real browser: a signed-in person applies for membership for a new
organization, the secretariat (staff with two-factor authentication) approves it in the queue,
and the applicant sees "Active member" on My organization."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from members.models import Organization
from tests.browser.helpers import click_and_wait, goto, log_in, serious_accessibility_violations
from tests.members.factories import UserFactory, make_ruc

pytestmark = pytest.mark.django_db(transaction=True)

RUC = make_ruc(77_000_001)


def test_apply_then_staff_approves_then_active_member(page, english_page) -> None:
    applicant = UserFactory(email="rosa.mamani@example.pe", full_name="Rosa Mamani")
    staff = UserFactory(email="secretaria@example.pe", totp=True, roles=["membership_officer"])
    console_errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))

    # The applicant, in English.
    goto(page, "/")
    click_and_wait(page, page.get_by_role("button", name="EN").first)
    log_in(page, applicant)
    page.get_by_role("button", name=re.compile("Rosa")).click()
    click_and_wait(page, page.get_by_test_id("my-organization"))
    expect(page).to_have_url(re.compile(r"/members/apply/$"))
    expect(page.get_by_text("You do not belong to an organization yet.")).to_be_visible()
    click_and_wait(page, page.get_by_test_id("apply-new"))

    # The mining scale is only asked of mining companies.
    form = page.get_by_test_id("organization-form")
    expect(form.get_by_label("Mining scale")).to_be_hidden()
    form.get_by_label("Kind").select_option("mining")
    expect(form.get_by_label("Mining scale")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    # A wrong check digit is explained; nothing is created.
    form.get_by_label("Legal name").fill("Minera Chachani S.A.C.")
    form.get_by_label("Trade name").fill("Chachani")
    form.get_by_label("RUC").fill(RUC[:-1] + str((int(RUC[-1]) + 1) % 10))
    form.get_by_label("Mining scale").select_option("small")
    form.get_by_label("Region").select_option("arequipa")
    form.get_by_label("City").fill("Arequipa")
    form.get_by_label("Why does your organization want to join the cluster?").fill(
        "Queremos resolver el manejo de relaves con proveedores locales."
    )
    click_and_wait(page, page.get_by_test_id("submit-application"))
    # Shown in the error summary at the top and again under the field.
    expect(page.get_by_test_id("error-summary")).to_contain_text("its check digit does not match")
    expect(
        page.locator(".invalid-feedback").filter(has_text="its check digit does not match")
    ).to_be_visible()
    assert not Organization.objects.exists()

    page.get_by_test_id("organization-form").get_by_label("RUC").fill(RUC)
    click_and_wait(page, page.get_by_test_id("submit-application"))
    expect(page.get_by_text("has been sent to the secretariat")).to_be_visible()
    expect(page.get_by_test_id("membership-status-badge")).to_have_text("Applicant")
    expect(page.get_by_test_id("application-status-badge")).to_have_text("Submitted")
    expect(page.get_by_test_id("team-member")).to_have_count(1)
    assert serious_accessibility_violations(page) == []

    # The secretariat, in its own browser: password, then the authenticator code.
    staff_page = english_page
    goto(staff_page, "/staff/members/applications/")
    expect(staff_page).to_have_url(re.compile(r"/accounts/login/\?next="))
    log_in(staff_page, staff, totp_secret=staff.totp_secret)
    expect(staff_page).to_have_url(re.compile(r"/staff/members/applications/$"))
    queue = staff_page.get_by_test_id("application-queue")
    expect(queue.get_by_test_id("application-row")).to_have_count(1)
    assert serious_accessibility_violations(staff_page) == []
    click_and_wait(staff_page, queue.get_by_role("link", name="Chachani"))
    expect(staff_page.get_by_test_id("application-ruc")).to_have_text(RUC)
    click_and_wait(staff_page, staff_page.get_by_test_id("approve"))
    expect(staff_page.get_by_text("Chachani is now an active member.")).to_be_visible()

    # Back to the applicant: My organization says "Active member".
    page.get_by_role("button", name=re.compile("Rosa")).click()
    click_and_wait(page, page.get_by_test_id("my-organization"))
    expect(page.get_by_test_id("membership-status-badge")).to_have_text("Active member")
    expect(page.get_by_test_id("member-since")).to_be_visible()
    expect(page.get_by_test_id("application-status-badge")).to_have_text("Approved")
    assert console_errors == []
