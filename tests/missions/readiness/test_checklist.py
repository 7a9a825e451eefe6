"""missions.checklist: which items, their due dates and the readiness states, on plain values
(no database)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from missions.checklist import (
    ItemFacts,
    MissionFacts,
    State,
    add_months,
    checklist,
    delegate_state,
    due_date,
    has_copayment,
    item_state,
    passport_valid_from,
    required_kinds,
)

TODAY = datetime.date(2026, 3, 2)
START = datetime.date(2026, 6, 1)
END = datetime.date(2026, 6, 10)


def facts(**kwargs: object) -> MissionFacts:
    values: dict[str, object] = {
        "starts_on": START,
        "ends_on": END,
        "visa_required": False,
        "vaccinations_required": False,
        "cost": (Decimal("18000"), "PEN"),
        "co_funding": (Decimal("9000"), "PEN"),
    }
    values.update(kwargs)
    return MissionFacts(**values)  # type: ignore[arg-type]


def test_due_dates_relative_to_departure() -> None:
    due = checklist(facts(visa_required=True, vaccinations_required=True), TODAY)
    assert due == {
        "passport": START - datetime.timedelta(days=60),
        "visa": START - datetime.timedelta(days=30),
        "insurance": START - datetime.timedelta(days=14),
        "copayment": START - datetime.timedelta(days=30),
        "vaccinations": START - datetime.timedelta(days=30),
    }


def test_visa_and_vaccinations_only_when_required() -> None:
    assert required_kinds(facts()) == ["passport", "insurance", "copayment"]


@pytest.mark.parametrize(
    ("cost", "co_funding", "expected"),
    [
        ((Decimal("18000"), "PEN"), (Decimal("9000"), "PEN"), True),
        ((Decimal("18000"), "PEN"), (Decimal("18000"), "PEN"), False),
        ((Decimal("18000"), "PEN"), None, True),
        ((Decimal("0"), "PEN"), None, False),
        (None, None, False),
        # Soles and dollars are never compared: the co-payment is asked for.
        ((Decimal("5000"), "USD"), (Decimal("20000"), "PEN"), True),
    ],
)
def test_copayment_only_beyond_co_funding(
    cost: tuple[Decimal, str] | None, co_funding: tuple[Decimal, str] | None, expected: bool
) -> None:
    assert has_copayment(facts(cost=cost, co_funding=co_funding)) is expected
    assert ("copayment" in required_kinds(facts(cost=cost, co_funding=co_funding))) is expected


def test_a_due_date_already_past_becomes_a_week_from_today() -> None:
    late_today = START - datetime.timedelta(days=40)  # passport (60 days before) is past
    assert due_date("passport", START, late_today) == late_today + datetime.timedelta(days=7)
    # Not past: unchanged.
    assert due_date("insurance", START, late_today) == START - datetime.timedelta(days=14)


def test_a_late_due_date_never_falls_after_departure() -> None:
    three_days_before = START - datetime.timedelta(days=3)
    assert due_date("passport", START, three_days_before) == START - datetime.timedelta(days=1)
    assert due_date("passport", START, START) == START  # departing today: due today


def test_passport_six_months_after_return_with_short_months() -> None:
    assert passport_valid_from(END) == datetime.date(2026, 12, 10)
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 2, 29)


def item(
    kind: str = "insurance", status: str = "pending", due: int = 30, **kw: object
) -> ItemFacts:
    return ItemFacts(kind, status, TODAY + datetime.timedelta(days=due), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("facts_", "expected"),
    [
        (item(status="done", due=-5), State.DONE),
        (item(status="not_needed", due=-5), State.DONE),
        (item(status="pending", due=-1), State.MISSING),
        (item(status="in_progress", due=-1), State.MISSING),
        (item(status="pending", due=0), State.AT_RISK),
        (item(status="in_progress", due=14), State.AT_RISK),
        (item(status="pending", due=15), State.PENDING),
        # A passport whose recorded validity is too short is at risk, even far from due.
        (
            item("passport", "in_progress", 50, valid_until=datetime.date(2026, 12, 9)),
            State.AT_RISK,
        ),
        (
            item("passport", "in_progress", 50, valid_until=datetime.date(2026, 12, 10)),
            State.PENDING,
        ),
        (item("passport", "done", 50, valid_until=datetime.date(2026, 12, 9)), State.AT_RISK),
        (item("passport", "done", -5, valid_until=datetime.date(2027, 1, 1)), State.DONE),
    ],
)
def test_item_state(facts_: ItemFacts, expected: State) -> None:
    assert item_state(facts_, ends_on=END, today=TODAY) is expected


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([], State.READY),
        ([State.DONE, State.DONE], State.READY),
        ([State.DONE, State.PENDING], State.PENDING),
        ([State.PENDING, State.AT_RISK, State.DONE], State.AT_RISK),
        ([State.AT_RISK, State.MISSING, State.PENDING], State.MISSING),
        ([State.MISSING, State.DONE], State.MISSING),
    ],
)
def test_delegate_state_worst_wins(states: list[State], expected: State) -> None:
    assert delegate_state(states) is expected
