"""Reads for the assignment of evaluators: what the solver needs (loads, existing assignments,
expertise against the proposals' challenges and leads), and the coordinator's assignment page
of a call (each proposal with its evaluators, conflict flags and candidates).

Every function runs a constant number of queries, whatever the number of proposals and
evaluators."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Count, Q, Value
from django.utils.translation import get_language

from members.models import Organization

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


def call_assignment_counts(call: Call) -> tuple[dict[int, int], dict[str, int]]:
    """(active assignments per evaluator, assignments per status) of the call, in one query:
    the loads of :func:`call_loads` and the page's header counts together."""
    active = set(active_statuses())
    loads: dict[int, int] = defaultdict(int)
    counts: dict[str, int] = dict.fromkeys(Assignment.Status.values, 0)
    for row in (
        Assignment.objects.filter(call=call)
        .values("evaluator_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["status"]] = counts.get(row["status"], 0) + row["n"]
        if row["status"] in active:
            loads[row["evaluator_id"]] += row["n"]
    return dict(loads), counts


#: The four capability relations affinity reads (the first column of each row).
_EXPERTISE, _STAGE, _AREA, _OFFER = "expertise", "stage", "area", "offer"


def _capability_rows(
    evaluator_ids: list[int], challenge_ids: set[int], organization_ids: set[int]
) -> list[tuple[str, int, int, str, str]]:
    """(kind, owner id, capability id, Spanish name, English name) of the evaluators'
    expertise, the challenges' value-chain stages and service areas, and the organizations'
    capabilities: one UNION query for the four relations and the names (an empty part is left
    out of the SQL by Django)."""
    parts = [
        through.objects.filter(**{f"{owner}__in": list(ids)})
        .annotate(kind=Value(kind, output_field=CharField()))
        .values_list("kind", owner, "capability_id", "capability__name_es", "capability__name_en")
        .order_by()
        for kind, through, owner, ids in (
            (_EXPERTISE, Evaluator.expertise.through, "evaluator_id", evaluator_ids),
            (_STAGE, Challenge.value_chain_stages.through, "challenge_id", challenge_ids),
            (_AREA, Challenge.service_areas.through, "challenge_id", challenge_ids),
            (_OFFER, Organization.capabilities.through, "organization_id", organization_ids),
        )
    ]
    return list(parts[0].union(*parts[1:], all=True))


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
    """Affinity's inputs for these proposals and evaluators (one query)."""
    expertise: dict[int, set[int]] = defaultdict(set)
    by_challenge: dict[int, set[int]] = defaultdict(set)
    by_org: dict[int, set[int]] = defaultdict(set)
    names: dict[int, tuple[str, str]] = {}
    for kind, owner, capability, name_es, name_en in _capability_rows(
        [e.pk for e in evaluators],
        {p.challenge_id for p in proposals if p.challenge_id},
        {p.lead_organization_id for p in proposals},
    ):
        target = {_EXPERTISE: expertise, _OFFER: by_org}.get(kind, by_challenge)
        target[owner].add(capability)
        names[capability] = (name_es, name_en)
    topics = {p.pk: set(by_challenge.get(p.challenge_id or 0, set())) for p in proposals}
    capabilities = {p.pk: set(by_org.get(p.lead_organization_id, set())) for p in proposals}
    return MatchInputs(
        expertise=dict(expertise),
        topics=topics,
        capabilities=capabilities,
        languages={e.pk: list(e.languages or []) for e in evaluators},
        names=names,
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
    #: Assignments of the whole call per status (the page's header).
    summary: dict[str, int] = field(default_factory=dict)


def assignment_board(call: Call, *, page_number: Any = 1, per_page: int = 20) -> Board:
    """A page of the call's evaluated proposals, each with its assignments (all statuses), the
    conflict flags of the pool against it, and the candidates a coordinator may assign by
    hand, best match first. A constant number of queries whatever the numbers of proposals,
    evaluators and assignments: proposals, assignments, evaluators, conflict detection
    (:func:`challenges.conflicts.detect_conflicts`), overrides, loads and counts, affinity."""
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
    loads, summary = call_assignment_counts(call)
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
        summary=summary,
    )


def assignment_for_call(call: Call, assignment_id: int) -> Assignment:
    return Assignment.objects.select_related("evaluator__user", "proposal", "call").get(
        pk=assignment_id, call=call
    )
