"""Totals of the impact ledger: pure functions, no database.

What counts (``challenges.workflows.IN_TOTALS``: verified entries only):

* An entry nobody corrected counts as it is.
* A *chain* is an entry and every correction that reaches it through ``corrects`` (a correction
  of a correction belongs to the same chain). The chain counts once, with the values of its
  **newest verified** member (the highest id: ids grow with creation, dates can be backdated);
  a chain without a verified member counts nothing. So a verified correction replaces the
  value of the entry it corrects — also its kind, when the kind was what was wrong — and a
  correction to zero takes the entry out of the totals while keeping it in the ledger.

Money kinds (``ImpactEntry.MONEY_KINDS``: contracts, sales, follow-on investment) add up per
currency, never across currencies (PEN and USD are never added together); count kinds (pilots,
jobs, patents) add their counts. Each kind also counts its entries ("3 contracts").

Per sponsor and per commodity an entry counts in full under *each* sponsor (commodity) of its
project, so those tables do not add up to the portfolio's total when a project has several.

Leverage: per currency, the private money put into the projects per unit of public money
(``ProjectFunding`` kinds), rounded to hundredths; ``None`` without public money in that
currency. ``with_follow_on`` adds the verified follow-on investment to the private side.

The selectors (``challenges.selectors.impact``) aggregate in SQL what needs no chain resolution
and pass the rest here as :class:`LedgerRow`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from djmoney.money import Money

#: Values of ``ImpactEntry.Kind`` measured in money (kept equal to ``ImpactEntry.MONEY_KINDS``
#: by a test; repeated here so this module imports no model).
MONEY_KINDS = frozenset({"contract", "sales", "investment"})
INVESTMENT = "investment"
PUBLIC = "public"
PRIVATE = "private"
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Contribution:
    """A value the totals add: one entry, or the SQL sum of several entries of one project,
    kind and currency (``entries`` of them).

    ``amount`` is None for count kinds, and for a money kind whose amounts are not to be shown
    (the public showcase of a project that keeps its amounts private): the entries still count.
    """

    project_id: int
    kind: str
    amount: Decimal | None = None
    currency: str = ""
    count: int | None = None
    entries: int = 1


@dataclass(frozen=True)
class LedgerRow:
    """One frozen entry that belongs to a correction chain (its values as stored)."""

    id: int
    project_id: int
    kind: str
    verified: bool
    corrects_id: int | None = None
    amount: Decimal | None = None
    currency: str = ""
    count: int | None = None
    #: False: the amount is counted as an entry but its value is not shown (showcase).
    amount_public: bool = True


@dataclass(frozen=True)
class Funding:
    """The SQL sum of ``ProjectFunding`` of one kind (public/private) and currency."""

    kind: str
    currency: str
    amount: Decimal


@dataclass
class Tally:
    """What a set of entries adds up to, per kind."""

    #: kind → number of entries counted.
    entries: Counter[str] = field(default_factory=Counter)
    #: count kind → sum of the counts.
    counts: Counter[str] = field(default_factory=Counter)
    #: money kind → currency → sum of the amounts.
    money: dict[str, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, contribution: Contribution) -> None:
        kind = contribution.kind
        self.entries[kind] += contribution.entries
        if kind in MONEY_KINDS:
            if contribution.amount is not None and contribution.currency:
                by_currency = self.money[kind]
                by_currency[contribution.currency] = (
                    by_currency.get(contribution.currency, Decimal(0)) + contribution.amount
                )
        elif contribution.count is not None:
            self.counts[kind] += contribution.count

    def amounts(self, kind: str) -> list[Money]:
        """The money of ``kind``, one ``Money`` per currency (sorted by currency code)."""
        return [Money(amount, currency) for currency, amount in sorted(self.money[kind].items())]

    @property
    def kinds(self) -> list[str]:
        """The kinds with at least one entry counted."""
        return sorted(kind for kind, n in self.entries.items() if n)

    def __bool__(self) -> bool:
        return any(self.entries.values())


@dataclass(frozen=True)
class Leverage:
    currency: str
    public: Decimal
    private: Decimal
    follow_on: Decimal

    @property
    def ratio(self) -> Decimal | None:
        """Private money per unit of public money (``None`` without public money)."""
        return _ratio(self.private, self.public)

    @property
    def with_follow_on(self) -> Decimal | None:
        """The same, with the verified follow-on investment counted as private money."""
        return _ratio(self.private + self.follow_on, self.public)


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (numerator / denominator).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass
class ImpactTotals:
    overall: Tally
    by_sponsor: dict[int, Tally]
    by_commodity: dict[int, Tally]
    leverage: dict[str, Leverage]


def _root(row: LedgerRow, rows: Mapping[int, LedgerRow]) -> int:
    seen = {row.id}
    current = row
    while current.corrects_id is not None and current.corrects_id in rows:
        current = rows[current.corrects_id]
        if current.id in seen:  # a cycle cannot be created by the service; never loop on one
            break
        seen.add(current.id)
    return current.id


def effective_rows(rows: Iterable[LedgerRow]) -> dict[int, LedgerRow]:
    """Chain (its first entry's id) → the member whose values count: the newest verified one.
    Chains without a verified member are absent."""
    by_id = {row.id: row for row in rows}
    winners: dict[int, LedgerRow] = {}
    for row in by_id.values():
        if not row.verified:
            continue
        root = _root(row, by_id)
        best = winners.get(root)
        if best is None or row.id > best.id:
            winners[root] = row
    return winners


def superseded_ids(rows: Iterable[LedgerRow]) -> set[int]:
    """Ids of the verified entries whose values no longer count: a newer verified member of
    their chain replaced them (for the ledger's "replaced by a correction" mark)."""
    rows = list(rows)
    winners = {row.id for row in effective_rows(rows).values()}
    return {row.id for row in rows if row.verified and row.id not in winners}


def contributions_from_chains(rows: Iterable[LedgerRow]) -> list[Contribution]:
    """One contribution per chain with a verified member, with that member's values."""
    out = []
    for row in effective_rows(rows).values():
        money = row.kind in MONEY_KINDS
        if not (row.amount if money else row.count):
            continue  # corrected to zero (or no value): out of the totals
        out.append(
            Contribution(
                project_id=row.project_id,
                kind=row.kind,
                amount=row.amount if money and row.amount_public else None,
                currency=row.currency if money else "",
                count=None if money else row.count,
            )
        )
    return out


def impact_totals(
    contributions: Iterable[Contribution],
    *,
    sponsors: Mapping[int, Iterable[int]] | None = None,
    commodities: Mapping[int, Iterable[int]] | None = None,
    funding: Iterable[Funding] = (),
) -> ImpactTotals:
    """Add up ``contributions`` (the SQL groups and :func:`contributions_from_chains`).

    ``sponsors`` / ``commodities`` map a project id to its sponsor organizations' ids (its
    commodities' ids); ``funding`` is the money put into the projects counted, for the
    leverage.
    """
    sponsors = sponsors or {}
    commodities = commodities or {}
    overall = Tally()
    by_sponsor: dict[int, Tally] = defaultdict(Tally)
    by_commodity: dict[int, Tally] = defaultdict(Tally)
    for contribution in contributions:
        overall.add(contribution)
        for sponsor_id in set(sponsors.get(contribution.project_id, ())):
            by_sponsor[sponsor_id].add(contribution)
        for commodity_id in set(commodities.get(contribution.project_id, ())):
            by_commodity[commodity_id].add(contribution)
    return ImpactTotals(
        overall=overall,
        by_sponsor=dict(by_sponsor),
        by_commodity=dict(by_commodity),
        leverage=leverage(funding, follow_on=overall.money.get(INVESTMENT, {})),
    )


def leverage(
    funding: Iterable[Funding], *, follow_on: Mapping[str, Decimal] | None = None
) -> dict[str, Leverage]:
    """Currency → :class:`Leverage` for every currency with funding or follow-on money."""
    public: dict[str, Decimal] = defaultdict(Decimal)
    private: dict[str, Decimal] = defaultdict(Decimal)
    for item in funding:
        (public if item.kind == PUBLIC else private)[item.currency] += item.amount
    follow_on = follow_on or {}
    currencies = sorted(set(public) | set(private) | set(follow_on))
    return {
        currency: Leverage(
            currency=currency,
            public=public.get(currency, Decimal(0)),
            private=private.get(currency, Decimal(0)),
            follow_on=follow_on.get(currency, Decimal(0)),
        )
        for currency in currencies
    }
