"""Decisions (issue 10): the coordinator decides each submitted proposal (pending until
published), the feedback is drafted from the reviews, the call's decisions are published in one
batch (ranking snapshot + rationale + SHA-256), applicants and partners are told in their
language, and only then do the proposal page, "My proposals" and the API show the result."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from challenges.models import (
    Assignment,
    Call,
    CriterionScore,
    Decision,
    DecisionBatch,
    Proposal,
    ProposalPartner,
)
from challenges.services import decisions as services
from members.models import Organization, OrganizationMember, User
from notifications.models import Notification, OutboxEmail
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.challenges.factories import (
    AssignmentFactory,
    CallFactory,
    EvaluatorFactory,
    ProposalFactory,
    ProposalPartnerFactory,
    ReviewFactory,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/proposals/"


# --- The ranking (challenges.selectors.ranking, another helper's) ------------------------------


@dataclass
class FakeRow:
    proposal_id: int
    rank: int
    tie: bool = False
    reviews: int = 0
    raw: Decimal = Decimal("0")


@dataclass
class FakeRanking:
    rows: list[FakeRow] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rows": [
                {"proposal_id": r.proposal_id, "rank": r.rank, "tie": r.tie, "raw": r.raw}
                for r in self.rows
            ]
        }


#: ``{call id: [proposal ids in rank order]}`` read by the fake ranking.
RANK_ORDER: dict[int, list[int]] = {}


def fake_call_ranking(call: Call) -> FakeRanking:
    order = RANK_ORDER.get(call.pk, [])
    return FakeRanking(
        [FakeRow(pid, rank, raw=Decimal("4.25") - rank) for rank, pid in enumerate(order, 1)]
    )


@pytest.fixture(autouse=True)
def _ranking(monkeypatch) -> Iterator[None]:
    """The ranking contract ``call_ranking(call) -> Ranking`` with ``.rows`` and ``.as_dict()``;
    a fake (ranks set by each test) keeps these tests about decisions."""
    try:
        import challenges.selectors.ranking as module
    except ImportError:
        module = types.ModuleType("challenges.selectors.ranking")
        monkeypatch.setitem(sys.modules, "challenges.selectors.ranking", module)
    monkeypatch.setattr(module, "call_ranking", fake_call_ranking, raising=False)
    RANK_ORDER.clear()
    with translation.override("en"):
        yield


# --- World -------------------------------------------------------------------------------------


@dataclass
class World:
    call: Call
    coordinator: User
    first: Proposal  # lead A (admin Spanish) + confirmed partner (admin English)
    second: Proposal  # lead B
    lead_admin: User
    lead_member: User
    partner_admin: User
    other_lead_admin: User
    evaluator: User
    assignments: list[Assignment]


def admin_of(organization: Organization, **user) -> User:
    return OrganizationMemberFactory(
        organization=organization, role=OrganizationMember.Role.ADMIN, **user
    ).user


@pytest.fixture
def world() -> World:
    call = CallFactory(status=Call.Status.IN_EVALUATION, max_awards=1)
    criteria = list(call.criteria.order_by("position"))
    lead = OrganizationFactory(legal_name="Andes Sensores S.A.C.", trade_name="AndesTech")
    partner_org = OrganizationFactory(
        kind=Organization.Kind.ACADEMIA, legal_name="Universidad del Sur", trade_name="UNSUR"
    )
    other = OrganizationFactory(legal_name="Fajas del Perú S.A.", trade_name="Fajas")
    lead_admin = admin_of(lead, user__language="es", user__full_name="Ana Quispe")
    lead_member = OrganizationMemberFactory(organization=lead, role="member").user
    partner_admin = admin_of(partner_org, user__language="en", user__full_name="John Smith")
    other_lead_admin = admin_of(other)
    first = ProposalFactory(
        call=call,
        lead_organization=lead,
        status=Proposal.Status.SUBMITTED,
        reference="CMSP-2025-0001",
        title="Polines inteligentes",
    )
    ProposalPartnerFactory(
        proposal=first, organization=partner_org, status=ProposalPartner.Status.CONFIRMED
    )
    second = ProposalFactory(
        call=call,
        lead_organization=other,
        status=Proposal.Status.SUBMITTED,
        reference="CMSP-2025-0002",
        title="Fajas autónomas",
    )
    evaluator_user = UserFactory(full_name="Evaluadora Externa Uno")
    evaluator = EvaluatorFactory(user=evaluator_user)
    assignments = []
    for number, (proposal, person) in enumerate(
        [(first, evaluator), (first, EvaluatorFactory(user__full_name="Evaluador Dos Secreto"))]
    ):
        assignment = AssignmentFactory(
            proposal=proposal, call=call, evaluator=person, status=Assignment.Status.SUBMITTED
        )
        review = ReviewFactory(assignment=assignment, comment=f"Comentario general {number + 1}.")
        CriterionScore.objects.create(
            review=review,
            criterion=criteria[0],
            score=Decimal(4 + number),
            comment=f"Buen impacto {number + 1}.",
        )
        CriterionScore.objects.create(
            review=review,
            criterion=criteria[1],
            score=None,
            not_applicable=number == 1,
            comment="",
        )
        assignments.append(assignment)
    # A review not submitted yet: never in drafts, means or anything the applicant sees.
    draft = AssignmentFactory(proposal=first, call=call, status=Assignment.Status.ACCEPTED)
    CriterionScore.objects.create(
        review=ReviewFactory(assignment=draft, comment="BORRADOR NO ENVIADO"),
        criterion=criteria[0],
        score=Decimal("0"),
        comment="BORRADOR NO ENVIADO",
    )
    RANK_ORDER[call.pk] = [second.pk, first.pk]
    return World(
        call=call,
        coordinator=UserFactory(is_staff=True, totp=True, roles=["evaluation_coordinator"]),
        first=first,
        second=second,
        lead_admin=lead_admin,
        lead_member=lead_member,
        partner_admin=partner_admin,
        other_lead_admin=other_lead_admin,
        evaluator=evaluator_user,
        assignments=assignments,
    )


def decide_all(world: World, first="award", second="not_selected") -> None:
    services.decision_set(
        actor=world.coordinator, proposal=world.first, outcome=first, feedback="Excelente piloto."
    )
    services.decision_set(
        actor=world.coordinator, proposal=world.second, outcome=second, feedback="Falta detalle."
    )


def publish(world: World) -> DecisionBatch:
    return services.decisions_publish(
        actor=world.coordinator, call=world.call, rationale="Ranking calibrado; un cupo."
    )


def login(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def codes(error: ValidationError) -> list[str | None]:
    return [e.code for e in error.error_list]


# --- decision_set --------------------------------------------------------------------------------


def test_decision_is_set_and_reset_while_pending_and_audited(world) -> None:
    decision = services.decision_set(
        actor=world.coordinator, proposal=world.first, outcome="award", feedback=" Bien. "
    )
    assert (decision.outcome, decision.feedback, decision.batch_id) == ("award", "Bien.", None)
    services.decision_set(
        actor=world.coordinator, proposal=world.first, outcome="not_selected", feedback="No."
    )
    decision = Decision.objects.get(proposal=world.first)
    assert (decision.outcome, decision.feedback, decision.decided_by) == (
        "not_selected",
        "No.",
        world.coordinator,
    )
    assert Decision.objects.count() == 1
    entries = LogEntry.objects.filter(additional_data__decision="proposal.decision_set")
    assert entries.count() == 2
    world.first.refresh_from_db()
    assert world.first.status == "submitted"  # nothing moves before publication
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "role", ["call_manager", "auditor", "administrator_none", "evaluator", "applicant"]
)
def test_only_the_coordinator_decides(world, role) -> None:
    actor = {
        "call_manager": UserFactory(is_staff=True, totp=True, roles=["call_manager"]),
        "auditor": UserFactory(is_staff=True, totp=True, roles=["auditor"]),
        "administrator_none": UserFactory(is_staff=True, totp=True),
        "evaluator": world.evaluator,
        "applicant": world.lead_admin,
    }[role]
    with pytest.raises(PermissionDenied):
        services.decision_set(actor=actor, proposal=world.first, outcome="award", feedback="")
    assert not Decision.objects.exists()


def test_decisions_need_a_call_in_evaluation_and_a_submitted_proposal(world) -> None:
    draft = ProposalFactory(call=world.call, status=Proposal.Status.DRAFT)
    with pytest.raises(ValidationError) as error:
        services.decision_set(actor=world.coordinator, proposal=draft, outcome="award", feedback="")
    assert codes(error.value) == ["invalid_transition"]
    Call.objects.filter(pk=world.call.pk).update(status=Call.Status.CLOSED)
    with pytest.raises(ValidationError) as error:
        services.decision_set(
            actor=world.coordinator, proposal=world.first, outcome="award", feedback=""
        )
    assert codes(error.value) == ["invalid_transition"]
    assert not Decision.objects.exists()


def test_feedback_draft_groups_criterion_comments_and_never_names_evaluators(world) -> None:
    text = services.feedback_draft(world.first)
    criterion = world.call.criteria.order_by("position").first()
    assert text.startswith(f"{criterion.localized_name}\n- Evaluator 1: Buen impacto 1.")
    assert "- Evaluator 2: Buen impacto 2." in text
    assert "General comments\n- Evaluator 1: Comentario general 1." in text
    assert "Evaluadora" not in text
    assert "Secreto" not in text
    assert "BORRADOR" not in text  # reviews not submitted stay out
    assert services.feedback_draft(world.second) == ""


# --- decisions_publish ---------------------------------------------------------------------------


def test_publish_refuses_with_an_itemized_list_of_undecided_proposals(world) -> None:
    with pytest.raises(ValidationError) as error:
        publish(world)
    assert codes(error.value) == ["incomplete", "incomplete"]
    messages = " ".join(error.value.messages)
    assert "CMSP-2025-0001 — Polines inteligentes" in messages
    assert "CMSP-2025-0002 — Fajas autónomas" in messages
    services.decision_set(
        actor=world.coordinator, proposal=world.first, outcome="award", feedback=""
    )
    with pytest.raises(ValidationError) as error:
        publish(world)
    assert codes(error.value) == ["incomplete"]
    assert not DecisionBatch.objects.exists()
    world.call.refresh_from_db()
    assert world.call.status == "in_evaluation"


def test_publish_refuses_more_awards_than_the_call_allows(world) -> None:
    decide_all(world, first="award", second="award")
    with pytest.raises(ValidationError) as error:
        publish(world)
    assert codes(error.value) == ["too_many_awards"]
    assert "2 proposals are awarded but the call allows at most 1." in error.value.messages
    assert not DecisionBatch.objects.exists()


def test_publish_needs_a_rationale_and_the_coordinator(world) -> None:
    decide_all(world)
    with pytest.raises(ValidationError):
        services.decisions_publish(actor=world.coordinator, call=world.call, rationale="  ")
    manager = UserFactory(is_staff=True, totp=True, roles=["call_manager"])
    with pytest.raises(PermissionDenied):
        services.decisions_publish(actor=manager, call=world.call, rationale="x")
    assert not DecisionBatch.objects.exists()


def test_publish_moves_everything_once_records_the_ranking_and_notifies(world) -> None:
    decide_all(world)
    batch = publish(world)

    # The snapshot: the ranking as it stood (JSON), the rationale, a verifiable SHA-256.
    assert batch.ranking == {
        "rows": [
            {"proposal_id": world.second.pk, "rank": 1, "tie": False, "raw": "3.25"},
            {"proposal_id": world.first.pk, "rank": 2, "tie": False, "raw": "2.25"},
        ]
    }
    assert batch.rationale == "Ranking calibrado; un cupo."
    assert batch.published_by == world.coordinator
    assert len(batch.sha256) == 64
    stored = DecisionBatch.objects.get(pk=batch.pk)
    assert services.batch_verifies(stored)
    assert services.snapshot_sha256(services.batch_document(stored)) == batch.sha256
    assert set(stored.decisions.values_list("proposal_id", flat=True)) == {
        world.first.pk,
        world.second.pk,
    }

    # Proposals and the call moved by their lifecycle tables.
    world.first.refresh_from_db()
    world.second.refresh_from_db()
    world.call.refresh_from_db()
    assert (world.first.status, world.second.status, world.call.status) == (
        "awarded",
        "not_selected",
        "decided",
    )
    assert LogEntry.objects.filter(additional_data__decision="call.decisions_publish").exists()
    assert LogEntry.objects.filter(additional_data__decision="proposal.award").count() == 1
    assert LogEntry.objects.filter(additional_data__decision="proposal.not_select").count() == 1

    # Lead's and partner's admins, each in their language; no other person.
    awarded = Notification.objects.filter(event="challenges.proposal_awarded")
    assert set(awarded.values_list("recipient_id", flat=True)) == {
        world.lead_admin.pk,
        world.partner_admin.pk,
    }
    assert set(
        Notification.objects.filter(event="challenges.proposal_not_selected").values_list(
            "recipient_id", flat=True
        )
    ) == {world.other_lead_admin.pk}
    english = awarded.get(recipient=world.partner_admin)
    assert english.title == "Your proposal “Polines inteligentes” was selected"
    email = OutboxEmail.objects.get(event="challenges.proposal_awarded", recipient=world.lead_admin)
    assert email.body_text.startswith("Hola")  # the Spanish admin's email is in Spanish
    assert "CMSP-2025-0001" in email.body_text
    english_email = OutboxEmail.objects.get(
        event="challenges.proposal_awarded", recipient=world.partner_admin
    )
    assert english_email.body_text.startswith("Hello")
    assert world.lead_admin.email not in email.body_text  # names, never addresses
    assert not Notification.objects.filter(recipient=world.lead_member).exists()

    # Once only: a second publication and any later change of a decision are refused.
    with pytest.raises(ValidationError) as error:
        publish(world)
    assert codes(error.value) == ["published"]
    with pytest.raises(ValidationError):
        services.decision_set(
            actor=world.coordinator, proposal=world.first, outcome="not_selected", feedback=""
        )
    assert DecisionBatch.objects.count() == 1
    assert Notification.objects.filter(event__startswith="challenges.proposal_a").count() == 2


def test_the_snapshot_does_not_follow_later_changes(world) -> None:
    decide_all(world)
    batch = publish(world)
    RANK_ORDER[world.call.pk] = [world.first.pk, world.second.pk]  # the ranking moves later
    CriterionScore.objects.filter(not_applicable=False).update(score=Decimal("1"))
    stored = DecisionBatch.objects.get(pk=batch.pk)
    assert stored.ranking["rows"][0]["proposal_id"] == world.second.pk
    assert services.batch_verifies(stored)
    Decision.objects.filter(proposal=world.first).update(feedback="cambiado a escondidas")
    assert not services.batch_verifies(DecisionBatch.objects.get(pk=batch.pk))


# --- What applicants see -------------------------------------------------------------------------


def proposal_page(world: World, user: User) -> str:
    response = login(user).get(f"/challenges/proposals/{world.first.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_nothing_of_the_evaluation_shows_before_publication(world) -> None:
    decide_all(world)
    for user in (world.lead_admin, world.partner_admin):
        html = proposal_page(world, user)
        assert 'data-testid="proposal-result"' not in html
        assert "Excelente piloto." not in html
        assert "Buen impacto" not in html
    listing = login(world.lead_admin).get("/challenges/proposals/").content.decode()
    assert "Awarded" not in listing
    assert "Excelente" not in listing


def test_after_publication_lead_and_partners_see_result_feedback_and_scores(world) -> None:
    Call.objects.filter(pk=world.call.pk).update(show_scores_to_applicants=True)
    world.call.refresh_from_db()
    decide_all(world)
    publish(world)
    for user in (world.lead_admin, world.lead_member, world.partner_admin):
        html = proposal_page(world, user)
        assert 'data-testid="proposal-result"' in html
        assert "Your proposal was selected for funding." in html
        assert "Excelente piloto." in html
        assert 'data-testid="result-scores"' in html
        assert "4.50 / 5" in html  # mean of 4 and 5 on the first criterion
        assert "Evaluadora" not in html
        assert "Secreto" not in html
    listing = login(world.lead_admin).get("/challenges/proposals/").content.decode()
    assert "Polines inteligentes" in listing
    from challenges.workflows import PROPOSAL

    world.first.refresh_from_db()
    assert str(PROPOSAL.state_label(world.first)) in listing


def test_scores_stay_hidden_when_the_call_does_not_show_them(world) -> None:
    decide_all(world)
    publish(world)
    html = proposal_page(world, world.lead_admin)
    assert "Excelente piloto." in html
    assert 'data-testid="result-scores"' not in html


def test_criterion_means_skip_not_applicable_and_unsubmitted_reviews(world) -> None:
    from challenges.selectors.decisions import criterion_means

    first, second = criterion_means(world.first)
    assert (first.mean, first.scored) == (Decimal("4.50"), 2)
    assert (second.mean, second.scored) == (None, 0)


# --- API -----------------------------------------------------------------------------------------


def token_for(organization, scopes=("proposals:read",)) -> str:
    partner = PartnerClientFactory(organization=organization, allowed_scopes=list(scopes))
    response = request_token(Client(), partner, " ".join(scopes))
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def test_api_shows_the_decision_only_after_publication(world, max_queries) -> None:
    client = Client(**bearer(token_for(world.first.lead_organization)))
    decide_all(world)
    before = client.get(f"{API}{world.first.pk}/").json()
    assert before["decision"] is None
    assert before["status"] == "submitted"
    assert "Excelente" not in str(before)
    publish(world)
    after = client.get(f"{API}{world.first.pk}/").json()
    assert after["status"] == "awarded"
    assert after["decision"]["outcome"] == "award"
    assert after["decision"]["feedback"] == "Excelente piloto."
    assert after["decision"]["published_at"].endswith("-05:00")
    for _ in range(4):  # more decided rows, same queries
        ProposalFactory(call=world.call, lead_organization=world.first.lead_organization)
    response = max_queries(10, client.get, API, expect=["Excelente piloto."])
    rows = {r["id"]: r for r in response.json()["results"]}
    assert rows[world.first.pk]["decision"]["outcome"] == "award"


def test_api_schema_documents_the_decision(client) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    if schema.status_code != 200:
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    assert "ProposalDecision" in text
    assert "published_at" in text


# --- Coordinator page ----------------------------------------------------------------------------


def page_url(world: World) -> str:
    return f"/staff/challenges/calls/{world.call.pk}/decisions/"


EXPECTED = {
    "evaluation_coordinator": 200,
    "call_manager": 200,
    "auditor": 200,
    "staff_no_role": 403,
    "evaluator": 404,  # not staff: the staff area does not exist for them
    "applicant": 404,
    "visitor": 302,
}


def person(world: World, role: str) -> User | None:
    if role == "visitor":
        return None
    if role == "evaluation_coordinator":
        return world.coordinator
    if role == "staff_no_role":
        return UserFactory(is_staff=True, totp=True)
    if role == "evaluator":
        return world.evaluator
    if role == "applicant":
        return world.lead_admin
    return UserFactory(is_staff=True, totp=True, roles=[role])


@pytest.mark.parametrize("role", list(EXPECTED))
def test_permission_matrix_of_the_decisions_page(world, role) -> None:
    client = login(person(world, role))
    response = client.get(page_url(world))
    assert response.status_code == EXPECTED[role]
    if response.status_code == 200:
        html = response.content.decode()
        assert "Polines inteligentes" in html
        forms = 'data-testid="decision-form"' in html
        assert forms == (role == "evaluation_coordinator")
    post = client.post(
        f"{page_url(world)}{world.first.pk}/",
        {f"p{world.first.pk}-outcome": "award", f"p{world.first.pk}-feedback": "Sí."},
    )
    publish_post = client.post(f"{page_url(world)}publish/", {"rationale": "x"})
    if role == "evaluation_coordinator":
        assert post.status_code == 302
        assert Decision.objects.get(proposal=world.first).feedback == "Sí."
        assert publish_post.status_code == 200  # refused on the form: the second is undecided
        assert "No decision yet: CMSP-2025-0002" in publish_post.content.decode()
        assert not DecisionBatch.objects.exists()
    else:
        assert post.status_code == (EXPECTED[role] if EXPECTED[role] != 200 else 403)
        assert publish_post.status_code == post.status_code
        assert not Decision.objects.exists()


def test_coordinator_page_prefills_the_draft_and_shows_pending(world) -> None:
    client = login(world.coordinator)
    html = client.get(page_url(world)).content.decode()
    assert "- Evaluator 1: Buen impacto 1." in html
    assert html.index("Fajas autónomas") < html.index("Polines inteligentes")  # rank order
    assert 'data-testid="undecided-badge"' in html
    assert "No decision yet: CMSP-2025-0001" in html  # itemized, before publishing
    decide_all(world)
    html = client.get(page_url(world)).content.decode()
    assert html.count('data-testid="pending-badge"') == 2
    assert 'data-confirm="' in html


def test_coordinator_publishes_from_the_page_and_then_reads_the_batch(world) -> None:
    decide_all(world)
    client = login(world.coordinator)
    invalid = client.post(f"{page_url(world)}publish/", {"rationale": ""})
    assert invalid.status_code == 200
    assert not DecisionBatch.objects.exists()
    response = client.post(f"{page_url(world)}publish/", {"rationale": "Por ranking."})
    assert response.status_code == 302
    batch = DecisionBatch.objects.get()
    html = client.get(page_url(world)).content.decode()
    assert batch.sha256 in html
    assert "Por ranking." in html
    assert 'data-testid="decision-form"' not in html
    assert 'data-testid="publish-form"' not in html


def test_publish_errors_show_on_the_form(world) -> None:
    decide_all(world, first="award", second="award")
    response = login(world.coordinator).post(f"{page_url(world)}publish/", {"rationale": "x"})
    assert response.status_code == 200
    assert "2 proposals are awarded but the call allows at most 1." in response.content.decode()


def test_decisions_page_query_count_is_constant(world, max_queries, monkeypatch) -> None:
    monkeypatch.undo()  # the real ranking (challenges.selectors.ranking)
    client = login(world.coordinator)
    decide_all(world)
    max_queries(30, client.get, page_url(world), expect=["Polines inteligentes"])
    _, few = _count(client, page_url(world))
    for n in range(8):
        proposal = ProposalFactory(
            call=world.call,
            status=Proposal.Status.SUBMITTED,
            reference=f"CMSP-2025-01{n:02d}",
        )
        review = ReviewFactory(
            assignment=AssignmentFactory(
                proposal=proposal, call=world.call, status=Assignment.Status.SUBMITTED
            )
        )
        CriterionScore.objects.create(
            review=review, criterion=world.call.criteria.first(), score=3, comment="ok"
        )
    response, many = _count(client, page_url(world))
    assert many == few
    assert response.content.decode().count('data-testid="decision-row"') == 10


def _count(client: Client, url: str) -> tuple[object, int]:
    from tests.queries import run_counted

    return run_counted(40, client.get, url)


def test_publish_records_the_real_ranking_as_it_stood(world, monkeypatch) -> None:
    """With challenges.selectors.ranking itself (not the fake): the batch holds its JSON, the
    board's positions are its ranks, and the SHA-256 verifies."""
    monkeypatch.undo()
    from challenges.selectors.decisions import ranking_positions
    from challenges.selectors.ranking import call_ranking

    world.call.refresh_from_db()
    expected = services._json(call_ranking(world.call).as_dict())
    positions = ranking_positions(world.call)
    assert positions[world.first.pk].rank == 1  # the only proposal with submitted reviews
    assert positions[world.first.pk].reviews == 2
    decide_all(world)
    with translation.override("en"):
        batch = publish(world)
    assert batch.ranking == expected
    assert next(r["proposal_id"] for r in batch.ranking["rows"]) == world.first.pk
    assert services.batch_verifies(DecisionBatch.objects.get(pk=batch.pk))
