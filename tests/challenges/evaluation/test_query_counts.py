"""Query counts of the evaluation pages, each measured at two sizes of the same shape: the
coordinator's assignment page of a call, the evaluator pool and the evaluator's queue ("My
evaluations"). The ranking and the decisions pages have theirs in test_ranking.py and
test_decisions.py. Every kind of data each page reads is present at both sizes (expertise,
challenge topics, lead capabilities, partners, flagged pairs and overrides, email domains,
earlier joint proposals, client relationships, assignments in every state), so that no query
is skipped at one size and run at the other."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from challenges.models import Assignment, ConflictOverride, Proposal, RedactedText
from challenges.services.assignments import assignment_create
from members.models import Capability
from tests.challenges.factories import (
    AssignmentFactory,
    ChallengeFactory,
    EvaluatorFactory,
    ProposalFactory,
    ProposalPartnerFactory,
)
from tests.members.factories import OrganizationFactory, UserFactory
from tests.queries import run_counted

from .assignment_world import evaluator, make_world
from .evaluator_world import coordinator_user, login

pytestmark = pytest.mark.django_db

#: session + user + staff permissions + notifications badge, the call, proposals, their
#: assignments, the evaluators, conflict detection (parties, partners, the evaluators' emails
#: and organizations, the parties' people and websites, earlier joint proposals and their
#: partners, client relationships), overrides, loads and header counts (one query), affinity
#: (expertise, challenge topics, lead capabilities and their names: one UNION query).
ASSIGNMENT_PAGE_QUERIES = 20


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _capability(slug: str) -> Capability:
    return Capability.objects.create(
        dimension=Capability.Dimension.VALUE_CHAIN, slug=slug, name_es=slug, name_en=slug
    )


def _grow(world, coordinator, *, proposals: int, evaluators: int, tag: str) -> None:
    """``proposals`` more evaluated proposals (each with a challenge topic, a lead with a
    capability, a partner, an earlier joint proposal and a client) and ``evaluators`` more
    evaluators with expertise; each proposal gets assignments and one flagged, overridden pair."""
    stage = _capability(f"{tag}-stage")
    challenge = ChallengeFactory()
    challenge.value_chain_stages.add(stage)
    challenge.service_areas.add(_capability(f"{tag}-area"))
    pool = [evaluator(expertise=[stage], name=f"Pool {tag}{i}") for i in range(evaluators)]
    for i in range(proposals):
        lead = OrganizationFactory(website=f"https://{tag}{i}.example.org")
        lead.capabilities.add(stage)
        partner = OrganizationFactory()
        lead.reference_clients.add(partner)
        proposal = ProposalFactory(
            call=world.call,
            lead_organization=lead,
            challenge=challenge,
            status=Proposal.Status.SUBMITTED,
            title=f"Grown {tag} {i}",
        )
        ProposalPartnerFactory(proposal=proposal, organization=partner, status="confirmed")
        earlier = ProposalFactory(lead_organization=partner, status=Proposal.Status.SUBMITTED)
        ProposalPartnerFactory(proposal=earlier, organization=lead, status="confirmed")
        # An insider of the partner (same email domain as the lead's website too).
        insider = evaluator(organization=partner, email=f"x@{tag}{i}.example.org")
        assignment_create(
            actor=coordinator, proposal=proposal, evaluator=insider, override_reason="Needed."
        )
        for n, expert in enumerate(pool[:3]):
            assignment = assignment_create(actor=coordinator, proposal=proposal, evaluator=expert)
            if n == 1:
                Assignment.objects.filter(pk=assignment.pk).update(status="accepted")
            if n == 2:
                Assignment.objects.filter(pk=assignment.pk).update(status="removed")


def test_assignment_page_queries_do_not_grow_with_proposals_evaluators_or_assignments():
    coordinator = UserFactory(is_staff=True, totp=True, roles=["evaluation_coordinator"])
    world = make_world()
    client = login(coordinator)
    url = reverse("challenges_staff:call_assignments", kwargs={"call_id": world.call.pk})
    _grow(world, coordinator, proposals=1, evaluators=3, tag="a")
    _, small = run_counted(ASSIGNMENT_PAGE_QUERIES, client.get, url, expect=["Grown a 0"])
    _grow(world, coordinator, proposals=6, evaluators=8, tag="b")
    assert ConflictOverride.objects.count() == 7
    assert Assignment.objects.filter(call=world.call).count() == 7 * 4
    response, large = run_counted(
        ASSIGNMENT_PAGE_QUERIES, client.get, url, expect=["Grown b 5", "Needed.", "Pool b7"]
    )
    assert large == small == ASSIGNMENT_PAGE_QUERIES, (small, large)
    # The rows are there: the overridden pairs with their reasons, affinity from expertise.
    body = response.content.decode()
    assert body.count("Conflict overridden: Needed.") == 7
    assert "Expertise: b-stage" in body


def test_evaluator_pool_queries_do_not_grow():
    coordinator = coordinator_user()
    client = login(coordinator)
    url = reverse("challenges_staff:evaluator_list")
    counts = []
    for size in (2, 20):
        for i in range(size - Assignment.objects.values("evaluator").distinct().count()):
            row = EvaluatorFactory(user__full_name=f"Experto {size}-{i:02d}")
            row.expertise.add(_capability(f"pool-{size}-{i}"))
            AssignmentFactory(evaluator=row)
            AssignmentFactory(evaluator=row, status=Assignment.Status.SUBMITTED)
        _, count = run_counted(10, client.get, url, expect=[f"Experto {size}-00"])
        counts.append(count)
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("blind", [False, True], ids=["open", "blind"])
def test_my_evaluations_queries_do_not_grow(blind):
    expert = EvaluatorFactory(user__full_name="Experta Cola")
    client = login(expert.user)
    url = reverse("challenges:evaluation_list")
    counts = []
    for size in (1, 12):
        while Assignment.objects.filter(evaluator=expert).count() < size:
            n = Assignment.objects.filter(evaluator=expert).count()
            assignment = AssignmentFactory(
                evaluator=expert,
                proposal__title=f"Propuesta {n:02d}",
                proposal__call__blind_review=blind,
                status=Assignment.Status.ACCEPTED if n % 2 else Assignment.Status.PENDING,
                due_at=timezone.now() + datetime.timedelta(days=n + 1),
            )
            RedactedText.objects.create(
                proposal=assignment.proposal, field="title", text=f"Redactada {n:02d}"
            )
        shown = "Redactada" if blind else "Propuesta"
        response, count = run_counted(8, client.get, url, expect=[f"{shown} {size - 1:02d}"])
        assert response.content.decode().count('data-testid="evaluation-row"') == size
        counts.append(count)
    assert counts[0] == counts[1], counts
