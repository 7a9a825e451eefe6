"""Pages of challenge calls: the public list and page, and the call managers' pages."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from challenges.models import Call, CallClarification, CallCriterion, Challenge
from notifications.models import Notification
from tests.challenges.factories import (
    CallClarificationFactory,
    CallFactory,
    CallQuestionFactory,
    ChallengeFactory,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user=None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def manager_client(call_manager) -> Client:
    return _client(call_manager)


def detail(call: Call) -> str:
    return reverse("challenges:call_detail", kwargs={"code": call.code})


def staff(name: str, call: Call, *args) -> str:
    return reverse(f"challenges_staff:{name}", args=[call.pk, *args])


# --- Public list ------------------------------------------------------------------------------


def test_list_shows_open_calls_first_with_countdown_and_funding() -> None:
    now = timezone.now()
    decided = CallFactory(status=Call.Status.DECIDED, title_en="Old decided call")
    open_call = CallFactory(closes_at=now + datetime.timedelta(days=5, hours=1))
    CallFactory(status=Call.Status.DRAFT, title_en="Secret draft")
    body = _client().get(reverse("challenges:call_list")).content.decode()
    assert body.index(open_call.title_en) < body.index(decided.title_en)
    assert "Closes in 5 days" in body
    assert "S/" in body
    assert "Secret draft" not in body


def test_list_filters(client) -> None:
    open_call = CallFactory(title_en="Open one")
    CallFactory(status=Call.Status.CLOSED, title_en="Closed one", eligible_kinds=["academia"])
    body = _client().get(reverse("challenges:call_list"), {"open": "true"}).content.decode()
    assert open_call.title_en in body
    assert "Closed one" not in body
    body = _client().get(reverse("challenges:call_list"), {"kind": "mets"}).content.decode()
    assert "Open one" in body
    assert "Closed one" not in body
    response = _client().get(reverse("challenges:call_list"), {"status": "nonsense"})
    assert response.status_code == 200
    assert "No calls match." in response.content.decode()


def test_list_query_count(max_queries) -> None:
    calls = [CallFactory() for _ in range(12)]
    max_queries(
        8,
        _client().get,
        reverse("challenges:call_list"),
        expect=[c.title_en for c in calls],
    )


# --- Public page ------------------------------------------------------------------------------


def test_page_falls_back_to_spanish_with_lang(client) -> None:
    call = CallFactory(title_en="", summary_en="")
    body = _client().get(detail(call)).content.decode()
    assert f'lang="es" data-testid="call-title">{call.title}' in body
    assert "Evaluation criteria" in body


def test_restricted_challenge_shows_only_its_public_version() -> None:
    secret = ChallengeFactory(
        confidentiality=Challenge.Confidentiality.RESTRICTED,
        title="Relavera secreta de Minera X",
        problem="Filtración en la presa de relaves de Minera X",
        public_title="Una minera de cobre en Moquegua",
        public_summary="Filtraciones en un depósito de relaves a 3,500 m",
    )
    hidden = ChallengeFactory(
        confidentiality=Challenge.Confidentiality.RESTRICTED, title="Otro secreto total"
    )
    call = CallFactory(challenges=[secret, hidden])
    member = OrganizationMemberFactory().user
    for client in (_client(), _client(member)):
        body = client.get(detail(call)).content.decode()
        assert "Una minera de cobre en Moquegua" in body
        assert "Minera X" not in body
        assert "Otro secreto total" not in body
        assert "A confidential challenge of a sponsor company." in body
    company_person = OrganizationMemberFactory(organization=secret.organization).user
    assert (
        "Relavera secreta de Minera X" in _client(company_person).get(detail(call)).content.decode()
    )


def test_page_evaluates_eligibility_and_explains_the_match(stage) -> None:
    challenge = ChallengeFactory()
    challenge.value_chain_stages.add(stage)
    call = CallFactory(challenges=[challenge], eligible_kinds=["academia"])
    supplier = OrganizationFactory(legal_name="Proveedora Andina S.A.C.", trade_name="")
    supplier.capabilities.add(stage)
    person = OrganizationMemberFactory(organization=supplier).user
    body = _client(person).get(detail(call)).content.decode()
    assert 'data-testid="rule-kind"' in body
    assert "Fails" in body
    assert "METS supplier" in body
    assert "Why this call matches you:" in body
    assert "Test crushing" in body
    assert 'data-testid="start-proposal"' in body
    assert f"/challenges/calls/{call.code}/propose/" in body


def test_drafts_are_not_found_for_the_public_but_staff_read_them(auditor) -> None:
    draft = CallFactory(status=Call.Status.DRAFT)
    assert _client().get(detail(draft)).status_code == 404
    assert _client(OrganizationMemberFactory().user).get(detail(draft)).status_code == 404
    assert _client(auditor).get(detail(draft)).status_code == 200
    assert _client().get("/challenges/calls/no-such-call/").status_code == 404


def test_faq_shows_only_published_answers_and_asking_works(call_manager) -> None:
    call = CallFactory()
    CallClarificationFactory(
        call=call,
        question="Pregunta original con nombre de empresa",
        public_question="¿Pueden liderar universidades?",
        answer="Sí, si son miembros.",
        status=CallClarification.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    CallClarificationFactory(call=call, question="Pregunta pendiente privada")
    member = OrganizationMemberFactory()
    client = _client(member.user)
    body = client.get(detail(call)).content.decode()
    assert "¿Pueden liderar universidades?" in body
    assert "Pregunta original con nombre de empresa" not in body
    assert "Pregunta pendiente privada" not in body
    response = client.post(
        reverse("challenges:call_ask", kwargs={"code": call.code}),
        {"organization": member.organization.pk, "question": ""},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("challenges:call_ask", kwargs={"code": call.code}),
        {"organization": member.organization.pk, "question": "¿Se aceptan consorcios?"},
    )
    assert response.status_code == 302
    asked = CallClarification.objects.get(question="¿Se aceptan consorcios?")
    assert asked.organization == member.organization
    # Another organization's id is not a choice: refused, nothing written.
    other = OrganizationFactory()
    response = client.post(
        reverse("challenges:call_ask", kwargs={"code": call.code}),
        {"organization": other.pk, "question": "¿Por otra?"},
    )
    assert response.status_code == 400
    assert not CallClarification.objects.filter(question="¿Por otra?").exists()


def test_follow_and_stop_following() -> None:
    call = CallFactory()
    person = UserFactory()
    client = _client(person)
    url = reverse("challenges:call_subscription", kwargs={"code": call.code})
    client.post(url, {"subscribe": "1"})
    assert call.subscriptions.filter(user=person).exists()
    assert 'data-testid="unsubscribe"' in client.get(detail(call)).content.decode()
    client.post(url, {"subscribe": "0"})
    assert not call.subscriptions.exists()
    assert _client().post(url, {"subscribe": "1"}).status_code == 302  # to the login page
    assert not call.subscriptions.exists()


# --- Staff -------------------------------------------------------------------------------------


def test_staff_list_query_count(manager_client, max_queries) -> None:
    calls = [CallFactory() for _ in range(10)]
    for call in calls[:3]:
        CallClarificationFactory(call=call)
    max_queries(
        14,
        manager_client.get,
        reverse("challenges_staff:call_list"),
        expect=[c.title for c in calls],
    )


def test_create_then_edit_sections_then_publish(manager_client) -> None:
    response = manager_client.post(
        reverse("challenges_staff:call_create"),
        {"code": "agua-2026", "title": "Agua 2026", "summary": "Reúso de agua"},
    )
    call = Call.objects.get(code="agua-2026")
    assert response.status_code == 302
    assert response.url == staff("call_detail", call)
    challenge = ChallengeFactory()
    manager_client.post(staff("call_edit", call, "challenges"), {"challenges": [challenge.pk]})
    assert list(call.challenges.all()) == [challenge]
    assert list(call.sponsors.all()) == [challenge.organization]
    manager_client.post(
        staff("call_edit", call, "eligibility"),
        {"eligible_kinds": ["mets", "academia"], "members_only": "on"},
    )
    call.refresh_from_db()
    assert call.eligible_kinds == ["mets", "academia"]
    # Publishing without criteria and dates: the reasons are listed, nothing changes.
    page = manager_client.get(staff("call_detail", call)).content.decode()
    assert "Add evaluation criteria." in page
    response = manager_client.post(staff("call_action", call, "schedule"), follow=True)
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT
    assert "Add evaluation criteria." in response.content.decode()
    lima = timezone.localtime(timezone.now())
    dates = {
        "opens_at": (lima + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (lima + datetime.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "evaluation_ends_at": (lima + datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M"),
        "results_at": (lima + datetime.timedelta(days=45)).strftime("%Y-%m-%dT%H:%M"),
        "funding_per_project_0": "100000",
        "funding_per_project_1": "PEN",
        "total_funding_0": "300000",
        "total_funding_1": "PEN",
        "max_awards": "3",
    }
    response = manager_client.post(staff("call_edit", call, "timeline"), dates)
    assert response.status_code == 302, response.content.decode()[:2000]
    for name, weight in (("Impacto", 60), ("Viabilidad", 40)):
        manager_client.post(
            staff("call_criteria", call),
            {"name": name, "weight": weight, "scale_min": 0, "scale_max": 5},
        )
    assert "Weights: 100 / 100" in manager_client.get(staff("call_criteria", call)).content.decode()
    manager_client.post(staff("call_action", call, "schedule"))
    call.refresh_from_db()
    assert call.status == Call.Status.SCHEDULED
    assert call.funding_per_project.amount == 100000


def test_bad_dates_come_back_on_the_form(manager_client) -> None:
    call = CallFactory(status=Call.Status.DRAFT)
    lima = timezone.localtime(timezone.now())
    response = manager_client.post(
        staff("call_edit", call, "timeline"),
        {
            "opens_at": (lima + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (lima + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "funding_per_project_1": "PEN",
            "total_funding_1": "PEN",
        },
    )
    assert response.status_code == 400
    assert "The call must open before it closes." in response.content.decode()


def test_criteria_frozen_once_open_through_the_page(manager_client) -> None:
    call = CallFactory()
    criterion = call.criteria.first()
    page = manager_client.get(staff("call_criteria", call)).content.decode()
    assert 'data-testid="frozen"' in page
    assert 'data-testid="criterion-form"' not in page
    manager_client.post(
        staff("call_criteria", call), {"name": "Nuevo", "weight": 5, "scale_min": 0, "scale_max": 5}
    )
    manager_client.post(
        staff("criterion_edit", call, criterion.pk),
        {"name": "X", "weight": 99, "scale_min": 0, "scale_max": 5},
    )
    manager_client.post(staff("criterion_delete", call, criterion.pk))
    assert CallCriterion.objects.filter(call=call).count() == 2
    criterion.refresh_from_db()
    assert criterion.weight == 60


def test_questions_add_move_edit_delete(manager_client) -> None:
    call = CallFactory(status=Call.Status.DRAFT)
    manager_client.post(
        staff("call_questions", call),
        {"kind": "single_choice", "label": "¿Tamaño?", "options_text": "Pequeña\nGrande"},
    )
    manager_client.post(staff("call_questions", call), {"kind": "text", "label": "¿Equipo?"})
    first, second = call.questions.all()
    assert first.options[1]["label"] == "Grande"
    manager_client.post(staff("question_move", call, second.pk), {"direction": "up"})
    assert list(call.questions.values_list("label", flat=True)) == ["¿Equipo?", "¿Tamaño?"]
    manager_client.post(
        staff("question_edit", call, first.pk),
        {"kind": "text", "label": "¿Tamaño de la empresa?", "required": "on"},
    )
    first.refresh_from_db()
    assert first.label == "¿Tamaño de la empresa?"
    assert first.options == []
    manager_client.post(staff("question_delete", call, second.pk))
    assert list(call.questions.values_list("pk", flat=True)) == [first.pk]
    response = manager_client.post(
        staff("call_questions", call), {"kind": "multiple_choice", "label": "¿Cuál?"}
    )
    assert response.status_code == 400
    assert "Give at least two different options." in response.content.decode()


def test_clone_extension_clarification_and_matches(manager_client, stage) -> None:
    call = CallFactory()
    call.challenges.first().value_chain_stages.add(stage)
    response = manager_client.post(staff("call_clone", call))
    clone = Call.objects.get(cloned_from=call)
    assert response.url == staff("call_detail", clone)
    organization = OrganizationFactory(legal_name="Incidente S.A.C.", trade_name="")
    organization.capabilities.add(stage)
    OrganizationMemberFactory(organization=organization)
    later = timezone.localtime(call.closes_at + datetime.timedelta(days=2))
    manager_client.post(
        staff("call_extensions", call),
        {
            "organization": organization.pk,
            "closes_at": later.strftime("%Y-%m-%dT%H:%M"),
            "reason": "Corte de energía",
        },
    )
    assert call.extensions.get().organization == organization
    assert "Corte de energía" in manager_client.get(staff("call_extensions", call)).content.decode()
    clarification = CallClarificationFactory(call=call, question="¿Minera X participa?")
    response = manager_client.post(
        staff("clarification_decide", call, clarification.pk, "publish"),
        {"public_question": "", "answer": ""},
    )
    assert response.status_code == 400
    manager_client.post(
        staff("clarification_decide", call, clarification.pk, "publish"),
        {"public_question": "¿Participan empresas?", "answer": "Sí."},
    )
    clarification.refresh_from_db()
    assert clarification.status == CallClarification.Status.PUBLISHED
    assert Notification.objects.filter(event="challenges.call_clarification_answered").exists()
    body = manager_client.get(staff("call_matches", call)).content.decode()
    assert "Incidente S.A.C." in body
    assert "Test crushing" in body


def test_staff_pages_query_counts(manager_client, max_queries, stage) -> None:
    call = CallFactory()
    for _ in range(5):
        CallQuestionFactory(call=call)
        CallClarificationFactory(call=call)
        organization = OrganizationFactory()
        organization.capabilities.add(stage)
    call.challenges.first().value_chain_stages.add(stage)
    for name in ("call_detail", "call_questions", "call_criteria", "call_clarifications"):
        max_queries(14, manager_client.get, staff(name, call))
    max_queries(12, manager_client.get, staff("call_matches", call), expect=["match-row"])
    max_queries(16, manager_client.get, staff("call_edit", call, "challenges"))


def test_the_staff_call_page_links_to_the_evaluation_once_the_call_has_closed(
    manager_client,
) -> None:
    links = ('data-testid="call-assignments"', 'data-testid="call-ranking"', "call-decisions")
    open_call = CallFactory()
    body = manager_client.get(staff("call_detail", open_call)).content.decode()
    assert not any(link in body for link in links)
    closed = CallFactory(status=Call.Status.IN_EVALUATION)
    body = manager_client.get(staff("call_detail", closed)).content.decode()
    assert all(link in body for link in links)
    assert f"/staff/challenges/calls/{closed.pk}/ranking/" in body
