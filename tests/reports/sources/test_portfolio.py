"""Report kind ``portfolio``: projects, milestones and KPIs with the staff list's filters."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from djmoney.money import Money

from challenges.models import Milestone, Project
from tests.challenges.factories import (
    CallFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    ProjectFactory,
    project_with_roles,
)
from tests.queries import count_queries

from .helpers import assert_request_matrix, build_xlsx, clean_filters, consume, form_errors

pytestmark = pytest.mark.django_db
KIND = "portfolio"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_request_matrix():
    assert_request_matrix(KIND, {"status": "active"})


def test_form():
    call = CallFactory()
    ProjectFactory(call=call)
    assert clean_filters(KIND, {"status": "active", "call": str(call.pk)}) == {
        "status": "active",
        "call": call.pk,
    }
    assert set(form_errors(KIND, {"status": "done", "call": "999999"})) == {"status", "call"}


def test_three_sheets():
    project, lead, partner, sponsor = project_with_roles(
        code="CMSP-PRY-2026-0001",
        title="Polines con sensores",
        status=Project.Status.ACTIVE,
        budget=Money(Decimal("250000.00"), "PEN"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        region="arequipa",
    )
    MilestoneFactory(
        project=project, title="Instalación", weight=1, status=Milestone.Status.ACCEPTED
    )
    MilestoneFactory(project=project, title="Informe", weight=3)
    indicator = IndicatorFactory(project=project)
    MeasurementFactory(indicator=indicator)  # Q1: 0.74
    MeasurementFactory(
        indicator=indicator,
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 6, 30),
        value=Decimal("0.6750"),
    )
    IndicatorFactory(project=project, name="Paradas", unit="h")  # never measured
    ProjectFactory(status=Project.Status.CANCELLED, code="CMSP-PRY-2026-0002")

    built = build_xlsx(KIND, {"status": "active"})

    assert list(built.sheets) == ["Projects", "Milestones", "KPIs"]
    (row,) = built.rows("Projects")
    assert row["Code"] == "CMSP-PRY-2026-0001"
    assert row["Status"] == "Active"
    assert row["Supplier lead"] == lead.display_name
    assert row["Partners"] == partner.display_name
    assert row["Sponsors"] == sponsor.display_name
    assert (row["Budget"], row["Currency"]) == (250000, "PEN")
    assert row["Progress (%)"] == 25  # 1 of 4 weight accepted
    assert row["Start"].date() == datetime.date(2026, 1, 1)
    assert [m["Milestone"] for m in built.rows("Milestones")] == ["Instalación", "Informe"]
    assert built.rows("Milestones")[0]["Status"] == "Accepted"
    kpis = built.rows("KPIs")
    assert len(kpis) == 2
    water = next(k for k in kpis if k["Unit"] == "m³/t")
    assert water["Last value"] == pytest.approx(0.675)
    assert water["Last period start"].date() == datetime.date(2026, 4, 1)
    assert water["Achievement (%)"] == pytest.approx(50.0)  # 0.80 → 0.55, at 0.675
    assert water["Direction"] == "Lower is better"
    stops = next(k for k in kpis if k["Unit"] == "h")
    assert (stops["Last value"], stops["Achievement (%)"]) == (None, None)
    assert built.written == 1 + 2 + 2


def test_queries_do_not_grow():
    def projects(n):
        for _ in range(n):
            project, *_ = project_with_roles(status=Project.Status.ACTIVE)
            MilestoneFactory(project=project)
            MeasurementFactory(indicator=IndicatorFactory(project=project))

    projects(1)
    _rows, few = count_queries(15, lambda: consume(KIND, {}))
    projects(4)
    rows, many = count_queries(15, lambda: consume(KIND, {}))
    assert rows == 15
    assert few == many
