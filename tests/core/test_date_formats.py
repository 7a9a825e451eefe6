"""Unambiguous dates: day before month in English, Peru's day/month/year in Spanish."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

DAY = datetime.date(2026, 12, 1)
MOMENT = datetime.datetime(2026, 12, 1, 14, 14, tzinfo=datetime.UTC)  # 09:14 in Lima


def render(source: str, language: str) -> str:
    with translation.override(language):
        return Template(source).render(Context({"day": DAY, "moment": MOMENT}))


@pytest.mark.parametrize(
    ("source", "english", "spanish"),
    [
        ('{{ day|date:"SHORT_DATE_FORMAT" }}', "1 Dec 2026", "01/12/2026"),
        ('{{ day|date:"DATE_FORMAT" }}', "1 December 2026", "1 de diciembre de 2026"),
        ('{{ moment|date:"SHORT_DATETIME_FORMAT" }}', "1 Dec 2026, 09:14", "01/12/2026 09:14"),
        ("{{ day }}", "1 December 2026", "1 de diciembre de 2026"),
    ],
)
def test_dates_in_both_languages(source: str, english: str, spanish: str) -> None:
    assert render(source, "en") == english
    assert render(source, "es") == spanish


class _DayForm(forms.Form):
    day = forms.DateField()


def test_english_date_input_reads_day_first() -> None:
    with translation.override("en"):
        form = _DayForm({"day": "01/12/2026"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == DAY
