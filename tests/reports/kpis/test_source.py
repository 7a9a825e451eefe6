"""Report kind ``cluster_kpis``: its filters, who may ask for it, and the sheets it writes
(the dashboard's figures; a closed period's frozen ones)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from cluster_portal.core.roles import ADMINISTRATOR, AUDITOR, REPORTING_OFFICER
from reports.kpis import current_period, previous_period
from reports.selectors.kpis import kpis_compute
from reports.services.kpis import period_close
from reports.sources import cluster_kpis  # noqa: F401  (registers the kind)
from tests.challenges.factories import ChallengeFactory, ProjectFactory, ProjectFundingFactory
from tests.members.factories import OrganizationFactory, UserFactory
from tests.reports.sources.helpers import (
    assert_request_matrix,
    build_csv,
    build_xlsx,
    clean_filters,
    form_errors,
)

pytestmark = pytest.mark.django_db

KIND = "cluster_kpis"


def last_month():
    return previous_period(current_period("month", timezone.localdate()))


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_filters_are_the_period() -> None:
    period = last_month()
    assert clean_filters(
        KIND, {"period_kind": "month", "starts_on": period.starts_on.isoformat()}
    ) == {"period_kind": "month", "starts_on": period.starts_on.isoformat()}
    assert clean_filters(KIND, {"period_kind": "year", "starts_on": "2025-01-01"}) == {
        "period_kind": "year",
        "starts_on": "2025-01-01",
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"period_kind": "month", "starts_on": "2025-01-02"}, "starts_on"),
        ({"period_kind": "quarter", "starts_on": "2025-02-01"}, "starts_on"),
        ({"period_kind": "year", "starts_on": "2999-01-01"}, "starts_on"),
        ({"period_kind": "week", "starts_on": "2025-01-01"}, "period_kind"),
        ({"period_kind": "month"}, "starts_on"),
    ],
)
def test_bad_filters(data: dict, field: str) -> None:
    assert field in form_errors(KIND, data)


def test_who_may_request_it() -> None:
    assert_request_matrix(
        KIND,
        {"period_kind": "month", "starts_on": last_month().starts_on.isoformat()},
        allowed=lambda role: role in (REPORTING_OFFICER, AUDITOR, ADMINISTRATOR),
    )


def test_the_sheets_show_the_live_figures_of_an_open_period() -> None:
    period = last_month()
    OrganizationFactory(kind="mining", mining_scale="large", member_since=period.starts_on)
    ChallengeFactory(submitted_at=noon(period.starts_on))
    ProjectFundingFactory(project=ProjectFactory(created_at=noon(period.starts_on)))
    filters = {"period_kind": "month", "starts_on": period.starts_on.isoformat()}
    with translation.override("en"):
        built = build_xlsx(KIND, filters)
    assert list(built.sheets) == [
        "Summary",
        "Members by kind",
        "Members by scale",
        "Members by region",
        "Members by month",
        "Funnel",
        "Funding",
        "Missions",
    ]
    summary = {row["Figure"]: row for row in built.rows("Summary")}
    assert summary["Status"]["Value"].startswith("Open period: live figures")
    assert summary["Challenges reported"]["Value"] == 1
    assert summary["Challenges reported"]["What it counts"].startswith("Challenges")
    assert summary["Funding mobilized"]["Value"] == 100000
    assert summary["Funding mobilized"]["Currency"] == "PEN"
    scale = built.rows("Members by scale")
    assert {"Mining scale": "Large-scale mining", "Members": 1} in scale
    funding = built.rows("Funding")
    assert funding == [
        {"Currency": "PEN", "Source": "Public (grant or programme)", "Amount": 100000}
    ]
    funnel = {row["Step"]: row["Count"] for row in built.rows("Funnel")}
    assert funnel["Challenges reported"] == 1
    assert built.content.file_stem == f"kpis-cluster-{period.starts_on:%Y-%m}"
    # The CSV is the summary sheet.
    with translation.override("en"):
        csv_text = build_csv(KIND, filters)
    assert csv_text.splitlines()[0] == "Figure,Value,Currency,What it counts"
    assert "Challenges reported,1," in csv_text


def test_a_closed_period_reports_its_frozen_figures() -> None:
    officer = UserFactory(is_staff=True, totp=True, roles=[REPORTING_OFFICER])
    period = last_month()
    ChallengeFactory(submitted_at=noon(period.starts_on))
    period_close(actor=officer, kind="month", starts_on=period.starts_on, note="Sent to CAF.")
    ChallengeFactory(submitted_at=noon(period.ends_on))
    assert (
        kpis_compute(starts_on=period.starts_on, ends_on=period.ends_on)["funnel"]["challenges"]
        == 2
    )
    with translation.override("en"):
        built = build_xlsx(
            KIND, {"period_kind": "month", "starts_on": period.starts_on.isoformat()}
        )
    summary = {row["Figure"]: row for row in built.rows("Summary")}
    assert summary["Challenges reported"]["Value"] == 1
    assert "these figures are frozen" in summary["Status"]["Value"]
    assert officer.full_name in summary["Status"]["Value"]
    assert summary["Note"]["Value"] == "Sent to CAF."


def test_spanish_headers_when_asked_in_spanish() -> None:
    with translation.override("es"):
        built = build_xlsx(
            KIND, {"period_kind": "year", "starts_on": f"{timezone.localdate().year}-01-01"}
        )
    # The sheet titles, headers and texts are Spanish once the catalogue has them.
    assert len(built.rows("Miembros por mes")) == 12
