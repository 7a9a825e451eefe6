"""Fixtures of the proposals tests: an open call with a required question, a lead member
organization with an admin and a member, a partner organization with an admin, a complete
draft proposal, and helpers to upload files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from challenges.models import Call, CallQuestion, Proposal
from members.models import Organization, OrganizationMember, User
from tests.challenges.factories import (
    CallFactory,
    CallQuestionFactory,
    ProposalAnswerFactory,
    ProposalFactory,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_file(name: str = "carta.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@dataclass
class World:
    call: Call
    question: CallQuestion
    lead: Organization
    lead_admin: User
    lead_member: User
    partner_org: Organization
    partner_admin: User
    partner_member: User
    proposal: Proposal


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def login(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(db) -> World:
    call = CallFactory()
    question = CallQuestionFactory(call=call, label="¿Cómo se valida?", label_en="How validated?")
    lead = OrganizationFactory(legal_name="Andes Sensores S.A.C.", trade_name="AndesTech")
    lead_admin = OrganizationMemberFactory(
        organization=lead, role=OrganizationMember.Role.ADMIN, user__full_name="Ana Quispe"
    ).user
    lead_member = OrganizationMemberFactory(organization=lead, role="member").user
    partner_org = OrganizationFactory(
        kind=Organization.Kind.ACADEMIA, legal_name="Universidad del Sur", trade_name="UNSUR"
    )
    partner_admin = OrganizationMemberFactory(
        organization=partner_org, role=OrganizationMember.Role.ADMIN
    ).user
    partner_member = OrganizationMemberFactory(organization=partner_org, role="member").user
    proposal = ProposalFactory(call=call, lead_organization=lead, title="Polines inteligentes")
    ProposalAnswerFactory(proposal=proposal, question=question, value="En la planta piloto.")
    return World(
        call,
        question,
        lead,
        lead_admin,
        lead_member,
        partner_org,
        partner_admin,
        partner_member,
        proposal,
    )
