"""Scoring, calibration and ranking of a call's reviews: pure functions, no database.

Everything here computes in ``float`` (scores are measurements, not money: the z-scores and
standard deviations are irrational anyway) and rounds only for display (:func:`display`,
half up) and for deciding ties (:data:`TIE_DECIMALS`, the precision the coordinator reads).

**Weighted total of one review** (:func:`weighted_total`). Each criterion has a weight (the
call's weights sum to 100) and its own scale (``scale_min``-``scale_max``). A score is turned
into the fraction of its criterion's scale it reaches, the fractions are averaged with the
weights, and the average is put back on **the call's scale** (:func:`call_scale`): the
criteria's common scale when they all share one (the usual 0-5, where the total is simply
``Σ weight·score / Σ weight``), else 0-100. A criterion marked "not applicable" drops out and
the remaining weights are renormalized (a criterion not scored yet, in a draft, drops out the
same way so the live total reads the scores given so far); when every criterion is "not
applicable" the review has no total and takes no part in calibration or ranking.

**Calibration** (:func:`calibrate`) corrects for evaluators who score systematically high or
low or use a narrow or wide part of the scale. For each evaluator with ``n`` reviews in the
call (population mean ``m`` and population standard deviation ``s`` of their totals), each
total ``t`` becomes ``z = (t - m) / s``, shrunk toward 0 by ``n / (n + k)`` with
:data:`SHRINKAGE_K` = 2 (an evaluator with 2 reviews moves half as far as their z-score says,
one with 8 reviews 80 %), then rescaled with the overall population mean ``M`` and standard
deviation ``S`` of every total in the call: ``M + z·n/(n+k)·S``, clipped to the call's scale.
An evaluator with a single review, or whose totals are all equal (``s`` = 0), gives no
information about their habits: their totals are kept as they are (the raw score).

**Per proposal** (:func:`proposal_score`): the reviews' raw totals and calibrated totals are
aggregated by the call's ``aggregation`` (mean or median); the disagreement is the **population**
standard deviation (``std``) or the range, highest - lowest (``range``), of the raw totals, and
the proposal is flagged when it is strictly above the call's threshold (on the call's scale).
One review cannot disagree with itself: its spread is 0.

**Ranking** (:func:`rank`): by calibrated aggregate, then raw aggregate, both highest first.
Proposals whose two aggregates are equal at :data:`TIE_DECIMALS` decimals share a rank
(standard competition ranking: 1, 2, 2, 4) and are marked as tied; proposals without any
scored review are not ranked (rank ``None``) and come last.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

#: How strongly an evaluator's z-scores are shrunk toward 0: by ``n / (n + SHRINKAGE_K)``.
SHRINKAGE_K = 2

#: Decimals shown to the coordinator; two aggregates equal at this precision are a tie.
TIE_DECIMALS = 2

#: The call's scale when its criteria use different scales.
MIXED_SCALE = (0.0, 100.0)

AGGREGATIONS = ("mean", "median")
MEASURES = ("std", "range")


class CriterionLike(Protocol):
    """A criterion: :class:`challenges.models.CallCriterion` or :class:`Criterion`."""

    @property
    def pk(self) -> Any: ...
    @property
    def weight(self) -> Any: ...
    @property
    def scale_min(self) -> Any: ...
    @property
    def scale_max(self) -> Any: ...


class ScoreLike(Protocol):
    """A criterion's score: :class:`challenges.models.CriterionScore` or :class:`Score`."""

    @property
    def criterion_id(self) -> Any: ...
    @property
    def score(self) -> Any: ...
    @property
    def not_applicable(self) -> bool: ...


@dataclass(frozen=True)
class Criterion:
    pk: int
    weight: float
    scale_min: float = 0
    scale_max: float = 5


@dataclass(frozen=True)
class Score:
    criterion_id: int
    score: float | Decimal | None
    not_applicable: bool = False


@dataclass(frozen=True)
class Scale:
    low: float
    high: float

    def clip(self, value: float) -> float:
        return min(max(value, self.low), self.high)


def call_scale(criteria: Iterable[CriterionLike]) -> Scale:
    """The scale totals are expressed on: the criteria's own when they all share one, else
    0-100 (and 0-5, the default criterion scale, for a call without criteria)."""
    scales = {(float(c.scale_min), float(c.scale_max)) for c in criteria}
    if len(scales) == 1:
        low, high = scales.pop()
        return Scale(low, high)
    if not scales:
        return Scale(0.0, 5.0)
    return Scale(*MIXED_SCALE)


def weighted_total(
    criteria: Sequence[CriterionLike],
    scores: Iterable[ScoreLike],
    scale: Scale | None = None,
) -> float | None:
    """One review's weighted total on the call's scale (see the module docstring); ``None``
    when no criterion is scored (all "not applicable")."""
    scale = scale or call_scale(criteria)
    given = {
        s.criterion_id: float(s.score)
        for s in scores
        if not s.not_applicable and s.score is not None
    }
    weight_sum = 0.0
    reached = 0.0
    for criterion in criteria:
        if criterion.pk not in given:
            continue
        low, high = float(criterion.scale_min), float(criterion.scale_max)
        weight = float(criterion.weight)
        weight_sum += weight
        reached += weight * (given[criterion.pk] - low) / (high - low)
    if weight_sum == 0:
        return None
    return scale.low + (scale.high - scale.low) * reached / weight_sum


# --- Calibration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewTotal:
    """One review's raw total, with who wrote it and on what."""

    review_id: int
    proposal_id: int
    evaluator_id: int
    raw: float


@dataclass(frozen=True)
class EvaluatorStats:
    evaluator_id: int
    reviews: int
    mean: float
    sd: float
    #: ``n / (n + k)``; 0 when the evaluator's totals are kept raw.
    shrink: float

    @property
    def kept_raw(self) -> bool:
        """One review or no spread: the evaluator's totals are not calibrated."""
        return self.reviews < 2 or self.sd == 0


@dataclass(frozen=True)
class CalibratedReview:
    review_id: int
    proposal_id: int
    evaluator_id: int
    raw: float
    #: ``None`` when the evaluator's totals are kept raw.
    z: float | None
    shrunk_z: float | None
    calibrated: float


@dataclass(frozen=True)
class Calibration:
    scale: Scale
    k: float
    overall_mean: float | None
    overall_sd: float | None
    evaluators: Mapping[int, EvaluatorStats]
    reviews: Sequence[CalibratedReview]


def calibrate(totals: Sequence[ReviewTotal], scale: Scale, k: float = SHRINKAGE_K) -> Calibration:
    """Per-evaluator z-scores, shrunk and rescaled to the call's scale (module docstring)."""
    if not totals:
        return Calibration(scale, k, None, None, {}, [])
    overall_mean = statistics.fmean(t.raw for t in totals)
    overall_sd = statistics.pstdev([t.raw for t in totals], mu=overall_mean)
    by_evaluator: dict[int, list[float]] = defaultdict(list)
    for t in totals:
        by_evaluator[t.evaluator_id].append(t.raw)
    stats: dict[int, EvaluatorStats] = {}
    for evaluator_id, values in by_evaluator.items():
        n = len(values)
        mean = statistics.fmean(values)
        sd = statistics.pstdev(values, mu=mean)
        kept = n < 2 or sd == 0
        stats[evaluator_id] = EvaluatorStats(
            evaluator_id, n, mean, sd, 0.0 if kept else n / (n + k)
        )
    reviews = []
    for t in totals:
        e = stats[t.evaluator_id]
        if e.kept_raw:
            reviews.append(
                CalibratedReview(
                    t.review_id, t.proposal_id, t.evaluator_id, t.raw, None, None, t.raw
                )
            )
            continue
        z = (t.raw - e.mean) / e.sd
        shrunk = z * e.shrink
        calibrated = scale.clip(overall_mean + shrunk * overall_sd)
        reviews.append(
            CalibratedReview(
                t.review_id, t.proposal_id, t.evaluator_id, t.raw, z, shrunk, calibrated
            )
        )
    return Calibration(scale, k, overall_mean, overall_sd, stats, reviews)


# --- Per proposal ----------------------------------------------------------------------------


def aggregate(values: Sequence[float], how: str) -> float | None:
    """Mean or median of ``values``; ``None`` for none."""
    if how not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {how!r}")
    if not values:
        return None
    return statistics.median(values) if how == "median" else statistics.fmean(values)


def spread(values: Sequence[float], measure: str) -> float | None:
    """Population standard deviation (``std``) or highest - lowest (``range``); ``None`` for
    no value, 0 for one."""
    if measure not in MEASURES:
        raise ValueError(f"unknown disagreement measure {measure!r}")
    if not values:
        return None
    if measure == "range":
        return max(values) - min(values)
    return statistics.pstdev(values)


@dataclass(frozen=True)
class ProposalScore:
    proposal_id: int
    reviews: int
    raw: float | None
    calibrated: float | None
    spread: float | None
    disagreement: bool


def proposal_score(
    proposal_id: int,
    reviews: Sequence[CalibratedReview],
    *,
    aggregation: str,
    measure: str,
    threshold: float | Decimal,
) -> ProposalScore:
    """Aggregate one proposal's calibrated reviews and flag a disagreement."""
    raw = [r.raw for r in reviews]
    calibrated = [r.calibrated for r in reviews]
    dispersion = spread(raw, measure)
    return ProposalScore(
        proposal_id=proposal_id,
        reviews=len(reviews),
        raw=aggregate(raw, aggregation),
        calibrated=aggregate(calibrated, aggregation),
        spread=dispersion,
        # Float noise must not raise a flag the coordinator reads as "equal to the threshold".
        disagreement=dispersion is not None
        and len(reviews) > 1
        and dispersion - float(threshold) > 1e-9,
    )


# --- Ranking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    proposal_id: int
    #: Competition rank (1, 2, 2, 4); ``None``: no scored review.
    rank: int | None
    tie: bool


def display(value: float | Decimal | None, places: int = TIE_DECIMALS) -> Decimal | None:
    """``value`` rounded half up for display (``None`` stays ``None``)."""
    if value is None or math.isnan(value):
        return None
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rank(scores: Sequence[ProposalScore], order: Mapping[int, Any] | None = None) -> list[Ranked]:
    """Rank proposals by calibrated then raw aggregate (module docstring). ``order`` gives
    each proposal a stable key (its reference) for listing tied proposals."""
    order = order or {}

    def key(s: ProposalScore) -> tuple[Decimal, Decimal]:
        return (display(s.calibrated) or Decimal(0), display(s.raw) or Decimal(0))

    scored = [s for s in scores if s.calibrated is not None]
    unscored = [s for s in scores if s.calibrated is None]
    scored.sort(key=lambda s: str(order.get(s.proposal_id, s.proposal_id)))
    scored.sort(key=key, reverse=True)
    keys = [key(s) for s in scored]
    counts = Counter(keys)
    ranked: list[Ranked] = []
    position = 0
    for i, s in enumerate(scored):
        if i == 0 or keys[i] != keys[i - 1]:
            position = i + 1
        ranked.append(Ranked(s.proposal_id, position, counts[keys[i]] > 1))
    unscored.sort(key=lambda s: str(order.get(s.proposal_id, s.proposal_id)))
    ranked.extend(Ranked(s.proposal_id, None, False) for s in unscored)
    return ranked
