"""The KPI figures and the KPI report over the demo data (members, open innovation, missions)
match figures counted independently (plain Python over every row: tests/reports/kpis/
test_compute.expected). Slow: the demos are seeded once for the module."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone, translation

from challenges import demo as challenges_demo
from cluster_portal.files.models import Attachment
from cluster_portal.files.storage import PrivateFileSystemStorage
from members import demo as members_demo
from missions import demo as missions_demo
from notifications.services import in_app_only
from reports.kpis import current_period, make_period, previous_period
from reports.selectors.kpis import kpis_compute
from reports.sources import cluster_kpis  # noqa: F401  (registers the kind)
from tests.reports.kpis.test_compute import expected, normalized
from tests.reports.sources.helpers import build_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """The members', open-innovation and missions demos, seeded once (as ``seed_demo`` does,
    in-app only) inside a transaction rolled back at the end. Uploads go to a temporary
    directory."""
    field = Attachment._meta.get_field("file")
    storage = field.storage
    field.storage = PrivateFileSystemStorage(location=str(tmp_path_factory.mktemp("private")))
    with django_db_blocker.unblock(), transaction.atomic(), in_app_only():
        members_demo.seed(stdout=io.StringIO())
        challenges_demo.seed(stdout=io.StringIO())
        missions_demo.seed(stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
    field.storage = storage


def _periods() -> list[Any]:
    today = timezone.localdate()
    year = current_period("year", today)
    return [
        year,
        previous_period(year),
        previous_period(current_period("quarter", today)),
        previous_period(current_period("month", today)),
    ]


def test_demo_figures_match_an_independent_count(seeded: None) -> None:
    for period in _periods():
        figures = kpis_compute(starts_on=period.starts_on, ends_on=period.ends_on)
        assert normalized(figures) == expected(period.starts_on, period.ends_on), period


def test_the_demo_shows_every_chart(seeded: None) -> None:
    """Over the demo's last twelve months or so, every part of the dashboard has something."""
    today = timezone.localdate()
    start = make_period("year", datetime.date(today.year - 1, 1, 1))
    figures = kpis_compute(starts_on=start.starts_on, ends_on=today)
    assert figures["members"]["active_at_end"] > 5
    assert len(figures["members"]["by_kind"]) >= 3
    assert figures["members"]["by_scale"]
    assert len(figures["members"]["by_region"]) >= 2
    for step, count in figures["funnel"].items():
        assert count > 0, step
    assert figures["evaluations"]["reviews_submitted"] > 0
    assert {row["currency"] for row in figures["funding"]["totals"]} == {"PEN", "USD"}
    assert figures["missions"]["missions"] >= 1
    assert figures["missions"]["delegates"] > 0


def test_the_kpi_report_over_the_demo_matches(seeded: None) -> None:
    year = current_period("year", timezone.localdate())
    counted = expected(year.starts_on, year.ends_on)
    with translation.override("en"):
        built = build_xlsx(
            "cluster_kpis", {"period_kind": "year", "starts_on": year.starts_on.isoformat()}
        )
    summary = {(row["Figure"], row["Currency"]): row["Value"] for row in built.rows("Summary")}
    assert (
        summary[("Members at the end of the period", None)] == counted["members"]["active_at_end"]
    )
    assert summary[("Challenges reported", None)] == counted["funnel"]["challenges"]
    assert summary[("Proposals submitted", None)] == counted["funnel"]["proposals"]
    assert summary[("Impact entries verified", None)] == counted["funnel"]["impact_verified"]
    assert summary[("Mission delegates", None)] == counted["missions"]["delegates"]
    for currency, amount in counted["funding"]["totals"].items():
        assert f"{summary[('Funding mobilized', currency)]:.2f}" == amount
    months = built.rows("Members by month")
    assert [row["Members at the end of the month"] for row in months] == [
        month["active"] for month in counted["members"]["monthly"]
    ]


def test_the_reports_demo_closes_periods_and_generates_reports_once(seeded: None) -> None:
    from reports import demo as reports_demo
    from reports.models import ClosedPeriod, ReportRun
    from reports.services.runs import run_generate

    with in_app_only():
        reports_demo.seed(stdout=io.StringIO())
    today = timezone.localdate()
    for kind in ("quarter", "month"):
        period = previous_period(current_period(kind, today))
        closed = ClosedPeriod.objects.get(kind=kind, starts_on=period.starts_on)
        assert closed.closed_by.email == reports_demo.OFFICER_EMAIL
        live = kpis_compute(starts_on=period.starts_on, ends_on=period.ends_on)
        assert normalized(closed.figures) == normalized(live)
    runs = list(ReportRun.objects.filter(requester__email=reports_demo.OFFICER_EMAIL))
    assert sorted(run.kind for run in runs) == ["cluster_kpis", "member_directory"]
    for run in runs:  # the broker's part (after commit) done by hand: the rows are real
        assert run_generate(run_id=run.pk) == "done"
        run.refresh_from_db()
        assert run.is_downloadable
        assert run.rows_done > 0
    with in_app_only():
        reports_demo.seed(stdout=io.StringIO())
    assert ClosedPeriod.objects.count() == 2
    assert ReportRun.objects.filter(requester__email=reports_demo.OFFICER_EMAIL).count() == 2
