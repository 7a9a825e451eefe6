"""The personal dashboard: everybody lands on it after login, and it shows each person only
what concerns them (their organizations, applications, requests, queues, notifications)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cluster_portal.dashboard.panels import DASHBOARD_PANELS, panels_for
from members.models import JoinRequest, MembershipApplication, Organization, OrganizationMember
from members.viewer import viewer_for
from tests.members.factories import (
    DEFAULT_PASSWORD,
    JoinRequestFactory,
    MembershipApplicationFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
    totp_code,
)
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")
Status = MembershipApplication.Status


@pytest.fixture
def client_en() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _login(client: Client, user) -> object:
    """Log in through allauth's real form (and the TOTP step for staff); the last response."""
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    if getattr(user, "totp_secret", None):
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
    return response


def _panel_keys(user) -> list[str]:
    return [p.key for p in panels_for(viewer_for(user))]


# --- Landing after login ---------------------------------------------------------------------


def _applicant():
    return MembershipApplicationFactory(reference="CMSP-MEM-2026-0007").applicant


def _member():
    return OrganizationMemberFactory(role=OrganizationMember.Role.ADMIN).user


def _officer():
    return UserFactory(is_staff=True, totp=True, roles=["membership_officer"])


@pytest.mark.parametrize(
    ("make_user", "panel", "text"),
    [
        (UserFactory, "members.getting_started", "Join the cluster"),
        (_applicant, "members.organizations", "CMSP-MEM-2026-0007"),
        (_member, "members.organizations", "people in the team"),
        (_officer, "staff.queues", "Secretariat work"),
    ],
    ids=["no-organization", "applicant", "member", "membership-officer"],
)
def test_each_role_lands_on_its_dashboard(client_en, make_user, panel, text) -> None:
    user = make_user()
    response = _login(client_en, user)
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    body = client_en.get(DASHBOARD).content.decode()
    assert f'data-testid="panel-{panel}"' in body
    assert text in body or (text == "people in the team" and "person in the team" in body)


def test_anonymous_is_sent_to_login(client) -> None:
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/dashboard/" in response["Location"]


def test_staff_without_two_factor_is_sent_to_set_it_up(client) -> None:
    client.force_login(UserFactory(is_staff=True))
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")


def test_post_is_refused(client, user) -> None:
    client.force_login(user)
    assert client.post(DASHBOARD).status_code == 405


# --- Which panels for whom ---------------------------------------------------------------------


def test_panels_for_each_kind_of_person() -> None:
    assert _panel_keys(UserFactory()) == ["members.getting_started", "notifications.unread"]
    assert _panel_keys(_member()) == ["members.organizations", "notifications.unread"]
    assert _panel_keys(_officer()) == ["staff.queues", "notifications.unread"]
    # Every declared panel's selector and template exist.
    from django.template.loader import get_template
    from django.utils.module_loading import import_string

    for panel in DASHBOARD_PANELS:
        assert callable(import_string(panel.selector))
        get_template(panel.template)


# --- Without an organization -------------------------------------------------------------------


def test_person_without_organization_sees_how_to_join_and_their_requests(client_en) -> None:
    person = UserFactory()
    target = OrganizationFactory(legal_name="Minera Chachani S.A.")
    JoinRequestFactory(user=person, organization=target)
    JoinRequestFactory(organization=OrganizationFactory(legal_name="Ajena S.A."))  # someone else's
    client_en.force_login(person)
    body = client_en.get(DASHBOARD).content.decode()
    assert reverse("members:membership_apply_new") in body
    assert reverse("members:membership_join") in body
    assert 'data-testid="pending-join-request"' in body
    assert target.display_name in body
    assert "Ajena" not in body


# --- Applicants -----------------------------------------------------------------------------


def test_applicant_sees_status_reference_and_that_the_secretariat_reviews(client_en) -> None:
    application = MembershipApplicationFactory(reference="CMSP-MEM-2026-0042")
    client_en.force_login(application.applicant)
    body = client_en.get(DASHBOARD).content.decode()
    assert "CMSP-MEM-2026-0042" in body
    assert 'data-testid="application-status-badge"' in body
    assert "the secretariat is reviewing the application" in body


def test_applicant_asked_for_information_is_told_to_answer_by_the_deadline(client_en) -> None:
    decided = timezone.now() - datetime.timedelta(days=2)
    application = MembershipApplicationFactory(
        status=Status.INFO_REQUESTED, decided_at=decided, reference="CMSP-MEM-2026-0043"
    )
    client_en.force_login(application.applicant)
    body = client_en.get(DASHBOARD).content.decode()
    assert "the secretariat has asked for more information" in body
    assert reverse("members:team", args=[application.organization_id]) in body
    assert "Please answer by" in body


def test_member_who_is_not_admin_is_told_an_admin_must_answer(client_en) -> None:
    application = MembershipApplicationFactory(
        status=Status.INFO_REQUESTED, decided_at=timezone.now()
    )
    colleague = OrganizationMemberFactory(organization=application.organization).user
    client_en.force_login(colleague)
    body = client_en.get(DASHBOARD).content.decode()
    assert "an admin of your organization must answer it" in body
    assert "Answer the secretariat" not in body


def test_admin_of_a_rejected_applicant_may_apply_again(client_en) -> None:
    application = MembershipApplicationFactory(
        status=Status.REJECTED,
        decided_at=timezone.now(),
        organization__membership_status=Organization.MembershipStatus.NONE,
    )
    client_en.force_login(application.applicant)
    body = client_en.get(DASHBOARD).content.decode()
    assert reverse("members:membership_apply_again", args=[application.organization_id]) in body


def test_another_organizations_application_is_never_shown(client_en) -> None:
    mine = MembershipApplicationFactory(reference="CMSP-MEM-2026-0001")
    other = MembershipApplicationFactory(reference="CMSP-MEM-2026-0002")
    client_en.force_login(mine.applicant)
    body = client_en.get(DASHBOARD).content.decode()
    assert "CMSP-MEM-2026-0001" in body
    assert "CMSP-MEM-2026-0002" not in body
    assert other.organization.display_name not in body


# --- Members ------------------------------------------------------------------------------------


def test_member_admin_sees_status_team_size_dues_and_join_requests(client_en) -> None:
    organization = OrganizationFactory(
        legal_name="Metalsur S.A.C.",
        trade_name="Metalsur",
        annual_dues=1200,
        dues_paid_until=datetime.date(2020, 12, 31),
    )
    admin = OrganizationMemberFactory(
        organization=organization, role=OrganizationMember.Role.ADMIN
    ).user
    OrganizationMemberFactory.create_batch(2, organization=organization)
    JoinRequestFactory(organization=organization)
    JoinRequestFactory(organization=organization, status=JoinRequest.Status.REJECTED)
    client_en.force_login(admin)
    body = client_en.get(DASHBOARD).content.decode()
    assert "Metalsur" in body
    assert "3 people in the team" in body
    assert 'data-testid="organization-status"' in body
    assert 'data-testid="dashboard-dues"' in body
    assert "Overdue" in body
    assert "1 person asks to join" in body


def test_plain_member_sees_no_dues_and_no_join_requests(client_en) -> None:
    organization = OrganizationFactory(annual_dues=1200, dues_paid_until=datetime.date(2020, 1, 1))
    member = OrganizationMemberFactory(organization=organization).user
    JoinRequestFactory(organization=organization)
    client_en.force_login(member)
    body = client_en.get(DASHBOARD).content.decode()
    assert 'data-testid="dashboard-dues"' not in body
    assert "asks to join" not in body


def test_unread_notifications_are_counted_and_listed(client_en) -> None:
    member = _member()
    NotificationFactory.create_batch(7, recipient=member, title="Your application moved")
    NotificationFactory(recipient=member, title="Already read", read_at=timezone.now())
    NotificationFactory(title="Somebody else's")
    client_en.force_login(member)
    body = client_en.get(DASHBOARD).content.decode()
    assert "7 unread notifications" in body
    assert body.count("Your application moved") == 5
    assert "Already read" not in body
    assert "Somebody else" not in body


# --- Staff --------------------------------------------------------------------------------------


def test_membership_officer_sees_the_applications_waiting_for_a_decision(client_en) -> None:
    MembershipApplicationFactory.create_batch(3)
    MembershipApplicationFactory(status=Status.INFO_REQUESTED, decided_at=timezone.now())
    MembershipApplicationFactory(status=Status.APPROVED, decided_at=timezone.now())
    OrganizationFactory(dues_paid_until=datetime.date(2020, 1, 1))
    client_en.force_login(_officer())
    body = client_en.get(DASHBOARD).content.decode()
    assert reverse("members_staff:application_list") in body
    assert "3 waiting for a decision" in body
    assert "1 members with overdue dues" in body
    assert reverse("staff_home") in body


def test_staff_see_only_the_queues_of_their_roles(client_en, auditor, staff_without_role) -> None:
    client_en.force_login(staff_without_role)
    body = client_en.get(DASHBOARD).content.decode()
    assert 'data-testid="no-staff-role"' in body
    assert reverse("members_staff:application_list") not in body
    client_en.force_login(auditor)
    body = client_en.get(DASHBOARD).content.decode()
    assert reverse("audit:logentry_list") in body
    assert reverse("staff:role_list") not in body


def test_people_outside_the_staff_get_no_queues(client_en) -> None:
    MembershipApplicationFactory.create_batch(2)
    client_en.force_login(_member())
    body = client_en.get(DASHBOARD).content.decode()
    assert 'data-testid="panel-staff.queues"' not in body
    assert "waiting for a decision" not in body


# --- Query counts ---------------------------------------------------------------------------


def _many_organizations(person, n: int) -> None:
    for i in range(n):
        organization = OrganizationFactory(
            membership_status=Organization.MembershipStatus.APPLICANT if i % 2 else "active"
        )
        OrganizationMemberFactory(
            organization=organization, user=person, role=OrganizationMember.Role.ADMIN
        )
        MembershipApplicationFactory(
            organization=organization, applicant=person, applicant_is_admin=False
        )
        OrganizationMemberFactory.create_batch(2, organization=organization)
        JoinRequestFactory.create_batch(2, organization=organization)


@pytest.mark.parametrize("n", [1, 8])
def test_member_dashboard_query_count_is_constant(client_en, max_queries, n) -> None:
    person = UserFactory()
    _many_organizations(person, n)
    NotificationFactory.create_batch(n * 2, recipient=person)
    client_en.force_login(person)
    # session + user, viewer memberships (with the organizations' kinds), evaluator profile,
    # organizations (with their counts and latest application ids) + those applications, open
    # calls matching them, their proposals and invitations, their projects (one query, "Our
    # projects"), notifications count (shared with the badge) + list.
    response = max_queries(
        11, client_en.get, DASHBOARD, expect=['data-testid="dashboard-organization"']
    )
    assert response.content.decode().count('data-testid="dashboard-organization"') == n


@pytest.mark.parametrize("n", [1, 10])
def test_getting_started_query_count_is_constant(client_en, max_queries, n) -> None:
    person = UserFactory()
    for _ in range(n):
        JoinRequestFactory(user=person)
    client_en.force_login(person)
    # session + user, evaluator profile, viewer memberships, open applications + rejected ones
    # + join requests, notifications count + list.
    response = max_queries(
        9, client_en.get, DASHBOARD, expect=['data-testid="pending-join-request"']
    )
    assert response.content.decode().count('data-testid="pending-join-request"') == n


@pytest.mark.parametrize("n", [1, 10])
def test_staff_dashboard_query_count_is_constant(client_en, max_queries, staff_user, n) -> None:
    MembershipApplicationFactory.create_batch(n)
    client_en.force_login(staff_user)
    # session + user, evaluator profile, viewer memberships + permissions, one count per queue
    # of the roles (applications, overdue dues, challenge triage, call questions, articles in
    # review), notifications count + list.
    max_queries(
        12,
        client_en.get,
        DASHBOARD,
        expect=[f"{n} waiting for a decision", 'data-testid="panel-staff.queues"'],
    )
