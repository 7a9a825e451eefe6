"""A project with one person per role towards it, for the portfolio services, selectors and
permission tests.

``portfolio_world()`` builds a running project (supplier lead, university partner, mining
sponsor) and people: an admin and a member of each of the three organizations, someone of an
unrelated member organization, a portfolio manager, an auditor and a call manager.
:data:`PEOPLE` names the roles of the permission matrices (with ``visitor``: nobody).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from challenges.models import Project
from cluster_portal.core import roles
from members.models import Organization, OrganizationMember, User
from tests.challenges.factories import project_with_roles
from tests.files.samples import PDF_BYTES
from tests.members.factories import OrganizationMemberFactory
from tests.permission_matrix import STAFF_ROLES, user_for

#: People towards the project (the matrices add every staff role of ``STAFF_ROLES``).
PEOPLE: tuple[str, ...] = (
    "lead_admin",
    "lead_member",
    "partner_member",
    "sponsor_admin",
    "sponsor_member",
    "other_member",
    "visitor",
)
ALL_ROLES: tuple[str, ...] = (*PEOPLE, *STAFF_ROLES)


def pdf(name: str = "evidencia.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@dataclass
class PortfolioWorld:
    project: Project
    lead: Organization
    partner: Organization
    sponsor: Organization
    lead_admin: User
    lead_member: User
    partner_admin: User
    partner_member: User
    sponsor_admin: User
    sponsor_member: User
    other_member: User
    manager: User
    auditor: User

    def person(self, role: str) -> User | None:
        """The person playing ``role``: a person of the world, nobody for the visitor, or a
        new member of staff holding that staff role (``tests.permission_matrix``)."""
        if role == "visitor":
            return None
        if hasattr(self, role):
            return getattr(self, role)  # type: ignore[no-any-return]
        return user_for(role)


def _admin(organization: Organization, **user: Any) -> User:
    return OrganizationMemberFactory(
        organization=organization, role=OrganizationMember.Role.ADMIN, **user
    ).user


def portfolio_world(**project_kwargs: Any) -> PortfolioWorld:
    project, lead, partner, sponsor = project_with_roles(**project_kwargs)
    return PortfolioWorld(
        project=project,
        lead=lead,
        partner=partner,
        sponsor=sponsor,
        lead_admin=_admin(lead, user__full_name="Ana Quispe"),
        lead_member=OrganizationMemberFactory(organization=lead, role="member").user,
        partner_admin=_admin(partner),
        partner_member=OrganizationMemberFactory(organization=partner, role="member").user,
        sponsor_admin=_admin(sponsor, user__full_name="Rosa Mamani"),
        sponsor_member=OrganizationMemberFactory(organization=sponsor, role="member").user,
        other_member=OrganizationMemberFactory().user,
        manager=user_for(roles.PORTFOLIO_MANAGER),
        auditor=user_for(roles.AUDITOR),
    )
