"""Delegate readiness as pure functions: which checklist items a mission asks for and when,
and the state of an item and of a delegate. No database: the services and the board pass plain
values (see ``tests/missions/readiness/test_checklist.py``).

Rules (issue 12, "Delegate readiness"):

* Items and their due dates, relative to departure (``Mission.starts_on``): passport 60 days
  before (it must be valid until at least :data:`PASSPORT_MONTHS_AFTER_RETURN` months after
  return), visa 30 days before (only when the mission needs one), travel insurance 14 days
  before, co-payment 30 days before (only when the mission costs more than its co-funding),
  vaccinations 30 days before (only when required).
* **A late delegation still gets time**: a due date already past when the checklist is created
  (an organization promoted from the waitlist a few weeks before departure) becomes
  :data:`LATE_GRACE_DAYS` days from that day, but no later than the day before departure
  (today when departure is today or past): a date after departure would be useless.
* Item state: ``done`` (done or not needed), ``missing`` (not done and its due date has passed),
  ``at_risk`` (not done and due within :data:`AT_RISK_DAYS` days, or a passport recorded with a
  validity too short for the mission), ``pending`` (the rest). A passport marked done stays
  done only if its validity is long enough (the service refuses the other case).
* Delegate state: ``ready`` when every item is done; otherwise the worst item state wins
  (``missing``, then ``at_risk``). The issue names three states (ready / at risk / missing); a
  delegate whose open items are all far from due is none of them, so there is a fourth,
  ``pending`` ("on track"), rather than crying wolf with ``at_risk`` two months ahead.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

#: Days before departure each item is due (item kind → days).
DUE_DAYS_BEFORE: dict[str, int] = {
    "passport": 60,
    "visa": 30,
    "insurance": 14,
    "copayment": 30,
    "vaccinations": 30,
}
#: The passport must be valid this many months after the return date.
PASSPORT_MONTHS_AFTER_RETURN = 6
#: Days a late delegation gets for an item whose due date has already passed.
LATE_GRACE_DAYS = 7
#: An item not done within this many days of its due date is at risk.
AT_RISK_DAYS = 14

DONE_STATUSES = frozenset({"done", "not_needed"})


class State(StrEnum):
    """Readiness of an item or a delegate (worst last)."""

    DONE = "done"
    READY = "ready"
    PENDING = "pending"
    AT_RISK = "at_risk"
    MISSING = "missing"


#: Order of severity for the delegate's state (higher is worse).
_SEVERITY = {State.DONE: 0, State.READY: 0, State.PENDING: 1, State.AT_RISK: 2, State.MISSING: 3}


@dataclass(frozen=True, slots=True)
class MissionFacts:
    """What the checklist needs of a mission."""

    starts_on: datetime.date
    ends_on: datetime.date
    visa_required: bool
    vaccinations_required: bool
    # Cost and co-funding per delegate, as (amount, currency); co-funding None when there is none.
    cost: tuple[Decimal, str] | None
    co_funding: tuple[Decimal, str] | None


@dataclass(frozen=True, slots=True)
class ItemFacts:
    kind: str
    status: str
    due_on: datetime.date
    valid_until: datetime.date | None = None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, the last day of the month when it is shorter
    (31 August + 6 months = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def passport_valid_from(ends_on: datetime.date) -> datetime.date:
    """The earliest expiry date a passport may have for a mission returning on ``ends_on``."""
    return add_months(ends_on, PASSPORT_MONTHS_AFTER_RETURN)


def passport_long_enough(valid_until: datetime.date | None, ends_on: datetime.date) -> bool:
    return valid_until is not None and valid_until >= passport_valid_from(ends_on)


def has_copayment(mission: MissionFacts) -> bool:
    """The delegate pays part of the cost: a cost above zero that co-funding does not cover
    (no co-funding, co-funding in another currency, or a smaller one)."""
    if mission.cost is None or mission.cost[0] <= 0:
        return False
    if mission.co_funding is None:
        return True
    cost_amount, cost_currency = mission.cost
    funding_amount, funding_currency = mission.co_funding
    if funding_currency != cost_currency:
        return True  # cannot compare soles with dollars: ask for it, the coordinator can waive
    return cost_amount > funding_amount


def required_kinds(mission: MissionFacts) -> list[str]:
    """The item kinds a mission asks for, in the order of :data:`DUE_DAYS_BEFORE`."""
    wanted = {
        "passport": True,
        "visa": mission.visa_required,
        "insurance": True,
        "copayment": has_copayment(mission),
        "vaccinations": mission.vaccinations_required,
    }
    return [kind for kind in DUE_DAYS_BEFORE if wanted[kind]]


def due_date(kind: str, starts_on: datetime.date, today: datetime.date) -> datetime.date:
    """The due date of an item created ``today`` (see the module's late-delegation rule)."""
    due = starts_on - datetime.timedelta(days=DUE_DAYS_BEFORE[kind])
    if due >= today:
        return due
    # A week from today, but by the day before departure (today when that has passed).
    latest = max(starts_on - datetime.timedelta(days=1), today)
    return min(today + datetime.timedelta(days=LATE_GRACE_DAYS), latest)


def checklist(mission: MissionFacts, today: datetime.date) -> dict[str, datetime.date]:
    """Item kind → due date, for a checklist created ``today``."""
    return {kind: due_date(kind, mission.starts_on, today) for kind in required_kinds(mission)}


def item_state(item: ItemFacts, *, ends_on: datetime.date, today: datetime.date) -> State:
    short_passport = item.kind == "passport" and not passport_long_enough(item.valid_until, ends_on)
    if item.status in DONE_STATUSES:
        return State.AT_RISK if short_passport and item.status == "done" else State.DONE
    if item.due_on < today:
        return State.MISSING
    if short_passport and item.valid_until is not None:
        return State.AT_RISK
    if (item.due_on - today).days <= AT_RISK_DAYS:
        return State.AT_RISK
    return State.PENDING


def delegate_state(item_states: Iterable[State]) -> State:
    """``ready`` when every item is done (or there is none), otherwise the worst state."""
    worst = State.READY
    for state in item_states:
        if _SEVERITY[state] > _SEVERITY[worst]:
            worst = state
    return worst
