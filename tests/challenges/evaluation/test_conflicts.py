"""Conflicts of interest detected by the portal: each rule, its sentence, public email
providers ignored, overrides never removed, and a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from challenges.conflicts import blocked_pairs, conflict_overrides, detect_conflicts
from challenges.models import ConflictOverride, Proposal
from tests.challenges.factories import ProposalFactory, ProposalPartnerFactory
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

from .assignment_world import evaluator, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def codes(flags, e, p):
    return [f.code for f in flags.get((e.pk, p.pk), [])]


def test_no_flags_for_an_unrelated_expert():
    world = make_world()
    expert = evaluator()
    assert detect_conflicts(world.call) == {}
    assert expert.pk  # in the pool, and nothing flagged


def test_same_organization_and_consortium_partner():
    world = make_world()
    from_lead = evaluator(organization=world.lead, email="eva@gmail.com")
    from_partner = evaluator(organization=world.partner, email="pia@gmail.com")
    flags = detect_conflicts(world.call)
    assert codes(flags, from_lead, world.proposal) == ["same_organization"]
    assert flags[(from_lead.pk, world.proposal.pk)][0].reason == (
        "The evaluator works for AndesTech, the lead organization."
    )
    assert codes(flags, from_partner, world.proposal) == ["consortium_partner"]
    assert "UNSUR, a consortium partner" in flags[(from_partner.pk, world.proposal.pk)][0].reason
    assert codes(flags, from_lead, world.other) == []


def test_declined_partners_do_not_count():
    world = make_world()
    gone = OrganizationFactory(trade_name="Ex Socio")
    ProposalPartnerFactory(proposal=world.other, organization=gone, status="declined")
    expert = evaluator(organization=gone, email="x@gmail.com")
    assert detect_conflicts(world.call) == {}
    assert expert.pk


def test_corporate_group_both_ways_and_siblings():
    world = make_world()
    holding = OrganizationFactory(trade_name="Grupo Andino")
    world.lead.parent = holding
    world.lead.save(update_fields=["parent"])
    sibling = OrganizationFactory(trade_name="Andino Servicios", parent=holding)
    at_holding = evaluator(organization=holding, email="h@gmail.com")
    at_sibling = evaluator(organization=sibling, email="s@gmail.com")
    flags = detect_conflicts(world.call)
    assert codes(flags, at_holding, world.proposal) == ["corporate_group"]
    assert (
        flags[(at_holding.pk, world.proposal.pk)][0].reason
        == "AndesTech belongs to the corporate group of Grupo Andino."
    )
    assert codes(flags, at_sibling, world.proposal) == ["corporate_group"]
    assert (
        "same corporate group (Grupo Andino)" in flags[(at_sibling.pk, world.proposal.pk)][0].reason
    )


def test_email_domain_of_the_parties_people_but_not_public_providers():
    world = make_world()
    same_domain = evaluator(email="jorge@andestech.pe")
    partner_domain = evaluator(email="ivan@unsur.edu.pe")
    public = evaluator(email="ana.quispe@gmail.com")
    OrganizationMemberFactory(organization=world.lead, user__email="otra@gmail.com")
    flags = detect_conflicts(world.call)
    assert codes(flags, same_domain, world.proposal) == ["email_domain"]
    assert (
        "andestech.pe is that of AndesTech" in flags[(same_domain.pk, world.proposal.pk)][0].reason
    )
    assert codes(flags, partner_domain, world.proposal) == ["email_domain"]
    assert (public.pk, world.proposal.pk) not in flags


def test_website_domain_counts_as_the_organizations_domain():
    world = make_world()
    world.other.lead_organization.website = "https://www.otra-minera.pe/"
    world.other.lead_organization.save(update_fields=["website"])
    expert = evaluator(email="kim@otra-minera.pe")
    assert codes(detect_conflicts(world.call), expert, world.other) == ["email_domain"]


def test_earlier_joint_proposal():
    world = make_world()
    firm = OrganizationFactory(trade_name="Consultora Puna")
    expert = evaluator(organization=firm, email="c@gmail.com")
    earlier = ProposalFactory(
        lead_organization=firm, status=Proposal.Status.NOT_SELECTED, reference="CMSP-2025-0009"
    )
    ProposalPartnerFactory(proposal=earlier, organization=world.partner, status="confirmed")
    # A draft together says nothing yet.
    draft = ProposalFactory(lead_organization=world.other.lead_organization)
    ProposalPartnerFactory(proposal=draft, organization=firm, status="confirmed")
    flags = detect_conflicts(world.call)
    assert codes(flags, expert, world.proposal) == ["joint_proposal"]
    assert (
        flags[(expert.pk, world.proposal.pk)][0].reason
        == "Consultora Puna (the evaluator's organization) and UNSUR were together in proposal "
        "CMSP-2025-0009."
    )
    assert (expert.pk, world.other.pk) not in flags


def test_client_relationship_either_way():
    world = make_world()
    supplier = OrganizationFactory(trade_name="Proveedora Sur")
    client = OrganizationFactory(trade_name="Cliente Norte")
    supplier.reference_clients.add(world.lead)  # the evaluator's firm worked for the lead
    world.other.lead_organization.reference_clients.add(client)  # the lead worked for it
    at_supplier = evaluator(organization=supplier, email="p@gmail.com")
    at_client = evaluator(organization=client, email="q@gmail.com")
    flags = detect_conflicts(world.call)
    assert codes(flags, at_supplier, world.proposal) == ["client_relationship"]
    assert (
        flags[(at_supplier.pk, world.proposal.pk)][0].reason
        == "AndesTech is a recorded client of Proveedora Sur."
    )
    assert codes(flags, at_client, world.other) == ["client_relationship"]
    assert (
        flags[(at_client.pk, world.other.pk)][0].reason
        == "Cliente Norte is a recorded client of OtraTech."
    )


def test_several_reasons_are_all_listed_in_order():
    world = make_world()
    holding = OrganizationFactory(trade_name="Grupo Andino")
    world.lead.parent = holding
    world.lead.save(update_fields=["parent"])
    holding.reference_clients.add(world.lead)
    expert = evaluator(organization=holding, email="z@andestech.pe")
    assert codes(detect_conflicts(world.call), expert, world.proposal) == [
        "corporate_group",
        "email_domain",
        "client_relationship",
    ]


def test_drafts_and_withdrawn_proposals_are_not_checked():
    world = make_world()
    draft = ProposalFactory(call=world.call, lead_organization=world.lead)
    expert = evaluator(organization=world.lead, email="e@gmail.com")
    flags = detect_conflicts(world.call)
    assert (expert.pk, world.proposal.pk) in flags
    assert (expert.pk, draft.pk) not in flags


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        detect_conflicts(call)
    return len(ctx.captured_queries)


def test_constant_number_of_queries():
    world = make_world()
    evaluator(organization=world.lead, email="a@gmail.com")
    small = _queries(world.call)
    for _ in range(6):
        org = OrganizationFactory()
        OrganizationMemberFactory(organization=org)
        proposal = ProposalFactory(call=world.call, lead_organization=org, status="submitted")
        ProposalPartnerFactory(proposal=proposal, status="confirmed")
        org.reference_clients.add(world.lead)
        evaluator(organization=org, email=f"x{org.pk}@gmail.com")
        joint = ProposalFactory(lead_organization=org, status="submitted")
        ProposalPartnerFactory(proposal=joint, organization=world.partner, status="invited")
    flags = detect_conflicts(world.call)
    assert len(flags) >= 6
    assert _queries(world.call) == small <= 8


def test_overrides_are_read_and_never_removed_by_a_recomputation():
    world = make_world()
    expert = evaluator(organization=world.lead, email="e@gmail.com")
    other = evaluator(organization=world.lead, email="f@gmail.com")
    override = ConflictOverride.objects.create(
        proposal=world.proposal,
        evaluator=expert,
        flags=[{"code": "same_organization", "reason": "…"}],
        reason="Única especialista en relaves del país.",
    )
    flags = detect_conflicts(world.call)
    overrides = conflict_overrides(world.call)
    assert overrides == {(expert.pk, world.proposal.pk): override}
    assert blocked_pairs(flags, overrides) == {(other.pk, world.proposal.pk)}
    detect_conflicts(world.call)
    assert ConflictOverride.objects.filter(pk=override.pk).exists()
