"""Reads of decisions: the coordinator's decisions board of a call, and the result an
applicant sees once the call's decisions are published (never before: a pending decision, the
ranking and the reviews are the secretariat's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q

from ..models import (
    Assignment,
    Call,
    CallCriterion,
    Decision,
    DecisionBatch,
    Proposal,
)
from ..services.decisions import feedback_drafts, publication_errors

#: Proposal states shown on the decisions board (before and after publication).
BOARD_STATUSES = (
    Proposal.Status.SUBMITTED,
    Proposal.Status.AWARDED,
    Proposal.Status.NOT_SELECTED,
)


@dataclass(frozen=True)
class Position:
    """Where a proposal stands in the call's ranking (``rank`` None: not ranked yet)."""

    rank: int | None
    tie: bool = False
    reviews: int | None = None


@dataclass
class BoardRow:
    proposal: Proposal
    decision: Decision | None
    position: Position
    draft: str

    @property
    def pending(self) -> bool:
        return self.decision is not None and not self.decision.is_published


@dataclass
class Board:
    call: Call
    rows: list[BoardRow]
    batch: DecisionBatch | None
    errors: list[str] = field(default_factory=list)

    @property
    def awards(self) -> int:
        return sum(
            1 for r in self.rows if r.decision and r.decision.outcome == Decision.Outcome.AWARD
        )

    @property
    def decided(self) -> int:
        return sum(1 for r in self.rows if r.decision is not None)


def _value(row: Any, *names: str) -> Any:
    for name in names:
        value = row.get(name) if isinstance(row, dict) else getattr(row, name, None)
        if value is not None:
            return value
    return None


def ranking_positions(call: Call) -> dict[int, Position]:
    """``{proposal id: Position}`` from :func:`challenges.selectors.ranking.call_ranking`."""
    from .ranking import call_ranking

    ranking = call_ranking(call)
    positions: dict[int, Position] = {}
    for row in getattr(ranking, "rows", ()):
        proposal_id = _value(row, "proposal_id", "id")
        if proposal_id is None:
            continue
        positions[int(proposal_id)] = Position(
            rank=_value(row, "rank"),
            tie=bool(_value(row, "tie")),
            reviews=_value(row, "reviews", "reviews_count", "review_count"),
        )
    return positions


def decisions_board(call: Call) -> Board:
    """Every submitted (or, once published, decided) proposal of the call with its decision,
    its ranking position and the feedback draft, sorted by rank: a constant number of
    queries."""
    proposals = list(
        Proposal.objects.filter(call=call, status__in=BOARD_STATUSES)
        .select_related("lead_organization", "decision__decided_by")
        .order_by("reference", "pk")
    )
    batch = DecisionBatch.objects.filter(call=call).select_related("published_by").first()
    positions = ranking_positions(call)
    drafts = feedback_drafts([p.pk for p in proposals]) if batch is None else {}
    rows = [
        BoardRow(
            proposal=p,
            decision=getattr(p, "decision", None),
            position=positions.get(p.pk, Position(rank=None)),
            draft=drafts.get(p.pk, ""),
        )
        for p in proposals
    ]
    rows.sort(key=lambda r: (r.position.rank is None, r.position.rank or 0, r.proposal.pk))
    errors = (
        [str(e.messages[0]) for e in publication_errors(call)]
        if batch is None and call.status == Call.Status.IN_EVALUATION
        else []
    )
    return Board(call=call, rows=rows, batch=batch, errors=errors)


# --- What the applicant sees -----------------------------------------------------------------


@dataclass(frozen=True)
class CriterionResult:
    criterion: CallCriterion
    mean: Decimal | None
    scored: int


@dataclass(frozen=True)
class ApplicantResult:
    decision: Decision
    published_at: Any
    scores: list[CriterionResult]


def published_decision(proposal: Proposal) -> Decision | None:
    """The proposal's decision once published (None before: nothing of the evaluation shows)."""
    decision = (
        Decision.objects.filter(proposal_id=proposal.pk, batch__isnull=False)
        .select_related("batch")
        .first()
    )
    return decision


def criterion_means(proposal: Proposal) -> list[CriterionResult]:
    """Mean score per criterion over the proposal's submitted reviews ("not applicable" left
    out), rounded to two decimals; no evaluator, review or comment is named."""
    scored = Q(
        scores__review__assignment__proposal_id=proposal.pk,
        scores__review__assignment__status=Assignment.Status.SUBMITTED,
        scores__not_applicable=False,
        scores__score__isnull=False,
    )
    criteria = (
        CallCriterion.objects.filter(call_id=proposal.call_id)
        .annotate(mean=Avg("scores__score", filter=scored), scored=Count("scores", filter=scored))
        .order_by("position", "pk")
    )
    cent = Decimal("0.01")
    return [
        CriterionResult(
            criterion=c,
            mean=(
                Decimal(str(c.mean)).quantize(cent, rounding=ROUND_HALF_UP)
                if c.mean is not None
                else None
            ),
            scored=c.scored,
        )
        for c in criteria
    ]


def applicant_result(proposal: Proposal) -> ApplicantResult | None:
    """What the lead's and partners' people see on the proposal page after publication: the
    result, the feedback and — when the call shows them — the mean scores per criterion."""
    decision = published_decision(proposal)
    if decision is None:
        return None
    call = proposal.call
    return ApplicantResult(
        decision=decision,
        published_at=decision.batch.published_at if decision.batch else None,
        scores=criterion_means(proposal) if call.show_scores_to_applicants else [],
    )
