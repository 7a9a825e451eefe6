"""The evaluator's side (issue 10): own assignments only (404 otherwise), the declaration of
conflicts before anything but the title, scoring per criterion with a weighted total, submit
with validation, edits until the evaluation ends, and other reviews only after one's own."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from challenges.models import Assignment, CriterionScore, Review
from challenges.services import evaluation as services
from challenges.services.evaluation import ScoreInput
from notifications.audiences import resolve_audience
from notifications.models import NotificationBroadcast
from tests.challenges.factories import AssignmentFactory, EvaluatorFactory
from tests.members.factories import UserFactory

from .evaluator_world import coordinator_user, login, make_world


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _urls(assignment: Assignment) -> list[str]:
    kwargs = {"assignment_id": assignment.pk}
    return [
        reverse("challenges:evaluation_proposal", kwargs=kwargs),
        reverse("challenges:evaluation_declare", kwargs=kwargs),
        reverse("challenges:evaluation_review", kwargs=kwargs),
        reverse("challenges:evaluation_file", kwargs={**kwargs, "number": 1}),
    ]


def _complete(world, a: str = "4", b: str = "3") -> dict[str, str]:
    first, second = world.criteria
    return {
        f"score_{first.pk}": a,
        f"comment_{first.pk}": "Buen encaje con el reto.",
        f"score_{second.pk}": b,
        f"comment_{second.pk}": "Equipo suficiente.",
        "confidence": "3",
        "comment": "Propuesta sólida.",
    }


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_evaluator_cannot_open_someone_elses_assignment():
    world = make_world()
    AssignmentFactory(
        proposal=world.proposal, call=world.call, status=Assignment.Status.ACCEPTED
    )  # another evaluator's, in review
    intruder = EvaluatorFactory()
    client = login(intruder.user)
    for url in _urls(world.assignment):
        assert client.get(url).status_code == 404, url
    # Not even staff of other areas, or the applicant.
    for person in (world.lead_admin, UserFactory(is_staff=True, totp=True, roles=["auditor"])):
        for url in _urls(world.assignment):
            assert login(person).get(url).status_code == 404, url
    assert login(None).get(_urls(world.assignment)[0]).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Assignment.Status.CONFLICT, Assignment.Status.REMOVED])
def test_ended_assignment_is_a_404(status):
    world = make_world()
    Assignment.objects.filter(pk=world.assignment.pk).update(status=status)
    client = login(world.evaluator.user)
    for url in _urls(world.assignment):
        assert client.get(url).status_code == 404, url
    queue = client.get(reverse("challenges:evaluation_list")).content.decode()
    assert world.proposal.title not in queue


@pytest.mark.django_db
def test_pending_assignment_shows_only_the_title_until_the_declaration():
    world = make_world()
    client = login(world.evaluator.user)
    proposal_url, declare_url, review_url, file_url = _urls(world.assignment)
    assert client.get(proposal_url)["Location"] == declare_url
    assert client.get(review_url)["Location"] == declare_url
    assert client.get(file_url).status_code == 404
    page = client.get(declare_url).content.decode()
    assert world.proposal.title in page
    assert world.proposal.technical_approach not in page
    assert world.proposal.summary not in page


# --- Declarations -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_declaring_no_conflict_opens_the_proposal():
    world = make_world()
    client = login(world.evaluator.user)
    declare_url = _urls(world.assignment)[1]
    response = client.post(declare_url, {"declaration": "none"})
    assert response.status_code == 302
    world.assignment.refresh_from_db()
    assert world.assignment.status == Assignment.Status.ACCEPTED
    assert world.assignment.declared_at is not None
    page = client.get(response["Location"]).content.decode()
    assert world.proposal.technical_approach in page
    assert LogEntry.objects.filter(
        additional_data__decision="assignment.declare_no_conflict"
    ).exists()


@pytest.mark.django_db
def test_declaring_a_conflict_ends_the_assignment_and_tells_the_coordinators():
    world = make_world()
    client = login(world.evaluator.user)
    declare_url = _urls(world.assignment)[1]
    refused = client.post(declare_url, {"declaration": "conflict"})  # no type
    assert refused.status_code == 400
    response = client.post(
        declare_url,
        {"declaration": "conflict", "conflict_type": "commercial", "note": "Les vendo sensores."},
    )
    assert response["Location"] == reverse("challenges:evaluation_list")
    world.assignment.refresh_from_db()
    assert world.assignment.status == Assignment.Status.CONFLICT
    assert world.assignment.conflict_type == "commercial"
    assert world.assignment.conflict_note == "Les vendo sensores."
    broadcast = NotificationBroadcast.objects.get(event="challenges.assignment_conflict_declared")
    assert broadcast.audience == "challenges.evaluation_coordinators"
    assert broadcast.context["reference"] == "CMSP-2026-0999"
    assert broadcast.url == f"/staff/challenges/calls/{world.call.pk}/assignments/"
    audience = list(resolve_audience(broadcast.audience, broadcast.audience_params))
    assert world.coordinator in audience
    assert world.evaluator.user not in audience
    # The proposal stays closed to them.
    assert client.get(_urls(world.assignment)[0]).status_code == 404


@pytest.mark.django_db
def test_coordinators_audience_falls_back_to_administrators():
    admin = UserFactory(is_staff=True, totp=True, roles=["administrator"])
    assert list(resolve_audience("challenges.evaluation_coordinators", {})) == [admin]
    coordinator = coordinator_user()
    assert list(resolve_audience("challenges.evaluation_coordinators", {})) == [coordinator]


@pytest.mark.django_db
def test_only_the_assigned_evaluator_declares():
    world = make_world()
    with pytest.raises(PermissionDenied):
        services.assignment_declare_no_conflict(
            actor=world.coordinator, assignment=world.assignment
        )
    world.assignment.refresh_from_db()
    assert world.assignment.status == Assignment.Status.PENDING


# --- Scoring ----------------------------------------------------------------------------------


def _accepted(world) -> None:
    services.assignment_declare_no_conflict(actor=world.evaluator.user, assignment=world.assignment)
    world.assignment.refresh_from_db()


def test_weighted_total_on_the_calls_scale_without_database():
    class C:
        def __init__(self, pk, weight, low=0, high=5):
            self.pk, self.weight, self.scale_min, self.scale_max = pk, weight, low, high

    criteria = [C(1, 60), C(2, 40)]
    # 60 % x 4/5 + 40 % x 3/5 = 0.72 of the scale -> 3.60 on 0-5.
    total = services.weighted_total(
        criteria, {1: ScoreInput(Decimal(4)), 2: ScoreInput(Decimal(3))}
    )
    assert total == Decimal("3.60")
    # Not applicable drops out: only criterion 1 counts -> 4.00.
    assert services.weighted_total(
        criteria, {1: ScoreInput(Decimal(4)), 2: ScoreInput(None, True)}
    ) == Decimal("4.00")
    assert services.weighted_total(criteria, {2: ScoreInput(None, True)}) is None


@pytest.mark.django_db
def test_draft_submit_and_edit_through_the_page():
    world = make_world()
    _accepted(world)
    client = login(world.evaluator.user)
    review_url = _urls(world.assignment)[2]
    first, second = world.criteria
    page = client.get(review_url).content.decode()
    assert "review-total.js" in page
    assert f'data-weight="{first.weight}"' in page
    # A partial draft is fine.
    response = client.post(review_url, {f"score_{first.pk}": "4", "save": "1"})
    assert response.status_code == 302
    review = Review.objects.get(assignment=world.assignment)
    assert review.submitted_at is None
    assert CriterionScore.objects.get(review=review, criterion=first).score == Decimal("4")
    # Submitting incomplete is refused, on the field.
    refused = client.post(review_url, {f"score_{first.pk}": "4", "submit": "1"})
    assert refused.status_code == 400
    assert "Score this criterion or mark it not applicable." in refused.content.decode()
    world.assignment.refresh_from_db()
    assert world.assignment.status == Assignment.Status.ACCEPTED
    # Out of the scale is refused.
    out = client.post(review_url, {**_complete(world, a="7"), "submit": "1"})
    assert out.status_code == 400
    assert "Give a score from 0 to 5." in out.content.decode()
    # Complete: submitted.
    ok = client.post(review_url, {**_complete(world), "submit": "1"})
    assert ok.status_code == 302
    world.assignment.refresh_from_db()
    review.refresh_from_db()
    assert world.assignment.status == Assignment.Status.SUBMITTED
    assert review.submitted_at is not None
    assert review.confidence == 3
    assert services.review_total(review, world.criteria) == Decimal("3.60")
    assert "Weighted total: 3.60" in client.get(review_url).content.decode()
    # Edited after submitting, still complete; N/A allowed.
    edit = {**_complete(world), f"score_{second.pk}": "", f"na_{second.pk}": "on", "save": "1"}
    assert client.post(review_url, edit).status_code == 302
    assert services.review_total(review, world.criteria) == Decimal("4.00")
    assert LogEntry.objects.filter(additional_data__decision="review.submit").count() == 1
    assert LogEntry.objects.filter(additional_data__decision="review.edit").count() == 1


@pytest.mark.django_db
def test_no_change_after_the_evaluation_ends():
    world = make_world()
    _accepted(world)
    scores = {c.pk: ScoreInput(Decimal(3)) for c in world.criteria}
    services.review_save(
        actor=world.evaluator.user,
        assignment=world.assignment,
        scores=scores,
        confidence=2,
        comment="",
        submit=True,
    )
    after = world.call.evaluation_ends_at + datetime.timedelta(minutes=1)
    with time_machine.travel(after, tick=False):
        with pytest.raises(ValidationError):
            services.review_save(
                actor=world.evaluator.user,
                assignment=world.assignment,
                scores={c.pk: ScoreInput(Decimal(5)) for c in world.criteria},
                confidence=3,
                comment="Cambio tardío",
            )
        client = login(world.evaluator.user)
        url = _urls(world.assignment)[2]
        page = client.get(url).content.decode()
        assert 'data-testid="phase-closed"' in page
        assert 'name="submit"' not in page
        response = client.post(url, {**_complete(world, a="5", b="5"), "submit": "1"})
        assert response.status_code == 302
    review = Review.objects.get(assignment=world.assignment)
    assert review.comment == ""
    assert {s.score for s in review.scores.all()} == {Decimal(3)}


@pytest.mark.django_db
def test_someone_else_cannot_save_the_review():
    world = make_world()
    _accepted(world)
    with pytest.raises(PermissionDenied):
        services.review_save(
            actor=world.coordinator,
            assignment=world.assignment,
            scores={},
            confidence=None,
            comment="",
        )
    assert not Review.objects.exists()


# --- Other reviews ----------------------------------------------------------------------------


def _other_submitted(world) -> Review:
    other = AssignmentFactory(
        proposal=world.proposal, call=world.call, status=Assignment.Status.ACCEPTED
    )
    services.review_save(
        actor=other.evaluator.user,
        assignment=other,
        scores={
            c.pk: ScoreInput(Decimal(1), comment="Comentario ajeno X1") for c in world.criteria
        },
        confidence=1,
        comment="Opinión del otro evaluador Z9",
        submit=True,
    )
    return Review.objects.get(assignment=other)


@pytest.mark.django_db
def test_other_reviews_only_after_submitting_ones_own():
    world = make_world(reviews_visible="after_own")
    _other_submitted(world)
    _accepted(world)
    client = login(world.evaluator.user)
    url = _urls(world.assignment)[2]
    before = client.get(url).content.decode()
    assert "Opinión del otro evaluador Z9" not in before
    assert "Comentario ajeno X1" not in before
    assert "1.00" not in before
    client.post(url, {**_complete(world), "submit": "1"})
    after = client.get(url).content.decode()
    assert "Opinión del otro evaluador Z9" in after
    assert "Comentario ajeno X1" in after
    assert 'data-testid="other-review"' in after
    assert other_names_absent(after, world)


def other_names_absent(page: str, world) -> bool:
    """Other evaluators are numbered, never named."""
    return all(
        a.evaluator.user.full_name not in page
        for a in Assignment.objects.filter(proposal=world.proposal).exclude(pk=world.assignment.pk)
    )


@pytest.mark.django_db
def test_other_reviews_never_when_the_call_says_never():
    world = make_world(reviews_visible="never")
    _other_submitted(world)
    _accepted(world)
    client = login(world.evaluator.user)
    url = _urls(world.assignment)[2]
    client.post(url, {**_complete(world), "submit": "1"})
    world.assignment.refresh_from_db()
    assert world.assignment.status == Assignment.Status.SUBMITTED
    assert "Opinión del otro evaluador Z9" not in client.get(url).content.decode()


# --- My evaluations ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_evaluations_lists_own_active_assignments_with_bounded_queries(max_queries):
    world = make_world()
    evaluator = world.evaluator
    for _ in range(5):
        AssignmentFactory(evaluator=evaluator, due_at=timezone.now() + datetime.timedelta(days=3))
    ended = AssignmentFactory(evaluator=evaluator, status=Assignment.Status.REMOVED)
    someone_else = AssignmentFactory()
    client = login(evaluator.user)
    response = max_queries(
        8,
        client.get,
        reverse("challenges:evaluation_list"),
        expect=[world.proposal.title, world.call.title, 'data-testid="evaluation-row"'],
    )
    page = response.content.decode()
    assert page.count('data-testid="evaluation-row"') == 6
    assert ended.proposal.title not in page
    assert someone_else.proposal.title not in page
    assert "in 4" in page or "in 5" in page or "days" in page  # the countdown
