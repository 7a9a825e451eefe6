"""A call's ranking for the evaluation coordinator: both views (raw and calibrated), reviews
per proposal, disagreement flags, ties, and the criteria breakdown; computed by
:mod:`challenges.scoring` from the **submitted** reviews only (assignments in the
``submitted`` state) in four queries, however many proposals and reviews the call has.

``call_ranking(call) -> Ranking`` and ``Ranking.as_dict() -> dict`` are a stable contract: the
decisions service stores ``as_dict()`` in :class:`challenges.models.DecisionBatch` when the
coordinator publishes (an immutable, JSON-serializable snapshot; numbers there are rounded to
:data:`SNAPSHOT_DECIMALS` so the snapshot's SHA-256 does not depend on float noise).

The ranking carries the lead organization's name and the evaluators' names: it is for the
secretariat's pages only (never for evaluators).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import scoring
from ..models import Assignment, Call, CallCriterion, CriterionScore, Proposal, Review
from ..workflows import DECIDED, PROPOSAL

SNAPSHOT_DECIMALS = 4


def ranked_statuses() -> tuple[str, ...]:
    """Proposals that take part in the evaluation: submitted, and decided ones."""
    return (Proposal.Status.SUBMITTED, *PROPOSAL.values_tagged(DECIDED))


@dataclass(frozen=True)
class ReviewLine:
    """One submitted review in the ranking (for the breakdown and the XLSX sheet)."""

    review_id: int
    evaluator_id: int
    evaluator_name: str
    confidence: int | None
    raw: float | None
    calibrated: float | None
    #: ``{criterion id: score}``; ``None`` for "not applicable" (or not scored).
    scores: dict[int, float | None]


@dataclass(frozen=True)
class CriterionLine:
    """A criterion's scores for one proposal across its submitted reviews."""

    criterion: CallCriterion
    mean: float | None
    scored: int
    not_applicable: int


@dataclass
class RankingRow:
    proposal_id: int
    reference: str
    title: str
    lead_name: str
    status: str
    #: Submitted reviews with a total (a review with every criterion "not applicable" has none).
    reviews: int
    raw: float | None
    calibrated: float | None
    spread: float | None
    disagreement: bool
    rank: int | None
    tie: bool
    review_lines: list[ReviewLine] = field(default_factory=list)
    criteria: list[CriterionLine] = field(default_factory=list)

    @property
    def rank_label(self) -> str:
        """``"1"``, ``"=2"`` for a tie, ``""`` when not ranked."""
        if self.rank is None:
            return ""
        return f"={self.rank}" if self.tie else str(self.rank)


@dataclass
class Ranking:
    call: Call
    criteria: list[CallCriterion]
    scale: scoring.Scale
    aggregation: str
    measure: str
    threshold: Decimal
    rows: list[RankingRow]
    calibration: scoring.Calibration

    @property
    def flagged(self) -> int:
        return sum(1 for r in self.rows if r.disagreement)

    @property
    def review_lines(self) -> list[tuple[RankingRow, ReviewLine]]:
        return [(row, line) for row in self.rows for line in row.review_lines]

    def as_dict(self) -> dict[str, Any]:
        """The ranking as plain JSON (what a decision batch records)."""

        def num(value: float | None) -> float | None:
            return None if value is None else round(value, SNAPSHOT_DECIMALS)

        calibration = self.calibration
        return {
            "call": {"id": self.call.pk, "code": self.call.code},
            "scale": [self.scale.low, self.scale.high],
            "aggregation": self.aggregation,
            "disagreement": {"measure": self.measure, "threshold": str(self.threshold)},
            "calibration": {
                "shrinkage_k": calibration.k,
                "overall_mean": num(calibration.overall_mean),
                "overall_sd": num(calibration.overall_sd),
                "evaluators": [
                    {
                        "evaluator_id": e.evaluator_id,
                        "reviews": e.reviews,
                        "mean": num(e.mean),
                        "sd": num(e.sd),
                        "shrink": num(e.shrink),
                        "kept_raw": e.kept_raw,
                    }
                    for e in sorted(calibration.evaluators.values(), key=lambda e: e.evaluator_id)
                ],
            },
            "criteria": [
                {
                    "id": c.pk,
                    "name": c.name,
                    "weight": c.weight,
                    "scale": [c.scale_min, c.scale_max],
                }
                for c in self.criteria
            ],
            "rows": [
                {
                    "proposal_id": r.proposal_id,
                    "reference": r.reference,
                    "title": r.title,
                    "lead": r.lead_name,
                    "rank": r.rank,
                    "tie": r.tie,
                    "reviews": r.reviews,
                    "raw": num(r.raw),
                    "calibrated": num(r.calibrated),
                    "spread": num(r.spread),
                    "disagreement": r.disagreement,
                    "review_totals": [
                        {
                            "review_id": line.review_id,
                            "evaluator_id": line.evaluator_id,
                            "raw": num(line.raw),
                            "calibrated": num(line.calibrated),
                        }
                        for line in r.review_lines
                    ],
                }
                for r in self.rows
            ],
        }


def call_ranking(call: Call) -> Ranking:
    """The call's ranking from its submitted reviews (four queries)."""
    criteria = list(CallCriterion.objects.filter(call=call).order_by("position", "pk"))
    scale = scoring.call_scale(criteria)
    proposals = list(
        Proposal.objects.filter(call=call, status__in=ranked_statuses())
        .select_related("lead_organization")
        .only(
            "pk",
            "reference",
            "title",
            "status",
            "lead_organization__legal_name",
            "lead_organization__trade_name",
        )
        .order_by("reference", "pk")
    )
    reviews = list(
        Review.objects.filter(
            assignment__call=call,
            assignment__status=Assignment.Status.SUBMITTED,
            assignment__proposal__status__in=ranked_statuses(),
        )
        .values(
            "pk",
            "confidence",
            "assignment__proposal_id",
            "assignment__evaluator_id",
            "assignment__evaluator__user__full_name",
            "assignment__evaluator__user__email",
        )
        .order_by("assignment__proposal_id", "assignment__evaluator__user__full_name", "pk")
    )
    scores_by_review: dict[int, list[scoring.Score]] = defaultdict(list)
    for review_id, criterion_id, value, not_applicable in CriterionScore.objects.filter(
        review__assignment__call=call,
        review__assignment__status=Assignment.Status.SUBMITTED,
        criterion__call=call,
    ).values_list("review_id", "criterion_id", "score", "not_applicable"):
        scores_by_review[review_id].append(scoring.Score(criterion_id, value, not_applicable))

    totals: list[scoring.ReviewTotal] = []
    raw_by_review: dict[int, float | None] = {}
    for review in reviews:
        raw = scoring.weighted_total(criteria, scores_by_review[review["pk"]], scale)
        raw_by_review[review["pk"]] = raw
        if raw is not None:
            totals.append(
                scoring.ReviewTotal(
                    review_id=review["pk"],
                    proposal_id=review["assignment__proposal_id"],
                    evaluator_id=review["assignment__evaluator_id"],
                    raw=raw,
                )
            )
    calibration = scoring.calibrate(totals, scale)
    calibrated_by_review = {r.review_id: r for r in calibration.reviews}

    lines_by_proposal: dict[int, list[ReviewLine]] = defaultdict(list)
    for review in reviews:
        given = {
            s.criterion_id: None if s.not_applicable or s.score is None else float(s.score)
            for s in scores_by_review[review["pk"]]
        }
        calibrated = calibrated_by_review.get(review["pk"])
        lines_by_proposal[review["assignment__proposal_id"]].append(
            ReviewLine(
                review_id=review["pk"],
                evaluator_id=review["assignment__evaluator_id"],
                evaluator_name=review["assignment__evaluator__user__full_name"]
                or review["assignment__evaluator__user__email"],
                confidence=review["confidence"],
                raw=raw_by_review[review["pk"]],
                calibrated=calibrated.calibrated if calibrated else None,
                scores={c.pk: given.get(c.pk) for c in criteria},
            )
        )

    threshold = Decimal(str(call.disagreement_threshold)).quantize(Decimal("0.01"))
    scores = {
        p.pk: scoring.proposal_score(
            p.pk,
            [
                calibrated_by_review[line.review_id]
                for line in lines_by_proposal[p.pk]
                if line.review_id in calibrated_by_review
            ],
            aggregation=call.aggregation,
            measure=call.disagreement_measure,
            threshold=threshold,
        )
        for p in proposals
    }
    by_id = {p.pk: p for p in proposals}
    rows = []
    for ranked in scoring.rank(list(scores.values()), order={p.pk: p.reference for p in proposals}):
        proposal = by_id[ranked.proposal_id]
        score = scores[proposal.pk]
        lines = lines_by_proposal[proposal.pk]
        rows.append(
            RankingRow(
                proposal_id=proposal.pk,
                reference=proposal.reference or "",
                title=proposal.title,
                lead_name=proposal.lead_organization.display_name,
                status=proposal.status,
                reviews=score.reviews,
                raw=score.raw,
                calibrated=score.calibrated,
                spread=score.spread,
                disagreement=score.disagreement,
                rank=ranked.rank,
                tie=ranked.tie,
                review_lines=lines,
                criteria=[_criterion_line(c, lines) for c in criteria],
            )
        )
    return Ranking(
        call=call,
        criteria=criteria,
        scale=scale,
        aggregation=call.aggregation,
        measure=call.disagreement_measure,
        threshold=threshold,
        rows=rows,
        calibration=calibration,
    )


def _criterion_line(criterion: CallCriterion, lines: list[ReviewLine]) -> CriterionLine:
    values = [line.scores[criterion.pk] for line in lines]
    given = [v for v in values if v is not None]
    return CriterionLine(
        criterion=criterion,
        mean=statistics.fmean(given) if given else None,
        scored=len(given),
        not_applicable=len(values) - len(given),
    )
