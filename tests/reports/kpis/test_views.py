"""The staff KPI dashboard and closing a period from it: who sees what, the frozen banner,
bad input, constant queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from djmoney.money import Money

from cluster_portal.core.money import format_money
from cluster_portal.core.roles import ADMINISTRATOR, AUDITOR, REPORTING_OFFICER
from reports.kpis import current_period, previous_period
from reports.models import ClosedPeriod
from tests.challenges.factories import ChallengeFactory, ProjectFactory, ProjectFundingFactory
from tests.members.factories import OrganizationFactory
from tests.permission_matrix import STAFF_NO_ROLE, client_for
from tests.queries import run_counted
from tests.reports.factories import ClosedPeriodFactory

pytestmark = pytest.mark.django_db

URL = "/staff/reports/"
CLOSE_URL = "/staff/reports/periods/close/"


def last_month():
    return previous_period(current_period("month", timezone.localdate()))


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_urls() -> None:
    assert reverse("reports_staff:dashboard") == URL
    assert reverse("reports_staff:period_close") == CLOSE_URL


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("other_member", 404),
        (STAFF_NO_ROLE, 403),
        ("call_manager", 403),
        (AUDITOR, 200),
        (REPORTING_OFFICER, 200),
        (ADMINISTRATOR, 200),
    ],
)
def test_dashboard_matrix(role: str, status: int) -> None:
    response = client_for(role).get(URL)
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert 'data-status="open"' in body
        assert "Open period: live figures" in body


@pytest.mark.parametrize(
    ("role", "closes"),
    [(AUDITOR, False), (REPORTING_OFFICER, True), (ADMINISTRATOR, True)],
)
def test_the_close_form_is_offered_to_those_allowed_for_ended_open_periods(
    role: str, closes: bool
) -> None:
    client = client_for(role)
    period = last_month()
    ended = client.get(URL, {"period_kind": "month", "starts_on": period.starts_on})
    assert ('data-testid="close-period-form"' in ended.content.decode()) is closes
    if closes:
        assert "data-confirm=" in ended.content.decode()
    current = client.get(URL)  # the current month has not ended
    assert 'data-testid="close-period-form"' not in current.content.decode()
    assert 'data-testid="close-refusal"' in current.content.decode()


def test_closing_from_the_page_freezes_the_figures() -> None:
    client = client_for(REPORTING_OFFICER)
    period = last_month()
    ChallengeFactory(submitted_at=noon(period.starts_on))
    response = client.post(
        CLOSE_URL,
        {"kind": "month", "starts_on": period.starts_on.isoformat(), "note": "Sent to CAF."},
        follow=True,
    )
    assert response.status_code == 200
    closed = ClosedPeriod.objects.get()
    assert closed.closed_by == client.user  # type: ignore[attr-defined]
    assert closed.note == "Sent to CAF."
    body = response.content.decode()
    assert 'data-status="closed"' in body
    assert "these figures are frozen" in body
    assert client.user.full_name in body  # type: ignore[attr-defined]
    assert 'data-testid="close-period-form"' not in body
    # Data added later inside the period: the page keeps the frozen figures.
    ChallengeFactory(submitted_at=noon(period.ends_on))
    page = client.get(URL, {"period_kind": "month", "starts_on": period.starts_on})
    summary = page.content.decode().split('data-testid="summary-funnel.challenges"')[1]
    assert '<td class="text-end" data-testid="value">1</td>' in summary[:300]


@pytest.mark.parametrize("role", [AUDITOR, STAFF_NO_ROLE])
def test_those_who_may_not_close_get_403_and_nothing_changes(role: str) -> None:
    response = client_for(role).post(
        CLOSE_URL, {"kind": "month", "starts_on": last_month().starts_on.isoformat()}
    )
    assert response.status_code == 403
    assert not ClosedPeriod.objects.exists()


def test_non_staff_cannot_post_either() -> None:
    response = client_for("other_member").post(
        CLOSE_URL, {"kind": "month", "starts_on": last_month().starts_on.isoformat()}
    )
    assert response.status_code == 404
    assert not ClosedPeriod.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "month", "starts_on": "2026-13-01"},
        {"kind": "week", "starts_on": "2025-01-01"},
        {"kind": "month", "starts_on": "2025-01-15"},
        {"kind": "month"},
        {"kind": "month", "starts_on": "2025-01-01", "note": "x" * 2001},
    ],
)
def test_bad_posts_change_nothing(data: dict) -> None:
    response = client_for(REPORTING_OFFICER).post(CLOSE_URL, data, follow=True)
    assert response.status_code == 200
    assert 'class="alert alert-danger' in response.content.decode() or "alert-danger" in str(
        response.content
    )
    assert not ClosedPeriod.objects.exists()


def test_closing_the_current_month_is_refused_with_a_message() -> None:
    period = current_period("month", timezone.localdate())
    response = client_for(REPORTING_OFFICER).post(
        CLOSE_URL, {"kind": "month", "starts_on": period.starts_on.isoformat()}, follow=True
    )
    assert "has not ended yet" in response.content.decode()
    assert not ClosedPeriod.objects.exists()


def test_closing_twice_keeps_the_first_snapshot() -> None:
    period = last_month()
    ClosedPeriodFactory(
        kind="month", starts_on=period.starts_on, ends_on=period.ends_on, note="first"
    )
    response = client_for(REPORTING_OFFICER).post(
        CLOSE_URL, {"kind": "month", "starts_on": period.starts_on.isoformat()}, follow=True
    )
    assert "already closed" in response.content.decode()
    assert ClosedPeriod.objects.get().note == "first"


@pytest.mark.parametrize(
    "query",
    [
        {"period_kind": "week"},
        {"period_kind": "month", "starts_on": "2026-02-30"},
        {"period_kind": "month", "starts_on": "2026-02-03"},
        {"period_kind": "quarter", "starts_on": "2026-02-01"},
        {"period_kind": "month", "starts_on": "1990-01-01"},
        {"period_kind": "month", "starts_on": "2999-01-01"},
    ],
)
def test_bad_periods_are_a_400_showing_the_current_month(query: dict) -> None:
    response = client_for(AUDITOR).get(URL, query)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="period-error"' in body
    assert current_period("month", timezone.localdate()).label in body


@pytest.mark.parametrize("kind", ["month", "quarter", "year"])
def test_each_kind_of_period_shows_charts_tables_and_definitions(kind: str) -> None:
    period = previous_period(current_period(kind, timezone.localdate()))
    OrganizationFactory(kind="mining", member_since=period.starts_on)
    project = ProjectFactory(created_at=noon(period.starts_on))
    ProjectFundingFactory(project=project)
    response = client_for(AUDITOR).get(URL, {"period_kind": kind, "starts_on": period.starts_on})
    assert response.status_code == 200
    body = response.content.decode()
    assert period.label in body
    for key in ("members.by_kind", "members.monthly", "funnel", "funding.by_source", "missions"):
        assert f'data-testid="figure-{key}"' in body
        assert f'data-testid="table-{key}"' in body
    assert body.count("data-kpi-chart=") >= 5
    with translation.override("en"):
        assert format_money(Money(100000, "PEN")) in body  # the project's money formatting
    assert "kpi_charts.js" in body
    assert "<script>" not in body.replace('<script src="', "")  # CSP: no inline scripts


def test_the_closed_periods_are_listed_with_links() -> None:
    officer = client_for(REPORTING_OFFICER)
    for month in (1, 2, 3):
        ClosedPeriodFactory(
            kind="month",
            starts_on=datetime.date(2025, month, 1),
            ends_on=datetime.date(2025, month, 28),
            closed_by=officer.user,  # type: ignore[attr-defined]
            note=f"Pack {month}",
        )
    body = officer.get(URL).content.decode()
    assert body.count('data-testid="closed-period"') == 3
    assert "?period_kind=month&amp;starts_on=2025-02-01" in body
    assert "Pack 2" in body


def test_dashboard_queries_are_constant() -> None:
    officer = client_for(REPORTING_OFFICER)
    period = last_month()
    ClosedPeriodFactory(kind="year", starts_on=datetime.date(2023, 1, 1))
    _response, open_count = run_counted(
        40,
        officer.get,
        URL,
        {"period_kind": "month", "starts_on": period.starts_on},
        expect=["Open period: live figures"],
    )
    for month in range(1, 13):
        ClosedPeriodFactory(
            kind="month",
            starts_on=datetime.date(2024, month, 1),
            ends_on=datetime.date(2024, month, 28),
        )
        ChallengeFactory(submitted_at=noon(period.starts_on))
    _response, more = run_counted(
        40,
        officer.get,
        URL,
        {"period_kind": "month", "starts_on": period.starts_on},
        expect=["Open period: live figures", 'data-testid="closed-period"'],
    )
    assert more == open_count
    ClosedPeriodFactory(kind="month", starts_on=period.starts_on, ends_on=period.ends_on)
    _response, closed = run_counted(
        40,
        officer.get,
        URL,
        {"period_kind": "month", "starts_on": period.starts_on},
        expect=["these figures are frozen"],
    )
    assert closed < open_count  # a snapshot is read, not computed


def test_report_links_open_the_runs_page_with_the_period() -> None:
    body = client_for(REPORTING_OFFICER).get(URL).content.decode()
    run_url = reverse("reports_staff:run_create", args=["cluster_kpis"])
    period = current_period("month", timezone.localdate())
    query = f"period_kind=month&amp;starts_on={period.starts_on.isoformat()}"
    assert f"{run_url}?{query}&amp;format=xlsx" in body
    assert f"{run_url}?{query}&amp;format=csv" in body
