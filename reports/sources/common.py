"""What the report kinds share: the filter form's base, labels resolved once, money and yes/no
cells, file name stems. Each kind lives in its own module next to this one.

Rows are read with ``.iterator(chunk_size=CHUNK)`` (with ``values()`` or ``select_related``;
Django runs a queryset's ``prefetch_related`` per chunk when a chunk size is given), so a report
of 100,000 rows holds one chunk at a time, never the list.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..spreadsheets import DECIMAL_FORMAT, Column

#: Rows fetched per database round trip while a report is written.
CHUNK = 2000
#: Number format of percentages stored as numbers 0-100 with one decimal.
PERCENT_FORMAT = "0.0"


class ReportFilterForm(forms.Form):
    """Base of a kind's filter form: ``form_class(data=None, user=None)``.

    ``cleaned_data`` is JSON-able and minimal: model choices become their id, dates their ISO
    text, and empty optional filters are left out (``{"call": 12}``, never a list of ids).
    A ``date_from`` / ``date_to`` pair is checked to be in order.
    """

    def __init__(self, data: Mapping[str, Any] | None = None, user: Any = None, **kwargs: Any):
        super().__init__(data=data, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end of the range cannot be before its start."))
        result: dict[str, Any] = {}
        for key, value in cleaned.items():
            if value in (None, ""):
                continue
            if isinstance(value, models.Model):
                value = value.pk
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            result[key] = value
        self.cleaned_data = result
        return result


def choice_filter(label: Any, choices: Iterable[tuple[str, Any]]) -> forms.ChoiceField:
    """An optional choice among ``choices`` (codes), "All" when empty."""
    return forms.ChoiceField(label=label, required=False, choices=[("", _("All")), *choices])


def date_filter(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def int_filter(filters: Mapping[str, Any], key: str) -> int | None:
    """``filters[key]`` as an int, or None (missing or not a number)."""
    try:
        return int(filters[key])
    except (KeyError, TypeError, ValueError):
        return None


def date_of(filters: Mapping[str, Any], key: str) -> datetime.date | None:
    """``filters[key]`` (ISO text) as a date, or None."""
    value = filters.get(key)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def labels(choices: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    """``{code: label}`` with the labels rendered now (call inside the rows' generator: the
    worker writes the file in the run's language)."""
    return {value: str(label) for value, label in choices}


def yes_no(value: bool | None) -> str | None:
    if value is None:
        return None
    return gettext("Yes") if value else gettext("No")


def money_columns(key: str, header: Any, currency_header: Any = None) -> list[Column]:
    """An amount column (``key``, a Decimal) and its currency column (``key + "_currency"``)."""
    return [
        Column(key, header, width=14, number_format=DECIMAL_FORMAT),
        Column(f"{key}_currency", currency_header or _("Currency"), width=9),
    ]


def money_cells(key: str, money: Any) -> dict[str, Any]:
    """The cells of :func:`money_columns` for a ``Money`` (or None)."""
    if money is None:
        return {key: None, f"{key}_currency": None}
    return {key: Decimal(money.amount), f"{key}_currency": str(money.currency)}


def organization_name(legal_name: str | None, trade_name: str | None) -> str:
    """The name an organization is shown by (``Organization.display_name``), from values()."""
    return trade_name or legal_name or ""


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def file_stem(*parts: Any) -> str:
    """An ASCII download name stem from ``parts`` (``call-ranking-2026-relaves``); no date: the
    runs engine appends when the file was made (``…-20261201-1249.xlsx``)."""
    stem = "-".join(filter(None, (slugify(str(part)) for part in parts if part)))
    return stem[:100] or "report"
