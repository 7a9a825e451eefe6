"""The funnel's lifecycle tables (challenges/workflows.py) and the predicates they guard with:
the deadline (with a logged extension), who may act on proposals and partnerships, and the
confidentiality table of challenges/permissions.py."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from challenges import permissions
from challenges.models import Call, Challenge, Proposal, ProposalPartner
from challenges.workflows import (
    CALL,
    CHALLENGE,
    PARTNER,
    PROPOSAL,
    before_deadline,
)
from cluster_portal.core.workflows import registered
from members.models import Organization, OrganizationMember
from tests.challenges.factories import (
    CallFactory,
    ChallengeFactory,
    DeadlineExtensionFactory,
    MiningCompanyFactory,
    ProposalFactory,
    ProposalPartnerFactory,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

Confidentiality = Challenge.Confidentiality


def test_the_tables_are_registered_and_cover_every_status() -> None:
    names = set(registered())
    assert {"challenges.challenge", "challenges.call", "challenges.proposal"} <= names
    assert {"challenges.partner"} <= names
    for workflow, model in ((CHALLENGE, Challenge), (CALL, Call), (PROPOSAL, Proposal)):
        assert {s.value for s in workflow.states} == set(model.Status.values)
    assert {s.value for s in PARTNER.states} == set(ProposalPartner.Status.values)


def test_calls_open_and_close_only_by_themselves() -> None:
    call = CallFactory(status=Call.Status.SCHEDULED)
    manager = UserFactory(roles=["call_manager"])
    with pytest.raises(PermissionDenied):
        CALL.require(call, "open", actor=manager)
    assert CALL.check(call, "open", actor=None)
    assert [a.name for a in CALL.actions_for(call, manager)] == ["unschedule"]


def _admin_of(organization: Organization) -> object:
    return OrganizationMemberFactory(
        organization=organization, role=OrganizationMember.Role.ADMIN
    ).user


def test_the_deadline_closes_every_proposal_change() -> None:
    proposal = ProposalFactory()
    lead_admin = _admin_of(proposal.lead_organization)
    assert PROPOSAL.check(proposal, "submit", actor=lead_admin)
    with time_machine.travel(proposal.call.closes_at + datetime.timedelta(seconds=1)):
        verdict = PROPOSAL.check(proposal, "submit", actor=lead_admin)
        assert not verdict
        with translation.override("en"):
            assert "deadline" in str(verdict.reason)
        assert not PROPOSAL.check(proposal, "withdraw", actor=lead_admin)


def test_an_extension_keeps_one_organization_open_after_the_call_closes() -> None:
    proposal = ProposalFactory()
    other = ProposalFactory(call=proposal.call)
    DeadlineExtensionFactory(
        call=proposal.call,
        organization=proposal.lead_organization,
        closes_at=proposal.call.closes_at + datetime.timedelta(days=1),
    )
    Call.objects.filter(pk=proposal.call.pk).update(status=Call.Status.CLOSED)
    proposal.call.refresh_from_db()
    other.call.refresh_from_db()
    with time_machine.travel(proposal.call.closes_at + datetime.timedelta(hours=2)):
        assert before_deadline(proposal)
        assert not before_deadline(other)
    with time_machine.travel(proposal.call.closes_at + datetime.timedelta(days=1, seconds=1)):
        assert not before_deadline(proposal)


def test_only_the_leads_admins_submit_and_only_the_partners_admins_confirm() -> None:
    proposal = ProposalFactory()
    partner = ProposalPartnerFactory(proposal=proposal)
    lead_member = OrganizationMemberFactory(organization=proposal.lead_organization).user
    lead_admin = _admin_of(proposal.lead_organization)
    partner_admin = _admin_of(partner.organization)
    manager = UserFactory(roles=["call_manager"])
    assert not PROPOSAL.check(proposal, "submit", actor=lead_member)
    assert not PROPOSAL.check(proposal, "submit", actor=partner_admin)
    assert not PROPOSAL.check(proposal, "submit", actor=manager)
    assert PROPOSAL.check(proposal, "submit", actor=lead_admin)
    assert PARTNER.check(partner, "confirm", actor=partner_admin)
    assert not PARTNER.check(partner, "confirm", actor=lead_admin)
    assert PARTNER.check(partner, "remove", actor=lead_admin)
    # Once submitted, the consortium is frozen until the lead unsubmits.
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.SUBMITTED)
    partner.proposal.refresh_from_db()
    verdict = PARTNER.check(partner, "confirm", actor=partner_admin)
    assert not verdict
    with translation.override("en"):
        assert "unsubmit" in str(verdict.reason)
    with pytest.raises(ValidationError):
        PROPOSAL.require(partner.proposal, "submit", actor=lead_admin)


def test_a_merged_challenge_returns_to_the_status_it_had() -> None:
    target = ChallengeFactory()
    challenge = ChallengeFactory(
        status=Challenge.Status.MERGED,
        merged_into=target,
        status_before_merge=Challenge.Status.ACCEPTED,
    )
    assert CHALLENGE.target_of(challenge, "unmerge") == Challenge.Status.ACCEPTED


# --- Confidentiality (permissions.py's table) ---------------------------------------------------


@pytest.fixture
def people() -> dict[str, object]:
    company = MiningCompanyFactory()
    other_company = MiningCompanyFactory()
    lapsed = OrganizationFactory(membership_status=Organization.MembershipStatus.LAPSED)
    return {
        "company": company,
        "visitor": AnonymousUser(),
        "signed_in_non_member": OrganizationMemberFactory(organization=lapsed).user,
        "member": OrganizationMemberFactory().user,
        "other_company": OrganizationMemberFactory(organization=other_company).user,
        "author": OrganizationMemberFactory(organization=company).user,
        "auditor": UserFactory(roles=["auditor"]),
        "staff_without_role": UserFactory(is_staff=True),
    }


# Who reads the original of an accepted challenge, by confidentiality.
ORIGINAL = {
    Confidentiality.PUBLIC: {
        "visitor",
        "signed_in_non_member",
        "member",
        "other_company",
        "author",
        "auditor",
        "staff_without_role",
    },
    Confidentiality.MEMBERS: {"member", "other_company", "author", "auditor"},
    Confidentiality.RESTRICTED: {"author", "auditor"},
}


@pytest.mark.parametrize("confidentiality", list(ORIGINAL))
def test_who_reads_the_original_of_an_accepted_challenge(people, confidentiality) -> None:
    challenge = ChallengeFactory(organization=people["company"], confidentiality=confidentiality)
    readers = {
        name
        for name, user in people.items()
        if name != "company" and permissions.can_view_challenge_original(user, challenge)
    }
    assert readers == ORIGINAL[confidentiality]


def test_a_restricted_challenge_is_seen_by_others_only_through_its_public_version(
    people,
) -> None:
    challenge = ChallengeFactory(
        organization=people["company"], confidentiality=Confidentiality.RESTRICTED
    )
    assert not permissions.can_view_challenge(people["visitor"], challenge)
    challenge.public_title = "Una mina de cobre en Moquegua a 3 500 m"
    assert permissions.can_view_challenge(people["visitor"], challenge)
    assert permissions.can_view_challenge(people["other_company"], challenge)
    assert not permissions.can_view_challenge_original(people["other_company"], challenge)


@pytest.mark.parametrize(
    "status", [Challenge.Status.DRAFT, Challenge.Status.SUBMITTED, Challenge.Status.DECLINED]
)
def test_a_challenge_not_accepted_is_the_companys_and_the_secretariats(people, status) -> None:
    challenge = ChallengeFactory(
        organization=people["company"],
        confidentiality=Confidentiality.PUBLIC,
        status=status,
        public_title="Versión pública",
    )
    readers = {
        name
        for name, user in people.items()
        if name != "company" and permissions.can_view_challenge(user, challenge)
    }
    assert readers == {"author", "auditor"}
