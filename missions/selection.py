"""Selection of a mission's delegation under capacities and quotas: pure functions, no database.

Plain dataclasses in (:class:`Application`, :class:`Rules`), dataclasses out (:class:`Selection`,
:class:`Promotion`). Every explanation is data (a :class:`Code` and numbers), never a sentence,
so the pages translate it.

**Who takes part.** An application that is ``withdrawn`` (the organization withdrew, declined an
offer or let a hold lapse) is out for good: never selected, never on the waitlist, never
promoted. An application that is not ``eligible`` is out too, unless it is ``fixed``.

**The three quota levels** (issue 12):

- *Delegates per organization* (``Rules.max_delegates_per_organization``): an application asking
  for more delegates is **trimmed**, not refused: the organization keeps its place with the
  first ``max`` delegates it nominated (they are nominated in order) and a :class:`Trim` says
  so. Refusing would throw away a good organization for a form detail the coordinator can fix
  by hand. An organization holds **at most one place**: when it has several applications only
  one of them can be selected, so "organizations" and "selected applications" are the same count.
- *Places per group* (``Rules.group_minimums``, e.g. ``{"small_company": 4,
  "outside_arequipa": 3}``): a **place is an organization** (a selected application), not a
  delegate: "at least 4 small companies" means four small companies go, and one small company
  sending four people must not fill the quota on its own. Groups overlap freely; one
  organization counts for every group it belongs to.
- *The total*: ``Rules.capacity_organizations`` (places) and ``Rules.capacity_delegates``
  (people) are hard limits, never exceeded.

**Selection** (:func:`select`) is an integer programme solved by HiGHS through
:func:`scipy.optimize.milp`: a binary ``x_i`` per candidate, and per group with a minimum an
integer slack ``s_g`` (the places missing) in ``Σ_{i in g} x_i + s_g >= minimum_g``. The
slacks' penalty is made *lexicographic* instead of a big-M weight (which would have to outweigh
every possible score and would blur the solver's tolerances), in three stages:

1. minimise the total missing places ``Σ s_g`` (0 whenever every minimum can be met: the quotas
   are honoured whenever a feasible selection exists);
2. with that shortfall fixed, maximise the total score. Scores are rounded half up to
   :data:`SCORE_DECIMALS` decimals (the precision the coordinator reads) and scaled to
   integers, so the objective is exact and "equal score" means equal at that precision;
3. ties: among the selections with that shortfall and that score, the one that includes the
   best-ranked application possible, then the next best-ranked, and so on (rank = score
   highest first, then earlier ``submitted_at``, then lower ``id``). Done by fixing ``x_i`` in
   rank order, one small solve per candidate the incumbent leaves out, so the result never
   depends on the solver's path. The relative MIP gap is set to 0: HiGHS proves optimality.

A quota that is still short is reported (:class:`QuotaOutcome`) with the places missing and the
reason: not enough eligible organizations in the group (:attr:`Code.NOT_ENOUGH_APPLICANTS`),
the capacities cannot fit that minimum even alone (:attr:`Code.CAPACITY`), or it fits alone but
not together with the other minimums (:attr:`Code.CONFLICTING_QUOTAS`).

**Waitlist**: every other candidate, by rank; each entry lists its *buckets*, the groups with a
minimum it belongs to (whose minimum it could help).

**Promotion** (:func:`promote`): a selected application withdraws or declines; the freed place
goes to the first waitlisted application that fits the remaining capacities and, when the freed
one counted for a group minimum that is now short, belongs to that group (the one covering the
most such groups, then the first on the waitlist). When no minimum of the freed one is at stake
but another minimum is still short, a candidate of that group goes first; otherwise the first on
the waitlist that fits. The answer explains the choice and why each application ahead of the
promoted one on the waitlist was passed over (:class:`Skip`).

**Re-running** (:func:`rerun`) after the capacity or a quota changes: the coordinator's
*confirmed* delegations are kept (they become ``fixed`` inputs, ``x_i = 1`` in the programme,
whole, even if a lowered capacity or per-organization maximum is now exceeded, which a
:class:`CapacityNotice` reports); everything else, including offers not yet accepted, is
selected again and the waitlist recomputed. Withdrawn applications stay out.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

#: Scores are compared, summed and tied at this many decimals (rounded half up).
SCORE_DECIMALS = 2

#: HiGHS options: prove optimality (no relative gap), stay silent.
SOLVER_OPTIONS = {"mip_rel_gap": 0.0, "disp": False, "presolve": True}


class Code(StrEnum):
    """Explanation codes; the pages map each to a translated sentence."""

    # Why an application is neither selected nor waitlisted.
    WITHDRAWN = "withdrawn"
    INELIGIBLE = "ineligible"
    # Why a quota is short.
    NOT_ENOUGH_APPLICANTS = "not_enough_applicants"
    CAPACITY = "capacity"
    CONFLICTING_QUOTAS = "conflicting_quotas"
    # Capacities exceeded by confirmed delegations on a re-run.
    CONFIRMED_OVER_ORGANIZATIONS = "confirmed_over_organizations"
    CONFIRMED_OVER_DELEGATES = "confirmed_over_delegates"
    CONFIRMED_OVER_PER_ORGANIZATION = "confirmed_over_per_organization"
    # Why a promotion chose what it chose.
    SAME_BUCKET = "same_bucket"
    UNMET_QUOTA = "unmet_quota"
    WAITLIST_ORDER = "waitlist_order"
    NO_BUCKET_CANDIDATE = "no_bucket_candidate"
    NO_CANDIDATE = "no_candidate"
    ORGANIZATIONS_FULL = "organizations_full"
    # Why a waitlisted application was passed over.
    ORGANIZATION_SELECTED = "organization_selected"
    OVER_DELEGATE_CAPACITY = "over_delegate_capacity"
    NOT_IN_BUCKET = "not_in_bucket"


# --- Inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Application:
    id: int
    organization_id: int
    score: Decimal
    #: Delegates nominated (at least 1).
    delegates: int
    submitted_at: datetime
    #: Group codes the organization belongs to, e.g. ``{"small_company", "outside_arequipa"}``.
    groups: frozenset[str] = frozenset()
    eligible: bool = True
    #: Withdrew, declined an offer or let a hold lapse: out of this mission for good.
    withdrawn: bool = False
    #: Confirmed by the coordinator: kept whole by :func:`rerun` (``x_i = 1``).
    fixed: bool = False

    def __post_init__(self) -> None:
        if self.delegates < 1:
            raise ValueError(f"application {self.id}: at least one delegate")
        if self.score < 0:
            raise ValueError(f"application {self.id}: negative score")


@dataclass(frozen=True)
class Rules:
    capacity_organizations: int
    capacity_delegates: int
    #: ``None``: no limit per organization.
    max_delegates_per_organization: int | None = None
    #: Group code -> minimum places (organizations).
    group_minimums: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.capacity_organizations < 0 or self.capacity_delegates < 0:
            raise ValueError("capacities cannot be negative")
        if (
            self.max_delegates_per_organization is not None
            and self.max_delegates_per_organization < 1
        ):
            raise ValueError("at least one delegate per organization")
        if any(m < 0 for m in self.group_minimums.values()):
            raise ValueError("group minimums cannot be negative")

    @property
    def quota_groups(self) -> tuple[str, ...]:
        """Groups with a positive minimum, sorted (a deterministic order for reports)."""
        return tuple(sorted(g for g, m in self.group_minimums.items() if m > 0))

    def granted(self, application: Application) -> int:
        """Delegates the application would take: trimmed to the per-organization maximum,
        except a confirmed (fixed) delegation, which is kept whole."""
        limit = self.max_delegates_per_organization
        if application.fixed or limit is None:
            return application.delegates
        return min(application.delegates, limit)


# --- Outputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    application_id: int
    organization_id: int
    delegates: int
    fixed: bool
    #: Groups with a minimum this place counts for.
    counts_for: frozenset[str]


@dataclass(frozen=True)
class WaitlistEntry:
    application_id: int
    #: 1-based.
    position: int
    #: Groups with a minimum this application could help.
    buckets: frozenset[str]


@dataclass(frozen=True)
class Exclusion:
    application_id: int
    reason: Code


@dataclass(frozen=True)
class Trim:
    application_id: int
    requested: int
    granted: int


@dataclass(frozen=True)
class QuotaOutcome:
    group: str
    minimum: int
    selected: int
    #: Eligible organizations in the group (confirmed ones included).
    available: int
    missing: int
    #: ``None`` when the minimum is met.
    reason: Code | None

    @property
    def met(self) -> bool:
        return self.missing == 0


@dataclass(frozen=True)
class CapacityNotice:
    """Confirmed delegations alone exceed a (lowered) limit: they are kept all the same."""

    code: Code
    limit: int
    confirmed: int
    #: The organization concerned, for the per-organization maximum.
    organization_id: int | None = None


@dataclass(frozen=True)
class SelectionState:
    """What :func:`promote` needs: every application with its current flags, who holds a place
    (accepted or holding an offer) and the waitlist in order."""

    applications: tuple[Application, ...]
    selected: tuple[int, ...]
    waitlist: tuple[int, ...]


@dataclass(frozen=True)
class Selection:
    selected: tuple[Placement, ...]
    waitlist: tuple[WaitlistEntry, ...]
    excluded: tuple[Exclusion, ...]
    quotas: tuple[QuotaOutcome, ...]
    trims: tuple[Trim, ...]
    notices: tuple[CapacityNotice, ...]
    #: Sum of the selected applications' scores at :data:`SCORE_DECIMALS`.
    total_score: Decimal
    applications: tuple[Application, ...]

    @property
    def selected_ids(self) -> tuple[int, ...]:
        return tuple(p.application_id for p in self.selected)

    @property
    def waitlist_ids(self) -> tuple[int, ...]:
        return tuple(e.application_id for e in self.waitlist)

    @property
    def organizations(self) -> int:
        return len(self.selected)

    @property
    def delegates(self) -> int:
        return sum(p.delegates for p in self.selected)

    @property
    def unmet_quotas(self) -> tuple[QuotaOutcome, ...]:
        return tuple(q for q in self.quotas if not q.met)

    @property
    def state(self) -> SelectionState:
        return SelectionState(self.applications, self.selected_ids, self.waitlist_ids)


@dataclass(frozen=True)
class Skip:
    application_id: int
    reason: Code


@dataclass(frozen=True)
class Promotion:
    freed: int
    #: ``None`` when nobody on the waitlist fits.
    promoted: int | None
    reason: Code
    #: Short groups the promoted application restores (empty when none).
    bucket: frozenset[str]
    #: Applications ahead of the promoted one (or all, when none) and why they were passed over.
    skipped: tuple[Skip, ...]
    #: ``(group, places missing)`` after the promotion.
    unmet: tuple[tuple[str, int], ...]
    #: The state after the freed application left (marked withdrawn) and the promotion.
    state: SelectionState


# --- Helpers --------------------------------------------------------------------------------


def quantized(score: Decimal) -> Decimal:
    return Decimal(score).quantize(Decimal(1).scaleb(-SCORE_DECIMALS), rounding=ROUND_HALF_UP)


def rank_key(application: Application) -> tuple[Decimal, datetime, int]:
    """Best first: score (at :data:`SCORE_DECIMALS`) highest, then earlier submission, then id."""
    return (-quantized(application.score), application.submitted_at, application.id)


def _weight(application: Application) -> int:
    return int(quantized(application.score).scaleb(SCORE_DECIMALS))


def _is_candidate(application: Application) -> bool:
    return not application.withdrawn and (application.eligible or application.fixed)


class _Programme:
    """The integer programme over the candidates (in rank order) and the groups' slacks."""

    def __init__(self, candidates: Sequence[Application], rules: Rules) -> None:
        self.candidates = candidates
        self.rules = rules
        n = len(candidates)
        self.groups = rules.quota_groups
        k = len(self.groups)
        self.n, self.k = n, k
        self.weights = np.array([_weight(a) for a in candidates] + [0] * k, dtype=float)
        delegates = [rules.granted(a) for a in candidates]
        fixed = [a.fixed for a in candidates]
        self.lower = np.array([1.0 if f else 0.0 for f in fixed] + [0.0] * k)
        self.upper = np.array([1.0] * n + [float(rules.group_minimums[g]) for g in self.groups])
        self.notices: list[CapacityNotice] = []

        rows: list[np.ndarray] = []
        lbs: list[float] = []
        ubs: list[float] = []

        def add(row: np.ndarray, lb: float, ub: float) -> None:
            rows.append(row)
            lbs.append(lb)
            ubs.append(ub)

        confirmed_orgs = sum(fixed)
        row = np.array([1.0] * n + [0.0] * k)
        if confirmed_orgs > rules.capacity_organizations:
            self.notices.append(
                CapacityNotice(
                    Code.CONFIRMED_OVER_ORGANIZATIONS, rules.capacity_organizations, confirmed_orgs
                )
            )
        add(row, -np.inf, max(rules.capacity_organizations, confirmed_orgs))

        confirmed_delegates = sum(d for d, f in zip(delegates, fixed, strict=True) if f)
        row = np.array([float(d) for d in delegates] + [0.0] * k)
        if confirmed_delegates > rules.capacity_delegates:
            self.notices.append(
                CapacityNotice(
                    Code.CONFIRMED_OVER_DELEGATES, rules.capacity_delegates, confirmed_delegates
                )
            )
        add(row, -np.inf, max(rules.capacity_delegates, confirmed_delegates))

        by_organization: dict[int, list[int]] = defaultdict(list)
        for i, a in enumerate(candidates):
            by_organization[a.organization_id].append(i)
        limit = rules.max_delegates_per_organization
        for organization_id, members in sorted(by_organization.items()):
            confirmed = [i for i in members if fixed[i]]
            if limit is not None and confirmed:
                people = sum(delegates[i] for i in confirmed)
                if people > limit:
                    self.notices.append(
                        CapacityNotice(
                            Code.CONFIRMED_OVER_PER_ORGANIZATION, limit, people, organization_id
                        )
                    )
            if len(members) > 1:
                row = np.zeros(n + k)
                row[members] = 1.0
                add(row, -np.inf, max(1, len(confirmed)))

        self.group_rows: dict[str, tuple[np.ndarray, int]] = {}
        for j, group in enumerate(self.groups):
            row = np.zeros(n + k)
            for i, a in enumerate(candidates):
                if group in a.groups:
                    row[i] = 1.0
            row[n + j] = 1.0
            self.group_rows[group] = (row, rules.group_minimums[group])
            add(row, float(rules.group_minimums[group]), np.inf)

        self.base_rows, self.base_lb, self.base_ub = rows, lbs, ubs

    def solve(
        self,
        objective: np.ndarray,
        extra: Iterable[tuple[np.ndarray, float, float]] = (),
        lower: np.ndarray | None = None,
        upper: np.ndarray | None = None,
        without_groups: bool = False,
    ) -> np.ndarray | None:
        """Minimise ``objective``; ``None`` when infeasible."""
        rows = list(self.base_rows)
        lbs = list(self.base_lb)
        ubs = list(self.base_ub)
        if without_groups:
            keep = len(rows) - self.k
            rows, lbs, ubs = rows[:keep], lbs[:keep], ubs[:keep]
        for row, lb, ub in extra:
            rows.append(row)
            lbs.append(lb)
            ubs.append(ub)
        size = self.n + self.k
        if size == 0:
            return np.zeros(0)
        constraints = (
            LinearConstraint(np.vstack(rows), np.array(lbs), np.array(ubs)) if rows else ()
        )
        result = milp(
            objective,
            integrality=np.ones(size),
            bounds=Bounds(
                self.lower if lower is None else lower, self.upper if upper is None else upper
            ),
            constraints=constraints,
            options=SOLVER_OPTIONS,
        )
        if result.status == 2:  # infeasible
            return None
        if result.status != 0 or result.x is None:
            raise RuntimeError(f"selection solver failed: {result.message}")
        return np.rint(result.x)

    def slack_row(self) -> np.ndarray:
        return np.array([0.0] * self.n + [1.0] * self.k)

    def score_row(self) -> np.ndarray:
        return self.weights.copy()

    def optimal(self) -> np.ndarray:
        # 1. fewest missing places.
        first = self.solve(self.slack_row())
        if first is None:  # cannot happen: the slacks absorb every minimum, x = fixed fits
            raise RuntimeError("selection programme infeasible")
        shortfall = float(first[self.n :].sum())
        extra = [(self.slack_row(), -np.inf, shortfall + 0.5)]
        # 2. best score with that shortfall.
        second = self.solve(-self.weights, extra)
        if second is None:  # cannot happen: stage 1's solution is feasible here
            raise RuntimeError("selection programme infeasible")
        best = float(self.weights @ second)
        extra.append((self.score_row(), best - 0.5, np.inf))
        # 3. the best-ranked applications first (candidates are in rank order).
        incumbent = second
        lower, upper = self.lower.copy(), self.upper.copy()
        for i in range(self.n):
            if lower[i] == 1.0:
                continue
            if incumbent[i] == 1.0:
                lower[i] = 1.0
                continue
            trial = lower.copy()
            trial[i] = 1.0
            found = self.solve(self.slack_row(), extra, trial, upper)
            if found is None:
                upper[i] = 0.0
            else:
                lower, incumbent = trial, found
        return incumbent

    def alone_feasible(self, group: str) -> bool:
        """Whether the capacities (and confirmed delegations) fit this group's minimum alone."""
        row, minimum = self.group_rows[group]
        lower = self.lower.copy()
        upper = self.upper.copy()
        upper[self.n :] = 0.0  # no slack
        only = row.copy()
        only[self.n :] = 0.0
        found = self.solve(
            np.zeros(self.n + self.k),
            [(only, float(minimum), np.inf)],
            lower,
            upper,
            without_groups=True,
        )
        return found is not None


# --- Selection ------------------------------------------------------------------------------


def select(applications: Iterable[Application], rules: Rules) -> Selection:
    """The best delegation under the rules (module docstring), the waitlist and explanations."""
    applications = tuple(applications)
    ids = [a.id for a in applications]
    if len(set(ids)) != len(ids):
        raise ValueError("application ids must be unique")

    excluded = tuple(
        Exclusion(a.id, Code.WITHDRAWN if a.withdrawn else Code.INELIGIBLE)
        for a in sorted(applications, key=rank_key)
        if not _is_candidate(a)
    )
    candidates = sorted((a for a in applications if _is_candidate(a)), key=rank_key)
    programme = _Programme(candidates, rules)
    solution = programme.optimal()
    chosen = [a for i, a in enumerate(candidates) if solution[i] == 1.0]
    chosen_ids = {a.id for a in chosen}
    quota_groups = set(rules.quota_groups)

    selected = tuple(
        Placement(a.id, a.organization_id, rules.granted(a), a.fixed, a.groups & quota_groups)
        for a in chosen
    )
    waitlist = tuple(
        WaitlistEntry(a.id, position, a.groups & quota_groups)
        for position, a in enumerate((a for a in candidates if a.id not in chosen_ids), start=1)
    )
    trims = tuple(
        Trim(a.id, a.delegates, rules.granted(a))
        for a in candidates
        if rules.granted(a) < a.delegates
    )

    quotas = []
    for group in rules.quota_groups:
        minimum = rules.group_minimums[group]
        count = sum(1 for a in chosen if group in a.groups)
        available = len({a.organization_id for a in candidates if group in a.groups})
        missing = max(0, minimum - count)
        reason: Code | None = None
        if missing:
            if available < minimum:
                reason = Code.NOT_ENOUGH_APPLICANTS
            elif not programme.alone_feasible(group):
                reason = Code.CAPACITY
            else:
                reason = Code.CONFLICTING_QUOTAS
        quotas.append(QuotaOutcome(group, minimum, count, available, missing, reason))

    return Selection(
        selected=selected,
        waitlist=waitlist,
        excluded=excluded,
        quotas=tuple(quotas),
        trims=trims,
        notices=tuple(programme.notices),
        total_score=sum((quantized(a.score) for a in chosen), Decimal(0)),
        applications=applications,
    )


def rerun(
    applications: Iterable[Application], rules: Rules, *, confirmed: Collection[int]
) -> Selection:
    """Select again after the capacity or a quota changed: the ``confirmed`` delegations are
    kept (fixed), the rest is selected anew and the waitlist recomputed; withdrawn stay out."""
    confirmed = set(confirmed)
    return select(
        (dataclasses.replace(a, fixed=a.fixed or a.id in confirmed) for a in applications),
        rules,
    )


# --- Promotion ------------------------------------------------------------------------------


def promote(state: SelectionState, freed: int, rules: Rules) -> Promotion:
    """Give the place ``freed`` leaves (it withdrew or declined) to the next application in the
    same quota bucket (module docstring)."""
    if freed not in state.selected:
        raise ValueError(f"application {freed} holds no place")
    applications = tuple(
        dataclasses.replace(a, withdrawn=True, fixed=False) if a.id == freed else a
        for a in state.applications
    )
    by_id = {a.id: a for a in applications}
    leaving = by_id[freed]
    remaining = [by_id[i] for i in state.selected if i != freed]
    organizations = {a.organization_id for a in remaining}
    people = sum(rules.granted(a) for a in remaining)

    def counts(members: Sequence[Application]) -> dict[str, int]:
        return {g: sum(1 for a in members if g in a.groups) for g in rules.quota_groups}

    def short(members: Sequence[Application]) -> dict[str, int]:
        return {
            g: rules.group_minimums[g] - c
            for g, c in counts(members).items()
            if c < rules.group_minimums[g]
        }

    now_short = short(remaining)
    required = frozenset(g for g in now_short if g in leaving.groups)
    reason_if_found = Code.SAME_BUCKET
    if not required and now_short:
        required = frozenset(now_short)
        reason_if_found = Code.UNMET_QUOTA

    skipped: list[Skip] = []
    fitting: list[tuple[int, Application]] = []
    waitlist = [i for i in state.waitlist if i != freed]
    organizations_full = len(remaining) >= rules.capacity_organizations
    for position, application_id in enumerate(waitlist):
        a = by_id[application_id]
        if a.withdrawn:
            skipped.append(Skip(a.id, Code.WITHDRAWN))
        elif not a.eligible:
            skipped.append(Skip(a.id, Code.INELIGIBLE))
        elif a.organization_id in organizations:
            skipped.append(Skip(a.id, Code.ORGANIZATION_SELECTED))
        elif people + rules.granted(a) > rules.capacity_delegates:
            skipped.append(Skip(a.id, Code.OVER_DELEGATE_CAPACITY))
        else:
            fitting.append((position, a))

    promoted: Application | None = None
    bucket: frozenset[str] = frozenset()
    if organizations_full:
        reason = Code.ORGANIZATIONS_FULL
    elif not fitting:
        reason = Code.NO_CANDIDATE
    else:
        position, promoted = min(fitting, key=lambda pa: (-len(pa[1].groups & required), pa[0]))
        bucket = promoted.groups & required
        if bucket:
            reason = reason_if_found
        elif required:
            reason = Code.NO_BUCKET_CANDIDATE
        else:
            reason = Code.WAITLIST_ORDER
        # Fitting applications ahead of the promoted one cover fewer of the short groups.
        skipped.extend(Skip(a.id, Code.NOT_IN_BUCKET) for p, a in fitting if p < position)

    order = {application_id: p for p, application_id in enumerate(waitlist)}
    if promoted is not None:
        skipped = [s for s in skipped if order[s.application_id] < order[promoted.id]]
        remaining.append(promoted)
    skipped.sort(key=lambda s: order[s.application_id])
    after = short(remaining)
    new_state = SelectionState(
        applications=applications,
        selected=tuple(a.id for a in remaining),
        waitlist=tuple(
            i for i in waitlist if (promoted is None or i != promoted.id) and not by_id[i].withdrawn
        ),
    )
    return Promotion(
        freed=freed,
        promoted=None if promoted is None else promoted.id,
        reason=reason,
        bucket=bucket,
        skipped=tuple(skipped),
        unmet=tuple(sorted(after.items())),
        state=new_state,
    )
