"""After login each person lands on their dashboard and reads what needs them; the dashboard
and the public pages (home, contact, privacy notice, terms) are accessible and fit a 320 px
phone and a 1280 px laptop without sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from members.models import MembershipApplication, OrganizationMember
from tests.browser.helpers import goto, log_in, serious_accessibility_violations
from tests.members.factories import (
    MembershipApplicationFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (320, 1280)


def page_fits(page) -> bool:
    """No sideways scrolling: the document is not wider than the window."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def log_out(page) -> None:
    """Submit the user menu's log-out form and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_test_id("logout").first.evaluate("button => button.form.requestSubmit()")
    page.wait_for_load_state("networkidle")


def check_layout_and_axe(page) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        assert page_fits(page), f"{page.url} scrolls sideways at {width} px"
    assert serious_accessibility_violations(page) == []


def test_each_role_lands_on_its_dashboard(english_page) -> None:
    page = english_page
    application = MembershipApplicationFactory(
        reference="CMSP-MEM-2026-0042",
        organization__legal_name="Andes Perforaciones del Sur S.A.C.",
        organization__trade_name="Andes Perforaciones",
    )
    member = OrganizationMemberFactory(
        organization=OrganizationFactory(trade_name="Metalsur"),
        role=OrganizationMember.Role.ADMIN,
    ).user
    officer = UserFactory(email="secretaria@example.pe", totp=True, roles=["membership_officer"])

    # The applicant: status, reference and next step.
    log_in(page, application.applicant)
    assert page.url.endswith("/dashboard/")
    panel = page.get_by_test_id("panel-members.organizations")
    expect(panel.get_by_role("heading", name="Andes Perforaciones")).to_be_visible()
    expect(panel.get_by_text("Reference CMSP-MEM-2026-0042")).to_be_visible()
    expect(panel.get_by_text("the secretariat is reviewing the application")).to_be_visible()
    check_layout_and_axe(page)
    log_out(page)

    # The member: the organization, its status and the team.
    log_in(page, member)
    assert page.url.endswith("/dashboard/")
    panel = page.get_by_test_id("panel-members.organizations")
    expect(panel.get_by_role("heading", name="Metalsur")).to_be_visible()
    expect(panel.get_by_text("Active member", exact=True)).to_be_visible()
    expect(panel.get_by_role("link", name="Team and membership")).to_be_visible()
    log_out(page)

    # The membership officer, after the authenticator step: the queue with its count.
    log_in(page, officer, totp_secret=officer.totp_secret)
    assert page.url.endswith("/dashboard/")
    panel = page.get_by_test_id("panel-staff.queues")
    expect(panel.get_by_role("heading", name="Secretariat work")).to_be_visible()
    expect(panel.get_by_text("1 waiting for a decision")).to_be_visible()
    panel.get_by_role("link", name="Membership applications").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Andes Perforaciones").first).to_be_visible()
    assert MembershipApplication.objects.count() == 1


@pytest.mark.parametrize("path", ["/", "/contact/", "/privacy/", "/terms/"])
def test_public_pages_are_accessible_and_fit(page, path) -> None:
    goto(page, path)
    expect(page.get_by_role("contentinfo").locator("a[href='/privacy/']")).to_be_visible()
    check_layout_and_axe(page)


def test_dashboard_without_organization_is_accessible_and_fits(english_page) -> None:
    page = english_page
    log_in(page, UserFactory())
    panel = page.get_by_test_id("panel-members.getting_started")
    expect(panel.get_by_role("heading", name="Join the cluster")).to_be_visible()
    expect(panel.get_by_role("link", name="Apply for membership")).to_be_visible()
    check_layout_and_axe(page)
