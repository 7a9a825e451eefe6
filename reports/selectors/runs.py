"""Reads of report runs: a person's runs, the monthly KPI packs, one run for its page, and the
filters a run was asked with written for people.

Who may see a run is ``reports.permissions.can_view_run`` (its requester while the kind's
predicate still holds; the scheduled packs: whoever reads the KPI dashboard); anything else is
a 404, so a run of someone else is indistinguishable from one that does not exist.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.utils import formats
from django.utils.translation import gettext as _

from members.models import User

from ..catalogue import ReportKindSpec, get_kind, kinds_for_user
from ..models import ReportRun
from ..permissions import can_view_dashboard, can_view_run

#: How many of the latest monthly KPI packs the runs page lists.
KPI_PACKS_SHOWN = 12


def runs_for_requester(*, user: User) -> QuerySet[ReportRun]:
    """The runs ``user`` asked for, newest first, of the kinds they may still generate."""
    codes = [spec.code for spec in kinds_for_user(user)]
    return ReportRun.objects.filter(requester_id=user.pk, kind__in=codes).order_by(
        "-created_at", "-pk"
    )


def kpi_packs_for_user(*, user: User) -> list[ReportRun]:
    """The latest scheduled monthly KPI reports, for those who read the dashboard (else [])."""
    if not can_view_dashboard(user):
        return []
    packs = list(
        ReportRun.objects.filter(requester__isnull=True).order_by("-created_at", "-pk")[
            :KPI_PACKS_SHOWN
        ]
    )
    for run in packs:
        run.period_starts_on = pack_period(run)  # type: ignore[attr-defined]
    return packs


def pack_period(run: ReportRun) -> datetime.date | None:
    """The first day of the period a scheduled KPI pack covers (from its filters)."""
    try:
        return datetime.date.fromisoformat(str(run.filters.get("starts_on")))
    except ValueError:
        return None


def run_get_for_user(*, user: User, run_id: int) -> ReportRun:
    """The run ``run_id`` if ``user`` may see it; Http404 otherwise (missing or forbidden)."""
    run = ReportRun.objects.select_related("requester").filter(pk=run_id).first()
    if run is None or not can_view_run(user, run):
        raise Http404
    return run


def spec_for(run: ReportRun) -> ReportKindSpec | None:
    try:
        return get_kind(run.kind)
    except KeyError:
        return None


@dataclass(frozen=True)
class FilterLine:
    label: str
    value: str


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str):
        try:
            return formats.date_format(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _field_text(field: forms.Field, value: Any) -> str:
    """``value`` as the field's choices name it (one query for a model choice field)."""
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        values = value if isinstance(value, list) else [value]
        objects = field.queryset.filter(pk__in=[v for v in values if v not in (None, "")])
        names = [str(obj) for obj in objects]
        return ", ".join(names) or "—"
    if isinstance(field, forms.ChoiceField):
        labels: dict[str, str] = {}
        choices: Any = field.choices
        for key, label in choices:
            if isinstance(label, list | tuple):  # an optgroup
                labels.update({str(k): str(v) for k, v in label})
            else:
                labels[str(key)] = str(label)
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), _text(v)) for v in values) or "—"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "—"
    return _text(value)


def describe_filters(*, run: ReportRun, user: User | None) -> list[FilterLine]:
    """The run's filters as ``label: value`` lines, labelled and named by the kind's form (a
    constant number of queries per kind: one per model choice field)."""
    spec = spec_for(run)
    fields: dict[str, forms.Field] = {}
    if spec is not None:
        fields = dict(spec.form_class(user=user).fields)  # type: ignore[call-arg]
    lines = [
        FilterLine(label=str(field.label or key), value=_field_text(field, run.filters[key]))
        for key, field in fields.items()
        if key in run.filters
    ]
    lines += [
        FilterLine(label=key, value=_text(value))
        for key, value in run.filters.items()
        if key not in fields
    ]
    return lines
