"""Roles, removal and leaving: an organization always keeps at least one admin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from members.models import OrganizationMember
from members.services import team as services
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Service errors are asserted in English (the default language is Spanish)."""
    with translation.override("en"):
        yield


ADMIN = OrganizationMember.Role.ADMIN
MEMBER = OrganizationMember.Role.MEMBER


def roles(organization) -> dict[str, str]:
    return dict(
        OrganizationMember.objects.filter(organization=organization).values_list(
            "user__email", "role"
        )
    )


@pytest.fixture
def organization():
    return OrganizationFactory()


@pytest.fixture
def admin(organization) -> OrganizationMember:
    return OrganizationMemberFactory(organization=organization, role=ADMIN)


@pytest.fixture
def member(organization) -> OrganizationMember:
    return OrganizationMemberFactory(organization=organization, role=MEMBER)


def test_admin_promotes_and_demotes(organization, admin, member) -> None:
    services.member_change_role(actor=admin.user, member=member, role=ADMIN)
    assert roles(organization)[member.user.email] == ADMIN
    # Now two admins: the first may step down.
    services.member_change_role(actor=admin.user, member=admin, role=MEMBER)
    assert roles(organization) == {admin.user.email: MEMBER, member.user.email: ADMIN}
    entry = LogEntry.objects.get_for_object(admin).latest("pk")
    assert entry.additional_data["decision"] == "member.change_role"
    assert entry.changes_dict == {"role": ["admin", "member"]}


def test_the_last_admin_cannot_be_demoted(organization, admin, member) -> None:
    before = roles(organization)
    with pytest.raises(ValidationError) as excinfo:
        services.member_change_role(actor=admin.user, member=admin, role=MEMBER)
    assert excinfo.value.code == "last_admin"
    assert "always keeps at least one admin" in excinfo.value.messages[0]
    assert roles(organization) == before


def test_the_last_admin_cannot_be_removed_nor_leave(organization, admin, member) -> None:
    other_admin_elsewhere = OrganizationMemberFactory(role=ADMIN)
    before = roles(organization)
    with pytest.raises(ValidationError) as excinfo:
        services.member_leave(actor=admin.user, organization=organization)
    assert excinfo.value.code == "last_admin"
    assert "Make a colleague admin before you leave" in excinfo.value.messages[0]
    # An admin of another organization does not count.
    with pytest.raises(PermissionDenied):
        services.member_remove(actor=other_admin_elsewhere.user, member=admin)
    assert roles(organization) == before


def test_removing_the_last_admin_by_a_second_admin_who_then_is_alone(organization, admin) -> None:
    second = OrganizationMemberFactory(organization=organization, role=ADMIN)
    services.member_remove(actor=second.user, member=admin)
    assert roles(organization) == {second.user.email: ADMIN}
    with pytest.raises(ValidationError):
        services.member_leave(actor=second.user, organization=organization)
    assert roles(organization) == {second.user.email: ADMIN}


def test_members_cannot_manage_the_team(organization, admin, member) -> None:
    before = roles(organization)
    with pytest.raises(PermissionDenied):
        services.member_change_role(actor=member.user, member=member, role=ADMIN)
    with pytest.raises(PermissionDenied):
        services.member_remove(actor=member.user, member=admin)
    assert roles(organization) == before


def test_admin_removes_a_member_and_a_member_leaves(organization, admin, member) -> None:
    other = OrganizationMemberFactory(organization=organization, role=MEMBER)
    services.member_remove(actor=admin.user, member=member)
    services.member_leave(actor=other.user, organization=organization)
    assert roles(organization) == {admin.user.email: ADMIN}
    actions = [
        e.additional_data["decision"]
        for e in LogEntry.objects.filter(
            content_type__model="organizationmember",
            object_pk__in=[str(member.pk), str(other.pk)],
            additional_data__has_key="decision",
        )
    ]
    assert sorted(actions) == ["member.leave", "member.remove"]


def test_leave_when_not_a_member(organization, admin) -> None:
    outsider = OrganizationMemberFactory(role=MEMBER).user
    with pytest.raises(ValidationError) as excinfo:
        services.member_leave(actor=outsider, organization=organization)
    assert excinfo.value.code == "not_member"


def test_invalid_role_is_refused(organization, admin, member) -> None:
    with pytest.raises(ValidationError):
        services.member_change_role(actor=admin.user, member=member, role="owner")
    assert roles(organization)[member.user.email] == MEMBER


def test_a_person_removed_meanwhile_is_reported(organization, admin, member) -> None:
    stale = OrganizationMember.objects.get(pk=member.pk)
    OrganizationMember.objects.filter(pk=member.pk).delete()
    with pytest.raises(ValidationError) as excinfo:
        services.member_remove(actor=admin.user, member=stale)
    assert excinfo.value.code == "not_member"
