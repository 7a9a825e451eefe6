"""The assignment solver on hand-made and random instances (seeded): never a conflicted pair,
never over load, exactly k per proposal whenever a solution exists (checked independently),
and a reason when none does. Plus the 500 x 60 benchmark."""

from __future__ import annotations

import itertools
import random
import time

import networkx as nx
import pytest
from django.utils import translation

from challenges.assignment import ACADEMIA, INDUSTRY, Match, affinity, solve

SECTORS = (INDUSTRY, ACADEMIA, "independent", "government")


@pytest.fixture(autouse=True)
def _english():
    """The reasons are asserted in English (Spanish is the default language)."""
    with translation.override("en"):
        yield


def _check(result, proposals, evaluators, k, loads, conflicts, existing=None, mix=False):
    """The invariants of a feasible answer."""
    existing = existing or {}
    pairs = [(p.evaluator, p.proposal) for p in result.placements]
    assert len(pairs) == len(set(pairs)), "a pair assigned twice"
    assert not set(pairs) & set(conflicts), "a conflicted pair was assigned"
    per_evaluator: dict[int, int] = {}
    per_proposal: dict[int, list[int]] = {p: list(existing.get(p, ())) for p in proposals}
    for e, p in pairs:
        per_evaluator[e] = per_evaluator.get(e, 0) + 1
        assert e not in existing.get(p, ()), "an existing evaluator assigned again"
        per_proposal[p].append(e)
    for e, n in per_evaluator.items():
        assert n <= loads[e], f"evaluator {e} over load: {n} > {loads[e]}"
    for p, evs in per_proposal.items():
        assert len(evs) == k, f"proposal {p} got {len(evs)} evaluators, not {k}"
        if mix:
            sectors = {evaluators[e] for e in evs}
            assert INDUSTRY in sectors, f"proposal {p} lacks industry"
            assert ACADEMIA in sectors, f"proposal {p} lacks academia"


def _max_flow_feasible(proposals, evaluators, k, loads, conflicts) -> bool:
    """Independent check without the mix: a max flow of k x proposals exists."""
    graph = nx.DiGraph()
    for e in evaluators:
        graph.add_edge("s", ("e", e), capacity=loads[e])
        for p in proposals:
            if (e, p) not in conflicts:
                graph.add_edge(("e", e), ("p", p), capacity=1)
    for p in proposals:
        graph.add_edge(("p", p), "t", capacity=k)
    if "s" not in graph or "t" not in graph:
        return k == 0 or not proposals
    return nx.maximum_flow_value(graph, "s", "t") == k * len(proposals)


def _brute_force_feasible(proposals, evaluators, k, loads, conflicts, mix) -> bool:
    """Independent check with the mix on small instances: backtracking over proposals."""
    used = dict.fromkeys(evaluators, 0)

    def place(i: int) -> bool:
        if i == len(proposals):
            return True
        p = proposals[i]
        options = [e for e in evaluators if (e, p) not in conflicts]
        for team in itertools.combinations(options, k):
            if any(used[e] >= loads[e] for e in team):
                continue
            if mix and not ({INDUSTRY, ACADEMIA} <= {evaluators[e] for e in team}):
                continue
            for e in team:
                used[e] += 1
            if place(i + 1):
                return True
            for e in team:
                used[e] -= 1
        return False

    return place(0)


def _instance(rng: random.Random, n_proposals: int, n_evaluators: int, density: float):
    proposals = list(range(1, n_proposals + 1))
    evaluators = {100 + i: rng.choice(SECTORS) for i in range(n_evaluators)}
    loads = {e: rng.randint(0, 4) for e in evaluators}
    conflicts = {(e, p) for e in evaluators for p in proposals if rng.random() < density}
    scores = {(e, p): Match(round(rng.random(), 4)) for e in evaluators for p in proposals}
    return proposals, evaluators, loads, conflicts, scores


@pytest.mark.parametrize("seed", range(50))
def test_random_instances_without_mix(seed):
    rng = random.Random(seed)
    proposals, evaluators, loads, conflicts, scores = _instance(
        rng, rng.randint(3, 25), rng.randint(2, 12), rng.choice([0.0, 0.1, 0.3, 0.6])
    )
    k = rng.randint(1, 3)
    result = solve(proposals, evaluators, k, loads, conflicts, scores)
    expected = _max_flow_feasible(proposals, evaluators, k, loads, conflicts)
    assert result.feasible is expected, result.reasons
    if expected:
        _check(result, proposals, evaluators, k, loads, conflicts)
    else:
        assert result.reasons
        assert not result.placements


@pytest.mark.parametrize("seed", range(50))
def test_random_small_instances_with_mix(seed):
    rng = random.Random(1000 + seed)
    proposals, evaluators, loads, conflicts, scores = _instance(
        rng, rng.randint(2, 4), rng.randint(4, 7), rng.choice([0.0, 0.2, 0.4])
    )
    loads = {e: rng.randint(1, 4) for e in evaluators}
    k = rng.randint(2, 3)
    result = solve(proposals, evaluators, k, loads, conflicts, scores, require_mix=True)
    expected = _brute_force_feasible(proposals, evaluators, k, loads, conflicts, True)
    assert result.feasible is expected, (result.reasons, evaluators, loads, conflicts)
    if expected:
        _check(result, proposals, evaluators, k, loads, conflicts, mix=True)
    else:
        assert result.reasons


def test_random_instances_are_sometimes_infeasible_and_sometimes_not():
    """The random families above exercise both answers (a test of the test)."""
    outcomes = set()
    for seed in range(50):
        rng = random.Random(seed)
        proposals, evaluators, loads, conflicts, _scores = _instance(
            rng, rng.randint(3, 25), rng.randint(2, 12), rng.choice([0.0, 0.1, 0.3, 0.6])
        )
        k = rng.randint(1, 3)
        outcomes.add(_max_flow_feasible(proposals, evaluators, k, loads, conflicts))
    assert outcomes == {True, False}


def test_highest_affinity_wins():
    scores = {(1, 10): Match(0.9), (2, 10): Match(0.1), (3, 10): Match(0.5)}
    result = solve(
        [10],
        {1: "independent", 2: "independent", 3: "independent"},
        2,
        {1: 1, 2: 1, 3: 1},
        set(),
        scores,
    )
    assert result.pairs() == {(1, 10), (3, 10)}
    rationale = {p.evaluator: p.rationale for p in result.placements}
    assert {"code": "load", "detail": "1/1"} in rationale[1]


def test_conflict_is_never_used_even_when_it_is_the_best_match():
    scores = {(1, 10): Match(1.0), (2, 10): Match(0.0)}
    result = solve([10], {1: "independent", 2: "independent"}, 1, {1: 5, 2: 5}, {(1, 10)}, scores)
    assert result.pairs() == {(2, 10)}


def test_existing_assignments_count_and_are_not_repeated():
    evaluators = {1: INDUSTRY, 2: ACADEMIA, 3: ACADEMIA}
    result = solve([10], evaluators, 2, {1: 3, 2: 3, 3: 3}, set(), None, True, existing={10: {2}})
    assert result.pairs() == {(1, 10)}  # academia is there already; industry is missing


def test_reasons_when_a_proposal_has_too_few_evaluators_without_conflict():
    evaluators = {1: "independent", 2: "independent", 3: "independent"}
    result = solve(
        [10, 11], evaluators, 3, {1: 5, 2: 5, 3: 5}, {(3, 11)}, None, labels={11: "CMSP-2026-0011"}
    )
    assert not result.feasible
    assert any("CMSP-2026-0011 has only 2 evaluators" in r for r in result.reasons)


def test_reasons_when_the_total_load_is_too_small():
    result = solve([1, 2, 3], {7: "independent", 8: "independent"}, 2, {7: 2, 8: 2}, set(), None)
    assert not result.feasible
    assert "can take 4 more reviews in all, but 6 are needed" in result.reasons[0]


def test_reasons_when_no_academia_evaluator_is_free_of_conflict():
    evaluators = {1: INDUSTRY, 2: INDUSTRY, 3: ACADEMIA}
    result = solve([10], evaluators, 2, {1: 2, 2: 2, 3: 2}, {(3, 10)}, None, True, labels={10: "P"})
    assert not result.feasible
    assert any("no evaluator from academia" in r for r in result.reasons)


def test_reasons_for_a_hall_violation_that_no_simple_count_sees():
    """Proposals 10 and 11 can only use evaluators 1 and 2, which they fill; 12 then has only
    evaluator 3. Each proposal alone and the total load look fine."""
    evaluators = {1: "independent", 2: "independent", 3: "independent"}
    conflicts = {(3, 10), (3, 11)}
    result = solve([10, 11, 12], evaluators, 2, {1: 2, 2: 2, 3: 2}, conflicts, None)
    assert not result.feasible
    assert "at most" in result.reasons[-1]


def test_affinity_uses_topics_capabilities_and_language():
    names = {1: "Chancado", 2: "Mantenimiento", 3: "Sensores"}
    match = affinity({1, 3}, {1, 2}, {3}, names=names)
    assert match.affinity == pytest.approx(0.7 * 0.5 + 0.3 * 1.0)
    assert [r["detail"] for r in match.reasons] == ["Chancado", "Sensores"]
    assert affinity(set(), {1}, set()).affinity == 0
    assert affinity({1}, {1}, set(), languages=["es"], language="en").affinity == 0.9
    assert affinity({1}, {1}, set(), languages=["es"], language=None).affinity == 1.0


def test_benchmark_500_proposals_60_evaluators_k3(capsys):
    rng = random.Random(2026)
    proposals = list(range(1, 501))
    evaluators = {1000 + i: rng.choice(SECTORS) for i in range(60)}
    loads = dict.fromkeys(evaluators, 30)
    conflicts = {(e, p) for e in evaluators for p in proposals if rng.random() < 0.05}
    scores = {(e, p): Match(round(rng.random(), 4)) for e in evaluators for p in proposals}
    started = time.perf_counter()
    result = solve(proposals, evaluators, 3, loads, conflicts, scores)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nbench_assignment: 500 proposals x 60 evaluators, k=3: {elapsed:.2f} s")
    assert result.feasible
    _check(result, proposals, evaluators, 3, loads, conflicts)
    assert elapsed < 20
