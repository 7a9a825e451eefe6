"""A call in evaluation with proposals, partners and an evaluator pool, for the assignment
tests (conflicts, services, pages). Evaluators get addresses of their own domain (factory
people share example.pe, which would read as a shared email domain)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from challenges.models import Call, Evaluator, Proposal
from members.models import Organization, OrganizationMember, User
from tests.challenges.factories import (
    CallFactory,
    EvaluatorFactory,
    ProposalFactory,
    ProposalPartnerFactory,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

_domains = itertools.count(1)


def evaluator(
    *,
    organization: Organization | None = None,
    email: str | None = None,
    sector: str = Evaluator.Sector.INDEPENDENT,
    max_load: int = 8,
    name: str = "",
    expertise=(),
) -> Evaluator:
    n = next(_domains)
    user = UserFactory(
        email=email or f"experta{n}@independiente{n}.pe", full_name=name or f"Experta {n}"
    )
    if organization is not None:
        OrganizationMemberFactory(organization=organization, user=user)
    row = EvaluatorFactory(user=user, sector=sector, max_load=max_load)
    if expertise:
        row.expertise.set(expertise)
    return row


@dataclass
class World:
    call: Call
    lead: Organization
    lead_admin: User
    partner: Organization
    proposal: Proposal
    other: Proposal


def make_world(**call_kwargs) -> World:
    call = CallFactory(status=Call.Status.IN_EVALUATION, **call_kwargs)
    lead = OrganizationFactory(legal_name="Andes Sensores S.A.C.", trade_name="AndesTech")
    lead_admin = OrganizationMemberFactory(
        organization=lead,
        role=OrganizationMember.Role.ADMIN,
        user__email="ana@andestech.pe",
        user__full_name="Ana Quispe",
    ).user
    partner = OrganizationFactory(
        kind=Organization.Kind.ACADEMIA, legal_name="Universidad del Sur", trade_name="UNSUR"
    )
    OrganizationMemberFactory(organization=partner, user__email="rosa@unsur.edu.pe")
    proposal = ProposalFactory(
        call=call,
        lead_organization=lead,
        status=Proposal.Status.SUBMITTED,
        title="Polines inteligentes",
        reference="CMSP-2026-0001",
    )
    ProposalPartnerFactory(proposal=proposal, organization=partner, status="confirmed")
    other_lead = OrganizationFactory(legal_name="Minera Otra S.A.", trade_name="OtraTech")
    OrganizationMemberFactory(organization=other_lead, user__email="luis@otratech.pe")
    other = ProposalFactory(
        call=call,
        lead_organization=other_lead,
        status=Proposal.Status.SUBMITTED,
        title="Relaves secos",
        reference="CMSP-2026-0002",
    )
    return World(call, lead, lead_admin, partner, proposal, other)
