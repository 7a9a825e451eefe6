"""Assignments: by hand (overrides for flagged pairs, loads, states), automatically for a call
(solver, kept assignments, mix, infeasibility, batched notifications), removal and reassignment,
reminders (each once), and the coordinator's page (permissions, forms, query counts)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from challenges.models import (
    Assignment,
    AssignmentReminder,
    Call,
    ConflictOverride,
    Evaluator,
    Proposal,
    RedactedText,
)
from challenges.services.assignments import (
    assignment_create,
    assignment_reminders_send,
    assignment_remove,
    assignments_auto,
    evaluation_settings_update,
)
from members.models import Capability
from notifications.models import Notification
from tests.challenges.factories import ChallengeFactory, ProposalFactory
from tests.members.factories import OrganizationFactory, UserFactory

from .assignment_world import evaluator, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(db):
    return UserFactory(is_staff=True, totp=True, roles=["evaluation_coordinator"])


def audited(action: str) -> int:
    return LogEntry.objects.filter(additional_data__decision=action).count()


# --- By hand ---------------------------------------------------------------------------------


def test_manual_assignment_notifies_with_the_title_only(coordinator):
    world = make_world(blind_review=True)
    expert = evaluator()
    RedactedText.objects.create(proposal=world.proposal, field="title", text="Propuesta A")
    assignment = assignment_create(actor=coordinator, proposal=world.proposal, evaluator=expert)
    assert assignment.status == Assignment.Status.PENDING
    assert assignment.method == Assignment.Method.MANUAL
    assert assignment.due_at == world.call.evaluation_ends_at
    assert audited("evaluation.assign") == 1
    note = Notification.objects.get(recipient=expert.user)
    text = note.title + note.body
    assert "Propuesta A" in text
    for identity in ("Polines inteligentes", "AndesTech", "Andes Sensores", "UNSUR", "Ana"):
        assert identity not in text


def test_only_coordinators_assign(staff_user, auditor):
    world = make_world()
    expert = evaluator()
    for actor in (
        auditor,
        world.lead_admin,
        UserFactory(is_staff=True, totp=True, roles=["call_manager"]),
    ):
        with pytest.raises(PermissionDenied):
            assignment_create(actor=actor, proposal=world.proposal, evaluator=expert)
    assert not Assignment.objects.exists()
    assignment_create(actor=staff_user, proposal=world.proposal, evaluator=expert)  # administrator


def test_flagged_pair_needs_a_written_override_kept_and_audited(coordinator):
    world = make_world()
    insider = evaluator(organization=world.lead, email="in@gmail.com")
    with pytest.raises(ValidationError) as refused:
        assignment_create(actor=coordinator, proposal=world.proposal, evaluator=insider)
    assert "works for AndesTech" in str(refused.value)
    assert not Assignment.objects.exists()
    assignment = assignment_create(
        actor=coordinator,
        proposal=world.proposal,
        evaluator=insider,
        override_reason="Única especialista; no participa en el proyecto.",
    )
    override = ConflictOverride.objects.get()
    assert assignment.override == override
    assert override.flags[0]["code"] == "same_organization"
    assert override.decided_by == coordinator
    assert audited("evaluation.conflict_override") == 1


def test_refusals_load_state_and_duplicates(coordinator):
    world = make_world()
    busy = evaluator(max_load=1)
    assignment_create(actor=coordinator, proposal=world.proposal, evaluator=busy)
    with pytest.raises(ValidationError, match="already has this proposal"):
        assignment_create(actor=coordinator, proposal=world.proposal, evaluator=busy)
    with pytest.raises(ValidationError, match="the most"):
        assignment_create(actor=coordinator, proposal=world.other, evaluator=busy)
    inactive = evaluator()
    inactive.is_active = False
    inactive.save()
    with pytest.raises(ValidationError, match="no longer in the pool"):
        assignment_create(actor=coordinator, proposal=world.other, evaluator=inactive)
    draft = ProposalFactory(call=world.call)
    with pytest.raises(ValidationError, match="submitted"):
        assignment_create(actor=coordinator, proposal=draft, evaluator=evaluator())
    Call.objects.filter(pk=world.call.pk).update(status=Call.Status.OPEN)
    with pytest.raises(ValidationError, match="closed"):
        assignment_create(actor=coordinator, proposal=world.other, evaluator=evaluator())
    assert Assignment.objects.count() == 1


def test_remove_then_reassign_and_declared_conflict_is_final(coordinator):
    world = make_world()
    expert = evaluator()
    assignment = assignment_create(actor=coordinator, proposal=world.proposal, evaluator=expert)
    assignment_remove(actor=coordinator, assignment=assignment, reason="Cambio de plan")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.REMOVED
    assert audited("evaluation.unassign") == 1
    again = assignment_create(actor=coordinator, proposal=world.proposal, evaluator=expert)
    assert again.pk == assignment.pk
    assert again.status == Assignment.Status.PENDING
    Assignment.objects.filter(pk=again.pk).update(status=Assignment.Status.CONFLICT)
    with pytest.raises(ValidationError, match="declared a conflict"):
        assignment_create(actor=coordinator, proposal=world.proposal, evaluator=expert)
    replacement = assignment_create(
        actor=coordinator, proposal=world.proposal, evaluator=evaluator()
    )
    assert replacement.status == Assignment.Status.PENDING


# --- Automatically ---------------------------------------------------------------------------


def test_auto_assigns_k_per_proposal_by_affinity_and_keeps_existing(coordinator):
    stage = Capability.objects.create(
        dimension=Capability.Dimension.VALUE_CHAIN,
        slug="t-chancado",
        name_es="Chancado",
        name_en="Crushing",
    )
    challenge = ChallengeFactory()
    challenge.value_chain_stages.add(stage)
    world = make_world(reviews_per_proposal=2)
    Proposal.objects.filter(call=world.call).update(challenge=challenge)
    kept = evaluator(name="Kept")
    assignment_create(actor=coordinator, proposal=world.proposal, evaluator=kept)
    expert = evaluator(name="Experta en chancado", expertise=[stage])
    plain = [evaluator() for _ in range(2)]
    insider = evaluator(organization=world.lead, email="in@gmail.com", expertise=[stage])
    outcome = assignments_auto(actor=coordinator, call=world.call)
    assert outcome.feasible, outcome.result.reasons
    assert outcome.kept == 1
    active = Assignment.objects.filter(call=world.call, status="pending")
    for proposal in (world.proposal, world.other):
        assert active.filter(proposal=proposal).count() == 2
    # Conflicted with the first proposal (not overridden); free for the other one.
    assert not active.filter(evaluator=insider, proposal=world.proposal).exists()
    new = active.filter(method=Assignment.Method.AUTOMATIC)
    assert new.count() == 3
    best = new.get(evaluator=expert, proposal=world.other)  # both proposals want the expert
    assert best.affinity == 1
    assert {"code": "expertise", "detail": "Crushing"} in best.rationale
    assert any(r["code"] == "load" for r in best.rationale)
    assert audited("evaluation.assign_auto") == 1
    # One notification per evaluator, however many proposals.
    assert Notification.objects.filter(recipient=expert.user).count() == 1
    assert "2" in Notification.objects.get(recipient=expert.user).title
    assert all(e.pk for e in plain)
    # Running it again changes nothing.
    again = assignments_auto(actor=coordinator, call=world.call)
    assert again.feasible
    assert again.created == []
    assert Assignment.objects.filter(call=world.call).count() == 4


def test_auto_uses_overridden_pairs_and_never_removed_ones(coordinator):
    world = make_world(reviews_per_proposal=1)
    insider = evaluator(organization=world.lead, email="in@gmail.com")
    override = ConflictOverride.objects.create(
        proposal=world.proposal, evaluator=insider, flags=[], reason="Autorizado"
    )
    outsider = evaluator()
    removed = assignment_create(actor=coordinator, proposal=world.proposal, evaluator=outsider)
    assignment_remove(actor=coordinator, assignment=removed)
    outcome = assignments_auto(actor=coordinator, call=world.call)
    assert outcome.feasible, outcome.result.reasons
    created = {(a.evaluator_id, a.proposal_id): a for a in outcome.created}
    assert set(created) == {(insider.pk, world.proposal.pk), (outsider.pk, world.other.pk)}
    overridden = created[(insider.pk, world.proposal.pk)]
    assert overridden.override == override
    assert {"code": "override", "detail": "Autorizado"} in overridden.rationale
    removed.refresh_from_db()
    assert removed.status == Assignment.Status.REMOVED
    assert ConflictOverride.objects.filter(pk=override.pk).exists()


def test_auto_with_sector_mix(coordinator):
    world = make_world(reviews_per_proposal=2, require_sector_mix=True)
    evaluator(sector=Evaluator.Sector.INDUSTRY)
    evaluator(sector=Evaluator.Sector.INDEPENDENT)
    outcome = assignments_auto(actor=coordinator, call=world.call)
    assert not outcome.feasible
    assert any("academia" in r for r in outcome.result.reasons)
    assert not Assignment.objects.exists()
    assert not Notification.objects.exists()
    evaluator(sector=Evaluator.Sector.ACADEMIA)
    outcome = assignments_auto(actor=coordinator, call=world.call)
    assert outcome.feasible
    for proposal in (world.proposal, world.other):
        sectors = set(
            Assignment.objects.filter(proposal=proposal).values_list("evaluator__sector", flat=True)
        )
        assert sectors == {"industry", "academia"}


def test_auto_reports_too_few_evaluators(coordinator):
    world = make_world(reviews_per_proposal=3)
    evaluator()
    evaluator()
    outcome = assignments_auto(actor=coordinator, call=world.call)
    assert not outcome.feasible
    assert any(
        "CMSP-2026-0001 · Polines inteligentes has only 2" in r for r in outcome.result.reasons
    )


def test_settings_update_is_audited_and_coordinator_only(coordinator, auditor):
    world = make_world()
    with pytest.raises(PermissionDenied):
        evaluation_settings_update(actor=auditor, call=world.call, data={"blind_review": True})
    evaluation_settings_update(
        actor=coordinator, call=world.call, data={"blind_review": True, "reviews_per_proposal": 2}
    )
    world.call.refresh_from_db()
    assert world.call.blind_review is True
    assert world.call.reviews_per_proposal == 2
    assert audited("evaluation.settings") == 1


# --- Reminders -------------------------------------------------------------------------------


def test_reminders_three_days_then_one_day_each_once(coordinator):
    world = make_world()
    expert = evaluator()
    due = timezone.now() + datetime.timedelta(days=10)
    assignment_create(actor=coordinator, proposal=world.proposal, evaluator=expert, due_at=due)
    done = assignment_create(
        actor=coordinator, proposal=world.other, evaluator=evaluator(), due_at=due
    )
    Assignment.objects.filter(pk=done.pk).update(status=Assignment.Status.SUBMITTED)
    Notification.objects.all().delete()
    assert assignment_reminders_send() == 0
    with time_machine.travel(due - datetime.timedelta(days=2, hours=12)):
        assert assignment_reminders_send() == 1
        assert assignment_reminders_send() == 0
    with time_machine.travel(due - datetime.timedelta(hours=20)):
        assert assignment_reminders_send() == 1
        assert assignment_reminders_send() == 0
    assert sorted(AssignmentReminder.objects.values_list("days_before", flat=True)) == [1, 3]
    notes = Notification.objects.filter(recipient=expert.user)
    assert notes.count() == 2
    assert "Polines inteligentes" in notes.first().title
    with time_machine.travel(due + datetime.timedelta(hours=1)):
        assert assignment_reminders_send() == 0


def test_reminder_task_is_scheduled():
    from cluster_portal.celery import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert "challenges.tasks.send_assignment_reminders" in tasks


# --- The coordinator's page ------------------------------------------------------------------


def page_url(call) -> str:
    return reverse("challenges_staff:call_assignments", kwargs={"call_id": call.pk})


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("member", 404),
        ("evaluator", 404),
        ("staff_no_role", 403),
        ("auditor", 200),
        ("call_manager", 200),
        ("evaluation_coordinator", 200),
    ],
)
def test_page_permission_matrix(role, status):
    world = make_world()
    expert = evaluator()
    users = {
        "visitor": None,
        "member": world.lead_admin,
        "evaluator": expert.user,
        "staff_no_role": UserFactory(is_staff=True, totp=True),
    }
    user = users[role] if role in users else UserFactory(is_staff=True, totp=True, roles=[role])
    response = login(user).get(page_url(world.call))
    assert response.status_code == status
    if status == 200:
        assert "Polines inteligentes" in response.content.decode()


@pytest.mark.parametrize("role", ["auditor", "call_manager"])
def test_readers_cannot_act(role):
    world = make_world()
    expert = evaluator()
    client = login(UserFactory(is_staff=True, totp=True, roles=[role]))
    url = reverse("challenges_staff:call_assignments_auto", kwargs={"call_id": world.call.pk})
    assert client.post(url).status_code == 403
    url = reverse("challenges_staff:call_assignment_create", kwargs={"call_id": world.call.pk})
    response = client.post(url, {"proposal": world.proposal.pk, "evaluator": expert.pk})
    assert response.status_code == 403
    assert not Assignment.objects.exists()
    assert "Assign automatically" not in client.get(page_url(world.call)).content.decode()


def test_page_shows_flags_and_assigns_by_hand_with_override(coordinator):
    world = make_world()
    insider = evaluator(organization=world.lead, email="in@gmail.com", name="Irene Interna")
    client = login(coordinator)
    body = client.get(page_url(world.call)).content.decode()
    assert "Irene Interna" in body
    assert "The evaluator works for AndesTech, the lead organization." in body
    url = reverse("challenges_staff:call_assignment_create", kwargs={"call_id": world.call.pk})
    response = client.post(url, {"proposal": world.proposal.pk, "evaluator": insider.pk})
    assert response.status_code == 200
    assert "Write why" in response.content.decode()
    assert not Assignment.objects.exists()
    response = client.post(
        url,
        {
            "proposal": world.proposal.pk,
            "evaluator": insider.pk,
            "override_reason": "Única especialista disponible.",
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.override.reason == "Única especialista disponible."
    body = client.get(page_url(world.call)).content.decode()
    assert "Única especialista disponible." in body


def test_page_runs_the_solver_and_shows_the_result(coordinator):
    world = make_world(reviews_per_proposal=1)
    evaluator(name="Experta Uno")
    client = login(coordinator)
    url = reverse("challenges_staff:call_assignments_auto", kwargs={"call_id": world.call.pk})
    response = client.post(url, follow=True)
    assert Assignment.objects.filter(method="automatic").count() == 2
    assert "2 assignments made" in response.content.decode()
    Call.objects.filter(pk=world.call.pk).update(reviews_per_proposal=3)
    response = client.post(url, follow=True)
    assert "No assignment was made" in response.content.decode()
    assert "has only 0 evaluators" in response.content.decode()
    assert Assignment.objects.count() == 2


def test_page_edits_the_call_settings(coordinator):
    world = make_world()
    url = reverse("challenges_staff:call_assignment_settings", kwargs={"call_id": world.call.pk})
    response = login(coordinator).post(
        url,
        {"reviews_per_proposal": 2, "require_sector_mix": "on", "reviews_visible": "after_own"},
    )
    assert response.status_code == 302
    world.call.refresh_from_db()
    assert (world.call.reviews_per_proposal, world.call.require_sector_mix) == (2, True)
    assert world.call.reviews_visible == "after_own"
    assert world.call.blind_review is False


def test_page_removes_an_assignment(coordinator):
    world = make_world()
    assignment = assignment_create(
        actor=coordinator, proposal=world.proposal, evaluator=evaluator()
    )
    url = reverse(
        "challenges_staff:call_assignment_remove",
        kwargs={"call_id": world.call.pk, "assignment_id": assignment.pk},
    )
    assert login(coordinator).post(url).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.REMOVED


def test_page_query_count_does_not_grow(coordinator):
    from tests.queries import run_counted

    world = make_world()
    client = login(coordinator)
    evaluator(organization=world.lead, email="flagged@gmail.com")
    assignment_create(actor=coordinator, proposal=world.other, evaluator=evaluator())
    _, small = run_counted(40, client.get, page_url(world.call), expect=["Polines inteligentes"])
    for i in range(8):
        org = OrganizationFactory()
        proposal = ProposalFactory(
            call=world.call, lead_organization=org, status="submitted", title=f"Extra {i}"
        )
        assignment_create(actor=coordinator, proposal=proposal, evaluator=evaluator())
        evaluator(organization=org, email=f"f{i}@gmail.com")  # flagged for that proposal
    _, large = run_counted(40, client.get, page_url(world.call), expect=["Extra 7"])
    assert large == small, (small, large)
    print(f"assignment page: {small} queries")
    assert small <= 26
