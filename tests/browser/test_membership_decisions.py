"""The secretariat's and the admins' decisions in a real browser, and what the people they
concern see afterwards on My organization: a rejection with its reason, a request for more
information answered by the applicant, a request to join accepted by the organization's admin,
and a suspension lifted again."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from members.models import JoinRequest, MembershipApplication, Organization
from tests.browser.helpers import (
    click_and_wait,
    goto,
    log_in,
    open_user_menu_item,
    record_console_errors,
    serious_accessibility_violations,
    switch_to_english,
)
from tests.members.factories import (
    MembershipApplicationFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
    make_ruc,
)

pytestmark = pytest.mark.django_db(transaction=True)


def staff_signs_in(staff_page, staff, url: str) -> None:
    """The secretariat opens ``url``, is asked to log in, and answers the authenticator step."""
    goto(staff_page, url)
    expect(staff_page).to_have_url(re.compile(r"/accounts/login/\?next="))
    log_in(staff_page, staff, totp_secret=staff.totp_secret)
    expect(staff_page).to_have_url(re.compile(re.escape(url) + "$"))


def applicant_application(**kwargs) -> MembershipApplication:
    applicant = UserFactory(email="rosa.mamani@example.pe", full_name="Rosa Mamani")
    return MembershipApplicationFactory(
        applicant=applicant,
        organization__trade_name="Chachani",
        organization__ruc=make_ruc(77_000_101),
        **kwargs,
    )


def staff_rejects(staff_page, staff, application: MembershipApplication, reason: str) -> None:
    """The secretariat rejects ``application`` on its page, first without a reason (refused)."""
    staff_signs_in(staff_page, staff, f"/staff/members/applications/{application.pk}/")
    assert serious_accessibility_violations(staff_page) == []
    reject = staff_page.get_by_test_id("reject-form")
    click_and_wait(staff_page, reject.get_by_role("button", name="Reject application"))
    expect(staff_page.get_by_text("This field is required.")).to_be_visible()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED

    reject = staff_page.get_by_test_id("reject-form")
    reject.get_by_label("Reason for the rejection").fill(reason)
    click_and_wait(staff_page, reject.get_by_role("button", name="Reject application"))
    name = application.organization.display_name
    expect(staff_page.get_by_text(f"The application of {name} has been rejected.")).to_be_visible()
    expect(staff_page.get_by_test_id("application-status-badge").first).to_have_text("Rejected")
    expect(staff_page.get_by_test_id("application-closed")).to_be_visible()


def test_staff_rejects_a_first_application_and_the_applicant_reads_why(page, english_page) -> None:
    application = applicant_application()
    staff = UserFactory(email="secretaria@example.pe", totp=True, roles=["membership_officer"])
    console_errors = record_console_errors(page)
    reason = "Su RUC no figura como activo en SUNAT; vuelva a postular cuando esté habido."
    staff_rejects(english_page, staff, application, reason)

    goto(page, "/")
    switch_to_english(page)
    log_in(page, application.applicant)
    # The notification carries the reason...
    click_and_wait(page, page.get_by_test_id("notifications-bell"))
    expect(page.get_by_test_id("notification").first).to_contain_text(reason)
    # ...and so does My organization. The organization, never a member, was released (the
    # applicant no longer belongs to it), so My organization is the page to apply again.
    open_user_menu_item(page, re.compile("Rosa"), "my-organization")
    expect(page).to_have_url(re.compile(r"/members/apply/$"))
    assert serious_accessibility_violations(page) == []
    rejected = page.get_by_test_id("rejected-application")
    expect(rejected).to_have_count(1)
    expect(rejected).to_contain_text("Chachani")
    expect(rejected.get_by_test_id("application-status-badge")).to_have_text("Rejected")
    expect(rejected.get_by_test_id("secretariat-message")).to_contain_text(
        "Reason for the rejection:"
    )
    expect(rejected.get_by_test_id("secretariat-message")).to_contain_text(reason)
    expect(rejected.get_by_role("link", name="Apply for membership")).to_be_visible()
    assert console_errors == []


def test_staff_rejects_a_former_member_and_the_applicant_reads_why(page, english_page) -> None:
    # A former member applying again keeps its people when rejected (it goes back to lapsed).
    application = applicant_application(organization__member_since=datetime.date(2022, 3, 1))
    staff = UserFactory(email="secretaria@example.pe", totp=True, roles=["membership_officer"])
    console_errors = record_console_errors(page)
    reason = "Mantiene cuotas impagas de 2023; regularícelas y vuelva a postular."
    staff_rejects(english_page, staff, application, reason)

    goto(page, "/")
    switch_to_english(page)
    log_in(page, application.applicant)
    open_user_menu_item(page, re.compile("Rosa"), "my-organization")
    assert serious_accessibility_violations(page) == []
    expect(page.get_by_test_id("membership-status-badge")).to_have_text("Lapsed")
    expect(page.get_by_test_id("application-status-badge")).to_have_text("Rejected")
    message = page.get_by_test_id("secretariat-message")
    expect(message).to_contain_text("Reason for the rejection:")
    expect(message).to_contain_text(reason)
    expect(page.get_by_test_id("apply-again")).to_be_visible()
    assert console_errors == []


def test_staff_asks_for_information_and_the_applicant_answers(page, english_page) -> None:
    application = applicant_application()
    staff = UserFactory(email="secretaria@example.pe", totp=True, roles=["membership_officer"])
    console_errors = record_console_errors(page)
    question = "Adjunte la ficha RUC y el nombre de su representante legal."
    answer = "Representante legal: Ana Torres. La ficha RUC está en nuestro perfil."

    staff_page = english_page
    staff_signs_in(staff_page, staff, f"/staff/members/applications/{application.pk}/")
    info_form = staff_page.get_by_test_id("request-info-form")
    # Its label names the field (and not the approval message above it).
    info_form.get_by_label("Information requested").fill(question)
    click_and_wait(staff_page, info_form.get_by_role("button", name="Send request"))
    expect(staff_page.get_by_text("Chachani has been asked for more information.")).to_be_visible()
    expect(staff_page.get_by_test_id("application-status-badge").first).to_have_text(
        "More information requested"
    )

    # The applicant reads the question on My organization and answers it there.
    goto(page, "/")
    switch_to_english(page)
    log_in(page, application.applicant)
    open_user_menu_item(page, re.compile("Rosa"), "my-organization")
    expect(page.get_by_test_id("application-status-badge")).to_have_text(
        "More information requested"
    )
    expect(page.get_by_test_id("secretariat-message")).to_contain_text(question)
    assert serious_accessibility_violations(page) == []
    respond = page.get_by_test_id("respond-form")
    respond.get_by_label("Your answer to the secretariat").fill(answer)
    click_and_wait(page, respond.get_by_role("button", name="Send answer"))
    expect(page.get_by_text("Your answer has been sent to the secretariat.")).to_be_visible()
    expect(page.get_by_test_id("application-status-badge")).to_have_text("Submitted")
    expect(page.get_by_test_id("respond-form")).to_have_count(0)

    # Back in the secretariat's queue as submitted, with the answer.
    goto(staff_page, "/staff/members/applications/")
    row = staff_page.get_by_test_id("application-row").filter(has_text="Chachani")
    expect(row.get_by_test_id("application-status-badge")).to_have_text("Submitted")
    click_and_wait(staff_page, row.get_by_role("link", name="Chachani"))
    expect(staff_page.get_by_test_id("application-response")).to_have_text(answer)
    expect(staff_page.get_by_test_id("request-info-form")).to_be_visible()
    assert console_errors == []


def test_person_asks_to_join_by_ruc_and_the_admin_accepts(page, english_page, login) -> None:
    ruc = make_ruc(77_000_201)
    organization = OrganizationFactory(trade_name="Andes Tech", ruc=ruc)
    admin = OrganizationMemberFactory(
        organization=organization,
        role="admin",
        user__email="jorge.huaman@andestech.pe",
        user__full_name="Jorge Huamán",
    ).user
    person = UserFactory(email="m.rivera@andestech.pe", full_name="Mariela Rivera")
    console_errors = record_console_errors(page)

    # The person has no organization yet: My organization leads to "Find my organization".
    goto(page, "/")
    switch_to_english(page)
    log_in(page, person)
    open_user_menu_item(page, re.compile("Mariela"), "my-organization")
    expect(page).to_have_url(re.compile(r"/members/apply/$"))
    click_and_wait(page, page.get_by_test_id("apply-join"))
    search = page.get_by_test_id("join-search")
    search.get_by_label("RUC or name of the organization").fill(ruc)
    click_and_wait(page, search.get_by_role("button", name="Search"))
    results = page.get_by_test_id("join-results")
    expect(results.get_by_role("listitem")).to_have_count(1)
    expect(results).to_contain_text("Andes Tech")
    assert serious_accessibility_violations(page) == []
    results.get_by_label("Message to the organization's admins (optional)").fill(
        "Trabajo en operaciones desde marzo."
    )
    click_and_wait(page, results.get_by_role("button", name="Ask to join Andes Tech"))
    expect(
        page.get_by_text("Your request to join Andes Tech has been sent to its admins.")
    ).to_be_visible()
    expect(page.get_by_test_id("pending-join-request")).to_contain_text("Andes Tech")

    # The admin accepts it on the team page.
    admin_page = english_page
    login(admin_page, admin)
    goto(admin_page, f"/members/organizations/{organization.pk}/team/")
    request_row = admin_page.get_by_test_id("join-request")
    expect(request_row).to_have_count(1)
    expect(request_row).to_contain_text("Mariela Rivera")
    expect(request_row).to_contain_text("Trabajo en operaciones desde marzo.")
    click_and_wait(admin_page, request_row.get_by_role("button", name="Accept"))
    expect(admin_page.get_by_text("has joined the organization.")).to_be_visible()
    expect(admin_page.get_by_test_id("join-request")).to_have_count(0)
    new_member = admin_page.locator(
        '[data-testid="team-member"][data-email="m.rivera@andestech.pe"]'
    )
    expect(new_member.get_by_test_id("member-role")).to_have_text("Member")
    assert JoinRequest.objects.get(user=person).status == JoinRequest.Status.APPROVED

    # The person now lands on the organization from My organization.
    open_user_menu_item(page, re.compile("Mariela"), "my-organization")
    expect(page).to_have_url(re.compile(rf"/members/organizations/{organization.pk}/team/$"))
    expect(page.get_by_test_id("team-organization")).to_have_text("Andes Tech")
    expect(page.get_by_test_id("membership-status-badge")).to_have_text("Active member")
    assert console_errors == []


def test_staff_suspends_then_reinstates_and_the_member_sees_it(page, english_page, login) -> None:
    organization = OrganizationFactory(trade_name="Minera Yura")
    member = OrganizationMemberFactory(
        organization=organization, user__full_name="Luis Apaza", user__email="l.apaza@yura.pe"
    ).user
    staff = UserFactory(email="secretaria@example.pe", totp=True, roles=["membership_officer"])
    console_errors = record_console_errors(page)
    reason = "Cuotas de 2024 impagas."

    # The secretariat finds the organization from the staff home.
    staff_page = english_page
    staff_signs_in(staff_page, staff, "/staff/")
    click_and_wait(
        staff_page, staff_page.get_by_role("link", name="Organizations and membership status")
    )
    click_and_wait(staff_page, staff_page.get_by_role("link", name="Minera Yura"))
    expect(staff_page).to_have_url(re.compile(rf"/staff/members/organizations/{organization.pk}/$"))
    assert serious_accessibility_violations(staff_page) == []
    suspend = staff_page.get_by_test_id("suspend-form")
    suspend.get_by_label("Reason").fill(reason)
    click_and_wait(staff_page, suspend.get_by_role("button", name="Suspend membership"))
    expect(staff_page.get_by_text("Minera Yura has been suspended.")).to_be_visible()
    expect(staff_page.get_by_test_id("membership-status-badge")).to_have_text("Suspended")
    expect(staff_page.get_by_test_id("status-reason")).to_have_text(reason)

    # No page is member-only yet: the member sees the suspension on My organization.
    goto(page, "/")
    switch_to_english(page)
    login(page, member)
    open_user_menu_item(page, re.compile("Luis"), "my-organization")
    card = page.get_by_test_id("membership-card")
    expect(card.get_by_test_id("membership-status-badge")).to_have_text("Suspended")
    expect(card.get_by_role("status")).to_contain_text("The membership is suspended")
    expect(card.get_by_role("status")).to_contain_text(reason)
    assert serious_accessibility_violations(page) == []

    reinstate = staff_page.get_by_test_id("reinstate-form")
    reinstate.get_by_label("Reason").fill("Cuotas pagadas.")
    click_and_wait(staff_page, reinstate.get_by_role("button", name="Reinstate membership"))
    expect(staff_page.get_by_text("Minera Yura is an active member again.")).to_be_visible()
    expect(staff_page.get_by_test_id("membership-status-badge")).to_have_text("Active member")

    page.reload(wait_until="networkidle")
    card = page.get_by_test_id("membership-card")
    expect(card.get_by_test_id("membership-status-badge")).to_have_text("Active member")
    expect(card.get_by_text("The membership is suspended")).to_have_count(0)
    organization.refresh_from_db()
    assert organization.membership_status == Organization.MembershipStatus.ACTIVE
    assert console_errors == []


DUPLICATE_IDS = """() => {
  const seen = {};
  document.querySelectorAll('[id]').forEach((e) => { seen[e.id] = (seen[e.id] || 0) + 1; });
  return Object.keys(seen).filter((id) => seen[id] > 1).sort();
}"""
UNLABELLED_FIELDS = """() => [...document.querySelectorAll('main form textarea, main form select')]
  .filter((field) => field.labels.length !== 1)
  .map((field) => `${field.closest('form').dataset.testid}: ${field.labels.length} labels`)"""


@pytest.mark.parametrize("page_kind", ["application", "organization"])
def test_staff_decision_forms_label_their_own_fields(english_page, page_kind: str) -> None:
    application = applicant_application()
    active = OrganizationFactory(trade_name="Minera Yura")
    staff = UserFactory(email="secretaria@example.pe", totp=True, roles=["membership_officer"])
    url = (
        f"/staff/members/applications/{application.pk}/"
        if page_kind == "application"
        else f"/staff/members/organizations/{active.pk}/"
    )
    staff_signs_in(english_page, staff, url)
    assert english_page.evaluate(UNLABELLED_FIELDS) == []
    assert english_page.evaluate(DUPLICATE_IDS) == []
