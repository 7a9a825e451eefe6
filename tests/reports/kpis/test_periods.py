"""Reporting periods and the figures' layout (reports.kpis): pure, no database."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from djmoney.money import Money

from reports import kpis
from reports.kpis import (
    FIGURES,
    make_period,
    month_keys,
    period_bounds,
    period_choices,
    period_start,
    previous_period,
    summary_rows,
)

D = datetime.date


@pytest.mark.parametrize(
    ("kind", "starts_on", "ends_on"),
    [
        ("month", D(2026, 2, 1), D(2026, 2, 28)),
        ("month", D(2024, 2, 1), D(2024, 2, 29)),
        ("month", D(2026, 12, 1), D(2026, 12, 31)),
        ("quarter", D(2026, 10, 1), D(2026, 12, 31)),
        ("quarter", D(2026, 1, 1), D(2026, 3, 31)),
        ("year", D(2025, 1, 1), D(2025, 12, 31)),
    ],
)
def test_period_bounds(kind: str, starts_on: datetime.date, ends_on: datetime.date) -> None:
    assert period_bounds(kind, starts_on) == (starts_on, ends_on)


@pytest.mark.parametrize(
    ("kind", "starts_on"),
    [
        ("month", D(2026, 2, 2)),
        ("quarter", D(2026, 2, 1)),
        ("year", D(2026, 7, 1)),
        ("week", D(2026, 1, 1)),
    ],
)
def test_a_day_that_starts_no_period_is_refused(kind: str, starts_on: datetime.date) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message names the day
        period_bounds(kind, starts_on)


def test_period_start_and_previous_cross_years() -> None:
    assert period_start("quarter", D(2026, 11, 17)) == D(2026, 10, 1)
    assert period_start("year", D(2026, 11, 17)) == D(2026, 1, 1)
    assert previous_period(make_period("month", D(2026, 1, 1))).starts_on == D(2025, 12, 1)
    assert previous_period(make_period("quarter", D(2026, 1, 1))).starts_on == D(2025, 10, 1)


def test_choices_are_the_last_periods_newest_first() -> None:
    today = D(2026, 12, 1)
    months = period_choices("month", today)
    assert len(months) == 24
    assert months[0].starts_on == D(2026, 12, 1)
    assert months[-1].starts_on == D(2025, 1, 1)
    quarters = period_choices("quarter", today)
    assert [q.starts_on for q in quarters[:2]] == [D(2026, 10, 1), D(2026, 7, 1)]
    assert len(quarters) == 8
    assert [y.starts_on.year for y in period_choices("year", today)] == [
        2026,
        2025,
        2024,
        2023,
        2022,
    ]


def test_has_ended_only_after_the_last_day() -> None:
    november = make_period("month", D(2026, 11, 1))
    assert not november.has_ended(D(2026, 11, 30))
    assert november.has_ended(D(2026, 12, 1))


def test_labels_and_slugs() -> None:
    with translation.override("en"):
        assert make_period("month", D(2026, 11, 1)).label == "November 2026"
        assert make_period("quarter", D(2026, 10, 1)).label == "Q4 2026"
        assert make_period("year", D(2026, 1, 1)).label == "2026"
    assert make_period("month", D(2026, 11, 1)).slug == "2026-11"
    assert make_period("quarter", D(2026, 10, 1)).slug == "2026-q4"
    assert month_keys(D(2026, 11, 1), D(2027, 1, 31)) == ["2026-11", "2026-12", "2027-01"]


def _figures() -> dict:
    return {
        "version": 1,
        "period": {"starts_on": "2026-10-01", "ends_on": "2026-12-31"},
        "computed_at": "2027-01-02T10:00:00+00:00",
        "members": {
            "active_at_end": 3,
            "joined": 1,
            "by_kind": [{"key": "mining", "count": 2}, {"key": "mets", "count": 1}],
            "by_scale": [{"key": "large", "count": 2}],
            "by_region": [{"key": "arequipa", "count": 3}],
            "monthly": [
                {"month": "2026-10", "active": 2, "joined": 0},
                {"month": "2026-11", "active": 3, "joined": 1},
                {"month": "2026-12", "active": 3, "joined": 0},
            ],
        },
        "funnel": {
            "challenges": 4,
            "calls": 1,
            "proposals": 7,
            "projects": 2,
            "impact_verified": 1,
        },
        "evaluations": {"reviews_submitted": 9},
        "funding": {
            "by_source": [
                {"currency": "PEN", "source": "private", "amount": "50000.00"},
                {"currency": "PEN", "source": "public", "amount": "100000.00"},
                {"currency": "USD", "source": "private", "amount": "20000.00"},
            ],
            "totals": [
                {"currency": "PEN", "amount": "150000.00"},
                {"currency": "USD", "amount": "20000.00"},
            ],
        },
        "missions": {
            "missions": 1,
            "delegates": 3,
            "organizations": 2,
            "contacts": 16,
            "agreements": 2,
            "business": [{"currency": "USD", "amount": "120000.00"}],
        },
    }


def test_every_figure_has_a_label_and_a_definition() -> None:
    keys = [figure.key for figure in FIGURES]
    assert len(keys) == len(set(keys))
    with translation.override("en"):
        for figure in FIGURES:
            assert str(figure.label).strip()
            assert str(figure.definition).endswith(".")
        assert set(kpis.definitions()) == set(keys)
    # Every scalar figure of the JSON has a definition.
    figures = _figures()
    for section in ("funnel", "evaluations"):
        for key in figures[section]:
            assert f"{section}.{key}" in keys
    for key in ("missions", "delegates", "organizations", "contacts", "agreements", "business"):
        assert f"missions.{key}" in keys


def test_tables_and_summary_show_the_figures_with_labels() -> None:
    with translation.override("en"):
        tables = {table.key: table for table in kpis.figure_tables(_figures())}
        summary = summary_rows(_figures())
    assert list(tables) == [
        "members.by_kind",
        "members.by_scale",
        "members.by_region",
        "members.monthly",
        "funnel",
        "funding.by_source",
        "missions",
    ]
    kind = tables["members.by_kind"]
    assert [(r["label"], r["count"]) for r in kind.rows] == [
        ("Mining company", 2),
        ("METS supplier", 1),
    ]
    assert kind.chart is not None
    assert kind.chart["datasets"][0]["data"] == [2, 1]
    monthly = tables["members.monthly"]
    assert [r["label"] for r in monthly.rows] == ["Oct 2026", "Nov 2026", "Dec 2026"]
    assert monthly.chart is not None
    assert len(monthly.chart["datasets"]) == 2
    funding = tables["funding.by_source"]
    assert funding.rows[1]["money"] == Money(Decimal("100000.00"), "PEN")
    assert funding.totals == [Money(Decimal("150000"), "PEN"), Money(Decimal("20000"), "USD")]
    # Amounts of different currencies are separate datasets, never one bar.
    assert funding.chart is not None
    assert [d["label"] for d in funding.chart["datasets"]] == ["PEN", "USD"]
    assert tables["missions"].totals == [Money(Decimal("120000"), "USD")]
    values = {(row.key, row.currency): row.value for row in summary}
    assert values[("funnel.proposals", "")] == 7
    assert values[("funding.totals", "USD")] == Decimal("20000.00")
    assert values[("missions.business", "USD")] == Decimal("120000.00")
    assert next(r for r in summary if r.currency == "PEN").money == Money(150000, "PEN")


def test_an_unknown_key_from_an_old_snapshot_is_shown_as_it_is() -> None:
    figures = _figures()
    figures["members"]["by_kind"].append({"key": "retired-kind", "count": 1})
    table = kpis.figure_tables(figures)[0]
    assert table.rows[-1]["label"] == "retired-kind"
