"""challenges.scoring on a hand-computed example (no database).

Two criteria, both scored 0-5: Impact (id 1, weight 60) and Feasibility (id 2, weight 40).
Four evaluators, four proposals; scores (Impact, Feasibility) and totals by hand:

    E1  P1 (5, 5)   = 3.0 + 2.0            = 5
        P2 (2, 4.5) = 1.2 + 1.8            = 3
        P3 (5, N/A) = 5 (Impact alone, 60/60) = 5
        P4 (3, 3)   = 1.8 + 1.2            = 3
    E2  P1 (3, 3)   = 3
        P2 (2, 2)   = 2
        P3 (N/A, 1) = 1 (Feasibility alone)
        P4 (1, 3.5) = 0.6 + 1.4            = 2
    E3  P2 (4, 4)   = 4
        P4 (2, 2)   = 2
    E4  P3 (3, 3)   = 3      (one review: kept raw)

Evaluators (population mean m, population sd s, shrink n/(n+2)):
    E1: 5 3 5 3 -> m 4, s 1, shrink 4/6; z +1 -1 +1 -1; shrunk +-2/3
    E2: 3 2 1 2 -> m 2, s sqrt(2/4) = 0.707107, shrink 4/6;
        z +1.414214 0 -1.414214 0; shrunk +-0.942809 / 0
    E3: 4 2     -> m 3, s 1, shrink 2/4; z +1 -1; shrunk +-0.5
    E4: 3       -> kept raw
All eleven totals: sum 33, M = 3; squared deviations 4 0 4 0 0 1 4 1 1 1 0 = 16,
S = sqrt(16/11) = 1.206045.
Calibrated = 3 + shrunk * 1.206045:
    2/3 * S = 0.804030 ; 0.942809 * S = 1.137070 ; 0.5 * S = 0.603023
    E1: P1 3.804030, P2 2.195970, P3 3.804030, P4 2.195970
    E2: P1 4.137070, P2 3.000000, P3 1.862930, P4 3.000000
    E3: P2 3.603023, P4 2.396977
    E4: P3 3 (raw)
Per proposal (raw | calibrated):
    P1: 5 3      | 3.804030 4.137070            mean 4 | 3.970550; median same
                                                pop sd 1, range 2
    P2: 3 2 4    | 2.195970 3 3.603023          mean 3 | 2.932998; median 3 | 3
                                                pop sd 0.816497, range 2
    P3: 5 1 3    | 3.804030 1.862930 3          mean 3 | 2.888987; median 3 | 3
                                                pop sd 1.632993, range 4
    P4: 3 2 2    | 2.195970 3 2.396977          mean 2.333333 | 2.530982; median 2 | 2.396977
                                                pop sd 0.471405, range 1
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from challenges.scoring import (
    Criterion,
    ProposalScore,
    ReviewTotal,
    Scale,
    Score,
    aggregate,
    calibrate,
    call_scale,
    display,
    proposal_score,
    rank,
    spread,
    weighted_total,
)

CRITERIA = [Criterion(pk=1, weight=60), Criterion(pk=2, weight=40)]
NA = None

# (evaluator, proposal): (impact, feasibility); None = not applicable.
SCORES = {
    ("E1", "P1"): (5, 5),
    ("E1", "P2"): (2, Decimal("4.5")),
    ("E1", "P3"): (5, NA),
    ("E1", "P4"): (3, 3),
    ("E2", "P1"): (3, 3),
    ("E2", "P2"): (2, 2),
    ("E2", "P3"): (NA, 1),
    ("E2", "P4"): (1, Decimal("3.5")),
    ("E3", "P2"): (4, 4),
    ("E3", "P4"): (2, 2),
    ("E4", "P3"): (3, 3),
}
EVALUATOR = {"E1": 1, "E2": 2, "E3": 3, "E4": 4}
PROPOSAL = {"P1": 11, "P2": 12, "P3": 13, "P4": 14}

TOTALS = {
    ("E1", "P1"): 5,
    ("E1", "P2"): 3,
    ("E1", "P3"): 5,
    ("E1", "P4"): 3,
    ("E2", "P1"): 3,
    ("E2", "P2"): 2,
    ("E2", "P3"): 1,
    ("E2", "P4"): 2,
    ("E3", "P2"): 4,
    ("E3", "P4"): 2,
    ("E4", "P3"): 3,
}
Z = {
    ("E1", "P1"): 1,
    ("E1", "P2"): -1,
    ("E1", "P3"): 1,
    ("E1", "P4"): -1,
    ("E2", "P1"): 1.414214,
    ("E2", "P2"): 0,
    ("E2", "P3"): -1.414214,
    ("E2", "P4"): 0,
    ("E3", "P2"): 1,
    ("E3", "P4"): -1,
}
SHRUNK = {
    ("E1", "P1"): 0.666667,
    ("E1", "P2"): -0.666667,
    ("E1", "P3"): 0.666667,
    ("E1", "P4"): -0.666667,
    ("E2", "P1"): 0.942809,
    ("E2", "P2"): 0,
    ("E2", "P3"): -0.942809,
    ("E2", "P4"): 0,
    ("E3", "P2"): 0.5,
    ("E3", "P4"): -0.5,
}
CALIBRATED = {
    ("E1", "P1"): 3.804030,
    ("E1", "P2"): 2.195970,
    ("E1", "P3"): 3.804030,
    ("E1", "P4"): 2.195970,
    ("E2", "P1"): 4.137070,
    ("E2", "P2"): 3.0,
    ("E2", "P3"): 1.862930,
    ("E2", "P4"): 3.0,
    ("E3", "P2"): 3.603023,
    ("E3", "P4"): 2.396977,
    ("E4", "P3"): 3.0,
}
APPROX = {"abs": 1e-6}


def _scores(pair):
    impact, feasibility = pair
    return [
        Score(1, impact, not_applicable=impact is None),
        Score(2, feasibility, not_applicable=feasibility is None),
    ]


def _review_totals():
    return [
        ReviewTotal(
            review_id=n,
            proposal_id=PROPOSAL[p],
            evaluator_id=EVALUATOR[e],
            raw=weighted_total(CRITERIA, _scores(SCORES[(e, p)])),
        )
        for n, (e, p) in enumerate(SCORES, start=1)
    ]


def _key(review):
    e = next(k for k, v in EVALUATOR.items() if v == review.evaluator_id)
    p = next(k for k, v in PROPOSAL.items() if v == review.proposal_id)
    return e, p


# --- weighted totals ---------------------------------------------------------------------------


@pytest.mark.parametrize("pair", list(SCORES))
def test_weighted_total_of_each_review(pair):
    assert weighted_total(CRITERIA, _scores(SCORES[pair])) == pytest.approx(TOTALS[pair], **APPROX)


def test_all_not_applicable_has_no_total():
    assert weighted_total(CRITERIA, _scores((NA, NA))) is None
    assert weighted_total(CRITERIA, []) is None


def test_unscored_criterion_drops_out_like_not_applicable():
    # A draft with only Feasibility scored reads 4 (40/40), not 1.6.
    assert weighted_total(CRITERIA, [Score(2, 4)]) == pytest.approx(4)


def test_mixed_scales_total_on_0_to_100():
    criteria = [
        Criterion(pk=1, weight=50, scale_min=0, scale_max=10),
        Criterion(pk=2, weight=50, scale_min=1, scale_max=5),
    ]
    assert call_scale(criteria) == Scale(0, 100)
    # 5 of 0-10 is 0.5; 3 of 1-5 is (3-1)/4 = 0.5; 0.5 of 0-100 = 50.
    assert weighted_total(criteria, [Score(1, 5), Score(2, 3)]) == pytest.approx(50)
    # 10 of 0-10 (weight 70) and 1 of 1-5 (weight 30): 0.7 -> 70.
    criteria[0] = Criterion(pk=1, weight=70, scale_min=0, scale_max=10)
    criteria[1] = Criterion(pk=2, weight=30, scale_min=1, scale_max=5)
    assert weighted_total(criteria, [Score(1, 10), Score(2, 1)]) == pytest.approx(70)


def test_shared_scale_is_the_calls_scale():
    assert call_scale(CRITERIA) == Scale(0, 5)
    assert call_scale([Criterion(1, 100, 1, 10)]) == Scale(1, 10)


# --- calibration -------------------------------------------------------------------------------


def test_evaluator_statistics():
    calibration = calibrate(_review_totals(), Scale(0, 5))
    assert calibration.overall_mean == pytest.approx(3, **APPROX)
    assert calibration.overall_sd == pytest.approx(1.206045, **APPROX)
    e1, e2, e3, e4 = (calibration.evaluators[EVALUATOR[e]] for e in ("E1", "E2", "E3", "E4"))
    assert (e1.reviews, e1.mean, e1.sd) == (4, pytest.approx(4), pytest.approx(1))
    assert e1.shrink == pytest.approx(4 / 6)
    assert (e2.reviews, e2.mean, e2.sd) == (4, pytest.approx(2), pytest.approx(0.707107, **APPROX))
    assert (e3.reviews, e3.mean, e3.sd, e3.shrink) == (2, 3, 1, pytest.approx(0.5))
    assert e4.reviews == 1
    assert e4.kept_raw
    assert not e1.kept_raw


def test_z_shrunk_and_calibrated_for_every_review():
    calibration = calibrate(_review_totals(), Scale(0, 5))
    assert len(calibration.reviews) == 11
    for review in calibration.reviews:
        key = _key(review)
        assert review.raw == pytest.approx(TOTALS[key], **APPROX), key
        assert review.calibrated == pytest.approx(CALIBRATED[key], **APPROX), key
        if key[0] == "E4":
            assert review.z is None
            assert review.shrunk_z is None
        else:
            assert review.z == pytest.approx(Z[key], **APPROX), key
            assert review.shrunk_z == pytest.approx(SHRUNK[key], **APPROX), key


def test_evaluator_without_spread_keeps_raw_scores():
    totals = [ReviewTotal(1, 11, 1, 4.0), ReviewTotal(2, 12, 1, 4.0), ReviewTotal(3, 11, 2, 1.0)]
    calibration = calibrate(totals, Scale(0, 5))
    assert calibration.evaluators[1].kept_raw
    assert [r.calibrated for r in calibration.reviews] == [4.0, 4.0, 1.0]


def test_calibrated_scores_are_clipped_to_the_scale():
    # E1 scores 0 and 10 (m 5, s 5): z = -1, +1; shrink 2/4 -> -0.5, +0.5.
    # All totals 0 10 1 1 1 1 1 1 1 1: M = 18/10 = 1.8; deviations -1.8 8.2 and eight -0.8:
    # 3.24 + 67.24 + 8 * 0.64 = 75.6; S = sqrt(7.56) = 2.749545.
    # E1's 0 -> 1.8 - 0.5 * 2.749545 = 0.425227 ; 10 -> 1.8 + 1.374773 = 3.174773 (within 0-10).
    # On a 0-3 scale the 10 would be clipped to 3.
    totals = [ReviewTotal(1, 1, 1, 0.0), ReviewTotal(2, 2, 1, 10.0)] + [
        ReviewTotal(10 + i, 3 + i, 100 + i, 1.0) for i in range(8)
    ]
    wide = calibrate(totals, Scale(0, 10))
    assert wide.overall_sd == pytest.approx(2.749545, **APPROX)
    assert [r.calibrated for r in wide.reviews[:2]] == [
        pytest.approx(0.425227, **APPROX),
        pytest.approx(3.174773, **APPROX),
    ]
    narrow = calibrate(totals, Scale(0, 3))
    assert narrow.reviews[1].calibrated == 3


def test_few_reviews_move_less_than_many():
    # Same pattern of deviations, 2 reviews vs 8 reviews: shrink 0.5 vs 0.8.
    few = [ReviewTotal(1, 1, 1, 2.0), ReviewTotal(2, 2, 1, 4.0)]
    many = [ReviewTotal(10 + i, 10 + i, 2, 2.0 if i % 2 else 4.0) for i in range(8)]
    calibration = calibrate(few + many, Scale(0, 5))
    assert calibration.evaluators[1].shrink == pytest.approx(0.5)
    assert calibration.evaluators[2].shrink == pytest.approx(0.8)
    assert calibration.reviews[1].shrunk_z == pytest.approx(0.5)
    assert calibration.reviews[2].shrunk_z == pytest.approx(0.8)


def test_no_reviews_no_calibration():
    calibration = calibrate([], Scale(0, 5))
    assert calibration.reviews == []
    assert calibration.overall_mean is None


# --- per proposal --------------------------------------------------------------------------------

EXPECTED_MEAN = {
    # proposal: (reviews, raw mean, calibrated mean, pop sd, range)
    "P1": (2, 4, 3.970550, 1, 2),
    "P2": (3, 3, 2.932998, 0.816497, 2),
    "P3": (3, 3, 2.888987, 1.632993, 4),
    "P4": (3, 2.333333, 2.530982, 0.471405, 1),
}
EXPECTED_MEDIAN = {"P1": (4, 3.970550), "P2": (3, 3), "P3": (3, 3), "P4": (2, 2.396977)}


def _proposal_scores(aggregation="mean", measure="std", threshold=1):
    calibration = calibrate(_review_totals(), Scale(0, 5))
    return {
        name: proposal_score(
            pk,
            [r for r in calibration.reviews if r.proposal_id == pk],
            aggregation=aggregation,
            measure=measure,
            threshold=threshold,
        )
        for name, pk in PROPOSAL.items()
    }


def test_mean_aggregation_and_std_disagreement():
    scores = _proposal_scores("mean", "std", Decimal("1.00"))
    for name, (reviews, raw, calibrated, sd, _range) in EXPECTED_MEAN.items():
        s = scores[name]
        assert s.reviews == reviews
        assert s.raw == pytest.approx(raw, **APPROX), name
        assert s.calibrated == pytest.approx(calibrated, **APPROX), name
        assert s.spread == pytest.approx(sd, **APPROX), name
    # Strictly above 1: P1's standard deviation is exactly 1 and is not flagged.
    assert {n for n, s in scores.items() if s.disagreement} == {"P3"}


def test_median_aggregation():
    scores = _proposal_scores("median")
    for name, (raw, calibrated) in EXPECTED_MEDIAN.items():
        assert scores[name].raw == pytest.approx(raw, **APPROX), name
        assert scores[name].calibrated == pytest.approx(calibrated, **APPROX), name


def test_range_disagreement():
    scores = _proposal_scores("mean", "range", Decimal("1.5"))
    assert {n: s.spread for n, s in scores.items()} == {"P1": 2, "P2": 2, "P3": 4, "P4": 1}
    assert {n for n, s in scores.items() if s.disagreement} == {"P1", "P2", "P3"}


def test_one_review_never_disagrees():
    score = proposal_score(
        1,
        calibrate([ReviewTotal(1, 1, 1, 5.0)], Scale(0, 5)).reviews,
        aggregation="mean",
        measure="range",
        threshold=0,
    )
    assert (score.reviews, score.spread, score.disagreement) == (1, 0, False)


def test_aggregate_and_spread_helpers():
    assert aggregate([], "mean") is None
    assert aggregate([1, 2, 10], "median") == 2
    assert spread([1, 3], "std") == 1
    with pytest.raises(ValueError, match="aggregation"):
        aggregate([1], "mode")
    with pytest.raises(ValueError, match="measure"):
        spread([1], "iqr")


# --- ranking -------------------------------------------------------------------------------------


def _ranks(scores):
    order = {pk: name for name, pk in PROPOSAL.items()}
    return [(order[r.proposal_id], r.rank, r.tie) for r in rank(list(scores.values()), order=order)]


def test_ranking_by_calibrated_mean():
    # Raw means tie P2 and P3 at 3; calibration separates them (2.93 > 2.89).
    assert _ranks(_proposal_scores("mean")) == [
        ("P1", 1, False),
        ("P2", 2, False),
        ("P3", 3, False),
        ("P4", 4, False),
    ]


def test_ranking_by_median_shows_ties():
    # P2 and P3: calibrated median 3 and raw median 3 both -> the same rank, marked tied.
    assert _ranks(_proposal_scores("median")) == [
        ("P1", 1, False),
        ("P2", 2, True),
        ("P3", 2, True),
        ("P4", 4, False),
    ]


def test_raw_breaks_calibrated_ties_and_unscored_come_last():
    scores = [
        ProposalScore(1, 2, raw=3.0, calibrated=3.5, spread=0, disagreement=False),
        ProposalScore(2, 2, raw=4.0, calibrated=3.5, spread=0, disagreement=False),
        ProposalScore(3, 0, raw=None, calibrated=None, spread=None, disagreement=False),
        ProposalScore(4, 1, raw=1.0, calibrated=1.0, spread=0, disagreement=False),
    ]
    assert [(r.proposal_id, r.rank, r.tie) for r in rank(scores)] == [
        (2, 1, False),
        (1, 2, False),
        (4, 3, False),
        (3, None, False),
    ]


def test_ties_are_decided_at_the_displayed_precision():
    scores = [
        ProposalScore(1, 1, raw=3.0, calibrated=3.4449, spread=0, disagreement=False),
        ProposalScore(2, 1, raw=3.0, calibrated=3.4351, spread=0, disagreement=False),
    ]
    # Both read 3.44 and 3.00: tied.
    assert [(r.rank, r.tie) for r in rank(scores)] == [(1, True), (1, True)]


def test_display_rounds_half_up():
    assert display(2.345) == Decimal("2.35")
    assert display(2.5, 0) == Decimal(3)
    assert display(None) is None
