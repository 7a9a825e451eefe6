"""GET /api/v1/projects/ and {id}/: portfolio:read reads every project in full (milestones,
KPIs with their periods, verified impact entries only); public:read reads public projects by
their public fields (private fields absent, site and money only with consent); people read
their organizations' projects in full and other public ones by their public fields; filters,
bad input, query counts at two sizes, read only."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from djmoney.money import Money

from challenges.models import ImpactEntry, Milestone, Project
from members.models import Capability
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.challenges.factories import (
    CallFactory,
    ImpactEntryFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    ProjectFundingFactory,
    project_with_roles,
)
from tests.members.factories import CapabilityFactory, OrganizationFactory

from .portfolio_world import PortfolioWorld, portfolio_world

pytestmark = pytest.mark.django_db

LIST = "/api/v1/projects/"
SITE = "Tajo Cuajone, chancadora primaria"

#: What public:read gets of a public project that keeps its site and amounts private.
PUBLIC_FIELDS = {
    "id",
    "code",
    "view",
    "status",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "call",
    "organizations",
    "starts_on",
    "ends_on",
    "trl_start",
    "trl_now",
    "trl_target",
    "region",
    "commodities",
    "areas",
    "progress",
    "verified_impact",
    "updated_at",
}
PRIVATE_FIELDS = {
    "site",
    "budget",
    "funding",
    "status_reason",
    "is_public",
    "public_amounts",
    "public_site",
    "update_every_days",
    "next_update_due",
    "proposal",
    "challenges",
    "at_risk",
    "milestones",
    "indicators",
    "impact_entries",
}


def token_client(scopes: tuple[str, ...], organization: Any = None) -> Client:
    partner = PartnerClientFactory(
        organization=organization or OrganizationFactory(), allowed_scopes=list(scopes)
    )
    response = request_token(Client(), partner, " ".join(scopes))
    assert response.status_code == 200, response.content
    return Client(HTTP_ACCEPT_LANGUAGE="en", **bearer(response.json()["access_token"]))


def portfolio_client() -> Client:
    return token_client(("portfolio:read",))


def public_client() -> Client:
    return token_client(("public:read",))


def session(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def verified(project: Project, **kwargs: Any) -> ImpactEntry:
    stamps = {"confirmed_at": timezone.now(), "verified_at": timezone.now()}
    return ImpactEntryFactory(
        project=project, status=ImpactEntry.Status.VERIFIED, **{**stamps, **kwargs}
    )


def furnish(project: Project, *, late: bool = False) -> Project:
    """Milestones (one accepted), a KPI with two periods, funding, a commodity and an area,
    a verified contract and verified jobs, and entries that must never show: a claim, a
    confirmation waiting for the secretariat and a rejected claim."""
    today = timezone.localdate()
    MilestoneFactory(
        project=project,
        title="Instalación del analizador",
        weight=1,
        status=Milestone.Status.ACCEPTED,
        accepted_at=timezone.now(),
        due_on=today - datetime.timedelta(days=20),
    )
    MilestoneFactory(
        project=project,
        title="Operación piloto",
        weight=3,
        due_on=today + datetime.timedelta(days=-5 if late else 40),
    )
    indicator = IndicatorFactory(project=project)
    MeasurementFactory(indicator=indicator, value=Decimal("0.74"))
    MeasurementFactory(
        indicator=indicator,
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 6, 30),
        value=Decimal("0.66"),
    )
    ProjectFundingFactory(project=project)
    project.commodities.add(
        CapabilityFactory(dimension=Capability.Dimension.COMMODITY, slug="cobre")
    )
    project.service_areas.add(
        CapabilityFactory(dimension=Capability.Dimension.SERVICE_AREA, slug="agua")
    )
    verified(project, description="Orden de compra verificada.")
    verified(project, kind=ImpactEntry.Kind.JOBS, amount=None, count=4, description="Empleos.")
    ImpactEntryFactory(project=project, description="Reclamo sin confirmar.")
    ImpactEntryFactory(
        project=project,
        status=ImpactEntry.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        description="Confirmada, sin verificar.",
    )
    ImpactEntryFactory(
        project=project,
        status=ImpactEntry.Status.REJECTED,
        rejected_reason="Sin sustento.",
        description="Reclamo rechazado.",
    )
    return project


@pytest.fixture
def world() -> PortfolioWorld:
    world = portfolio_world(is_public=True, site=SITE, status_reason="")
    furnish(world.project)
    return world


def hidden_project(**kwargs: Any) -> Project:
    project, *_ = project_with_roles(
        is_public=False, title="Proyecto reservado", site="Sitio reservado", **kwargs
    )
    return project


# --- Who may call ---------------------------------------------------------------------------


def test_no_token_is_401(world: PortfolioWorld) -> None:
    assert Client().get(LIST).status_code == 401
    assert Client().get(f"{LIST}{world.project.pk}/").status_code == 401


def test_a_bad_token_is_401_even_on_a_public_project(world: PortfolioWorld) -> None:
    client = Client(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get(f"{LIST}{world.project.pk}/").status_code == 401


def test_a_token_without_either_scope_is_403_and_names_both(world: PortfolioWorld) -> None:
    response = token_client(("members:read", "proposals:read")).get(LIST)
    assert response.status_code == 403
    body = response.json()["error"]
    assert body["code"] == "insufficient_scope"
    assert "portfolio:read" in body["detail"]
    assert "public:read" in body["detail"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_write_methods(world: PortfolioWorld, method: str) -> None:
    url = LIST if method == "post" else f"{LIST}{world.project.pk}/"
    response = getattr(portfolio_client(), method)(
        url, {"title": "API"}, content_type="application/json"
    )
    assert response.status_code == 405
    world.project.refresh_from_db()
    assert world.project.title != "API"


# --- portfolio:read --------------------------------------------------------------------------


def test_portfolio_read_sees_every_project_in_full(world: PortfolioWorld) -> None:
    hidden = hidden_project()
    data = portfolio_client().get(LIST).json()
    assert {row["id"] for row in data["results"]} == {world.project.pk, hidden.pk}
    assert {row["view"] for row in data["results"]} == {"full"}
    row = next(r for r in data["results"] if r["id"] == world.project.pk)
    assert set(row) == PUBLIC_FIELDS | PRIVATE_FIELDS
    assert row["site"] == SITE
    assert row["budget"] == {"amount": "150000.00", "currency": "PEN"}
    assert row["funding"][0]["amount"] == {"amount": "100000.00", "currency": "PEN"}
    assert row["progress"] == "25.0"  # accepted weight 1 of 4
    assert row["at_risk"] is False
    assert [o["role"] for o in row["organizations"]] == ["lead", "partner", "sponsor"]
    assert [c["code"] for c in row["commodities"]] == ["cobre"]
    assert [c["code"] for c in row["areas"]] == ["agua"]


def test_milestones_without_evidence_and_kpis_with_their_periods(world: PortfolioWorld) -> None:
    row = portfolio_client().get(f"{LIST}{world.project.pk}/").json()
    assert [m["title"] for m in row["milestones"]] == [
        "Instalación del analizador",
        "Operación piloto",
    ]
    assert set(row["milestones"][0]) == {
        "id",
        "title",
        "due_on",
        "weight",
        "status",
        "submitted_at",
        "accepted_at",
    }
    assert row["milestones"][0]["status"] == "accepted"
    assert row["milestones"][0]["accepted_at"] is not None
    (indicator,) = row["indicators"]
    assert indicator["unit"] == "m³/t"
    assert indicator["baseline"] == "0.8000"
    assert [(p["period_start"], p["value"]) for p in indicator["periods"]] == [
        ("2026-01-01", "0.7400"),
        ("2026-04-01", "0.6600"),
    ]


def test_only_verified_impact_entries_never_claims(world: PortfolioWorld) -> None:
    response = portfolio_client().get(f"{LIST}{world.project.pk}/")
    row = response.json()
    assert {e["description"] for e in row["impact_entries"]} == {
        "Orden de compra verificada.",
        "Empleos.",
    }
    body = response.content.decode()
    for hidden in ("Reclamo sin confirmar.", "Confirmada, sin verificar.", "Reclamo rechazado."):
        assert hidden not in body
    totals = {line["kind"]: line for line in row["verified_impact"]}
    assert totals["contract"]["amounts"] == [{"amount": "85000.00", "currency": "USD"}]
    assert totals["contract"]["count"] is None
    assert totals["jobs"] == {"kind": "jobs", "entries": 1, "count": 4, "amounts": []}


def test_a_verified_correction_replaces_the_corrected_entry(world: PortfolioWorld) -> None:
    original = ImpactEntry.objects.get(
        project=world.project, status=ImpactEntry.Status.VERIFIED, kind="contract"
    )
    correction = verified(
        world.project,
        corrects=original,
        amount=Money(Decimal("60000.00"), "USD"),
        description="Corrección: la orden fue menor.",
    )
    row = portfolio_client().get(f"{LIST}{world.project.pk}/").json()
    entries = {e["id"]: e for e in row["impact_entries"]}
    assert entries[original.pk]["counts"] is False
    assert entries[correction.pk]["counts"] is True
    assert entries[correction.pk]["corrects"] == original.pk
    totals = {line["kind"]: line for line in row["verified_impact"]}
    assert totals["contract"]["amounts"] == [{"amount": "60000.00", "currency": "USD"}]
    assert totals["contract"]["entries"] == 1


def test_portfolio_read_is_not_limited_to_the_client_s_organization(
    world: PortfolioWorld,
) -> None:
    """Unlike proposals:read: the secretariat grants portfolio:read for the whole portfolio."""
    hidden = hidden_project()
    client = token_client(("portfolio:read",), organization=OrganizationFactory())
    assert client.get(f"{LIST}{hidden.pk}/").json()["view"] == "full"


def test_portfolio_read_wins_over_public_read(world: PortfolioWorld) -> None:
    hidden = hidden_project()
    client = token_client(("public:read", "portfolio:read"))
    row = client.get(f"{LIST}{hidden.pk}/").json()
    assert row["view"] == "full"
    assert row["site"] == "Sitio reservado"


# --- public:read -----------------------------------------------------------------------------


def test_public_read_sees_public_projects_without_private_fields(world: PortfolioWorld) -> None:
    hidden = hidden_project()
    response = public_client().get(LIST)
    data = response.json()
    assert [row["id"] for row in data["results"]] == [world.project.pk]
    (row,) = data["results"]
    assert set(row) == PUBLIC_FIELDS
    assert row["view"] == "public"
    body = response.content.decode()
    for private in (
        SITE,
        "150000",
        "100000",
        "85000",
        "Instalación del analizador",
        "Consumo de agua fresca",
        "Orden de compra verificada.",
        hidden.title,
    ):
        assert private not in body
    totals = {line["kind"]: line for line in row["verified_impact"]}
    assert totals["contract"] == {"kind": "contract", "entries": 1, "count": None, "amounts": []}
    assert totals["jobs"]["count"] == 4


def test_public_read_gets_the_site_and_money_only_with_consent(world: PortfolioWorld) -> None:
    Project.objects.filter(pk=world.project.pk).update(public_site=True, public_amounts=True)
    row = public_client().get(f"{LIST}{world.project.pk}/").json()
    assert set(row) == PUBLIC_FIELDS | {"site", "budget", "funding"}
    assert row["site"] == SITE
    assert row["budget"] == {"amount": "150000.00", "currency": "PEN"}
    assert row["funding"][0]["source"] == "Programa Nacional de Innovación Minera"
    totals = {line["kind"]: line for line in row["verified_impact"]}
    assert totals["contract"]["amounts"] == [{"amount": "85000.00", "currency": "USD"}]


def test_public_read_a_non_public_project_is_not_found(world: PortfolioWorld) -> None:
    hidden = hidden_project()
    client = public_client()
    assert client.get(f"{LIST}{hidden.pk}/").status_code == 404
    assert client.get(f"{LIST}{hidden.pk + 1000}/").status_code == 404
    assert client.get(f"{LIST}{world.project.pk}/").status_code == 200


def test_public_read_shows_an_unpublished_call_as_null(world: PortfolioWorld) -> None:
    draft = CallFactory(status="draft", opens_at=None, closes_at=None)
    Project.objects.filter(pk=world.project.pk).update(call=draft)
    assert public_client().get(f"{LIST}{world.project.pk}/").json()["call"] is None
    full = portfolio_client().get(f"{LIST}{world.project.pk}/").json()
    assert full["call"]["id"] == draft.pk


# --- People (browser sessions) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "own_view", "sees_hidden"),
    [
        ("lead_member", "full", False),
        ("sponsor_member", "full", False),
        ("partner_member", "full", False),
        ("other_member", "public", False),
        ("manager", "full", True),
        ("auditor", "full", True),
    ],
)
def test_people_read_their_projects_in_full_and_other_public_ones_publicly(
    world: PortfolioWorld, role: str, own_view: str, sees_hidden: bool
) -> None:
    hidden = hidden_project()
    other_public, *_ = project_with_roles(is_public=True, title="Otro proyecto público")
    rows = {r["id"]: r for r in session(world.person(role)).get(LIST).json()["results"]}
    assert rows[world.project.pk]["view"] == own_view
    assert (hidden.pk in rows) is sees_hidden
    expected_other = "full" if sees_hidden else "public"
    assert rows[other_public.pk]["view"] == expected_other
    if own_view == "public":
        assert set(rows[world.project.pk]) == PUBLIC_FIELDS


# --- Filters ---------------------------------------------------------------------------------


def ids(client: Client, **params: Any) -> set[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_filters(world: PortfolioWorld) -> None:
    call = CallFactory()
    other, *_ = project_with_roles(
        status=Project.Status.PLANNED, region="tacna", trl_now=3, call=call, is_public=True
    )
    mine = world.project.pk
    client = portfolio_client()
    assert ids(client, status="planned") == {other.pk}
    assert ids(client, status="active") == {mine}
    assert ids(client, sponsor=world.sponsor.pk) == {mine}
    assert ids(client, sponsor=world.lead.pk) == set()  # the lead is no sponsor
    assert ids(client, region="tacna") == {other.pk}
    assert ids(client, commodity="cobre") == {mine}
    assert ids(client, area="agua") == {mine}
    assert ids(client, area="no-such-area") == set()
    assert ids(client, trl=5) == {mine}
    assert ids(client, trl=3) == {mine, other.pk}
    assert ids(client, call=call.pk) == {other.pk}
    assert ids(client, search=world.project.code) == {mine}


def test_at_risk_filter_only_among_projects_read_in_full(world: PortfolioWorld) -> None:
    late, *_ = project_with_roles(is_public=True)
    furnish(late, late=True)
    full = portfolio_client()
    assert ids(full, at_risk="true") == {late.pk}
    assert ids(full, at_risk="false") == {world.project.pk}
    assert full.get(f"{LIST}{late.pk}/").json()["at_risk"] is True
    public = public_client()
    # The risk flag is not public: a public:read caller learns nothing from the filter.
    assert ids(public, at_risk="true") == set()
    assert ids(public, at_risk="false") == {world.project.pk, late.pk}


def test_updated_since_counts_milestones_kpis_and_verified_impact() -> None:
    past = timezone.now() - datetime.timedelta(days=400)
    projects = []
    for _ in range(4):
        project, *_ = project_with_roles(updated_at=past)
        milestone = MilestoneFactory(project=project, status=Milestone.Status.SUBMITTED)
        Milestone.objects.filter(pk=milestone.pk).update(submitted_at=past)
        MeasurementFactory(indicator=IndicatorFactory(project=project), recorded_at=past)
        verified(project, verified_at=past)
        projects.append(project)
    quiet, accepted, measured, impact = projects
    now = timezone.now()
    Milestone.objects.filter(project=accepted).update(
        status=Milestone.Status.ACCEPTED, accepted_at=now
    )
    MeasurementFactory(
        indicator=measured.indicators.get(),
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 6, 30),
        recorded_at=now,
    )
    verified(impact, kind=ImpactEntry.Kind.JOBS, amount=None, count=2)
    since = (now - datetime.timedelta(days=1)).isoformat()
    client = portfolio_client()
    assert ids(client, updated_since=since) == {accepted.pk, measured.pk, impact.pk}
    assert quiet.pk in ids(client, updated_since=past.isoformat())


def test_updated_since_sees_an_edited_project(world: PortfolioWorld) -> None:
    other, *_ = project_with_roles()
    Project.objects.filter(pk=other.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    Project.objects.filter(pk=world.project.pk).update(updated_at=timezone.now())
    client = portfolio_client()
    since = timezone.now() - datetime.timedelta(days=2)
    assert ids(client, updated_since=since.isoformat()) == {world.project.pk}
    assert ids(client, updated_since=since.strftime("%Y-%m-%dT%H:%M:%S")) == {world.project.pk}


def test_ordering(world: PortfolioWorld) -> None:
    a, *_ = project_with_roles(code="CMSP-PRY-1999-0900")
    b, *_ = project_with_roles(code="CMSP-PRY-1999-0800")
    client = portfolio_client()
    codes = [r["code"] for r in client.get(LIST, {"ordering": "code"}).json()["results"]]
    assert codes == sorted(codes)
    assert codes.index(b.code) < codes.index(a.code)
    descending = client.get(LIST, {"ordering": "-code"}).json()["results"]
    assert [r["code"] for r in descending] == sorted(codes, reverse=True)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("status", "nonsense"),
        ("sponsor", "abc"),
        ("sponsor", "0"),
        ("call", "-3"),
        ("region", "atlantis"),
        ("commodity", "not a code!"),
        ("area", "x" * 61),
        ("trl", "10"),
        ("at_risk", "maybe"),
        ("updated_since", "yesterday"),
        ("ordering", "colour"),
        ("page_size", "1000"),
    ],
)
def test_bad_filter_input_is_a_400_naming_the_parameter(
    world: PortfolioWorld, param: str, value: str
) -> None:
    response = portfolio_client().get(LIST, {param: value})
    assert response.status_code == 400, (param, value)
    assert param in response.json()["error"]["fields"]


# --- Queries ---------------------------------------------------------------------------------

#: Token, partner; count, rows, organizations, commodities, areas, funding, frozen impact
#: entries; full view only: challenges, milestones, indicators, their periods.
BOUNDS = {("portfolio:read",): 13, ("public:read",): 9}
#: Session, user, their organizations, then as portfolio:read.
BOUND_PERSON = 14


def _grow(n: int) -> None:
    for _ in range(n):
        project, *_ = project_with_roles(is_public=True)
        furnish(project)


@pytest.mark.parametrize("scopes", [("portfolio:read",), ("public:read",)])
def test_constant_queries_for_tokens(world: PortfolioWorld, max_queries, scopes) -> None:
    client = token_client(scopes)
    bound = BOUNDS[scopes]
    _grow(2)
    small = max_queries(bound, client.get, LIST, expect=[world.project.code])
    _grow(8)
    large = max_queries(bound, client.get, LIST, expect=[world.project.code])
    assert large.json()["count"] == small.json()["count"] + 8
    max_queries(bound, client.get, f"{LIST}{world.project.pk}/", expect=[world.project.code])


def test_constant_queries_for_a_person(world: PortfolioWorld, max_queries) -> None:
    client = session(world.lead_member)
    _grow(2)
    small = max_queries(BOUND_PERSON, client.get, LIST, expect=[world.project.code])
    _grow(8)
    large = max_queries(BOUND_PERSON, client.get, LIST, expect=[world.project.code])
    assert large.json()["count"] == small.json()["count"] + 8
