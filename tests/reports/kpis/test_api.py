"""GET /api/v1/reports/kpis/ and /api/v1/reports/kpis/periods/: scopes, staff sessions, the
figures (live or frozen), bad parameters, pagination, queries, schema."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cluster_portal.core.roles import AUDITOR, REPORTING_OFFICER
from reports.kpis import current_period, previous_period
from reports.selectors.kpis import kpis_compute
from reports.services.kpis import period_close
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.challenges.factories import ChallengeFactory
from tests.permission_matrix import STAFF_NO_ROLE, client_for
from tests.queries import run_counted
from tests.reports.factories import ClosedPeriodFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/kpis/"
PERIODS_URL = "/api/v1/reports/kpis/periods/"


def last_month():
    return previous_period(current_period("month", timezone.localdate()))


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def api_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def token_for(client: Client, scopes: list[str]) -> str:
    response = request_token(client, PartnerClientFactory(allowed_scopes=scopes))
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def reader_token(api_client: Client) -> str:
    return token_for(Client(), ["reports:read"])


def test_urls() -> None:
    assert reverse("api:report_kpis") == URL
    assert reverse("api:report_kpi_periods") == PERIODS_URL


@pytest.mark.parametrize("url", [URL, PERIODS_URL])
def test_no_token_is_401(api_client: Client, url: str) -> None:
    response = api_client.get(url)
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


@pytest.mark.parametrize("url", [URL, PERIODS_URL])
def test_a_token_without_reports_read_is_403(api_client: Client, url: str) -> None:
    token = token_for(Client(), ["public:read", "members:read"])
    response = api_client.get(url, **bearer(token))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


@pytest.mark.parametrize(
    ("role", "status"),
    [("other_member", 403), (STAFF_NO_ROLE, 403), (AUDITOR, 200), (REPORTING_OFFICER, 200)],
)
def test_sessions_need_the_dashboard_permission(role: str, status: int) -> None:
    for url in (URL, PERIODS_URL):
        assert client_for(role).get(url).status_code == status


def test_the_current_month_by_default_live(api_client: Client, reader_token: str) -> None:
    period = current_period("month", timezone.localdate())
    ChallengeFactory(submitted_at=timezone.now())
    response = api_client.get(URL, **bearer(reader_token))
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {
        "kind": "month",
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
        "label": body["period"]["label"],
        "status": "open",
        "closed_at": None,
    }
    assert body["figures"]["funnel"]["challenges"] == 1
    assert body["figures"]["version"] == 1
    assert set(body["figures"]) >= {"members", "funnel", "evaluations", "funding", "missions"}
    assert "funnel.challenges" in body["definitions"]
    assert body["definitions"]["funnel.challenges"].startswith("Challenges")


def test_a_closed_period_answers_its_frozen_figures(api_client: Client, reader_token) -> None:
    from tests.members.factories import UserFactory

    officer = UserFactory(is_staff=True, totp=True, roles=[REPORTING_OFFICER])
    period = last_month()
    ChallengeFactory(submitted_at=noon(period.starts_on))
    closed = period_close(actor=officer, kind="month", starts_on=period.starts_on)
    ChallengeFactory(submitted_at=noon(period.ends_on))
    response = api_client.get(
        URL,
        {"period_kind": "month", "starts_on": period.starts_on.isoformat()},
        **bearer(reader_token),
    )
    body = response.json()
    assert body["period"]["status"] == "closed"
    assert body["period"]["closed_at"] == closed.closed_at.isoformat()
    assert body["figures"]["funnel"]["challenges"] == 1
    live = kpis_compute(starts_on=period.starts_on, ends_on=period.ends_on)
    assert live["funnel"]["challenges"] == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"period_kind": "week"}, "period_kind"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"starts_on": "yesterday"}, "starts_on"),
        ({"period_kind": "month", "starts_on": "2026-02-03"}, "starts_on"),
        ({"period_kind": "quarter", "starts_on": "2026-02-01"}, "starts_on"),
        ({"period_kind": "year", "starts_on": "2999-01-01"}, "starts_on"),
    ],
)
def test_bad_parameters_are_a_400_in_the_api_shape(
    api_client: Client, reader_token: str, query: dict, field: str
) -> None:
    response = api_client.get(URL, query, **bearer(reader_token))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert field in error["fields"]


def test_quarters_and_years(api_client: Client, reader_token: str) -> None:
    quarter = previous_period(current_period("quarter", timezone.localdate()))
    response = api_client.get(
        URL, {"period_kind": "quarter", "starts_on": quarter.starts_on}, **bearer(reader_token)
    )
    assert response.status_code == 200
    assert response.json()["period"]["ends_on"] == quarter.ends_on.isoformat()
    assert len(response.json()["figures"]["members"]["monthly"]) == 3


def test_closed_periods_list_paginated_and_filtered(api_client: Client, reader_token) -> None:
    for month in range(1, 13):
        ClosedPeriodFactory(
            kind="month",
            starts_on=datetime.date(2025, month, 1),
            ends_on=datetime.date(2025, month, 28),
        )
    ClosedPeriodFactory(
        kind="year", starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2024, 12, 31)
    )
    response = api_client.get(PERIODS_URL, {"page_size": 5}, **bearer(reader_token))
    body = response.json()
    assert body["count"] == 13
    assert len(body["results"]) == 5
    assert body["next"]
    assert body["results"][0]["starts_on"] == "2025-12-01"
    assert set(body["results"][0]) == {
        "kind",
        "starts_on",
        "ends_on",
        "label",
        "status",
        "closed_at",
    }
    years = api_client.get(PERIODS_URL, {"kind": "year"}, **bearer(reader_token)).json()
    assert [(r["kind"], r["starts_on"]) for r in years["results"]] == [("year", "2024-01-01")]
    bad = api_client.get(PERIODS_URL, {"kind": "week"}, **bearer(reader_token))
    assert bad.status_code == 400
    assert "kind" in bad.json()["error"]["fields"]


def test_queries_are_constant(api_client: Client, reader_token: str) -> None:
    headers = bearer(reader_token)
    ClosedPeriodFactory(kind="year", starts_on=datetime.date(2023, 1, 1))
    _r, few = run_counted(25, api_client.get, URL, **headers)
    _r, list_few = run_counted(10, api_client.get, PERIODS_URL, **headers, expect=["2023-01-01"])
    for month in range(1, 13):
        ClosedPeriodFactory(kind="month", starts_on=datetime.date(2024, month, 1))
        ChallengeFactory(submitted_at=timezone.now())
    _r, many = run_counted(25, api_client.get, URL, **headers)
    _r, list_many = run_counted(10, api_client.get, PERIODS_URL, **headers, expect=["2024-12"])
    assert (many, list_many) == (few, list_few)


def test_schema_documents_both_endpoints() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    kpis = schema["paths"][URL]["get"]
    assert {p["name"] for p in kpis["parameters"]} >= {"period_kind", "starts_on"}
    assert {"oauth2": ["reports:read"]} in kpis["security"]
    assert kpis["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/KpiResponse"
    }
    periods = schema["paths"][PERIODS_URL]["get"]
    assert {p["name"] for p in periods["parameters"]} >= {"kind", "page", "page_size"}
    figures = schema["components"]["schemas"]["KpiFigures"]["properties"]
    assert set(figures) >= {"members", "funnel", "evaluations", "funding", "missions"}
