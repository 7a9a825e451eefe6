"""The impact totals (challenges.impact_totals) on a hand-computed example, without the database.

Two projects: P1 (sponsors S1 and S2, commodity copper) and P2 (sponsor S1, commodities gold and
copper). What SQL summed (entries outside any correction chain):

    P1 contract  US$ 100,000.00 (2 entries)   P1 contract  S/ 50,000.00 (1)
    P1 jobs      12 (2 entries)               P2 sales     US$ 30,000.50 (1)
    P2 patent    1 (1)                        P2 investment US$ 25,000.00 (1)

Chains (id ← corrects):
    A (P2): 10 contract US$ 80,000 verified ← 11 US$ 60,000 verified ← 12 US$ 65,000 confirmed
            → 11 counts: US$ 60,000 (12 is not verified yet)
    B (P1): 20 jobs 5 verified ← 21 jobs 0 verified → out of the totals (corrected to zero)
    C (P1): 30 pilot 1 confirmed ← 31 pilot 2 verified → 31 counts: 2 pilots
    D (P1): 40 sales S/ 1,000 verified ← 41 contract S/ 1,200 verified, ← 42 sales S/ 900
            verified (42 also corrects 40, newer than 41) → 42 counts: sales S/ 900
    E (P2): 50 pilot 3 claimed … never frozen: not a chain member; ignored here

Funding: public S/ 300,000 and US$ 50,000; private S/ 60,000 + S/ 40,000 and US$ 40,000.
"""

from __future__ import annotations

from decimal import Decimal

from djmoney.money import Money

from challenges.impact_totals import (
    MONEY_KINDS,
    Contribution,
    Funding,
    LedgerRow,
    contributions_from_chains,
    effective_rows,
    impact_totals,
    leverage,
    superseded_ids,
)
from challenges.models import ImpactEntry

P1, P2 = 1, 2
S1, S2 = 101, 102
COPPER, GOLD = 201, 202

SQL_GROUPS = [
    Contribution(P1, "contract", Decimal("100000.00"), "USD", entries=2),
    Contribution(P1, "contract", Decimal("50000.00"), "PEN", entries=1),
    Contribution(P1, "jobs", count=12, entries=2),
    Contribution(P2, "sales", Decimal("30000.50"), "USD", entries=1),
    Contribution(P2, "patent", count=1, entries=1),
    Contribution(P2, "investment", Decimal("25000.00"), "USD", entries=1),
]
CHAINS = [
    LedgerRow(10, P2, "contract", True, None, Decimal("80000.00"), "USD"),
    LedgerRow(11, P2, "contract", True, 10, Decimal("60000.00"), "USD"),
    LedgerRow(12, P2, "contract", False, 11, Decimal("65000.00"), "USD"),
    LedgerRow(20, P1, "jobs", True, None, count=5),
    LedgerRow(21, P1, "jobs", True, 20, count=0),
    LedgerRow(30, P1, "pilot", False, None, count=1),
    LedgerRow(31, P1, "pilot", True, 30, count=2),
    LedgerRow(40, P1, "sales", True, None, Decimal("1000.00"), "PEN"),
    LedgerRow(41, P1, "contract", True, 40, Decimal("1200.00"), "PEN"),
    LedgerRow(42, P1, "sales", True, 40, Decimal("900.00"), "PEN"),
]
SPONSORS = {P1: [S1, S2], P2: [S1]}
COMMODITIES = {P1: [COPPER], P2: [GOLD, COPPER]}
FUNDING = [
    Funding("public", "PEN", Decimal("300000.00")),
    Funding("private", "PEN", Decimal("60000.00")),
    Funding("private", "PEN", Decimal("40000.00")),
    Funding("public", "USD", Decimal("50000.00")),
    Funding("private", "USD", Decimal("40000.00")),
]


def _totals():  # type: ignore[no-untyped-def]
    return impact_totals(
        [*SQL_GROUPS, *contributions_from_chains(CHAINS)],
        sponsors=SPONSORS,
        commodities=COMMODITIES,
        funding=FUNDING,
    )


def test_money_kinds_agree_with_the_model() -> None:
    assert frozenset(str(k) for k in ImpactEntry.MONEY_KINDS) == MONEY_KINDS


def test_the_newest_verified_member_of_each_chain_counts() -> None:
    winners = effective_rows(CHAINS)
    assert {root: row.id for root, row in winners.items()} == {10: 11, 20: 21, 30: 31, 40: 42}
    assert superseded_ids(CHAINS) == {10, 20, 40, 41}


def test_a_chain_without_a_verified_member_counts_nothing() -> None:
    rows = [
        LedgerRow(1, P1, "jobs", False, None, count=4),
        LedgerRow(2, P1, "jobs", False, 1, count=6),
    ]
    assert effective_rows(rows) == {}
    assert contributions_from_chains(rows) == []


def test_overall_totals_per_kind() -> None:
    overall = _totals().overall
    assert overall.amounts("contract") == [
        Money(Decimal("50000.00"), "PEN"),
        Money(Decimal("160000.00"), "USD"),  # 100,000 + 60,000 (chain A's correction)
    ]
    assert overall.amounts("sales") == [
        Money(Decimal("900.00"), "PEN"),  # chain D: the newest verified correction
        Money(Decimal("30000.50"), "USD"),
    ]
    assert overall.amounts("investment") == [Money(Decimal("25000.00"), "USD")]
    assert overall.counts == {"jobs": 12, "patent": 1, "pilot": 2}  # chain B corrected to 0
    assert overall.entries == {
        "contract": 4,
        "sales": 2,
        "jobs": 2,
        "patent": 1,
        "pilot": 1,
        "investment": 1,
    }
    assert overall.kinds == ["contract", "investment", "jobs", "patent", "pilot", "sales"]


def test_totals_per_sponsor_count_each_project_under_each_of_its_sponsors() -> None:
    totals = _totals()
    assert totals.by_sponsor[S1].amounts("contract") == totals.overall.amounts("contract")
    assert totals.by_sponsor[S1].counts == totals.overall.counts
    only_p1 = totals.by_sponsor[S2]
    assert only_p1.amounts("contract") == [
        Money(Decimal("50000.00"), "PEN"),
        Money(Decimal("100000.00"), "USD"),
    ]
    assert only_p1.amounts("sales") == [Money(Decimal("900.00"), "PEN")]
    assert only_p1.amounts("investment") == []
    assert only_p1.counts == {"jobs": 12, "pilot": 2}
    assert only_p1.entries == {"contract": 3, "sales": 1, "jobs": 2, "pilot": 1}


def test_totals_per_commodity() -> None:
    totals = _totals()
    assert totals.by_commodity[COPPER].entries == totals.overall.entries
    gold = totals.by_commodity[GOLD]
    assert gold.amounts("contract") == [Money(Decimal("60000.00"), "USD")]
    assert gold.amounts("sales") == [Money(Decimal("30000.50"), "USD")]
    assert gold.amounts("investment") == [Money(Decimal("25000.00"), "USD")]
    assert gold.counts == {"patent": 1}
    assert gold.entries == {"contract": 1, "sales": 1, "patent": 1, "investment": 1}


def test_leverage_of_private_to_public_money_per_currency() -> None:
    by_currency = _totals().leverage
    pen, usd = by_currency["PEN"], by_currency["USD"]
    assert (pen.public, pen.private, pen.follow_on) == (
        Decimal("300000.00"),
        Decimal("100000.00"),
        Decimal(0),
    )
    assert pen.ratio == Decimal("0.33")  # 100,000 / 300,000, rounded half up
    assert pen.with_follow_on == Decimal("0.33")
    assert usd.ratio == Decimal("0.80")  # 40,000 / 50,000
    assert usd.with_follow_on == Decimal("1.30")  # (40,000 + 25,000) / 50,000


def test_leverage_without_public_money_is_none() -> None:
    only_private = leverage([Funding("private", "USD", Decimal("10.00"))])
    assert only_private["USD"].ratio is None
    assert only_private["USD"].with_follow_on is None
    assert leverage([]) == {}


def test_hidden_amounts_count_as_entries_only() -> None:
    totals = impact_totals(
        [
            Contribution(P1, "contract", None, "USD", entries=3),
            Contribution(P2, "contract", Decimal("10.00"), "USD", entries=1),
        ]
    )
    assert totals.overall.entries["contract"] == 4
    assert totals.overall.amounts("contract") == [Money(Decimal("10.00"), "USD")]
    hidden = contributions_from_chains(
        [LedgerRow(7, P1, "sales", True, None, Decimal("5.00"), "PEN", amount_public=False)]
    )
    assert hidden == [Contribution(P1, "sales", None, "PEN", None, 1)]


def test_currencies_are_never_added_together() -> None:
    totals = impact_totals(
        [
            Contribution(P1, "sales", Decimal("1.00"), "PEN"),
            Contribution(P1, "sales", Decimal("1.00"), "USD"),
        ]
    )
    assert totals.overall.amounts("sales") == [
        Money(Decimal("1.00"), "PEN"),
        Money(Decimal("1.00"), "USD"),
    ]
