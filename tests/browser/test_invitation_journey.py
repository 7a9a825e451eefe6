"""Invitation journey in a real browser: an organization admin invites a colleague by email; the
colleague (who already has an account) opens the link from the email, logs in, accepts, and
appears in the team list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from members.models import OrganizationMember
from notifications.models import OutboxEmail
from tests.browser.helpers import click_and_wait, goto, serious_accessibility_violations
from tests.members.factories import (
    DEFAULT_PASSWORD,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_invites_colleague_who_accepts_and_joins_the_team(page, english_page, login) -> None:
    organization = OrganizationFactory(trade_name="Andes Tech")
    admin = OrganizationMemberFactory(
        organization=organization,
        role=OrganizationMember.Role.ADMIN,
        user__email="jorge.huaman@andestech.pe",
        user__full_name="Jorge Huamán",
    ).user
    colleague = UserFactory(email="m.rivera@andestech.pe", full_name="Mariela Rivera")
    console_errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))

    # The admin opens My organization and invites the colleague.
    goto(page, "/")
    click_and_wait(page, page.get_by_role("button", name="EN").first)
    login(page, admin)
    page.get_by_role("button", name=re.compile("Jorge")).click()
    click_and_wait(page, page.get_by_test_id("my-organization"))
    expect(page.get_by_test_id("team-organization")).to_have_text("Andes Tech")
    expect(page.get_by_test_id("team-member")).to_have_count(1)
    assert serious_accessibility_violations(page) == []

    invite = page.get_by_test_id("invite-form")
    invite.get_by_label("Email address").fill("m.rivera@andestech.pe")
    invite.get_by_label("Role").select_option("member")
    click_and_wait(page, page.get_by_test_id("send-invitation"))
    expect(
        page.get_by_text("An invitation has been sent to m.rivera@andestech.pe.")
    ).to_be_visible()
    pending = page.get_by_test_id("invitation")
    expect(pending).to_have_count(1)
    expect(pending).to_have_attribute("data-email", "m.rivera@andestech.pe")

    # The colleague opens the link from the email (the outbox row written with the invitation).
    email = OutboxEmail.objects.get(to_email="m.rivera@andestech.pe", event="members.invitation")
    link = re.search(r"https?://[^/\s]+(/members/invitations/[^/\s]+/)", email.body_text)
    assert link is not None
    colleague_page = english_page
    goto(colleague_page, link.group(1))
    # Not logged in yet: the login page, which comes back to the link afterwards.
    expect(colleague_page).to_have_url(re.compile(r"/accounts/login/\?next=/members/invitations/"))
    colleague_page.fill("input[name=login]", colleague.email)
    colleague_page.fill("input[name=password]", DEFAULT_PASSWORD)
    click_and_wait(
        colleague_page, colleague_page.locator("form [type=submit]:not([name=language])")
    )
    expect(colleague_page.get_by_role("heading", name="Join Andes Tech")).to_be_visible()
    assert serious_accessibility_violations(colleague_page) == []
    click_and_wait(colleague_page, colleague_page.get_by_test_id("accept-invitation"))
    expect(colleague_page.get_by_text("Welcome to Andes Tech!")).to_be_visible()
    expect(
        colleague_page.locator('[data-testid="team-member"][data-email="m.rivera@andestech.pe"]')
    ).to_have_count(1)

    # The link works only once.
    goto(colleague_page, link.group(1))
    expect(colleague_page.get_by_test_id("invitation-invalid")).to_have_attribute(
        "data-code", "used"
    )

    # The admin sees the colleague in the team and the invitation gone.
    goto(page, f"/members/organizations/{organization.pk}/team/")
    member_row = page.locator('[data-testid="team-member"][data-email="m.rivera@andestech.pe"]')
    expect(member_row.get_by_test_id("member-role")).to_have_text("Member")
    expect(page.get_by_test_id("invitation")).to_have_count(0)
    assert console_errors == []
