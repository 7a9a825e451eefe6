"""Helpers shared by the barrier tests: factories with codes services never take, people
playing each role of the matrices, and clients."""

from __future__ import annotations

from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cluster_portal.core import roles
from knowledge.models import Visibility
from members.models import Organization, OrganizationMember, User
from tests.files.samples import PDF_BYTES
from tests.knowledge.factories import BarrierEndorsementFactory, RegulatoryBarrierFactory
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory
from tests.permission_matrix import staff_user


class BarrierFactory(RegulatoryBarrierFactory):
    """Codes in a year ``next_reference`` never reaches, so a service-created barrier in the
    same test never collides with a factory's."""

    code = factory.Sequence(lambda n: f"CMSP-BAR-1999-{n + 1:04d}")


class EndorsementFactory(BarrierEndorsementFactory):
    barrier = factory.SubFactory(BarrierFactory)


#: People of the matrices: visitor (anonymous), a signed-in person of no organization, a
#: person of an active member organization, its admin, an admin of an applicant (not member)
#: organization, staff without the editor role (auditor), an editor.
PEOPLE = (
    "visitor",
    "outsider",
    "member",
    "member_admin",
    "applicant_admin",
    "auditor",
    "editor",
)


def editor() -> User:
    return staff_user(roles.EDITOR)


def admin_of(organization: Organization | None = None) -> OrganizationMember:
    return OrganizationMemberFactory(
        organization=organization or OrganizationFactory(), role=OrganizationMember.Role.ADMIN
    )


def person(role: str) -> tuple[User | None, Organization | None]:
    """The user playing ``role`` and the organization they act for (if any)."""
    if role == "visitor":
        return None, None
    if role == "outsider":
        return UserFactory(), None
    if role == "member":
        m = OrganizationMemberFactory()
        return m.user, m.organization
    if role == "member_admin":
        m = admin_of()
        return m.user, m.organization
    if role == "applicant_admin":
        m = admin_of(OrganizationFactory(membership_status=Organization.MembershipStatus.APPLICANT))
        return m.user, m.organization
    if role == "auditor":
        return staff_user(roles.AUDITOR), None
    if role == "editor":
        return editor(), None
    raise ValueError(role)


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def pdf(name: str = "expediente.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def members_only(**kwargs: Any) -> Any:
    return BarrierFactory(visibility=Visibility.MEMBERS, **kwargs)
