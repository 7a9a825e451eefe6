"""The roles of the members permission matrix, shared by the HTML and API tests."""

from __future__ import annotations

from django.test import Client

from members.models import Organization, OrganizationMember
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

ROLES = ("visitor", "other_member", "org_member", "org_admin", "staff")

#: Target organizations of the matrix: (is_public, membership_status).
TARGETS = {
    "public": (True, Organization.MembershipStatus.ACTIVE),
    "private": (False, Organization.MembershipStatus.ACTIVE),
    "applicant": (True, Organization.MembershipStatus.APPLICANT),
    "suspended": (True, Organization.MembershipStatus.SUSPENDED),
}


def make_target(kind: str) -> Organization:
    is_public, status = TARGETS[kind]
    return OrganizationFactory(
        is_public=is_public, membership_status=status, legal_name=f"Objetivo {kind} S.A."
    )


def client_for(role: str, organization: Organization | None = None) -> Client:
    """A logged-in (or anonymous) English test client playing ``role`` towards
    ``organization``."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role == "visitor":
        return client
    if role == "staff":
        user = UserFactory(is_staff=True, totp=True)
    elif role == "other_member":
        user = OrganizationMemberFactory().user  # of another, active member organization
    elif role in ("org_member", "org_admin"):
        assert organization is not None
        user = OrganizationMemberFactory(
            organization=organization,
            role=OrganizationMember.Role.ADMIN if role == "org_admin" else "member",
        ).user
    else:
        raise ValueError(role)
    client.force_login(user)
    return client
