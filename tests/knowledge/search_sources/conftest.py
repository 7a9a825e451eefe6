"""Shared fixtures of the search sources' tests: the people whose view of a record the index
must reproduce, and a check that an entry's visibility columns agree with a predicate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from cluster_portal.core.roles import AUDITOR, CALL_MANAGER, EDITOR
from knowledge.models import SearchDocument
from knowledge.services.search import IndexEntry
from members.models import Organization
from members.permissions import has_staff_permission, is_cluster_member
from members.viewer import viewer_for
from tests.challenges.factories import MiningCompanyFactory
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory


def row_visible(entry: IndexEntry, user: Any) -> bool:
    """Who sees a row, as ``knowledge.models.search`` documents it (the selector's rule)."""
    audience = SearchDocument.Audience
    if entry.audience == audience.PUBLIC:
        return True
    if entry.audience == audience.MEMBERS and is_cluster_member(user):
        return True
    if entry.audience == audience.ORGANIZATIONS and (
        entry.organization_ids & viewer_for(user).organization_ids
    ):
        return True
    return bool(entry.staff_permission) and has_staff_permission(user, entry.staff_permission)


def any_visible(entries: Iterable[IndexEntry], user: Any) -> bool:
    return any(row_visible(entry, user) for entry in entries)


@dataclass
class People:
    """One person per way of looking at a record."""

    company: Organization  # the record's organization (a mining company)
    partner_org: Organization  # a second organization (a proposal's partner, a project's)
    visitor: Any
    member: Any  # a person of another active member organization
    applicant: Any  # a person of an organization that is not (yet) a member
    company_person: Any
    partner_person: Any
    auditor: Any
    call_manager: Any
    editor: Any
    staff_without_role: Any

    def everyone(self) -> dict[str, Any]:
        return {
            name: getattr(self, name)
            for name in (
                "visitor",
                "member",
                "applicant",
                "company_person",
                "partner_person",
                "auditor",
                "call_manager",
                "editor",
                "staff_without_role",
            )
        }


@pytest.fixture
def people(db: Any) -> People:
    company = MiningCompanyFactory()
    partner_org = OrganizationFactory()
    applicant_org = OrganizationFactory(
        membership_status=Organization.MembershipStatus.APPLICANT, is_public=False
    )
    return People(
        company=company,
        partner_org=partner_org,
        visitor=AnonymousUser(),
        member=OrganizationMemberFactory().user,
        applicant=OrganizationMemberFactory(organization=applicant_org).user,
        company_person=OrganizationMemberFactory(organization=company).user,
        partner_person=OrganizationMemberFactory(organization=partner_org).user,
        auditor=UserFactory(roles=[AUDITOR]),
        call_manager=UserFactory(roles=[CALL_MANAGER]),
        editor=UserFactory(roles=[EDITOR]),
        staff_without_role=UserFactory(is_staff=True),
    )
