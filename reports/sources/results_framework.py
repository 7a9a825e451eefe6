"""Report kind ``results_framework``: the portfolio's KPIs in the shape a development bank's
results matrix takes (IDB, CAF, IATI's results): **result → indicator → period**.

One row per indicator and period: the project, the result (the outcome the indicator measures,
``Indicator.result``), the indicator, its unit, baseline (and year), target and direction, then
the period (``YYYY-MM`` for a calendar month, ``YYYY-Qn`` for a calendar quarter, ``YYYY`` for a
year, an ISO 8601 interval otherwise), its start and end, the value measured, how far it went
from the baseline towards the target (:func:`challenges.progress.kpi_achievement`) and when it
was recorded. An indicator without a measurement (in the range asked) still has its row, with
the period empty: the matrix lists every indicator the projects committed to.

Measurements are recorded by the project team (or a portfolio manager); they have no
verification step of their own in the portfolio, so the matrix says who recorded them and when.

Filters: project status, region, call, and a range of periods (by their start).
Who: whoever reads the staff portfolio (``can_read_challenges_staff``).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import FilteredRelation, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from challenges.models import Indicator
from challenges.progress import kpi_achievement

from ..catalogue import ReportContent, ReportKindSpec, register_kind
from ..models import ReportKind
from ..spreadsheets import Column, Sheet
from .common import (
    CHUNK,
    PERCENT_FORMAT,
    date_filter,
    date_of,
    file_stem,
)
from .portfolio import VALUE_FORMAT, PortfolioFilters, projects
from .portfolio import can_request as can_read_portfolio


class ResultsFrameworkFilters(PortfolioFilters):
    date_from = date_filter(_("Periods from"))
    date_to = date_filter(_("Periods until"))


def can_request(user: Any, filters: dict[str, Any]) -> bool:
    """The staff portfolio's predicate."""
    return can_read_portfolio(user, filters)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_label(start: datetime.date | None, end: datetime.date | None) -> str | None:
    """``2026-03`` (a calendar month), ``2026-Q1`` (a calendar quarter), ``2026`` (a calendar
    year), else the ISO 8601 interval ``2026-01-15/2026-02-14``; None without a period."""
    if start is None or end is None:
        return None
    if start.day == 1 and end == _month_end(start):
        return f"{start:%Y-%m}"
    quarter_start = start.day == 1 and start.month % 3 == 1
    quarter = start.year == end.year and end.month == start.month + 2
    if quarter_start and quarter and end == _month_end(end):
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    return f"{start.isoformat()}/{end.isoformat()}"


def indicator_periods(filters: dict[str, Any]) -> QuerySet[Indicator]:
    """Indicators of the selected projects left-joined to their measurements in the range
    (``period`` is the filtered relation): one row per indicator and period."""
    condition = Q()
    date_from, date_to = date_of(filters, "date_from"), date_of(filters, "date_to")
    if date_from:
        condition &= Q(measurements__period_start__gte=date_from)
    if date_to:
        condition &= Q(measurements__period_start__lte=date_to)
    indicators = Indicator.objects.filter(project__in=projects(filters).values("pk"))
    return indicators.annotate(period=FilteredRelation("measurements", condition=condition))


def _rows(queryset: QuerySet[Indicator]) -> Iterator[dict]:
    english = (get_language() or "es").startswith("en")
    higher, lower = str(_("Higher is better")), str(_("Lower is better"))
    # The stubs' plugin does not know filtered relations (``period__...``): type: ignore.
    rows = queryset.order_by("project__code", "position", "pk", "period__period_start").values(  # type: ignore[misc]
        "project__code",
        "project__title",
        "project__title_en",
        "result",
        "name",
        "name_en",
        "unit",
        "baseline",
        "baseline_year",
        "target",
        "higher_is_better",
        "period__period_start",
        "period__period_end",
        "period__value",
        "period__recorded_at",
        "period__recorded_by__full_name",
    )
    for row in rows.iterator(chunk_size=CHUNK):
        value = row["period__value"]
        start, end = row["period__period_start"], row["period__period_end"]
        yield {
            "project": row["project__code"],
            "project_title": (row["project__title_en"] if english else "") or row["project__title"],
            "result": row["result"],
            "indicator": (row["name_en"] if english else "") or row["name"],
            "unit": row["unit"],
            "baseline": row["baseline"],
            "baseline_year": row["baseline_year"],
            "target": row["target"],
            "direction": higher if row["higher_is_better"] else lower,
            "period": period_label(start, end),
            "period_start": start,
            "period_end": end,
            "value": value,
            "achievement": (
                None if value is None else kpi_achievement(row["baseline"], row["target"], value)
            ),
            "recorded_at": row["period__recorded_at"],
            "recorded_by": row["period__recorded_by__full_name"] or None,
        }


COLUMNS = [
    Column("project", _("Project"), width=20),
    Column("project_title", _("Project title"), width=40),
    Column("result", _("Result"), width=40),
    Column("indicator", _("Indicator"), width=35),
    Column("unit", _("Unit"), width=10),
    Column("baseline", _("Baseline"), width=12, number_format=VALUE_FORMAT),
    Column("baseline_year", _("Baseline year"), width=9),
    Column("target", _("Target"), width=12, number_format=VALUE_FORMAT),
    Column("direction", _("Direction"), width=16),
    Column("period", _("Period"), width=12),
    Column("period_start", _("Period start"), width=11),
    Column("period_end", _("Period end"), width=11),
    Column("value", _("Value"), width=12, number_format=VALUE_FORMAT),
    Column("achievement", _("Achievement (%)"), width=12, number_format=PERCENT_FORMAT),
    Column("recorded_at", _("Recorded"), width=17),
    Column("recorded_by", _("Recorded by"), width=25),
]


def build(filters: dict[str, Any]) -> ReportContent:
    """Result → indicator → period rows of the projects ``filters`` select."""
    queryset = indicator_periods(filters)
    return ReportContent(
        sheets=[Sheet(_("Results framework"), COLUMNS, _rows(queryset))],
        # One row per indicator and period: the count of the left join, not of indicators.
        total_rows=queryset.values("pk", "period__pk").count(),  # type: ignore[misc]
        file_stem=file_stem("results-framework"),
    )


SPEC = register_kind(
    ReportKindSpec(
        code=ReportKind.RESULTS_FRAMEWORK.value,
        title=_("Results framework (results, indicators, periods)"),
        description=_(
            "The portfolio's results matrix as development banks ask for it: each project's "
            "results, their indicators with unit, baseline and target, and one row per period "
            "measured."
        ),
        form_class=ResultsFrameworkFilters,
        can_request=can_request,
        build=build,
        icon="bullseye",
    )
)
