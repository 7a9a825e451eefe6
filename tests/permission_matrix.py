"""Roles of the permission matrices, shared by every app's HTML and API tests.

A matrix is ``role x action → expected status``, parametrized over the role names below::

    @pytest.mark.parametrize("role", ROLES)
    def test_profile_matrix(role):
        client = client_for(role, organization)
        assert client.get(url).status_code == EXPECTED[role]

People and organizations (:data:`ROLES`):

* ``visitor``: anonymous; ``other_member``: someone of another, active member organization;
* ``org_member`` / ``org_admin``: someone of the target organization;
* ``staff``: a member of staff holding the administrator role (every staff permission).

Staff roles (:data:`STAFF_ROLES`): ``staff_no_role`` (staff account, no role: enters the staff
area and does nothing), and one name per role of ``cluster_portal.core.roles``
(``membership_officer``, ``auditor``, ``administrator``, ``call_manager``…). Staff users have an
authenticator app, so the staff MFA gate lets them in.

Allowed cases still assert the effect (the row changed, the mail queued), not only the status.
"""

from __future__ import annotations

from typing import Any

from django.test import Client

from cluster_portal.core import roles as staff_roles
from members.models import Organization, OrganizationMember, User
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

#: Roles towards an organization (the members matrices).
ROLES = ("visitor", "other_member", "org_member", "org_admin", "staff")

#: Staff without a role, then every staff role of the catalogue.
STAFF_NO_ROLE = "staff_no_role"
STAFF_ROLES: tuple[str, ...] = (STAFF_NO_ROLE, *staff_roles.ROLE_CODES)

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


def staff_user(*role_codes: str, **kwargs: Any) -> User:
    """A member of staff with an authenticator app holding ``role_codes`` (none: no role)."""
    return UserFactory(is_staff=True, totp=True, roles=list(role_codes), **kwargs)


def user_for(role: str, organization: Organization | None = None) -> User | None:
    """The person playing ``role`` towards ``organization`` (None for the visitor)."""
    if role == "visitor":
        return None
    if role == "staff":
        return staff_user(staff_roles.ADMINISTRATOR)
    if role == STAFF_NO_ROLE:
        return staff_user()
    if role in staff_roles.ROLES:
        return staff_user(role)
    if role == "other_member":
        return OrganizationMemberFactory().user  # of another, active member organization
    if role in ("org_member", "org_admin"):
        assert organization is not None
        return OrganizationMemberFactory(
            organization=organization,
            role=OrganizationMember.Role.ADMIN if role == "org_admin" else "member",
        ).user
    raise ValueError(role)


def client_for(role: str, organization: Organization | None = None) -> Client:
    """A logged-in (or anonymous) English test client playing ``role`` towards
    ``organization``."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    user = user_for(role, organization)
    if user is not None:
        client.force_login(user)
        client.user = user  # type: ignore[attr-defined]
    return client
