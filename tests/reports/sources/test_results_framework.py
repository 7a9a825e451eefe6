"""Report kind ``results_framework``: result → indicator → period rows, IDB/CAF style."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from challenges.models import Project
from reports.sources.results_framework import period_label
from tests.challenges.factories import (
    IndicatorFactory,
    MeasurementFactory,
    ProjectFactory,
)
from tests.queries import count_queries

from .helpers import assert_request_matrix, build_xlsx, clean_filters, consume, form_errors

pytestmark = pytest.mark.django_db
KIND = "results_framework"
D = datetime.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (D(2026, 3, 1), D(2026, 3, 31), "2026-03"),
        (D(2024, 2, 1), D(2024, 2, 29), "2024-02"),
        (D(2026, 1, 1), D(2026, 3, 31), "2026-Q1"),
        (D(2026, 10, 1), D(2026, 12, 31), "2026-Q4"),
        (D(2026, 1, 1), D(2026, 12, 31), "2026"),
        (D(2026, 2, 1), D(2026, 4, 30), "2026-02-01/2026-04-30"),
        (D(2026, 1, 15), D(2026, 2, 14), "2026-01-15/2026-02-14"),
        (None, None, None),
    ],
)
def test_period_label(start, end, label):
    assert period_label(start, end) == label


def test_request_matrix():
    assert_request_matrix(KIND, {"date_from": "2026-01-01"})


def test_form():
    assert clean_filters(KIND, {"status": "active", "date_from": "2026-01-01"}) == {
        "status": "active",
        "date_from": "2026-01-01",
    }
    assert "date_to" in form_errors(KIND, {"date_from": "2026-02-01", "date_to": "2026-01-01"})


def _matrix(code="CMSP-PRY-2026-0001"):
    project = ProjectFactory(
        code=code, title="Agua", title_en="Water", status=Project.Status.ACTIVE
    )
    water = IndicatorFactory(
        project=project, result="Less fresh water", name="Agua fresca", name_en="Fresh water"
    )
    MeasurementFactory(indicator=water)  # 2026-Q1, 0.74
    MeasurementFactory(
        indicator=water,
        period_start=D(2026, 4, 1),
        period_end=D(2026, 4, 30),
        value=Decimal("0.6750"),
    )
    IndicatorFactory(project=project, result="Fewer stops", name="Paradas", name_en="", unit="h")
    ProjectFactory(status=Project.Status.CANCELLED)
    return project


def test_rows():
    _matrix()
    built = build_xlsx(KIND, {})
    rows = built.rows("Results framework")
    assert [(r["Result"], r["Indicator"], r["Period"]) for r in rows] == [
        ("Less fresh water", "Fresh water", "2026-Q1"),
        ("Less fresh water", "Fresh water", "2026-04"),
        ("Fewer stops", "Paradas", None),  # committed, not measured yet
    ]
    first = rows[0]
    assert first["Project title"] == "Water"
    assert (first["Baseline"], first["Target"], first["Value"]) == (
        pytest.approx(0.8),
        pytest.approx(0.55),
        pytest.approx(0.74),
    )
    assert first["Achievement (%)"] == pytest.approx(24.0)
    assert first["Period start"].date() == datetime.date(2026, 1, 1)
    assert rows[2]["Value"] is None

    april = build_xlsx(KIND, {"date_from": "2026-04-01", "status": "active"})
    assert [r["Period"] for r in april.rows("Results framework")] == ["2026-04", None]


def test_queries_do_not_grow():
    _matrix()
    _rows, few = count_queries(3, lambda: consume(KIND, {}))
    for n in range(2, 5):
        _matrix(code=f"CMSP-PRY-2026-000{n}")
    rows, many = count_queries(3, lambda: consume(KIND, {}))
    assert rows == 12
    assert few == many
