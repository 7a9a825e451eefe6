"""Forms of the KPI dashboard: which period to show, and closing one.

A period is named by its kind and its first day; the choices are the periods the dashboard
offers (``reports.kpis.period_choices``: 24 months, 8 quarters, 5 years, newest first).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..kpis import MONTH, PERIOD_KINDS, Period, kind_label, make_period, period_choices
from ..services.kpis import NOTE_MAX_LENGTH


def _kind_choices() -> list[tuple[str, str]]:
    return [(kind, kind_label(kind)) for kind in PERIOD_KINDS]


class PeriodForm(forms.Form):
    """``?period_kind=quarter&starts_on=2026-10-01``; unbound or empty: the current month.

    ``starts_on`` is checked against the offered periods of the kind chosen, so a day that
    starts no period, or one too far back, is an error on the field.
    """

    period_kind = forms.ChoiceField(label=_("Period"), choices=_kind_choices, required=False)
    starts_on = forms.DateField(label=_("Which one"), required=False)

    def __init__(self, *args: Any, today: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def choices_for(self, kind: str) -> list[Period]:
        return period_choices(kind, self.today)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        kind = cleaned.get("period_kind") or MONTH
        starts_on = cleaned.get("starts_on")
        offered = self.choices_for(kind)
        chosen = offered[0] if starts_on is None else None
        for candidate in offered if starts_on is not None else ():
            if candidate.starts_on == starts_on:
                chosen = candidate
        if chosen is None:
            self.add_error("starts_on", _("Choose a period from the list."))
            return cleaned
        period = chosen
        cleaned["period_kind"] = kind
        cleaned["starts_on"] = period.starts_on
        cleaned["period"] = period
        return cleaned


class PeriodCloseForm(forms.Form):
    """Close one ended period (``kind`` and ``starts_on`` come from the page, hidden)."""

    kind = forms.ChoiceField(choices=_kind_choices, widget=forms.HiddenInput)
    starts_on = forms.DateField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the period is closed, for example who the figures were sent to."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, starts_on = cleaned.get("kind"), cleaned.get("starts_on")
        if kind and starts_on:
            try:
                cleaned["period"] = make_period(kind, starts_on)
            except ValueError:
                self.add_error(None, _("Choose a period from the list."))
        return cleaned
