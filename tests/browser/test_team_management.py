"""Team management in a real browser: an organization admin makes a colleague admin and removes
another person, a member leaves, and the last admin cannot leave or step down."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from members.models import OrganizationMember
from tests.browser.helpers import (
    accept_confirmations,
    click_and_wait,
    goto,
    open_user_menu_item,
    record_console_errors,
    serious_accessibility_violations,
    switch_to_english,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = OrganizationMember.Role.ADMIN


def team_row(page, email: str):
    return page.locator(f'[data-testid="team-member"][data-email="{email}"]')


def test_admin_promotes_and_removes_and_a_member_leaves(page, english_page, login) -> None:
    organization = OrganizationFactory(trade_name="Andes Tech")
    admin = OrganizationMemberFactory(
        organization=organization,
        role=ADMIN,
        user__email="jorge.huaman@andestech.pe",
        user__full_name="Jorge Huamán",
    ).user
    OrganizationMemberFactory(
        organization=organization,
        user__email="ana.torres@andestech.pe",
        user__full_name="Ana Torres",
    )
    OrganizationMemberFactory(
        organization=organization,
        user__email="luis.apaza@andestech.pe",
        user__full_name="Luis Apaza",
    )
    leaving = OrganizationMemberFactory(
        organization=organization,
        user__email="carla.quispe@andestech.pe",
        user__full_name="Carla Quispe",
    ).user
    console_errors = record_console_errors(page)
    questions = accept_confirmations(page)

    goto(page, "/")
    switch_to_english(page)
    login(page, admin)
    open_user_menu_item(page, re.compile("Jorge"), "my-organization")
    expect(page.get_by_test_id("team-member")).to_have_count(4)
    assert serious_accessibility_violations(page) == []

    # Ana becomes admin.
    ana = team_row(page, "ana.torres@andestech.pe")
    ana.get_by_label("Role of Ana Torres").select_option("admin")
    click_and_wait(page, ana.get_by_role("button", name="Save"))
    expect(page.get_by_text("Ana Torres is now organization admin.")).to_be_visible()
    expect(team_row(page, "ana.torres@andestech.pe").get_by_test_id("member-role")).to_have_text(
        "Organization admin"
    )

    # Luis is removed (after the browser's confirmation).
    click_and_wait(
        page, team_row(page, "luis.apaza@andestech.pe").get_by_role("button", name="Remove")
    )
    expect(page.get_by_text("Luis Apaza has been removed from the organization.")).to_be_visible()
    expect(team_row(page, "luis.apaza@andestech.pe")).to_have_count(0)
    assert questions == ["Remove Luis Apaza from the organization?"]
    expect(page.get_by_test_id("team-member")).to_have_count(3)

    # Carla leaves on her own.
    member_page = english_page
    member_questions = accept_confirmations(member_page)
    login(member_page, leaving)
    open_user_menu_item(member_page, re.compile("Carla"), "my-organization")
    expect(member_page.get_by_test_id("team-organization")).to_have_text("Andes Tech")
    # A member sees the team but none of the admin's controls.
    expect(member_page.get_by_role("button", name="Remove")).to_have_count(0)
    expect(member_page.get_by_test_id("invite-form")).to_have_count(0)
    click_and_wait(member_page, member_page.get_by_test_id("leave"))
    expect(member_page.get_by_text("You have left Andes Tech.")).to_be_visible()
    expect(member_page).to_have_url(re.compile(r"/members/apply/$"))
    assert member_questions == ["Leave this organization?"]

    page.reload(wait_until="networkidle")
    expect(page.get_by_test_id("team-member")).to_have_count(2)
    roles = dict(
        OrganizationMember.objects.filter(organization=organization).values_list(
            "user__email", "role"
        )
    )
    assert roles == {"jorge.huaman@andestech.pe": ADMIN, "ana.torres@andestech.pe": ADMIN}
    assert console_errors == []


def test_the_last_admin_can_neither_leave_nor_step_down(page, login) -> None:
    organization = OrganizationFactory(trade_name="Andes Tech")
    admin = OrganizationMemberFactory(
        organization=organization,
        role=ADMIN,
        user__email="jorge.huaman@andestech.pe",
        user__full_name="Jorge Huamán",
    ).user
    OrganizationMemberFactory(
        organization=organization,
        user__email="ana.torres@andestech.pe",
        user__full_name="Ana Torres",
    )
    console_errors = record_console_errors(page)
    accept_confirmations(page)

    goto(page, "/")
    switch_to_english(page)
    login(page, admin)
    open_user_menu_item(page, re.compile("Jorge"), "my-organization")
    expect(page.get_by_text("You are the only admin: make a colleague admin")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    click_and_wait(page, page.get_by_test_id("leave"))
    expect(page).to_have_url(re.compile(rf"/members/organizations/{organization.pk}/team/$"))
    expect(
        page.get_by_role("alert").filter(
            has_text="You are the organization's only admin. Make a colleague admin before"
        )
    ).to_be_visible()

    me = team_row(page, "jorge.huaman@andestech.pe")
    me.get_by_label("Role of Jorge Huamán").select_option("member")
    click_and_wait(page, me.get_by_role("button", name="Save"))
    expect(
        page.get_by_role("alert").filter(
            has_text="Jorge Huamán is the organization's only admin. Make someone else admin first"
        )
    ).to_be_visible()
    expect(team_row(page, "jorge.huaman@andestech.pe").get_by_test_id("member-role")).to_have_text(
        "Organization admin"
    )
    expect(page.get_by_test_id("team-member")).to_have_count(2)

    roles = dict(
        OrganizationMember.objects.filter(organization=organization).values_list(
            "user__email", "role"
        )
    )
    assert roles == {
        "jorge.huaman@andestech.pe": ADMIN,
        "ana.torres@andestech.pe": OrganizationMember.Role.MEMBER,
    }
    assert console_errors == []
