"""Shared set-up of the evaluator tests (pool, reviews, blind review): a call in evaluation
with two criteria on 0-5 (60 + 40), a submitted proposal led by a named organization with a
named partner and people, an evaluation coordinator and an evaluator."""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from challenges.models import Assignment, Call, CallCriterion, Evaluator, Proposal
from members.models import Organization, OrganizationMember, User
from tests.challenges.factories import (
    AssignmentFactory,
    CallFactory,
    EvaluatorFactory,
    ProposalFactory,
    ProposalPartnerFactory,
)
from tests.members.factories import (
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
    make_ruc,
)

LEAD_LEGAL = "Sensores Altiplano S.A.C."
LEAD_TRADE = "AltiSens"
LEAD_RUC = make_ruc(60123456)
PARTNER_LEGAL = "Universidad Nacional Tecnológica del Sur"
PARTNER_TRADE = "UNATS"
PARTNER_RUC = make_ruc(10001234)
LEAD_PERSON = "Rosa Mamani Quispe"
PARTNER_PERSON = "Jorge Huamán Ccori"


def login(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def coordinator_user() -> User:
    return UserFactory(is_staff=True, totp=True, roles=["evaluation_coordinator"])


@dataclass
class World:
    call: Call
    criteria: list[CallCriterion]
    lead: Organization
    partner: Organization
    lead_admin: User
    partner_admin: User
    proposal: Proposal
    coordinator: User
    evaluator: Evaluator
    assignment: Assignment


def make_world(*, blind: bool = False, reviews_visible: str = "never") -> World:
    from django.utils import timezone

    call = CallFactory(
        status=Call.Status.IN_EVALUATION,
        closes_at=timezone.now() - datetime.timedelta(days=1),
        opens_at=timezone.now() - datetime.timedelta(days=30),
        blind_review=blind,
        reviews_visible=reviews_visible,
    )
    criteria = list(call.criteria.order_by("position"))
    lead = OrganizationFactory(legal_name=LEAD_LEGAL, trade_name=LEAD_TRADE, ruc=LEAD_RUC)
    partner = OrganizationFactory(
        kind=Organization.Kind.ACADEMIA,
        legal_name=PARTNER_LEGAL,
        trade_name=PARTNER_TRADE,
        ruc=PARTNER_RUC,
    )
    lead_admin = OrganizationMemberFactory(
        organization=lead,
        role=OrganizationMember.Role.ADMIN,
        user__full_name=LEAD_PERSON,
        user__email="rosa@altisens.pe",
    ).user
    partner_admin = OrganizationMemberFactory(
        organization=partner,
        role=OrganizationMember.Role.ADMIN,
        user__full_name=PARTNER_PERSON,
        user__email="jorge@unats.edu.pe",
    ).user
    proposal = ProposalFactory(
        call=call,
        lead_organization=lead,
        status=Proposal.Status.SUBMITTED,
        reference="CMSP-2026-0999",
        title="Polines con sensores para fajas de alta montaña",
        summary=f"{LEAD_TRADE} instala polines instrumentados en Arequipa.",
        technical_approach="Sensores de vibración con analítica en el borde.",
        team=f"Dirige {LEAD_PERSON}; valida {PARTNER_PERSON} en el laboratorio.",
        created_by=lead_admin,
        updated_by=lead_admin,
    )
    ProposalPartnerFactory(
        proposal=proposal, organization=partner, status="confirmed", responded_by=partner_admin
    )
    coordinator = coordinator_user()
    evaluator = EvaluatorFactory(user__full_name="Evaluadora Externa")
    assignment = AssignmentFactory(
        proposal=proposal,
        call=call,
        evaluator=evaluator,
        due_at=timezone.now() + datetime.timedelta(days=5),
    )
    return World(
        call,
        criteria,
        lead,
        partner,
        lead_admin,
        partner_admin,
        proposal,
        coordinator,
        evaluator,
        assignment,
    )


def docx_bytes(*, author: str, company: str, text: str = "Contenido técnico.") -> bytes:
    """A minimal Word file whose properties name ``author`` and ``company``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>{text}'
            "</w:t></w:r></w:p></w:body></w:document>",
        )
        archive.writestr(
            "docProps/core.xml",
            f'<?xml version="1.0"?><cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>'
            f"{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy>"
            "</cp:coreProperties>",
        )
        archive.writestr(
            "docProps/app.xml",
            f'<?xml version="1.0"?><Properties xmlns="z"><Company>{company}</Company></Properties>',
        )
    return buffer.getvalue()


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Author (Rosa Mamani Quispe)>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


__all__ = [
    "DOCX_TYPE",
    "LEAD_LEGAL",
    "LEAD_PERSON",
    "LEAD_RUC",
    "LEAD_TRADE",
    "PARTNER_LEGAL",
    "PARTNER_PERSON",
    "PARTNER_RUC",
    "PARTNER_TRADE",
    "PDF_BYTES",
    "World",
    "coordinator_user",
    "docx_bytes",
    "login",
    "make_world",
    "upload",
]
