"""Invitation journeys in a real browser: an organization admin invites a colleague by email; the
colleague opens the link from the email, sees who invites them where, logs in (or signs up with
the invited address pre-filled and already confirmed) and lands accepted in the team page."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from members.models import OrganizationMember, User
from members.services.team import invitation_create
from notifications.models import OutboxEmail
from tests.browser.helpers import (
    click_and_wait,
    goto,
    record_console_errors,
    serious_accessibility_violations,
)
from tests.members.factories import (
    DEFAULT_PASSWORD,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Cobre-y-plata-2026"


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
    # Not logged in yet: the invitation (the token gone from the address bar), two ways in.
    expect(colleague_page).to_have_url(re.compile(r"/members/invitation/$"))
    expect(colleague_page.get_by_role("heading", name="Join Andes Tech")).to_be_visible()
    expect(colleague_page.get_by_text("Jorge Huamán invites you to join")).to_be_visible()
    assert serious_accessibility_violations(colleague_page) == []
    click_and_wait(colleague_page, colleague_page.get_by_role("link", name="Log in and join"))
    expect(colleague_page.get_by_test_id("invitation-banner")).to_contain_text("Andes Tech")
    colleague_page.fill("input[name=login]", colleague.email)
    colleague_page.fill("input[name=password]", DEFAULT_PASSWORD)
    click_and_wait(
        colleague_page, colleague_page.locator("main form [type=submit]:not([name=language])")
    )
    # Logged in and accepted at once: the team page says what was accepted.
    expect(colleague_page.get_by_text("Welcome to Andes Tech!")).to_be_visible()
    expect(
        colleague_page.get_by_text("You have accepted the invitation of Jorge Huamán")
    ).to_be_visible()
    expect(colleague_page.get_by_test_id("team-organization")).to_have_text("Andes Tech")
    expect(
        colleague_page.locator('[data-testid="team-member"][data-email="m.rivera@andestech.pe"]')
    ).to_have_count(1)
    assert serious_accessibility_violations(colleague_page) == []

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


def fill_if_present(page, selector: str, value: str) -> None:
    """Fill a sign-up field when the form has it (name, position...)."""
    field = page.locator(selector)
    if field.count():
        field.fill(value)


def test_invitee_without_an_account_signs_up_and_lands_in_the_team(english_page) -> None:
    organization = OrganizationFactory(trade_name="Andes Tech")
    admin = OrganizationMemberFactory(
        organization=organization,
        role=OrganizationMember.Role.ADMIN,
        user__full_name="Jorge Huamán",
    ).user
    issued = invitation_create(
        actor=admin, organization=organization, email="nueva.persona@andestech.pe"
    )
    page = english_page
    console_errors = record_console_errors(page)

    goto(page, issued.path)
    expect(page).to_have_url(re.compile(r"/members/invitation/$"))
    expect(page.get_by_role("heading", name="Join Andes Tech")).to_be_visible()
    click_and_wait(page, page.get_by_role("link", name="Create an account and join"))

    # The sign-up page names the invitation and has the invited address filled in.
    expect(page.get_by_test_id("invitation-banner")).to_contain_text(
        "Jorge Huamán invites you to join Andes Tech"
    )
    expect(page.locator("input[name=email]")).to_have_value("nueva.persona@andestech.pe")
    assert serious_accessibility_violations(page) == []
    fill_if_present(page, "input[name=full_name]", "Lucía Nueva Persona")
    fill_if_present(page, "input[name=position]", "Analista")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    consent = page.locator("input[name=privacy_consent]")
    if consent.count():
        consent.check()
    click_and_wait(page, page.locator("main form [type=submit]:not([name=language])"))

    # No second email to confirm the address: straight into the team, accepted.
    expect(page.get_by_text("Welcome to Andes Tech!")).to_be_visible()
    expect(page.get_by_test_id("team-organization")).to_have_text("Andes Tech")
    expect(
        page.locator('[data-testid="team-member"][data-email="nueva.persona@andestech.pe"]')
    ).to_have_count(1)
    user = User.objects.get(email="nueva.persona@andestech.pe")
    assert EmailAddress.objects.get(user=user).verified
    assert not OutboxEmail.objects.filter(
        to_email="nueva.persona@andestech.pe", event__startswith="account"
    ).exists()
    assert OrganizationMember.objects.filter(organization=organization, user=user).exists()
    assert console_errors == []
