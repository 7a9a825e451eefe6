"""Report kind ``cluster_kpis``: the KPI figures of a month, quarter or year, as the staff
dashboard shows them.

The figures are ``reports.selectors.kpis.kpis_for_period``'s: the frozen snapshot of a closed
period (the file says when and by whom it was closed), the live figures of an open one (the file
says so). Laid out by ``reports.kpis`` (the dashboard's own tables), never recomputed here.
Sheets: *Summary* (first, so the CSV is the summary: the period, its status and every figure
with its definition), members by kind, by mining scale and by region, members month by month,
the funnel, funding by currency and source, and missions.

Filters: ``{"period_kind": "month"|"quarter"|"year", "starts_on": "YYYY-MM-DD"}`` (the period's
first day; a period that has not started yet is refused). Who: whoever reads the KPI dashboard
(``reports.permissions.can_view_dashboard``).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..catalogue import ReportContent, ReportKindSpec, register_kind
from ..kpis import MONTH, PERIOD_KINDS, FigureTable, kind_label, make_period, summary_rows
from ..kpis import figure_tables as build_tables
from ..models import ReportKind
from ..permissions import can_view_dashboard
from ..selectors.kpis import KpiView, kpis_for_period
from ..spreadsheets import DECIMAL_FORMAT, Column, Sheet
from .common import ReportFilterForm, date_of, file_stem


def _kind_choices() -> list[tuple[str, str]]:
    return [(kind, kind_label(kind)) for kind in PERIOD_KINDS]


class ClusterKpiFilters(ReportFilterForm):
    period_kind = forms.ChoiceField(label=_("Period"), choices=_kind_choices, initial=MONTH)
    starts_on = forms.DateField(
        label=_("First day of the period"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "The 1st of a month; 1 January, April, July or October for a quarter; 1 January "
            "for a year."
        ),
    )

    def clean(self) -> dict[str, Any]:
        kind = self.cleaned_data.get("period_kind")
        starts_on = self.cleaned_data.get("starts_on")
        if kind and starts_on:
            try:
                period = make_period(kind, starts_on)
            except ValueError:
                self.add_error("starts_on", _("This day does not start a period of this kind."))
            else:
                if period.starts_on > timezone.localdate():
                    self.add_error("starts_on", _("This period has not started yet."))
        return super().clean()


def can_request(user: Any, filters: dict[str, Any]) -> bool:
    return can_view_dashboard(user)


SUMMARY_COLUMNS = [
    Column("figure", _("Figure"), width=40),
    Column("value", _("Value"), width=18),
    Column("currency", _("Currency"), width=9),
    Column("definition", _("What it counts"), width=90),
]


def _status_text(view: KpiView) -> str:
    if view.closed is not None:
        closed_by = view.closed.closed_by
        return gettext("Closed on %(date)s by %(name)s: these figures are frozen.") % {
            "date": formats.date_format(
                timezone.localtime(view.closed.closed_at), "DATETIME_FORMAT"
            ),
            "name": getattr(closed_by, "full_name", "") or str(closed_by),
        }
    return gettext("Open period: live figures, computed on %(date)s.") % {
        "date": formats.date_format(timezone.localtime(), "DATETIME_FORMAT")
    }


def _summary(view: KpiView) -> Iterator[dict[str, Any]]:
    about = [
        (gettext("Period"), view.period.label),
        (gettext("First day"), view.period.starts_on),
        (gettext("Last day"), view.period.ends_on),
        (gettext("Status"), _status_text(view)),
    ]
    if view.note:
        about.append((gettext("Note"), view.note))
    for label, value in about:
        yield {"figure": label, "value": value, "currency": None, "definition": None}
    for row in summary_rows(view.figures):
        yield {
            "figure": row.label,
            "value": row.value,
            "currency": row.currency or None,
            "definition": row.definition,
        }


def _table_sheet(table: FigureTable, title: str | None = None) -> Sheet:
    columns = []
    for column in table.columns:
        if column.money:
            columns.append(Column(column.key, column.heading, 16, DECIMAL_FORMAT))
        else:
            columns.append(Column(column.key, column.heading, 14 if column.numeric else 40))
    if table.notes:
        columns.append(Column("definition", gettext("What it counts"), width=90))

    def rows() -> Iterator[dict[str, Any]]:
        for row in table.rows:
            cells = {c.key: row.get(c.key) for c in table.columns}
            for column in table.columns:
                if column.money:
                    cells[column.key] = Decimal(row[column.key])
            if table.notes:
                cells["definition"] = row.get("definition")
            yield cells

    return Sheet(title=title or table.title, columns=columns, rows=rows())


#: Sheet titles (31 characters at most) per table key.
SHEET_TITLES: dict[str, Any] = {
    "members.by_kind": _("Members by kind"),
    "members.by_scale": _("Members by scale"),
    "members.by_region": _("Members by region"),
    "members.monthly": _("Members by month"),
    "funnel": _("Funnel"),
    "funding.by_source": _("Funding"),
    "missions": _("Missions"),
}


def build(filters: dict[str, Any]) -> ReportContent:
    kind = filters.get("period_kind") or MONTH
    starts_on = date_of(filters, "starts_on")
    if starts_on is None:
        starts_on = timezone.localdate().replace(day=1)
    view = kpis_for_period(kind=kind, starts_on=starts_on)
    tables = build_tables(view.figures)
    summary = list(_summary(view))
    sheets = [Sheet(title=gettext("Summary"), columns=SUMMARY_COLUMNS, rows=summary)]
    sheets += [_table_sheet(table, str(SHEET_TITLES.get(table.key, ""))) for table in tables]
    return ReportContent(
        sheets=sheets,
        total_rows=len(summary) + sum(len(table.rows) for table in tables),
        file_stem=file_stem("kpis-cluster", view.period.slug),
    )


SPEC = register_kind(
    ReportKindSpec(
        code=ReportKind.CLUSTER_KPIS.value,
        title=_("Cluster KPIs"),
        description=_(
            "The KPI figures of a month, quarter or year, with what each counts: members by "
            "kind, scale and region and month by month, the funnel from challenges to verified "
            "impact, funding mobilized by currency and source, and mission delegates and "
            "outcomes. A closed period's frozen figures; an open period's live ones."
        ),
        form_class=ClusterKpiFilters,
        can_request=can_request,
        build=build,
        icon="graph-up",
    )
)
