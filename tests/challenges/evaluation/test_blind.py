"""Blind review (issue 10): an evaluator of a blind call never receives the applicant's
identity — the lead's and partners' legal and trade names, RUCs, the people, the team, the
partner letters, file names or file metadata — in any page, download, notification, email or
API answer. One test walks every evaluator-facing URL and response and searches it; the same
walk on a call that is not blind finds the names (so the search can fail)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from PIL import Image, PngImagePlugin

from challenges.models import Assignment, CallQuestion, Proposal, ProposalPartner
from challenges.services import evaluation as services
from cluster_portal.files.models import Attachment
from cluster_portal.files.services import attachment_create
from notifications.models import Notification, OutboxEmail
from tests.challenges.factories import CallQuestionFactory, ProposalAnswerFactory

from .evaluator_world import (
    DOCX_TYPE,
    LEAD_LEGAL,
    LEAD_PERSON,
    LEAD_RUC,
    LEAD_TRADE,
    PARTNER_LEGAL,
    PARTNER_PERSON,
    PARTNER_RUC,
    PARTNER_TRADE,
    PDF_BYTES,
    World,
    docx_bytes,
    login,
    make_world,
    upload,
)

#: Identity that must never reach an evaluator of a blind call.
IDENTITY = (
    LEAD_LEGAL,
    LEAD_TRADE,
    LEAD_RUC,
    PARTNER_LEGAL,
    PARTNER_TRADE,
    PARTNER_RUC,
    LEAD_PERSON,
    PARTNER_PERSON,
    "Mamani",
    "Huamán",
    "altisens",  # email domain and file names
    "unats",
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def png_bytes() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", LEAD_PERSON)
    info.add_text("Copyright", LEAD_LEGAL)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 80, 40)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def _attach(world: World, name: str, data: bytes, content_type: str, purpose: str) -> None:
    attachment_create(
        actor=world.lead_admin,
        target=world.proposal,
        uploaded_file=upload(name, data, content_type),
        purpose=purpose,
    )


def _rich_proposal(world: World) -> None:
    """Questions of every visibility, files of every kind, a partner's letter."""
    call = world.call
    shown = CallQuestionFactory(call=call, label="¿Dónde se valida?", label_en="Where validated?")
    ProposalAnswerFactory(
        proposal=world.proposal, question=shown, value=f"En la planta piloto de {LEAD_TRADE}."
    )
    personal = CallQuestionFactory(call=call, label="Responsable", personal_data=True)
    ProposalAnswerFactory(proposal=world.proposal, question=personal, value=LEAD_PERSON)
    hidden = CallQuestionFactory(call=call, label="Socios", visible_to_evaluators=False)
    ProposalAnswerFactory(proposal=world.proposal, question=hidden, value=PARTNER_LEGAL)
    file_question = CallQuestionFactory(call=call, kind=CallQuestion.Kind.FILE, label="Plan")
    docx = docx_bytes(author=LEAD_PERSON, company=LEAD_LEGAL)
    _attach(world, "Propuesta_AltiSens_Rosa.docx", docx, DOCX_TYPE, "proposal_attachment")
    _attach(world, "Plan_AltiSens.docx", docx, DOCX_TYPE, f"answer_{file_question.pk}")
    _attach(world, "Foto_AltiSens.png", png_bytes(), "image/png", "proposal_attachment")
    _attach(world, "Carta_UNATS.pdf", PDF_BYTES, "application/pdf", "proposal_attachment")
    partner = ProposalPartner.objects.get(proposal=world.proposal)
    attachment_create(
        actor=world.partner_admin,
        target=partner,
        uploaded_file=upload("Compromiso_UNATS.pdf", PDF_BYTES, "application/pdf"),
        purpose="commitment_letter",
    )
    services.redacted_texts_set(
        actor=world.coordinator,
        proposal=world.proposal,
        texts={
            "summary": "Una empresa instala polines instrumentados en una mina del sur.",
            f"answer_{shown.pk}": "En la planta piloto de la empresa.",
            "team": "Una ingeniera de confiabilidad y un científico de datos.",
        },
    )


def _assign_invited_expert(world: World) -> Assignment:
    """An outside expert invited through the pool and assigned by the coordinator (through the
    assignment service when it is there, so its notification is searched too)."""
    invited = services.evaluator_invite(
        actor=world.coordinator, email="experta@independiente.pe", full_name="Experta Independiente"
    )
    try:
        from challenges.services.assignments import assignment_create
    except ImportError:  # pragma: no cover - the assignment helper's module
        return Assignment.objects.create(
            call=world.call, proposal=world.proposal, evaluator=invited.evaluator
        )
    return assignment_create(
        actor=world.coordinator, proposal=world.proposal, evaluator=invited.evaluator
    )


def _office_parts(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"\n".join(archive.read(name) for name in archive.namelist())


def walk(world: World, assignment: Assignment) -> list[tuple[str, str]]:
    """(where, text) of every response and message the evaluator receives."""
    user = assignment.evaluator.user
    client = login(user)
    kwargs = {"assignment_id": assignment.pk}
    seen: list[tuple[str, str]] = []

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        seen.append((url, response.content.decode()))

    get(reverse("challenges:evaluation_list"))
    get(reverse("challenges:evaluation_declare", kwargs=kwargs))
    response = client.post(
        reverse("challenges:evaluation_declare", kwargs=kwargs), {"declaration": "none"}
    )
    assert response.status_code == 302
    get(reverse("challenges:evaluation_proposal", kwargs=kwargs))
    page = seen[-1][1]
    number = 1
    while f"/files/{number}/" in page:
        url = reverse("challenges:evaluation_file", kwargs={**kwargs, "number": number})
        download = client.get(url)
        assert download.status_code == 200
        body = b"".join(download.streaming_content) if download.streaming else download.content
        headers = "\n".join(f"{k}: {v}" for k, v in download.headers.items())
        seen.append((f"{url} headers", headers))
        seen.append((f"{url} bytes", body.decode("latin-1")))
        if body[:2] == b"PK":
            seen.append((f"{url} parts", _office_parts(body).decode("utf-8", "replace")))
        number += 1
    review_url = reverse("challenges:evaluation_review", kwargs=kwargs)
    get(review_url)
    first, second = world.criteria
    client.post(
        review_url,
        {
            f"score_{first.pk}": "4",
            f"score_{second.pk}": "3",
            "confidence": "2",
            "submit": "1",
        },
    )
    get(review_url)
    get(reverse("notifications:inbox"))
    for notification in Notification.objects.filter(recipient=user):
        seen.append(
            (f"notification {notification.pk}", f"{notification.title}\n{notification.body}")
        )
    for email in OutboxEmail.objects.filter(to_email=user.email):
        seen.append((f"email {email.pk}", f"{email.subject}\n{email.body_text}\n{email.body_html}"))
    for url in (
        "/api/v1/me/",
        "/api/v1/proposals/",
        f"/api/v1/proposals/{world.proposal.pk}/",
        f"/api/v1/calls/{world.call.pk}/",
    ):
        response = client.get(url, HTTP_ACCEPT="application/json")
        seen.append((f"{url} ({response.status_code})", response.content.decode()))
    return seen


def leaks(seen: list[tuple[str, str]], words: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(where, word) for where, text in seen for word in words if word.lower() in text.lower()]


@pytest.mark.django_db
def test_blind_review_never_reveals_the_applicant():
    world = make_world(blind=True)
    _rich_proposal(world)
    assignment = _assign_invited_expert(world)
    seen = walk(world, assignment)
    assert leaks(seen, (*IDENTITY, world.proposal.team)) == []
    pages = "\n".join(text for _where, text in seen)
    # What the evaluator does read: the redacted texts, neutral file names, the withheld PDF.
    assert "Una empresa instala polines instrumentados en una mina del sur." in pages
    assert "En la planta piloto de la empresa." in pages
    assert "Una ingeniera de confiabilidad" in pages
    assert "Anexo 1.docx" in pages
    assert "Anexo 3.png" in pages
    assert 'data-testid="withheld-files"' in pages
    assert world.proposal.technical_approach in pages  # not redacted: the original
    # The Office file is still a Word file, its properties empty, its text intact.
    assert "Contenido técnico." in pages
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED


@pytest.mark.django_db
def test_the_same_walk_finds_the_names_when_the_call_is_not_blind():
    world = make_world(blind=False)
    _rich_proposal(world)
    assignment = _assign_invited_expert(world)
    seen = walk(world, assignment)
    found = {word for _where, word in leaks(seen, IDENTITY)}
    assert {LEAD_TRADE, PARTNER_TRADE, LEAD_LEGAL, LEAD_PERSON, "altisens"} <= found
    assert "Propuesta_AltiSens_Rosa.docx" in "\n".join(text for _where, text in seen)
    # Personal-data answers and answers hidden from evaluators stay hidden even then.
    proposal_page = next(text for where, text in seen if where.endswith(f"/{assignment.pk}/"))
    assert "Responsable" not in proposal_page
    assert "Socios" not in proposal_page
    assert "Where validated?" in proposal_page


@pytest.mark.django_db
def test_blind_files_have_no_names_or_metadata():
    world = make_world(blind=True)
    _rich_proposal(world)
    world.assignment.status = Assignment.Status.ACCEPTED
    world.assignment.save()
    client = login(world.evaluator.user)

    def file_url(number: int) -> str:
        return reverse(
            "challenges:evaluation_file",
            kwargs={"assignment_id": world.assignment.pk, "number": number},
        )

    response = client.get(file_url(1))
    assert response["Content-Disposition"].startswith('attachment; filename="Anexo 1.docx"')
    assert response["Cache-Control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        core = archive.read("docProps/core.xml")
        assert b"creator" not in core
        assert b"Mamani" not in core
        assert LEAD_LEGAL.encode() not in archive.read("docProps/app.xml")
    image = client.get(file_url(3))
    assert image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).text == {}
    # The PDF (number 4 by upload order) is withheld: only three files are offered.
    assert client.get(file_url(4)).status_code == 404
    # The portal's own download route does not serve an evaluator the proposal's files.
    kind = ContentType.objects.get_for_model(Proposal)
    for attachment in Attachment.objects.filter(content_type=kind, object_id=world.proposal.pk):
        download = reverse("files:download", kwargs={"attachment_id": attachment.pk})
        assert client.get(download).status_code == 404
