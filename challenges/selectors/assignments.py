"""Reads for the assignment of evaluators: what the solver needs (loads, existing assignments,
expertise against the proposals' challenges and leads), and the coordinator's assignment page
of a call (each proposal with its evaluators, conflict flags and candidates).

Every function runs a constant number of queries, whatever the number of proposals and
evaluators."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import get_language

from members.models import Capability, Organization

from ..assignment import Match, affinity
from ..conflicts import EVALUATED_STATUSES, Flag, conflict_overrides, detect_conflicts
from ..models import Assignment, Call, ConflictOverride, Evaluator, Proposal
from ..models.surveys import Challenge
from ..workflows import ACTIVE_ASSIGNMENT, ASSIGNMENT

Pair = tuple[int, int]


def active_statuses() -> list[str]:
    return list(ASSIGNMENT.values_tagged(ACTIVE_ASSIGNMENT))


def evaluated_proposals(call: Call) -> list[Proposal]:
    """The call's proposals under evaluation, oldest submission first (one query)."""
    return list(
        Proposal.objects.filter(call=call, status__in=EVALUATED_STATUSES)
        .select_related("lead_organization")
        .order_by("submitted_at", "pk")
    )


def active_evaluators(*, include: set[int] | None = None) -> list[Evaluator]:
    """The active pool (plus ``include``: evaluators already assigned), by name (one query)."""
    query = Q(is_active=True)
    if include:
        query |= Q(pk__in=include)
    return list(Evaluator.objects.filter(query).select_related("user").order_by("user__full_name"))


def call_loads(call: Call) -> dict[int, int]:
    """Active assignments per evaluator in the call (one query)."""
    return {
        row["evaluator_id"]: row["n"]
        for row in Assignment.objects.filter(call=call, status__in=active_statuses())
        .values("evaluator_id")
        .annotate(n=Count("pk"))
    }


def capability_names(ids: set[int]) -> dict[int, tuple[str, str]]:
    """id → (Spanish name, English name) (one query)."""
    return {
        row["id"]: (row["name_es"], row["name_en"])
        for row in Capability.objects.filter(pk__in=ids).values("id", "name_es", "name_en")
    }


def localized(pair: tuple[str, str]) -> str:
    return pair[1] if (get_language() or "es").startswith("en") else pair[0]


@dataclass
class MatchInputs:
    """What affinity is computed from (four queries for any number of rows)."""

    expertise: dict[int, set[int]]  # evaluator → capability ids
    topics: dict[int, set[int]]  # proposal → its challenge's stages and service areas
    capabilities: dict[int, set[int]]  # proposal → its lead's capabilities
    languages: dict[int, list[str]]
    names: dict[int, tuple[str, str]]

    _localized: dict[int, str] | None = None

    def match(self, evaluator_id: int, proposal_id: int) -> Match:
        if self._localized is None:
            self._localized = {pk: localized(pair) for pk, pair in self.names.items()}
        return affinity(
            self.expertise.get(evaluator_id, set()),
            self.topics.get(proposal_id, set()),
            self.capabilities.get(proposal_id, set()),
            languages=self.languages.get(evaluator_id, []),
            language=None,  # proposals have no language of their own yet: ignored
            names=self._localized,
        )


def match_inputs(proposals: list[Proposal], evaluators: list[Evaluator]) -> MatchInputs:
    evaluator_ids = [e.pk for e in evaluators]
    expertise: dict[int, set[int]] = defaultdict(set)
    for row in Evaluator.expertise.through.objects.filter(evaluator_id__in=evaluator_ids).values(
        "evaluator_id", "capability_id"
    ):
        expertise[row["evaluator_id"]].add(row["capability_id"])
    by_challenge: dict[int, set[int]] = defaultdict(set)
    challenge_ids = {p.challenge_id for p in proposals if p.challenge_id}
    for through, column in (
        (Challenge.value_chain_stages.through, "capability_id"),
        (Challenge.service_areas.through, "capability_id"),
    ):
        for topic_row in through.objects.filter(challenge_id__in=challenge_ids).values(
            "challenge_id", column
        ):
            by_challenge[topic_row["challenge_id"]].add(topic_row[column])
    by_org: dict[int, set[int]] = defaultdict(set)
    for org_row in Organization.capabilities.through.objects.filter(
        organization_id__in={p.lead_organization_id for p in proposals}
    ).values("organization_id", "capability_id"):
        by_org[org_row["organization_id"]].add(org_row["capability_id"])
    topics = {p.pk: set(by_challenge.get(p.challenge_id or 0, set())) for p in proposals}
    capabilities = {p.pk: set(by_org.get(p.lead_organization_id, set())) for p in proposals}
    all_ids = set().union(*expertise.values(), *topics.values(), *capabilities.values())
    return MatchInputs(
        expertise=dict(expertise),
        topics=topics,
        capabilities=capabilities,
        languages={e.pk: list(e.languages or []) for e in evaluators},
        names=capability_names(all_ids),
    )


def proposal_label(proposal: Proposal) -> str:
    """How the coordinator names a proposal in messages: reference and title."""
    return f"{proposal.reference} · {proposal.title}" if proposal.reference else proposal.title


# --- The coordinator's page ------------------------------------------------------------------


@dataclass
class Candidate:
    evaluator: Evaluator
    load: int
    match: Match
    flags: list[Flag]
    override: ConflictOverride | None

    @property
    def blocked(self) -> bool:
        return bool(self.flags) and self.override is None

    @property
    def full(self) -> bool:
        return self.load >= self.evaluator.max_load


@dataclass
class ProposalRow:
    proposal: Proposal
    assignments: list[Assignment]
    active: int
    sectors: set[str]
    candidates: list[Candidate] = field(default_factory=list)
    flagged: list[Candidate] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return max(self.proposal.call.reviews_per_proposal - self.active, 0)


@dataclass
class Board:
    call: Call
    rows: list[ProposalRow]
    evaluators: list[Evaluator]
    loads: dict[int, int]
    page: Any


def assignment_board(call: Call, *, page_number: Any = 1, per_page: int = 20) -> Board:
    """A page of the call's evaluated proposals, each with its assignments (all statuses), the
    conflict flags of the pool against it, and the candidates a coordinator may assign by
    hand, best match first. A constant number of queries (about fifteen)."""
    from django.core.paginator import Paginator

    page = Paginator(evaluated_proposals(call), per_page).get_page(page_number)
    proposals = list(page.object_list)
    for proposal in proposals:
        proposal.call = call
    assignments = list(
        Assignment.objects.filter(call=call, proposal__in=[p.pk for p in proposals])
        .select_related("evaluator__user", "override")
        .order_by("assigned_at", "pk")
    )
    by_proposal: dict[int, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_proposal[a.proposal_id].append(a)
    evaluators = active_evaluators(include={a.evaluator_id for a in assignments})
    flags = detect_conflicts(call, evaluators=evaluators, proposals=proposals)
    overrides = conflict_overrides(call, proposals=[p.pk for p in proposals])
    loads = call_loads(call)
    inputs = match_inputs(proposals, evaluators)
    active = set(active_statuses())
    rows: list[ProposalRow] = []
    for proposal in proposals:
        mine = by_proposal.get(proposal.pk, [])
        taken = {a.evaluator_id for a in mine}
        current = [a for a in mine if a.status in active]
        row = ProposalRow(
            proposal=proposal,
            assignments=mine,
            active=len(current),
            sectors={a.evaluator.sector for a in current},
        )
        for evaluator in evaluators:
            pair = (evaluator.pk, proposal.pk)
            if evaluator.pk in taken or not evaluator.is_active:
                continue
            candidate = Candidate(
                evaluator=evaluator,
                load=loads.get(evaluator.pk, 0),
                match=inputs.match(evaluator.pk, proposal.pk),
                flags=flags.get(pair, []),
                override=overrides.get(pair),
            )
            (row.flagged if candidate.flags else row.candidates).append(candidate)
        row.candidates.sort(key=lambda c: (-c.match.affinity, c.load, str(c.evaluator)))
        rows.append(row)
    return Board(
        call=call,
        rows=rows,
        evaluators=evaluators,
        loads=loads,
        page=page,
    )


def assignment_for_call(call: Call, assignment_id: int) -> Assignment:
    return Assignment.objects.select_related("evaluator__user", "proposal", "call").get(
        pk=assignment_id, call=call
    )


def assignment_summary(call: Call) -> dict[str, Any]:
    """Counts by status (one query): for the page header and the dashboard."""
    counts = {
        row["status"]: row["n"]
        for row in Assignment.objects.filter(call=call).values("status").annotate(n=Count("pk"))
    }
    return {status: counts.get(status, 0) for status in Assignment.Status.values}
