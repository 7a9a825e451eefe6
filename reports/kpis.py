"""The cluster's KPI figures without the database: reporting periods, what each figure counts,
and the figures laid out as tables and charts for the dashboard, the API and the KPI report.

Periods are calendar months, quarters and years in Lima's calendar; a period is named by its
kind and its first day (``("quarter", 2026-10-01)``). The figures themselves are computed by
``reports.selectors.kpis.kpis_compute`` (a JSON dict: keys only) and frozen in a
``ClosedPeriod`` when a period is closed; labels and definitions are resolved here, when shown,
in the reader's language — so a closed period reads the same in Spanish and English.

Every figure has a key, a label and a one-sentence definition of what it counts
(:data:`FIGURES`); the dashboard prints the definition under each chart, the API returns them
as ``definitions`` and the report writes them beside the figures.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from djmoney.money import Money

#: Version of the figures' JSON shape (``figures["version"]``): a closed period keeps the
#: version it was computed with.
FIGURES_VERSION = 1

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
PERIOD_KINDS: tuple[str, ...] = (MONTH, QUARTER, YEAR)
#: How many periods of each kind the dashboard offers, newest first (the current one included).
PERIOD_CHOICES_COUNT: dict[str, int] = {MONTH: 24, QUARTER: 8, YEAR: 5}
_MONTHS_IN: dict[str, int] = {MONTH: 1, QUARTER: 3, YEAR: 12}


# --- Periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year: ``starts_on`` its first day, ``ends_on`` its last."""

    kind: str
    starts_on: datetime.date
    ends_on: datetime.date

    @property
    def label(self) -> str:
        """ "November 2026", "Q4 2026", "2026" (in the active language)."""
        if self.kind == MONTH:
            return formats.date_format(self.starts_on, "F Y")
        if self.kind == QUARTER:
            return _("Q%(quarter)d %(year)d") % {
                "quarter": (self.starts_on.month - 1) // 3 + 1,
                "year": self.starts_on.year,
            }
        return str(self.starts_on.year)

    @property
    def slug(self) -> str:
        """ASCII, for file names: ``2026-11``, ``2026-q4``, ``2026``."""
        if self.kind == MONTH:
            return f"{self.starts_on:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.starts_on.year}-q{(self.starts_on.month - 1) // 3 + 1}"
        return str(self.starts_on.year)

    def has_ended(self, today: datetime.date) -> bool:
        """True once the period's last day is over (``today`` is after it)."""
        return today > self.ends_on

    def months(self) -> list[str]:
        """The period's months as ``YYYY-MM``, in order."""
        return month_keys(self.starts_on, self.ends_on)


def _check_kind(kind: str) -> None:
    if kind not in PERIOD_KINDS:
        raise ValueError(f"Unknown period kind: {kind!r}")


def period_start(kind: str, day: datetime.date) -> datetime.date:
    """The first day of the ``kind`` period that contains ``day``."""
    _check_kind(kind)
    if kind == MONTH:
        return day.replace(day=1)
    if kind == QUARTER:
        return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return datetime.date(day.year, 1, 1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_bounds(kind: str, starts_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of the period of ``kind`` starting on ``starts_on``.

    Raises ``ValueError`` for an unknown kind or a day that does not start such a period
    (a quarter starts on 1 January, April, July or October; a year on 1 January).
    """
    _check_kind(kind)
    if period_start(kind, starts_on) != starts_on:
        raise ValueError(f"{starts_on} does not start a {kind}")
    last_month = _add_months(starts_on, _MONTHS_IN[kind] - 1)
    ends_on = last_month.replace(day=calendar.monthrange(last_month.year, last_month.month)[1])
    return starts_on, ends_on


def make_period(kind: str, starts_on: datetime.date) -> Period:
    """The :class:`Period` of ``kind`` starting on ``starts_on`` (``ValueError`` if misaligned)."""
    first, last = period_bounds(kind, starts_on)
    return Period(kind, first, last)


def current_period(kind: str, today: datetime.date) -> Period:
    return make_period(kind, period_start(kind, today))


def previous_period(period: Period) -> Period:
    return make_period(period.kind, _add_months(period.starts_on, -_MONTHS_IN[period.kind]))


def period_choices(kind: str, today: datetime.date, count: int | None = None) -> list[Period]:
    """The last ``count`` periods of ``kind`` up to the one containing ``today`` (which is still
    open), newest first: by default 24 months, 8 quarters or 5 years."""
    count = PERIOD_CHOICES_COUNT[kind] if count is None else count
    periods = [current_period(kind, today)]
    while len(periods) < count:
        periods.append(previous_period(periods[-1]))
    return periods


def month_keys(starts_on: datetime.date, ends_on: datetime.date) -> list[str]:
    """``YYYY-MM`` of every month from ``starts_on``'s to ``ends_on``'s."""
    keys = []
    month = starts_on.replace(day=1)
    while month <= ends_on:
        keys.append(f"{month:%Y-%m}")
        month = _add_months(month, 1)
    return keys


def kind_label(kind: str) -> str:
    return {MONTH: _("Month"), QUARTER: _("Quarter"), YEAR: _("Year")}[kind]


# --- What each figure counts -------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A figure of the JSON (``key`` is its dotted path) with what it counts."""

    key: str
    label: str | Promise
    definition: str | Promise


FIGURES: tuple[Figure, ...] = (
    Figure(
        "members.active_at_end",
        gettext_lazy("Members at the end of the period"),
        gettext_lazy(
            "Organizations with an active membership whose membership began on or before the "
            "last day of the period. The portal keeps no history of membership status, so an "
            "organization suspended or lapsed since is not counted in earlier periods: closing "
            "a period freezes the figure as it stood."
        ),
    ),
    Figure(
        "members.joined",
        gettext_lazy("Members who joined"),
        gettext_lazy(
            "Organizations whose membership began in the period (the day the secretariat "
            "approved their application), whatever their status today."
        ),
    ),
    Figure(
        "members.by_kind",
        gettext_lazy("Members by kind of organization"),
        gettext_lazy("The members at the end of the period, by kind of organization."),
    ),
    Figure(
        "members.by_scale",
        gettext_lazy("Mining members by scale"),
        gettext_lazy(
            "The mining companies among the members at the end of the period, by mining scale."
        ),
    ),
    Figure(
        "members.by_region",
        gettext_lazy("Members by region"),
        gettext_lazy("The members at the end of the period, by the region of their address."),
    ),
    Figure(
        "members.monthly",
        gettext_lazy("Members over time"),
        gettext_lazy(
            "For each month of the period: the members at the end of the month (counted as "
            "above) and the organizations whose membership began in the month."
        ),
    ),
    Figure(
        "funnel.challenges",
        gettext_lazy("Challenges reported"),
        gettext_lazy(
            "Challenges mining companies submitted to the secretariat in the period; drafts "
            "are not counted, merged and declined challenges are."
        ),
    ),
    Figure(
        "funnel.calls",
        gettext_lazy("Calls published"),
        gettext_lazy(
            "Calls for proposals announced in the period (their publication date); drafts and "
            "calls taken back to draft are not counted."
        ),
    ),
    Figure(
        "funnel.proposals",
        gettext_lazy("Proposals submitted"),
        gettext_lazy(
            "Proposals whose latest submission falls in the period, whatever their outcome; "
            "drafts never submitted are not counted."
        ),
    ),
    Figure(
        "funnel.projects",
        gettext_lazy("Projects started"),
        gettext_lazy(
            "Projects that entered the portfolio in the period (the day they were recorded), "
            "whatever their status today."
        ),
    ),
    Figure(
        "funnel.impact_verified",
        gettext_lazy("Impact entries verified"),
        gettext_lazy(
            "Entries of the impact ledger the secretariat verified in the period (pilots, "
            "contracts, sales, jobs, patents, follow-on investment), corrections included."
        ),
    ),
    Figure(
        "evaluations.reviews_submitted",
        gettext_lazy("Reviews submitted"),
        gettext_lazy("Evaluators' reviews of proposals first submitted in the period."),
    ),
    Figure(
        "funding.by_source",
        gettext_lazy("Funding mobilized by source"),
        gettext_lazy(
            "The funding committed to the projects that entered the portfolio in the period, "
            "in cash and in kind, by currency and kind of source (public or private). Soles "
            "and dollars are never added together."
        ),
    ),
    Figure(
        "funding.totals",
        gettext_lazy("Funding mobilized"),
        gettext_lazy(
            "The funding committed to the projects that entered the portfolio in the period, "
            "per currency."
        ),
    ),
    Figure(
        "missions.missions",
        gettext_lazy("Missions"),
        gettext_lazy(
            "International missions that departed in the period (travelling or completed; "
            "cancelled missions are not counted)."
        ),
    ),
    Figure(
        "missions.delegates",
        gettext_lazy("Mission delegates"),
        gettext_lazy(
            "People in the delegations of those missions (included delegates of applications "
            "holding a place)."
        ),
    ),
    Figure(
        "missions.organizations",
        gettext_lazy("Organizations in delegations"),
        gettext_lazy("Distinct organizations those delegates represented."),
    ),
    Figure(
        "missions.contacts",
        gettext_lazy("Contacts made"),
        gettext_lazy("Contacts the delegates of those missions reported in their outcomes."),
    ),
    Figure(
        "missions.agreements",
        gettext_lazy("Agreements recorded"),
        gettext_lazy("Agreements (memoranda, contracts, others) recorded for those missions."),
    ),
    Figure(
        "missions.business",
        gettext_lazy("Business generated"),
        gettext_lazy(
            "Business the delegates of those missions reported in their outcomes, per currency."
        ),
    ),
)

_FIGURES_BY_KEY: dict[str, Figure] = {figure.key: figure for figure in FIGURES}


def figure(key: str) -> Figure:
    return _FIGURES_BY_KEY[key]


def definitions() -> dict[str, str]:
    """``{key: definition}`` of every figure, in the active language."""
    return {f.key: str(f.definition) for f in FIGURES}


def labels() -> dict[str, str]:
    return {f.key: str(f.label) for f in FIGURES}


# --- A snapshot in the current shape ------------------------------------------------------------

#: Every section and figure of the JSON with its empty value (:func:`complete_figures`).
EMPTY_FIGURES: dict[str, dict[str, Any]] = {
    "members": {
        "active_at_end": 0,
        "joined": 0,
        "by_kind": [],
        "by_scale": [],
        "by_region": [],
        "monthly": [],
    },
    "funnel": {
        "challenges": 0,
        "calls": 0,
        "proposals": 0,
        "projects": 0,
        "impact_verified": 0,
    },
    "evaluations": {"reviews_submitted": 0},
    "funding": {"by_source": [], "totals": []},
    "missions": {
        "missions": 0,
        "delegates": 0,
        "organizations": 0,
        "contacts": 0,
        "agreements": 0,
        "business": [],
    },
}


def complete_figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    """``figures`` with every section and figure present: a snapshot frozen before a figure
    existed shows it as empty (0, no rows) instead of breaking the page."""
    complete: dict[str, Any] = dict(figures)
    for section, empty in EMPTY_FIGURES.items():
        stored = figures.get(section)
        complete[section] = {**empty, **(stored if isinstance(stored, Mapping) else {})}
    return complete


# --- Labels of the breakdowns' keys --------------------------------------------------------------


def _choice_labels(group: str) -> dict[str, str]:
    # Imported here: this module is imported by settings-free tests too.
    from challenges.models import ProjectFunding
    from cluster_portal.core.peru import Region
    from members.models import Organization

    choices: dict[str, Any] = {
        "kind": Organization.Kind,
        "scale": Organization.MiningScale,
        "region": Region,
        "source": ProjectFunding.Kind,
    }
    return {str(value): str(label) for value, label in choices[group].choices}


def key_label(group: str, key: str) -> str:
    """The label of a breakdown key (``group`` is kind, scale, region or source); an unknown
    key (a choice removed since a period was closed) is shown as it is."""
    return _choice_labels(group).get(key, key) or _("Not stated")


def month_label(key: str) -> str:
    """``2026-11`` → "Nov 2026" (in the active language)."""
    year, month = (int(part) for part in key.split("-"))
    return formats.date_format(datetime.date(year, month, 1), "M Y")


# --- Tables and charts -----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    numeric: bool = False
    #: Cells are money amounts (strings "123.45") in the row's ``currency``.
    money: bool = False
    #: Only in the spreadsheet: on the page the formatted amount already says the currency.
    sheet_only: bool = False


@dataclass
class FigureTable:
    """One chart's figures as a table: ``rows`` are dicts keyed by the columns' keys (amounts
    as ``Decimal``, counts as ``int``; ``currency`` beside money). ``chart`` is what the chart
    script draws (``None`` when there is nothing to draw)."""

    key: str
    title: str
    definition: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    chart: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    #: Money totals shown under the table (one per currency) and their label.
    totals: list[Money] = field(default_factory=list)
    totals_label: str = ""

    @property
    def page_columns(self) -> list[Column]:
        return [c for c in self.columns if not c.sheet_only]

    @property
    def body(self) -> list[dict[str, Any]]:
        """The rows as the page's cells in column order: ``{"key", "cells": [{"column",
        "value"}]}``; a money column's value is the row's ``Money``."""
        return [
            {
                "key": row["key"],
                "cells": [
                    {"column": c, "value": row.get("money") if c.money else row.get(c.key)}
                    for c in self.page_columns
                ],
            }
            for row in self.rows
        ]

    @property
    def chart_id(self) -> str:
        return "kpi-chart-" + self.key.replace(".", "-").replace("_", "-")


def _amount(value: str | Decimal | None) -> Decimal:
    return Decimal(str(value or "0"))


def _breakdown(figures: Mapping[str, Any], key: str, group: str, heading: str) -> FigureTable:
    rows = [
        {"key": item["key"], "label": key_label(group, item["key"]), "count": int(item["count"])}
        for item in figures["members"][key]
    ]
    info = figure(f"members.{key}")
    return FigureTable(
        key=f"members.{key}",
        title=str(info.label),
        definition=str(info.definition),
        columns=[Column("label", heading), Column("count", _("Members"), numeric=True)],
        rows=rows,
        chart=_bar_chart([r["label"] for r in rows], [(_("Members"), [r["count"] for r in rows])])
        if rows
        else None,
    )


def _bar_chart(
    labels: Sequence[str], datasets: Iterable[tuple[str, Sequence[int | float]]], **extra: Any
) -> dict[str, Any]:
    return {
        "type": "bar",
        "labels": list(labels),
        "datasets": [{"label": label, "data": list(data)} for label, data in datasets],
        **extra,
    }


def figure_tables(figures: Mapping[str, Any]) -> list[FigureTable]:
    """The dashboard's charts, each with its table and definition, from ``kpis_compute``'s
    JSON (live or frozen)."""
    figures = complete_figures(figures)
    tables = [
        _breakdown(figures, "by_kind", "kind", _("Kind of organization")),
        _breakdown(figures, "by_scale", "scale", _("Mining scale")),
        _breakdown(figures, "by_region", "region", _("Region")),
    ]
    monthly = figures["members"]["monthly"]
    info = figure("members.monthly")
    monthly_rows = [
        {
            "key": row["month"],
            "label": month_label(row["month"]),
            "active": int(row["active"]),
            "joined": int(row["joined"]),
        }
        for row in monthly
    ]
    tables.append(
        FigureTable(
            key="members.monthly",
            title=str(info.label),
            definition=str(info.definition),
            columns=[
                Column("label", _("Month")),
                Column("active", _("Members at the end of the month"), numeric=True),
                Column("joined", _("Joined in the month"), numeric=True),
            ],
            rows=monthly_rows,
            chart=_bar_chart(
                [r["label"] for r in monthly_rows],
                [
                    (_("Members at the end of the month"), [r["active"] for r in monthly_rows]),
                    (_("Joined in the month"), [r["joined"] for r in monthly_rows]),
                ],
                vertical=True,
            ),
        )
    )
    funnel_keys = ("challenges", "calls", "proposals", "projects", "impact_verified")
    funnel_rows: list[dict[str, Any]] = [
        {
            "key": key,
            "label": str(figure(f"funnel.{key}").label),
            "definition": str(figure(f"funnel.{key}").definition),
            "count": int(figures["funnel"][key]),
        }
        for key in funnel_keys
    ]
    tables.append(
        FigureTable(
            key="funnel",
            title=_("From challenges to verified impact"),
            definition=_(
                "What moved through the open-innovation funnel in the period, step by step. "
                "Each step counts its own events in the period, so a step may be larger than "
                "the one before it."
            ),
            columns=[Column("label", _("Step")), Column("count", _("Count"), numeric=True)],
            rows=funnel_rows,
            chart=_bar_chart(
                [r["label"] for r in funnel_rows], [(_("Count"), [r["count"] for r in funnel_rows])]
            ),
            notes=[f"{r['label']}: {r['definition']}" for r in funnel_rows],
        )
    )
    info = figure("funding.by_source")
    funding_rows = [
        {
            "key": f"{item['currency']}-{item['source']}",
            "currency": item["currency"],
            "label": key_label("source", item["source"]),
            "amount": _amount(item["amount"]),
            "money": Money(_amount(item["amount"]), item["currency"]),
        }
        for item in figures["funding"]["by_source"]
    ]
    tables.append(
        FigureTable(
            key="funding.by_source",
            title=str(info.label),
            definition=str(info.definition),
            columns=[
                Column("currency", _("Currency"), sheet_only=True),
                Column("label", _("Source")),
                Column("amount", _("Amount"), numeric=True, money=True),
            ],
            rows=funding_rows,
            chart=_funding_chart(funding_rows) if funding_rows else None,
            totals=[Money(a, c) for c, a in money_totals(figures["funding"]["totals"])],
            totals_label=str(figure("funding.totals").label),
        )
    )
    missions = figures["missions"]
    mission_keys = ("missions", "delegates", "organizations", "contacts", "agreements")
    mission_rows: list[dict[str, Any]] = [
        {
            "key": key,
            "label": str(figure(f"missions.{key}").label),
            "definition": str(figure(f"missions.{key}").definition),
            "count": int(missions[key]),
        }
        for key in mission_keys
    ]
    tables.append(
        FigureTable(
            key="missions",
            title=_("Mission delegates and outcomes"),
            definition=str(figure("missions.missions").definition),
            columns=[Column("label", _("Figure")), Column("count", _("Count"), numeric=True)],
            rows=mission_rows,
            chart=_bar_chart(
                [r["label"] for r in mission_rows],
                [(_("Count"), [r["count"] for r in mission_rows])],
            ),
            notes=[f"{r['label']}: {r['definition']}" for r in mission_rows[1:]]
            + [f"{figure('missions.business').label}: {figure('missions.business').definition}"],
            totals=[Money(a, c) for c, a in money_totals(missions["business"])],
            totals_label=str(figure("missions.business").label),
        )
    )
    return tables


def _funding_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One dataset per currency (amounts of different currencies are never stacked or added),
    one bar label per source."""
    sources = list(dict.fromkeys(r["label"] for r in rows))
    currencies = list(dict.fromkeys(r["currency"] for r in rows))
    amounts = {(r["currency"], r["label"]): float(r["amount"]) for r in rows}
    return _bar_chart(
        sources,
        [(c, [amounts.get((c, s), 0) for s in sources]) for c in currencies],
        money=True,
    )


def money_totals(items: Iterable[Mapping[str, Any]]) -> list[tuple[str, Decimal]]:
    """``[{"currency", "amount"}]`` as ``(currency, Decimal)`` pairs."""
    return [(item["currency"], _amount(item["amount"])) for item in items]


# --- The summary: every figure as one row ------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    """A figure with one value (a count, or an amount in ``currency``)."""

    key: str
    label: str
    value: int | Decimal
    definition: str
    currency: str = ""

    @property
    def money(self) -> Money | None:
        """The value as ``Money`` (for ``|money``) when it is an amount."""
        return Money(self.value, self.currency) if self.currency else None


def summary_rows(figures: Mapping[str, Any]) -> list[SummaryRow]:
    """The scalar figures in order (money once per currency), for the summary table and sheet."""
    figures = complete_figures(figures)
    rows: list[SummaryRow] = []

    def add(key: str, value: int | Decimal, currency: str = "") -> None:
        info = figure(key)
        rows.append(SummaryRow(key, str(info.label), value, str(info.definition), currency))

    members = figures["members"]
    add("members.active_at_end", int(members["active_at_end"]))
    add("members.joined", int(members["joined"]))
    for key in ("challenges", "calls", "proposals", "projects", "impact_verified"):
        add(f"funnel.{key}", int(figures["funnel"][key]))
    add("evaluations.reviews_submitted", int(figures["evaluations"]["reviews_submitted"]))
    for currency, amount in money_totals(figures["funding"]["totals"]):
        add("funding.totals", amount, currency)
    missions = figures["missions"]
    for key in ("missions", "delegates", "organizations", "contacts", "agreements"):
        add(f"missions.{key}", int(missions[key]))
    for currency, amount in money_totals(missions["business"]):
        add("missions.business", amount, currency)
    return rows
