"""Selection with quotas, waitlist and promotion (missions.selection): pure, no database.

Hand-written examples first, then random instances checked against a brute force over every
subset of the applications (small instances, so the brute force is the definition itself).
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missions.selection import (
    Application,
    CapacityNotice,
    Code,
    Exclusion,
    Rules,
    Skip,
    Trim,
    promote,
    rerun,
    select,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SMALL, OUTSIDE, WOMEN = "small_company", "outside_arequipa", "women_led"


def app(
    id: int,
    score: str | int,
    *,
    org: int | None = None,
    delegates: int = 1,
    groups: tuple[str, ...] = (),
    minutes: int | None = None,
    eligible: bool = True,
    withdrawn: bool = False,
    fixed: bool = False,
) -> Application:
    return Application(
        id=id,
        organization_id=id if org is None else org,
        score=Decimal(str(score)),
        delegates=delegates,
        submitted_at=T0 + timedelta(minutes=id if minutes is None else minutes),
        groups=frozenset(groups),
        eligible=eligible,
        withdrawn=withdrawn,
        fixed=fixed,
    )


# --- Hand-written examples ------------------------------------------------------------------


def test_highest_scores_within_both_capacities():
    applications = [
        app(1, 90, delegates=2),
        app(2, 85, delegates=3),  # 2 + 3 + 2 = 7 > 6 delegates: left out
        app(3, 80, delegates=2),
        app(4, 70, delegates=2),
        app(5, 60, delegates=1),
    ]
    selection = select(applications, Rules(capacity_organizations=3, capacity_delegates=6))

    # {1, 3, 4} = 240 beats {1, 2, 5} = 235 (both 6 delegates); {1, 2, 3} would need 7.
    assert selection.selected_ids == (1, 3, 4)
    assert selection.total_score == Decimal("240.00")
    assert (selection.organizations, selection.delegates) == (3, 6)
    assert selection.waitlist_ids == (2, 5)
    assert [e.position for e in selection.waitlist] == [1, 2]


def test_score_beats_filling_places():
    """Two strong large delegations are worth more than three weak small ones."""
    applications = [app(1, 95, delegates=3), app(2, 90, delegates=3)]
    applications += [app(i, 40, delegates=2) for i in (3, 4, 5)]
    selection = select(applications, Rules(capacity_organizations=3, capacity_delegates=6))
    assert selection.selected_ids == (1, 2)
    assert selection.total_score == Decimal("185.00")


def test_overlapping_groups_where_greedy_fails():
    """Filling "small" with its two best (1, 2) leaves no place for a second organization
    outside Arequipa; the programme takes the two that count for both groups."""
    applications = [
        app(1, 95, groups=(SMALL,)),
        app(2, 90, groups=(SMALL,)),
        app(3, 60, groups=(SMALL, OUTSIDE)),
        app(4, 55, groups=(SMALL, OUTSIDE)),
        app(5, 99),
    ]
    rules = Rules(3, 10, group_minimums={SMALL: 2, OUTSIDE: 2})
    selection = select(applications, rules)

    assert selection.selected_ids == (5, 3, 4)  # listed in rank order
    assert selection.unmet_quotas == ()
    assert [(q.group, q.selected, q.missing) for q in selection.quotas] == [
        (OUTSIDE, 2, 0),
        (SMALL, 2, 0),
    ]
    # Greedy by score would have been {5, 1, 2}: 284 points but no one outside Arequipa.
    assert selection.total_score == Decimal("214.00")
    assert selection.waitlist_ids == (1, 2)
    assert selection.waitlist[0].buckets == frozenset({SMALL})


def test_quota_uses_delegate_capacity_wisely():
    """The small company outside Arequipa needs 3 delegates: the rest must leave room."""
    applications = [
        app(1, 90, delegates=3),
        app(2, 80, delegates=2),
        app(3, 50, delegates=3, groups=(OUTSIDE,)),
    ]
    selection = select(applications, Rules(3, 6, group_minimums={OUTSIDE: 1}))
    assert selection.selected_ids == (1, 3)
    assert selection.delegates == 6


def test_places_are_organizations_not_delegates():
    """One small company with four delegates fills one place of "at least 2 small"."""
    applications = [
        app(1, 90, delegates=4, groups=(SMALL,)),
        app(2, 30, delegates=1, groups=(SMALL,)),
        app(3, 85, delegates=1),
    ]
    selection = select(applications, Rules(2, 10, group_minimums={SMALL: 2}))
    assert selection.selected_ids == (1, 2)
    assert selection.quotas[0].selected == 2


def test_minimum_not_enough_applicants_is_explained():
    applications = [
        app(1, 90, groups=(SMALL,)),
        app(2, 80, groups=(SMALL,)),
        app(3, 70, groups=(SMALL,), eligible=False),  # does not count as available
        app(4, 60),
    ]
    selection = select(applications, Rules(4, 10, group_minimums={SMALL: 4}))

    (quota,) = selection.quotas
    assert (quota.minimum, quota.selected, quota.available, quota.missing) == (4, 2, 2, 2)
    assert quota.reason is Code.NOT_ENOUGH_APPLICANTS
    # The rest of the places are still filled.
    assert selection.selected_ids == (1, 2, 4)
    assert selection.excluded == (Exclusion(3, Code.INELIGIBLE),)


def test_minimum_beyond_capacity_is_explained():
    applications = [app(i, 50 + i, delegates=2, groups=(OUTSIDE,)) for i in range(1, 5)]
    applications.append(app(9, 99, delegates=1))
    # Four outside Arequipa exist, but 5 delegates fit only two of them.
    selection = select(applications, Rules(4, 5, group_minimums={OUTSIDE: 3}))

    (quota,) = selection.quotas
    assert (quota.selected, quota.available, quota.missing) == (2, 4, 1)
    assert quota.reason is Code.CAPACITY
    assert selection.delegates <= 5
    # As few places missing as possible: the two best of the group, and 9 in the last delegate.
    assert selection.selected_ids == (9, 4, 3)


def test_conflicting_minimums_are_explained():
    """Each minimum fits alone in 2 places, not both: one small and one outside per place."""
    applications = [
        app(1, 90, groups=(SMALL,)),
        app(2, 80, groups=(SMALL,)),
        app(3, 70, groups=(OUTSIDE,)),
        app(4, 60, groups=(OUTSIDE,)),
    ]
    selection = select(applications, Rules(2, 10, group_minimums={SMALL: 2, OUTSIDE: 2}))

    assert selection.organizations == 2
    assert sum(q.missing for q in selection.quotas) == 2
    assert {q.reason for q in selection.unmet_quotas} == {Code.CONFLICTING_QUOTAS}
    # Among the selections missing 2 places, the best score: both small companies.
    assert selection.selected_ids == (1, 2)


def test_too_many_delegates_are_trimmed_not_refused():
    applications = [app(1, 90, delegates=5), app(2, 80, delegates=2)]
    selection = select(
        applications, Rules(2, 6, max_delegates_per_organization=3, group_minimums={})
    )
    assert selection.selected_ids == (1, 2)
    assert [p.delegates for p in selection.selected] == [3, 2]
    assert selection.trims == (Trim(1, requested=5, granted=3),)


def test_an_organization_holds_one_place():
    applications = [app(1, 90, org=7), app(2, 85, org=7), app(3, 10, org=8)]
    selection = select(applications, Rules(3, 10))
    assert selection.selected_ids == (1, 3)
    assert selection.waitlist_ids == (2,)


def test_withdrawn_and_ineligible_are_out():
    applications = [
        app(1, 99, withdrawn=True),
        app(2, 98, eligible=False),
        app(3, 10),
    ]
    selection = select(applications, Rules(3, 10))
    assert selection.selected_ids == (3,)
    assert selection.waitlist_ids == ()
    assert selection.excluded == (Exclusion(1, Code.WITHDRAWN), Exclusion(2, Code.INELIGIBLE))


def test_ties_broken_by_submission_then_id_whatever_the_input_order():
    applications = [
        app(1, 80, minutes=30),
        app(2, 80, minutes=10),
        app(3, 80, minutes=10),
        app(4, "79.996", minutes=50),  # 80.00 at two decimals: tied on score, later
        app(5, 80, minutes=20),
    ]
    rules = Rules(2, 10)
    for seed in range(5):
        shuffled = applications[:]
        random.Random(seed).shuffle(shuffled)
        selection = select(shuffled, rules)
        assert selection.selected_ids == (2, 3)
        assert selection.waitlist_ids == (5, 1, 4)


def test_ties_inside_a_quota_prefer_the_best_ranked_set():
    """{1, 4} and {2, 3} both score 150 and meet the minimum: the set with rank 1 wins."""
    applications = [
        app(1, 100),
        app(2, 90, groups=(SMALL,)),
        app(3, 60, groups=(SMALL,)),
        app(4, 50, groups=(SMALL,)),
    ]
    selection = select(applications, Rules(2, 10, group_minimums={SMALL: 1}))
    assert selection.selected_ids == (1, 2)
    selection = select(applications, Rules(2, 10, group_minimums={SMALL: 2}))
    assert selection.selected_ids == (2, 3)


def test_waitlist_order_and_buckets():
    applications = [
        app(1, 99),
        app(2, 50, groups=(SMALL, OUTSIDE)),
        app(3, 70, groups=(OUTSIDE, "unused_group")),
        app(4, 70, minutes=0),
        app(5, 90, groups=(SMALL,)),
    ]
    selection = select(applications, Rules(1, 10, group_minimums={SMALL: 1, OUTSIDE: 0}))
    assert selection.selected_ids == (5,)
    assert [(e.application_id, e.position, e.buckets) for e in selection.waitlist] == [
        (1, 1, frozenset()),
        (4, 2, frozenset()),
        (3, 3, frozenset()),  # only groups with a minimum are buckets
        (2, 4, frozenset({SMALL})),
    ]


def test_empty_and_zero_capacity():
    assert select([], Rules(3, 10)).selected == ()
    selection = select([app(1, 50)], Rules(0, 0, group_minimums={SMALL: 1}))
    assert selection.selected_ids == ()
    assert selection.waitlist_ids == (1,)
    assert selection.quotas[0].reason is Code.NOT_ENOUGH_APPLICANTS


def test_invalid_inputs_are_refused():
    with pytest.raises(ValueError, match="at least one delegate"):
        app(1, 50, delegates=0)
    with pytest.raises(ValueError, match="negative score"):
        app(1, -1)
    with pytest.raises(ValueError, match="capacities"):
        Rules(-1, 3)
    with pytest.raises(ValueError, match="unique"):
        select([app(1, 5), app(1, 6)], Rules(2, 2))


# --- Promotion ------------------------------------------------------------------------------


def quota_example():
    applications = [
        app(1, 95),
        app(2, 90, groups=(SMALL,)),
        app(3, 85),
        app(4, 80, groups=(SMALL,)),
        app(5, 70, groups=(SMALL,)),
    ]
    rules = Rules(3, 10, group_minimums={SMALL: 1})
    return select(applications, rules), rules


def test_promotion_in_the_same_bucket():
    selection, rules = quota_example()
    assert selection.selected_ids == (1, 2, 3)
    assert selection.waitlist_ids == (4, 5)

    # With a better large company, 3 waits ahead of the small ones.
    applications = (*selection.applications, app(6, 88))
    state = select(applications, rules).state
    assert (state.selected, state.waitlist) == ((1, 2, 6), (3, 4, 5))

    promotion = promote(state, 2, rules)  # the only small company withdraws
    assert promotion.promoted == 4
    assert promotion.reason is Code.SAME_BUCKET
    assert promotion.bucket == frozenset({SMALL})
    assert promotion.skipped == (Skip(3, Code.NOT_IN_BUCKET),)
    assert promotion.unmet == ()
    assert promotion.state.selected == (1, 6, 4)
    assert promotion.state.waitlist == (3, 5)


def test_promotion_follows_the_waitlist_when_no_quota_is_at_stake():
    selection, rules = quota_example()
    promotion = promote(selection.state, 1, rules)
    assert promotion.promoted == 4  # first on the waitlist
    assert promotion.reason is Code.WAITLIST_ORDER
    assert promotion.bucket == frozenset()
    assert promotion.skipped == ()


def test_promotion_skips_what_does_not_fit():
    applications = [
        app(1, 95, delegates=2),
        app(2, 90, delegates=2),
        app(3, 80, delegates=4, org=9),  # too many delegates for the freed place
        app(4, 75, org=2),  # same organization as 2, which stays
        app(5, 70),
        app(6, 60),
    ]
    rules = Rules(2, 4)
    selection = select(applications, rules)
    assert selection.selected_ids == (1, 2)
    assert selection.waitlist_ids == (3, 4, 5, 6)

    promotion = promote(selection.state, 1, rules)
    assert promotion.promoted == 5
    assert promotion.skipped == (
        Skip(3, Code.OVER_DELEGATE_CAPACITY),
        Skip(4, Code.ORGANIZATION_SELECTED),
    )


def test_nobody_who_withdrew_or_declined_is_promoted_again():
    selection, rules = quota_example()
    first = promote(selection.state, 2, rules)  # 2 withdraws, 4 promoted
    assert first.promoted == 4
    second = promote(first.state, 4, rules)  # 4 declines the offer, 5 promoted
    assert second.promoted == 5
    assert second.reason is Code.SAME_BUCKET
    third = promote(second.state, 5, rules)  # 5 lets its hold lapse: nobody is left
    assert third.promoted is None
    assert third.reason is Code.NO_CANDIDATE
    assert third.unmet == ((SMALL, 1),)
    withdrawn = {a.id for a in third.state.applications if a.withdrawn}
    assert withdrawn == {2, 4, 5}
    assert third.state.selected == (1, 3)

    # A waitlisted application that withdrew meanwhile is passed over, with the reason.
    state = selection.state
    state = type(state)(
        tuple(
            a if a.id != 4 else app(4, 80, groups=(SMALL,), withdrawn=True)
            for a in state.applications
        ),
        state.selected,
        state.waitlist,
    )
    promotion = promote(state, 2, rules)
    assert promotion.promoted == 5
    assert promotion.skipped == (Skip(4, Code.WITHDRAWN),)
    assert 4 not in promotion.state.waitlist


def test_promotion_without_a_bucket_candidate_still_fills_the_place():
    applications = [app(1, 90, groups=(SMALL,)), app(2, 80), app(3, 70)]
    rules = Rules(2, 10, group_minimums={SMALL: 1})
    selection = select(applications, rules)
    promotion = promote(selection.state, 1, rules)
    assert promotion.promoted == 3
    assert promotion.reason is Code.NO_BUCKET_CANDIDATE
    assert promotion.unmet == ((SMALL, 1),)


def test_promotion_restores_an_already_unmet_quota_first():
    """The small quota was short because of the delegates; a freed large delegation lets a
    small company in ahead of the waitlist's first."""
    applications = [
        app(1, 95, delegates=3),
        app(2, 90, delegates=1),
        app(3, 85, delegates=1),
        app(5, 60, delegates=1),
        app(4, 50, delegates=3, groups=(SMALL,)),
    ]
    rules = Rules(3, 5, group_minimums={SMALL: 1})
    # Selected without the quota, 1 confirmed; then the quota came (a re-run keeping 1 would
    # have met it; here 1 withdraws first).
    state = rerun(applications, Rules(3, 5), confirmed=[1]).state
    assert (state.selected, state.waitlist) == ((1, 2, 3), (5, 4))

    promotion = promote(state, 1, rules)
    assert promotion.promoted == 4
    assert promotion.reason is Code.UNMET_QUOTA
    assert promotion.bucket == frozenset({SMALL})
    assert promotion.skipped == (Skip(5, Code.NOT_IN_BUCKET),)
    assert promotion.unmet == ()


def test_promote_refuses_an_application_without_a_place():
    selection, rules = quota_example()
    with pytest.raises(ValueError, match="holds no place"):
        promote(selection.state, 5, rules)


def test_no_promotion_when_a_lowered_capacity_is_still_full():
    selection, _ = quota_example()
    promotion = promote(selection.state, 1, Rules(2, 10))
    assert promotion.promoted is None
    assert promotion.reason is Code.ORGANIZATIONS_FULL


# --- Re-running -----------------------------------------------------------------------------


def test_rerun_keeps_confirmed_delegations_and_recomputes_the_waitlist():
    applications = [
        app(1, 95, delegates=3),
        app(2, 60, delegates=3),
        app(3, 90, delegates=1, groups=(OUTSIDE,)),
        app(4, 80, delegates=1, groups=(OUTSIDE,)),
        app(5, 70, delegates=1),
    ]
    first = select(applications, Rules(3, 7))
    assert first.selected_ids == (1, 3, 4)

    # The coordinator confirmed 1 and 4 (not 3), then a minimum of 2 outside Arequipa
    # arrives with one place fewer: 1 and 4 stay, 3 takes the last place.
    second = rerun(applications, Rules(2, 7, group_minimums={OUTSIDE: 2}), confirmed=[1, 4])
    assert second.selected_ids == (1, 4)
    assert second.unmet_quotas[0].reason is Code.CAPACITY
    assert [p.fixed for p in second.selected] == [True, True]
    assert second.waitlist_ids == (3, 5, 2)

    # Capacities lowered below what is confirmed: confirmed stay whole, noticed.
    third = rerun(applications, Rules(1, 2, max_delegates_per_organization=2), confirmed=[1, 4])
    assert third.selected_ids == (1, 4)
    assert third.delegates == 4
    assert set(third.notices) == {
        CapacityNotice(Code.CONFIRMED_OVER_ORGANIZATIONS, 1, 2),
        CapacityNotice(Code.CONFIRMED_OVER_DELEGATES, 2, 4),
        CapacityNotice(Code.CONFIRMED_OVER_PER_ORGANIZATION, 2, 3, organization_id=1),
    }

    # A confirmed delegation that withdrew is not kept.
    withdrawn = [a if a.id != 1 else app(1, 95, delegates=3, withdrawn=True) for a in applications]
    assert 1 not in rerun(withdrawn, Rules(3, 7), confirmed=[1, 4]).selected_ids


# --- Random instances against brute force ---------------------------------------------------

GROUPS = (SMALL, OUTSIDE, WOMEN)


@st.composite
def instances(draw):
    n = draw(st.integers(0, 9))
    applications = [
        Application(
            id=i + 1,
            organization_id=draw(st.integers(1, 8)),
            # Few distinct scores and times, so ties are frequent.
            score=Decimal(draw(st.sampled_from(["0", "10", "10.004", "25.5", "40", "40", "77"]))),
            delegates=draw(st.integers(1, 4)),
            submitted_at=T0 + timedelta(hours=draw(st.integers(0, 3))),
            groups=frozenset(draw(st.sets(st.sampled_from(GROUPS)))),
            eligible=draw(st.integers(0, 9)) > 0,
            withdrawn=draw(st.integers(0, 9)) == 0,
        )
        for i in range(n)
    ]
    rules = Rules(
        capacity_organizations=draw(st.integers(0, 5)),
        capacity_delegates=draw(st.integers(0, 12)),
        max_delegates_per_organization=draw(st.one_of(st.none(), st.integers(1, 3))),
        group_minimums={g: draw(st.integers(0, 3)) for g in draw(st.sets(st.sampled_from(GROUPS)))},
    )
    return applications, rules


def q(score: Decimal) -> Decimal:
    return score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def granted(a: Application, rules: Rules) -> int:
    limit = rules.max_delegates_per_organization
    return a.delegates if limit is None or a.fixed else min(a.delegates, limit)


def feasible(subset, rules, confirmed=()) -> bool:
    """Within the capacities (raised to what the confirmed delegations already take), one
    place per organization."""
    organizations = [a.organization_id for a in subset]
    return (
        len(subset) <= max(rules.capacity_organizations, len(confirmed))
        and sum(granted(a, rules) for a in subset)
        <= max(rules.capacity_delegates, sum(granted(a, rules) for a in confirmed))
        and len(set(organizations)) == len(organizations)
    )


def shortfall(subset, rules, groups=None) -> int:
    minimums = rules.group_minimums if groups is None else groups
    return sum(max(0, m - sum(1 for a in subset if g in a.groups)) for g, m in minimums.items())


def brute_force(applications, rules):
    """The definition: fewest missing places, then best score, then the subset containing the
    best-ranked applications (compared in rank order)."""
    ranked = sorted(
        (a for a in applications if (a.eligible or a.fixed) and not a.withdrawn),
        key=lambda a: (-q(a.score), a.submitted_at, a.id),
    )
    confirmed = [a for a in ranked if a.fixed]
    best = None
    for mask in itertools.product((1, 0), repeat=len(ranked)):
        subset = [a for a, bit in zip(ranked, mask, strict=True) if bit]
        if not set(confirmed) <= set(subset) or not feasible(subset, rules, confirmed):
            continue
        key = (-shortfall(subset, rules), sum(q(a.score) for a in subset), mask)
        if best is None or key > best[0]:
            best = (key, subset)
    assert best is not None  # the confirmed ones alone are always feasible
    return ranked, best[1]


@settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(instances())
def test_random_instances_match_brute_force(instance):
    applications, rules = instance
    selection = select(applications, rules)
    ranked, best = brute_force(applications, rules)
    by_id = {a.id: a for a in applications}
    chosen = [by_id[i] for i in selection.selected_ids]

    # Never over capacity; one place per organization; only eligible, not withdrawn.
    assert selection.organizations <= rules.capacity_organizations
    assert selection.delegates <= rules.capacity_delegates
    assert feasible(chosen, rules)
    assert all(a.eligible and not a.withdrawn for a in chosen)
    # Every quota honoured whenever the brute force finds a feasible selection; in general
    # as few places missing as possible.
    assert shortfall(chosen, rules) == shortfall(best, rules)
    assert sum(q.missing for q in selection.quotas) == shortfall(best, rules)
    # The optimal score, and the same deterministic choice among ties.
    assert selection.total_score == sum((q(a.score) for a in best), Decimal(0))
    assert selection.selected_ids == tuple(a.id for a in best)
    # The waitlist: everyone else eligible, in rank order, with their buckets.
    assert selection.waitlist_ids == tuple(a.id for a in ranked if a not in best)
    assert [e.position for e in selection.waitlist] == list(range(1, len(selection.waitlist) + 1))
    for entry in selection.waitlist:
        assert entry.buckets == {
            g for g in by_id[entry.application_id].groups if g in rules.quota_groups
        }
    # Reasons of unmet quotas, checked by brute force too.
    for quota in selection.unmet_quotas:
        available = {a.organization_id for a in ranked if quota.group in a.groups}
        alone = any(
            feasible(s, rules) and shortfall(s, rules, {quota.group: quota.minimum}) == 0
            for r in range(len(ranked) + 1)
            for s in map(list, itertools.combinations(ranked, r))
        )
        if len(available) < quota.minimum:
            assert quota.reason is Code.NOT_ENOUGH_APPLICANTS
        elif not alone:
            assert quota.reason is Code.CAPACITY
        else:
            assert quota.reason is Code.CONFLICTING_QUOTAS
    # Input order does not matter.
    assert select(list(reversed(applications)), rules).selected_ids == selection.selected_ids


@settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(instances(), instances(), st.randoms(use_true_random=False))
def test_random_reruns_keep_the_confirmed_and_match_brute_force(instance, other, rnd):
    """Select, confirm some, then re-run under other rules (capacities and quotas changed)."""
    applications, rules = instance
    _, new_rules = other
    first = select(applications, rules)
    confirmed = [i for i in first.selected_ids if rnd.random() < 0.5]
    selection = rerun(applications, new_rules, confirmed=confirmed)
    fixed = [dataclasses.replace(a, fixed=a.id in confirmed) for a in applications]
    ranked, best = brute_force(fixed, new_rules)

    assert set(confirmed) <= set(selection.selected_ids)
    assert selection.selected_ids == tuple(a.id for a in best)
    assert selection.waitlist_ids == tuple(a.id for a in ranked if a not in best)
    by_id = {a.id: a for a in fixed}
    kept = [by_id[i] for i in confirmed]
    notices = {n.code for n in selection.notices}
    assert (Code.CONFIRMED_OVER_ORGANIZATIONS in notices) == (
        len(kept) > new_rules.capacity_organizations
    )
    assert (Code.CONFIRMED_OVER_DELEGATES in notices) == (
        sum(a.delegates for a in kept) > new_rules.capacity_delegates
    )
    if len(kept) <= new_rules.capacity_organizations:
        assert selection.organizations <= new_rules.capacity_organizations


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(instances(), st.randoms(use_true_random=False))
def test_random_promotions(instance, rnd):
    applications, rules = instance
    state = select(applications, rules).state
    out: set[int] = set()
    while state.selected:
        freed = rnd.choice(state.selected)
        promotion = promote(state, freed, rules)
        out.add(freed)
        by_id = {a.id: a for a in promotion.state.applications}
        before = [by_id[i] for i in state.selected if i != freed]
        chosen = [by_id[i] for i in promotion.state.selected]

        assert by_id[freed].withdrawn
        assert freed not in promotion.state.selected + promotion.state.waitlist
        assert feasible(chosen, rules)  # never over capacity
        if promotion.promoted is None:
            assert chosen == before
            # Nobody on the waitlist would have fitted.
            assert not any(
                feasible([*before, by_id[i]], rules) and by_id[i].eligible
                for i in state.waitlist
                if not by_id[i].withdrawn
            )
        else:
            promoted = by_id[promotion.promoted]
            assert promoted.id not in out
            assert promoted.id in state.waitlist
            assert not promoted.withdrawn
            assert chosen == [*before, promoted]
            fitting = [
                by_id[i]
                for i in state.waitlist
                if by_id[i].eligible
                and not by_id[i].withdrawn
                and feasible([*before, by_id[i]], rules)
            ]
            short = {
                g
                for g in rules.quota_groups
                if sum(1 for a in before if g in a.groups) < rules.group_minimums[g]
            }
            required = short & state_groups(state, freed) or short
            # The best coverage of the short groups, then the waitlist order.
            best = min(
                fitting, key=lambda a: (-len(a.groups & required), state.waitlist.index(a.id))
            )
            assert promoted == best
            if promotion.reason is Code.SAME_BUCKET:
                assert promotion.bucket <= state_groups(state, freed)
        assert promotion.state.waitlist == tuple(
            i for i in state.waitlist if i != promotion.promoted and not by_id[i].withdrawn
        )
        state = promotion.state


def state_groups(state, application_id: int) -> frozenset[str]:
    return next(a.groups for a in state.applications if a.id == application_id)
