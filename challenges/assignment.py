"""The automatic assignment of evaluators to proposals: a min-cost flow (pure: no database).

Why networkx (``networkx.min_cost_flow``, network simplex): it is pure Python with no system
package and no compiled wheel to trust, the solution is exact (integer flows, integer costs),
and the problem is small for it (500 proposals x 60 evaluators in a few seconds). scipy's
``linear_sum_assignment`` solves one-to-one matchings only (capacities would need duplicated
rows and no lower bounds); OR-Tools is a large binary dependency for the same answer.

The network (``need[p]`` is k minus the evaluators the proposal already has)::

    source ──(cap: remaining load)──▶ evaluator ──(cap 1, cost 1000·(1 - affinity))──▶ proposal
    proposal: demand need[p]; source: supply Σ need[p]

No edge for a conflicted pair (unless the coordinator overrode it: the caller leaves such
pairs out of ``conflicts``) nor for an evaluator who already has the proposal. Every unit of
flow crosses exactly one evaluator→proposal edge, so minimizing Σ (1 - affinity) maximizes the
total affinity. A small extra cost for the load above the fair share (Σ need ÷ evaluators)
spreads the work when affinities tie.

**Sector mix** (at least one evaluator from industry and one from academia per proposal):
per-proposal sector nodes with a lower bound, written as node demands. For a proposal that
still lacks industry, industry evaluators reach it through a node ``(p, industry)`` whose
edge to ``p`` must carry at least one unit: the node gets demand 1 and ``p`` one less (the
standard lower-bound transformation), likewise for academia. A min-cost flow meeting every
demand is then exactly an assignment meeting every rule; ``NetworkXUnfeasible`` means none
exists, and :func:`_explain` says why.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

INDUSTRY = "industry"
ACADEMIA = "academia"
MIX_SECTORS = (INDUSTRY, ACADEMIA)
#: Costs are integers: affinity in [0, 1] scaled by this.
SCALE = 1000
#: Extra cost per review above an evaluator's fair share (a tie-breaker, < any affinity step
#: worth showing).
OVERLOAD_COST = 50

Pair = tuple[int, int]  # (evaluator id, proposal id)


@dataclass(frozen=True)
class Match:
    """Why an evaluator suits a proposal: an affinity in [0, 1] and the reasons."""

    affinity: float
    #: ``[{"code": "expertise", "detail": "…"}, {"code": "language", "detail": "es"}, …]``
    reasons: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class Placement:
    evaluator: int
    proposal: int
    affinity: float
    rationale: list[dict[str, str]]


@dataclass
class Result:
    """The solver's answer: ``feasible`` with ``placements``, or the reasons it is not."""

    feasible: bool
    placements: list[Placement] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def pairs(self) -> set[Pair]:
        return {(p.evaluator, p.proposal) for p in self.placements}


def affinity(
    expertise: Iterable[Any],
    topics: Iterable[Any],
    capabilities: Iterable[Any] = (),
    *,
    languages: Iterable[str] = (),
    language: str | None = None,
    names: Mapping[Any, str] | None = None,
) -> Match:
    """The evaluator's ``expertise`` (capability ids) against the proposal's ``topics`` (its
    challenge's value-chain stages and service areas) and the lead's ``capabilities``.

    Topics weigh 0.7 and capabilities 0.3 (each part the share of the proposal's terms the
    evaluator knows; a part with no terms gives its weight to the other). When the proposal's
    ``language`` is known, speaking it is 0.1 of the score; unknown: ignored. ``names`` turns
    capability ids into the words shown as the reasons."""
    known = set(expertise)
    topic_set, cap_set = set(topics), set(capabilities)
    parts: list[tuple[float, float]] = []
    if topic_set:
        parts.append((0.7, len(known & topic_set) / len(topic_set)))
    if cap_set:
        parts.append((0.3, len(known & cap_set) / len(cap_set)))
    total_weight = sum(w for w, _ in parts)
    score = sum(w * s for w, s in parts) / total_weight if total_weight else 0.0
    names = names or {}
    matched = sorted(known & (topic_set | cap_set), key=lambda c: str(names.get(c, c)))
    reasons = [{"code": "expertise", "detail": str(names.get(c, c))} for c in matched]
    if language:
        speaks = language in set(languages)
        score = 0.9 * score + (0.1 if speaks else 0.0)
        if speaks:
            reasons.append({"code": "language", "detail": language})
    return Match(round(min(max(score, 0.0), 1.0), 4), tuple(reasons))


def solve(
    proposals: Iterable[int],
    evaluators: Mapping[int, str],
    k: int,
    loads: Mapping[int, int],
    conflicts: Iterable[Pair],
    affinity: Mapping[Pair, Match] | Callable[[int, int], Match] | None = None,
    require_mix: bool = False,
    *,
    existing: Mapping[int, Iterable[int]] | None = None,
    labels: Mapping[int, str] | None = None,
) -> Result:
    """Give every proposal ``k`` evaluators.

    ``evaluators``: id → sector; ``loads``: id → how many more proposals the evaluator may take
    in this call; ``conflicts``: pairs that must not be assigned; ``affinity``: a mapping or a
    function (evaluator, proposal) → :class:`Match` (missing: 0); ``existing``: proposal →
    evaluators it already has (they count towards k and the mix and are not assigned again);
    ``labels``: proposal → how to name it in a reason."""
    import time

    started = time.perf_counter()
    proposal_ids = list(dict.fromkeys(proposals))
    kept: dict[int, set[int]] = (
        {p: set(existing.get(p, ())) for p in proposal_ids} if existing else {}
    )
    labels = labels or {}
    blocked = set(conflicts)

    def match(e: int, p: int) -> Match:
        if affinity is None:
            return Match(0.0)
        if callable(affinity):
            return affinity(e, p)
        return affinity.get((e, p)) or Match(0.0)

    need = {p: max(k - len(kept.get(p, ())), 0) for p in proposal_ids}
    lacking: dict[int, list[str]] = {}
    if require_mix:
        for p in proposal_ids:
            have = {evaluators.get(e) for e in kept.get(p, ())}
            lacking[p] = [s for s in MIX_SECTORS if s not in have]

    capacity = {e: max(int(loads.get(e, 0)), 0) for e in evaluators}
    candidates: dict[int, list[int]] = {
        p: [
            e
            for e in evaluators
            if capacity[e] > 0 and (e, p) not in blocked and e not in kept.get(p, ())
        ]
        for p in proposal_ids
    }
    problems = _explain(proposal_ids, evaluators, k, need, capacity, candidates, lacking, labels)
    if problems:
        return Result(False, reasons=problems, seconds=time.perf_counter() - started)
    total = sum(need.values())
    if total == 0:
        return Result(True, seconds=time.perf_counter() - started)

    graph = nx.DiGraph()
    graph.add_node("source", demand=-total)
    active = [e for e in evaluators if capacity[e] > 0]
    fair = math.ceil(total / max(len(active), 1))
    node: Any
    for e in active:
        node = ("e", e)
        base = min(capacity[e], fair)
        graph.add_edge("source", node, capacity=base, weight=0)
        if capacity[e] > base:
            extra = ("x", e)
            graph.add_edge("source", extra, capacity=capacity[e] - base, weight=OVERLOAD_COST)
            graph.add_edge(extra, node, capacity=capacity[e] - base, weight=0)
    for p in proposal_ids:
        if need[p] == 0:
            continue
        target: Any = ("p", p)
        demand = need[p]
        sector_nodes: dict[str, Any] = {}
        for sector in lacking.get(p, ()):
            node = ("s", p, sector)
            sector_nodes[sector] = node
            graph.add_node(node, demand=1)
            graph.add_edge(node, target, capacity=need[p] - 1, weight=0)
            demand -= 1
        graph.add_node(target, demand=demand)
        for e in candidates[p]:
            cost = SCALE - round(SCALE * match(e, p).affinity)
            via = sector_nodes.get(evaluators[e], target)
            graph.add_edge(("e", e), via, capacity=1, weight=cost)
    try:
        flow = nx.min_cost_flow(graph)
    except nx.NetworkXUnfeasible:
        reasons = _flow_shortfall(graph, total, labels)
        return Result(False, reasons=reasons, seconds=time.perf_counter() - started)

    placements: list[Placement] = []
    given: dict[int, int] = dict.fromkeys(evaluators, 0)
    for e in active:
        for target, units in flow[("e", e)].items():
            if units <= 0:
                continue
            p = target[1]
            given[e] += 1
            placements.append(Placement(e, p, 0.0, []))
    result: list[Placement] = []
    for placement in sorted(placements, key=lambda x: (x.proposal, x.evaluator)):
        e, p = placement.evaluator, placement.proposal
        m = match(e, p)
        rationale = list(m.reasons)
        if require_mix and evaluators[e] in MIX_SECTORS:
            rationale.append({"code": "sector", "detail": evaluators[e]})
        rationale.append({"code": "load", "detail": f"{given[e]}/{loads.get(e, 0)}"})
        result.append(Placement(e, p, m.affinity, rationale))
    return Result(True, result, seconds=time.perf_counter() - started)


def _name(p: int, labels: Mapping[int, str]) -> str:
    return labels.get(p) or f"#{p}"


def _explain(
    proposal_ids: list[int],
    evaluators: Mapping[int, str],
    k: int,
    need: Mapping[int, int],
    capacity: Mapping[int, int],
    candidates: Mapping[int, list[int]],
    lacking: Mapping[int, list[str]],
    labels: Mapping[int, str],
) -> list[str]:
    """The reasons no assignment can exist that are visible without solving (empty: maybe
    feasible)."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    reasons: list[str] = []
    total = sum(need.values())
    room = sum(capacity.values())
    if room < total:
        reasons.append(
            _(
                "The evaluators can take %(room)s more reviews in all, but %(total)s are needed "
                "(%(k)s per proposal)."
            )
            % {"room": room, "total": total, "k": k}
        )
    for sector in MIX_SECTORS:
        wanting = sum(1 for p in proposal_ids if sector in lacking.get(p, ()))
        sector_room = sum(c for e, c in capacity.items() if evaluators[e] == sector)
        if wanting and sector_room < wanting:
            reasons.append(
                (
                    _(
                        "%(count)s proposals need an evaluator from industry, but the industry "
                        "evaluators can take only %(room)s more."
                    )
                    if sector == INDUSTRY
                    else _(
                        "%(count)s proposals need an evaluator from academia, but the academia "
                        "evaluators can take only %(room)s more."
                    )
                )
                % {"count": wanting, "room": sector_room}
            )
    for p in proposal_ids:
        available = candidates[p]
        if len(available) < need[p]:
            reasons.append(
                ngettext(
                    "Proposal %(proposal)s has only %(count)s evaluator without a conflict "
                    "and with room (%(need)s needed).",
                    "Proposal %(proposal)s has only %(count)s evaluators without a conflict "
                    "and with room (%(need)s needed).",
                    len(available),
                )
                % {"proposal": _name(p, labels), "count": len(available), "need": need[p]}
            )
        missing = lacking.get(p, [])
        if missing and len(missing) > need[p]:
            reasons.append(
                _(
                    "Proposal %(proposal)s needs an evaluator from industry and one from "
                    "academia, but only %(need)s more can be assigned."
                )
                % {"proposal": _name(p, labels), "need": need[p]}
            )
            continue
        for sector in missing:
            if not any(evaluators[e] == sector for e in available):
                reasons.append(
                    (
                        _(
                            "Proposal %(proposal)s has no evaluator from industry without a "
                            "conflict and with room."
                        )
                        if sector == INDUSTRY
                        else _(
                            "Proposal %(proposal)s has no evaluator from academia without a "
                            "conflict and with room."
                        )
                    )
                    % {"proposal": _name(p, labels)}
                )
    return reasons


def _flow_shortfall(graph: nx.DiGraph, total: int, labels: Mapping[int, str]) -> list[str]:
    """Say how far from a solution the rules are: the largest number of reviews that can be
    placed at once (a max flow to a super sink)."""
    from django.utils.translation import gettext as _

    bounded = graph.copy()
    for node, data in list(graph.nodes(data=True)):
        if data.get("demand", 0) > 0:
            bounded.add_edge(node, "sink", capacity=data["demand"])
    value = nx.maximum_flow_value(bounded, "source", "sink")
    return [
        _(
            "No assignment meets every rule at once: at most %(placed)s of the %(total)s "
            "reviews can be placed. Some proposals compete for the same few evaluators without "
            "a conflict; add evaluators, raise their load or lower the number per proposal."
        )
        % {"placed": value, "total": total}
    ]
