"""The team page: who sees what, inviting, revoking, changing roles, removing, leaving, deciding
join requests; clear errors that change nothing; a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Invitation, JoinRequest, Organization, OrganizationMember
from notifications.models import OutboxEmail
from tests.members.factories import (
    InvitationFactory,
    JoinRequestFactory,
    MembershipApplicationFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
)

pytestmark = pytest.mark.django_db

ADMIN = OrganizationMember.Role.ADMIN
MEMBER = OrganizationMember.Role.MEMBER


@pytest.fixture
def organization() -> Organization:
    return OrganizationFactory(trade_name="Andes Tech")


@pytest.fixture
def admin(organization) -> OrganizationMember:
    return OrganizationMemberFactory(organization=organization, role=ADMIN)


@pytest.fixture
def member(organization) -> OrganizationMember:
    return OrganizationMemberFactory(organization=organization, role=MEMBER)


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def team_url(organization) -> str:
    return reverse("members:team", kwargs={"organization_id": organization.pk})


def roles(organization) -> dict[str, str]:
    return dict(organization.memberships.values_list("user__email", "role"))


def test_admin_sees_invitations_join_requests_and_the_invite_form(
    organization, admin, member
) -> None:
    invitation = InvitationFactory(organization=organization, email="nueva@example.pe")
    join_request = JoinRequestFactory(organization=organization)
    body = client_for(admin.user).get(team_url(organization)).content.decode()
    assert member.user.email in body
    assert invitation.email in body
    assert join_request.user.email in body
    assert 'data-testid="invite-form"' in body
    assert reverse("members:member_remove", args=[organization.pk, member.pk]) in body


def test_member_sees_the_team_but_not_the_admin_tools(organization, admin, member) -> None:
    invitation = InvitationFactory(organization=organization, email="nueva@example.pe")
    body = client_for(member.user).get(team_url(organization)).content.decode()
    assert admin.user.email in body
    assert invitation.email not in body
    assert 'data-testid="invite-form"' not in body
    assert "/remove/" not in body
    assert 'data-testid="leave"' in body


def test_staff_see_the_team_read_only(organization, admin, staff_user) -> None:
    body = client_for(staff_user).get(team_url(organization)).content.decode()
    assert "You see this team as staff, read-only." in body
    assert 'data-testid="invite-form"' not in body
    assert admin.user.email in body


def test_invite_from_the_team_page(organization, admin) -> None:
    client = client_for(admin.user)
    url = reverse("members:invitation_create", args=[organization.pk])
    response = client.post(url, {"email": "colega@example.pe", "role": "admin"}, follow=True)
    assert "An invitation has been sent to colega@example.pe." in response.content.decode()
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("colega@example.pe", ADMIN)
    assert OutboxEmail.objects.filter(to_email="colega@example.pe").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "role": "member"}, "Enter a valid email address."),
        ({"email": "a@example.pe", "role": "owner"}, "Select a valid choice."),
    ],
)
def test_invalid_invitation_is_explained(organization, admin, data, message) -> None:
    response = client_for(admin.user).post(
        reverse("members:invitation_create", args=[organization.pk]), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_a_team_member_is_explained(organization, admin, member) -> None:
    response = client_for(admin.user).post(
        reverse("members:invitation_create", args=[organization.pk]),
        {"email": member.user.email, "role": "member"},
    )
    assert response.status_code == 200
    assert "This person already belongs to the organization." in response.content.decode()
    assert not Invitation.objects.exists()


def test_suspended_organization_cannot_add_people(organization, admin, staff_user) -> None:
    from members.services.membership import organization_suspend

    organization_suspend(actor=staff_user, organization=organization, reason="Cuotas impagas.")
    join_request = JoinRequestFactory(organization=organization)
    client = client_for(admin.user)
    body = client.get(team_url(organization)).content.decode()
    assert 'data-testid="invite-form"' not in body
    assert "While the membership is suspended, no one can be invited." in body
    refusal = "While the membership is suspended, no one can be added to the organization."
    response = client.post(
        reverse("members:invitation_create", args=[organization.pk]),
        {"email": "x@example.pe", "role": "member"},
        follow=True,
    )
    assert refusal in response.content.decode()
    response = client.post(
        reverse("members:join_request_approve", args=[organization.pk, join_request.pk]),
        follow=True,
    )
    assert refusal in response.content.decode()
    assert not Invitation.objects.exists()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


@pytest.mark.parametrize(
    "status", [Organization.MembershipStatus.NONE, Organization.MembershipStatus.LAPSED]
)
def test_organization_outside_the_cluster_cannot_add_people(organization, admin, status) -> None:
    Organization.objects.filter(pk=organization.pk).update(membership_status=status)
    join_request = JoinRequestFactory(organization=organization)
    client = client_for(admin.user)
    body = client.get(team_url(organization)).content.decode()
    assert 'data-testid="invite-form"' not in body
    assert (
        "Only an active member of the cluster, or an organization that has applied, can invite "
        "people."
    ) in body
    refusal = (
        "Only an active member of the cluster, or an organization that has applied, can add people."
    )
    response = client.post(
        reverse("members:invitation_create", args=[organization.pk]),
        {"email": "x@example.pe", "role": "member"},
        follow=True,
    )
    assert refusal in response.content.decode()
    response = client.post(
        reverse("members:join_request_approve", args=[organization.pk, join_request.pk]),
        follow=True,
    )
    assert refusal in response.content.decode()
    assert not Invitation.objects.exists()
    assert not OutboxEmail.objects.exists()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert not OrganizationMember.objects.filter(user=join_request.user).exists()


def test_applicant_organization_invites_up_to_the_daily_cap(settings) -> None:
    settings.MEMBERS_INVITATIONS_PER_DAY = 2
    application = MembershipApplicationFactory()
    organization = application.organization
    client = client_for(application.applicant)
    url = reverse("members:invitation_create", args=[organization.pk])
    for n in range(2):
        response = client.post(url, {"email": f"colega{n}@example.pe", "role": "member"})
        assert response.status_code == 302
    response = client.post(url, {"email": "colega2@example.pe", "role": "member"})
    assert response.status_code == 200
    assert "reached its limit of 2 invitations in 24 hours" in response.content.decode()
    assert Invitation.objects.filter(organization=organization).count() == 2
    assert OutboxEmail.objects.filter(event="members.invitation").count() == 2


def test_revoke_from_the_team_page(organization, admin) -> None:
    invitation = InvitationFactory(organization=organization)
    response = client_for(admin.user).post(
        reverse("members:invitation_revoke", args=[organization.pk, invitation.pk]), follow=True
    )
    assert "has been revoked" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_invitation_of_another_organization_is_404(organization, admin) -> None:
    foreign = InvitationFactory()
    response = client_for(admin.user).post(
        reverse("members:invitation_revoke", args=[organization.pk, foreign.pk])
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_last_admin_rule_on_the_team_page(organization, admin, member) -> None:
    client = client_for(admin.user)
    before = roles(organization)
    response = client.post(
        reverse("members:member_change_role", args=[organization.pk, admin.pk]),
        {"role": "member"},
        follow=True,
    )
    assert "is the organization&#x27;s only admin" in response.content.decode()
    response = client.post(reverse("members:member_leave", args=[organization.pk]), follow=True)
    assert "You are the organization&#x27;s only admin." in response.content.decode()
    response = client.post(
        reverse("members:member_remove", args=[organization.pk, admin.pk]), follow=True
    )
    assert "To leave the organization yourself, use “Leave”." in response.content.decode()
    assert roles(organization) == before


def test_change_role_remove_and_leave(organization, admin, member) -> None:
    client = client_for(admin.user)
    response = client.post(
        reverse("members:member_change_role", args=[organization.pk, member.pk]),
        {"role": "admin"},
        follow=True,
    )
    assert "is now organization admin." in response.content.decode()
    assert roles(organization)[member.user.email] == ADMIN
    # With a second admin the first may leave.
    response = client.post(reverse("members:member_leave", args=[organization.pk]), follow=True)
    assert "You have left Andes Tech." in response.content.decode()
    assert roles(organization) == {member.user.email: ADMIN}
    third = OrganizationMemberFactory(organization=organization)
    client_for(member.user).post(reverse("members:member_remove", args=[organization.pk, third.pk]))
    assert roles(organization) == {member.user.email: ADMIN}


def test_invalid_role_is_explained(organization, admin, member) -> None:
    response = client_for(admin.user).post(
        reverse("members:member_change_role", args=[organization.pk, member.pk]),
        {"role": "owner"},
        follow=True,
    )
    assert "Choose a valid role." in response.content.decode()
    assert roles(organization)[member.user.email] == MEMBER


def test_decide_join_requests(organization, admin) -> None:
    accepted = JoinRequestFactory(organization=organization)
    declined = JoinRequestFactory(organization=organization)
    client = client_for(admin.user)
    response = client.post(
        reverse("members:join_request_approve", args=[organization.pk, accepted.pk]), follow=True
    )
    assert "has joined the organization." in response.content.decode()
    response = client.post(
        reverse("members:join_request_reject", args=[organization.pk, declined.pk]), follow=True
    )
    assert "has been declined." in response.content.decode()
    assert set(roles(organization)) == {admin.user.email, accepted.user.email}
    # Deciding twice is explained and changes nothing.
    response = client.post(
        reverse("members:join_request_approve", args=[organization.pk, declined.pk]), follow=True
    )
    assert "This request has already been rejected." in response.content.decode()
    assert set(roles(organization)) == {admin.user.email, accepted.user.email}


def test_application_status_is_shown_to_every_member(organization) -> None:
    application = MembershipApplicationFactory(organization__trade_name="Nueva Minera")
    colleague = OrganizationMemberFactory(organization=application.organization)
    body = client_for(colleague.user).get(team_url(application.organization)).content.decode()
    assert 'data-testid="application"' in body
    assert "Submitted" in body
    # Only admins answer or withdraw.
    assert "Withdraw application" not in body


def populate(organization, n: int) -> None:
    for _ in range(n):
        OrganizationMemberFactory(organization=organization)
        InvitationFactory(organization=organization)
        JoinRequestFactory(organization=organization)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_team_page_runs_a_constant_number_of_queries(organization, admin) -> None:
    MembershipApplicationFactory(organization=organization, applicant=admin.user)
    client = client_for(admin.user)
    url = team_url(organization)
    populate(organization, 5)
    client.get(url)  # warm up session and caches
    few = count_queries(client, url)
    populate(organization, 45)
    many = count_queries(client, url)
    assert few == many, (few, many)
    print(f"team page: {few} queries for 5 and for 50 people/invitations/requests")


# --- The way to the organization's webhooks ------------------------------------------------------


def test_the_webhooks_button_shows_only_to_admins_of_organizations_with_api_access(
    organization, admin, member
) -> None:
    from tests.notifications.webhooks.factories import partner_for

    button = 'data-testid="team-webhooks"'
    assert button not in client_for(admin.user).get(team_url(organization)).content.decode()
    partner_for(organization)
    body = client_for(admin.user).get(team_url(organization)).content.decode()
    assert button in body
    assert reverse("webhooks:endpoint_list") in body
    assert button not in client_for(member.user).get(team_url(organization)).content.decode()
