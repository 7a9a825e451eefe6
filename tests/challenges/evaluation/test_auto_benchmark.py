"""The issue's benchmark at service level: ``assignments_auto`` (conflict detection, affinity,
the networkx solver, writing the assignments, the audit record and one notification per
evaluator) on a call with 500 submitted proposals and a pool of 60 evaluators, k = 3. The pure
solver alone is measured in test_solver.py. Prints the time; fails above 30 s."""

from __future__ import annotations

import time

import pytest

from challenges.models import Assignment, Evaluator, Proposal
from challenges.services.assignments import assignments_auto
from members.models import Capability, Organization
from notifications.models import Notification
from tests.challenges.factories import CallFactory, ChallengeFactory
from tests.members.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

PROPOSALS, EVALUATORS, K = 500, 60, 3


def test_assignments_auto_500_proposals_60_evaluators_k3(capsys):
    coordinator = UserFactory(is_staff=True, totp=True, roles=["evaluation_coordinator"])
    call = CallFactory(status="in_evaluation", reviews_per_proposal=K)
    topics = [
        Capability.objects.create(
            dimension=Capability.Dimension.VALUE_CHAIN,
            slug=f"b-{i}",
            name_es=f"T{i}",
            name_en=f"T{i}",
        )
        for i in range(10)
    ]
    challenges = [ChallengeFactory() for _ in range(5)]
    for i, challenge in enumerate(challenges):
        challenge.value_chain_stages.add(topics[i], topics[i + 5])
    leads = Organization.objects.bulk_create(OrganizationFactory.build_batch(PROPOSALS))
    Proposal.objects.bulk_create(
        Proposal(
            call=call,
            lead_organization=lead,
            challenge=challenges[n % 5],
            status=Proposal.Status.SUBMITTED,
            title=f"Propuesta {n}",
        )
        for n, lead in enumerate(leads)
    )
    pool = []
    for n in range(EVALUATORS):
        user = UserFactory(email=f"e{n}@experta{n}.pe")
        if n % 6 == 0:  # some work for a lead: conflicts to avoid
            leads[n].memberships.create(user=user, role="member")
        pool.append(Evaluator(user=user, sector="industry" if n % 2 else "academia", max_load=30))
    pool = Evaluator.objects.bulk_create(pool)
    for n, evaluator in enumerate(pool):
        evaluator.expertise.add(topics[n % 10])

    started = time.perf_counter()
    outcome = assignments_auto(actor=coordinator, call=call)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\nassignments_auto: {PROPOSALS} proposals x {EVALUATORS} evaluators, k={K}: "
            f"{elapsed:.2f} s (solver {outcome.result.seconds:.2f} s)"
        )
    assert outcome.feasible, outcome.result.reasons
    assert len(outcome.created) == PROPOSALS * K
    assert Assignment.objects.filter(call=call).count() == PROPOSALS * K
    assert Notification.objects.filter(recipient__evaluator_profile__isnull=False).count() == 60
    assert elapsed < 30
