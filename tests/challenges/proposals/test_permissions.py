"""Permission matrix of proposals: (lead admin, lead member, partner admin, partner member,
other member, visitor, each staff role) x (view, edit, submit, invite, confirm, receipt PDF).
Allowed cases assert the effect; refused ones assert nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from challenges.models import Proposal, ProposalPartner
from challenges.services import proposals as services
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory
from tests.permission_matrix import STAFF_ROLES, staff_user

from .conftest import login, pdf_file

pytestmark = pytest.mark.django_db

PEOPLE = (
    "lead_admin",
    "lead_member",
    "partner_admin",
    "partner_member",
    "other_member",
    "visitor",
)
ROLES = (*PEOPLE, *STAFF_ROLES)
LEAD = {"lead_admin", "lead_member"}
PARTNER = {"partner_admin", "partner_member"}


def person(world, role):
    if role == "visitor":
        return None
    if role == "other_member":
        return OrganizationMemberFactory(organization=OrganizationFactory(), role="admin").user
    if role in STAFF_ROLES:
        return staff_user(*([] if role == "staff_no_role" else [role]))
    return getattr(world, role)


@pytest.fixture
def invited(world) -> ProposalPartner:
    return services.partner_invite(
        actor=world.lead_admin, proposal=world.proposal, organization=world.partner_org, role="x"
    )


def _expected_view(role: str) -> int:
    # Staff read proposals through a role; a staff account without one reads nothing.
    if role in LEAD | PARTNER or (role in STAFF_ROLES and role != "staff_no_role"):
        return 200
    return 302 if role == "visitor" else 404


@pytest.mark.parametrize("role", ROLES)
def test_view(world, invited, role) -> None:
    response = login(person(world, role)).get(
        reverse("challenges:proposal_detail", args=[world.proposal.pk])
    )
    assert response.status_code == _expected_view(role)
    if response.status_code == 200:
        assert "Polines inteligentes" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_edit(world, invited, role) -> None:
    response = login(person(world, role)).post(
        reverse("challenges:proposal_save", args=[world.proposal.pk]),
        {
            "version": 1,
            "title": "Cambiada",
            "budget_0": "",
            "budget_1": "PEN",
            "co_funding_0": "",
            "co_funding_1": "PEN",
        },
        HTTP_HX_REQUEST="true",
    )
    world.proposal.refresh_from_db()
    if role in LEAD:
        assert world.proposal.title == "Cambiada"
        assert world.proposal.version == 2
    else:
        assert response.status_code in (200, 302, 404)
        assert world.proposal.title == "Polines inteligentes"
        assert world.proposal.version == 1


@pytest.mark.parametrize("role", ROLES)
def test_submit(world, role) -> None:
    login(person(world, role)).post(reverse("challenges:proposal_submit", args=[world.proposal.pk]))
    world.proposal.refresh_from_db()
    if role == "lead_admin":
        assert world.proposal.status == Proposal.Status.SUBMITTED
        assert world.proposal.reference
    else:
        assert world.proposal.status == Proposal.Status.DRAFT
        assert world.proposal.reference is None


@pytest.mark.parametrize("role", ROLES)
def test_invite(world, role) -> None:
    target = OrganizationFactory(trade_name="Invitable")
    OrganizationMemberFactory(organization=target, role="admin")
    login(person(world, role)).post(
        reverse("challenges:proposal_partner_invite", args=[world.proposal.pk]),
        {
            "organization": target.pk,
            "role": "Piloto",
            "budget_share_0": "",
            "budget_share_1": "PEN",
        },
    )
    invited = ProposalPartner.objects.filter(proposal=world.proposal, organization=target)
    assert invited.exists() == (role == "lead_admin")


@pytest.mark.parametrize("role", ROLES)
def test_confirm(world, invited, role) -> None:
    client = login(person(world, role))
    response = client.post(
        reverse("challenges:partner_answer", args=[invited.pk]),
        {"answer": "confirm", "commitment_letter": pdf_file()},
    )
    invited.refresh_from_db()
    if role == "partner_admin":
        assert invited.status == ProposalPartner.Status.CONFIRMED
    else:
        assert invited.status == ProposalPartner.Status.INVITED
        assert response.status_code in (302, 404)


@pytest.mark.parametrize("role", ROLES)
def test_receipt_pdf(world, invited, role) -> None:
    services.partner_confirm(
        actor=world.partner_admin, partner=invited, commitment_letter=pdf_file()
    )
    services.proposal_submit(actor=world.lead_admin, proposal=world.proposal)
    response = login(person(world, role)).get(
        reverse("challenges:proposal_receipt_pdf", args=[world.proposal.pk])
    )
    assert response.status_code == _expected_view(role)
    if response.status_code == 200:
        assert response.content.startswith(b"%PDF-")
