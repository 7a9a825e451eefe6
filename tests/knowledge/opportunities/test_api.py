"""GET /api/v1/knowledge/value-opportunities/ and {id}/ (K3): knowledge:read reads every
published opportunity (members-only too); public:read the public ones; people signed in what
the pages show them; drafts never; assessments, interest counts per role, readable studies;
filters (stage, product text, tariff code prefix), bad values, constant queries, read only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from knowledge.models import Article, OpportunityInterest, ValueOpportunity
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.knowledge.factories import (
    ArticleFactory,
    OpportunityInterestFactory,
    ValueOpportunityFactory,
)
from tests.knowledge.opportunities.world import editor, person_of
from tests.members.factories import OrganizationFactory, UserFactory
from tests.queries import run_counted

pytestmark = pytest.mark.django_db

LIST = "/api/v1/knowledge/value-opportunities/"
Role = OpportunityInterest.Role


def token_client(*scopes: str) -> Client:
    partner = PartnerClientFactory(organization=OrganizationFactory(), allowed_scopes=list(scopes))
    response = request_token(Client(), partner, " ".join(scopes))
    assert response.status_code == 200, response.content
    return Client(HTTP_ACCEPT_LANGUAGE="en", **bearer(response.json()["access_token"]))


def session(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def products(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["product_en"] for row in response.json()["results"]}


@pytest.fixture
def world() -> dict[str, ValueOpportunity]:
    public = ValueOpportunityFactory(product_en="Public rod", hs_code="7408.11.00.00")
    members = ValueOpportunityFactory(
        product_en="Members moulds", visibility="members", hs_code="7419.80", stage="smelting"
    )
    draft = ValueOpportunityFactory(product_en="Draft wire", status=ValueOpportunity.Status.DRAFT)
    return {"public": public, "members": members, "draft": draft}


# --- Who reads what ---------------------------------------------------------------------------


def test_anonymous_callers_get_401(world):
    assert Client().get(LIST).status_code == 401
    assert Client().get(f"{LIST}{world['public'].pk}/").status_code == 401


def test_a_token_without_either_scope_is_403_and_names_both(world):
    response = token_client("members:read").get(LIST)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "insufficient_scope"
    assert "knowledge:read" in error["detail"]
    assert "public:read" in error["detail"]


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        (lambda: token_client("knowledge:read"), {"Public rod", "Members moulds"}),
        (lambda: token_client("public:read"), {"Public rod"}),
        (lambda: session(UserFactory()), {"Public rod"}),
        (lambda: session(person_of()), {"Public rod", "Members moulds"}),
        (lambda: session(editor()), {"Public rod", "Members moulds"}),
    ],
    ids=["knowledge-read", "public-read", "visitor", "member", "editor"],
)
def test_who_reads_what(world, caller, expected):
    client = caller()
    assert products(client.get(LIST)) == expected
    draft = client.get(f"{LIST}{world['draft'].pk}/")
    assert draft.status_code == 404
    members = client.get(f"{LIST}{world['members'].pk}/")
    assert members.status_code == (200 if "Members moulds" in expected else 404)


def test_the_shape_assessments_interests_and_studies(world):
    opportunity = world["public"]
    OpportunityInterestFactory(opportunity=opportunity, role=Role.SUPPLIER)
    OpportunityInterestFactory(opportunity=opportunity, role=Role.SUPPLIER)
    OpportunityInterestFactory(opportunity=opportunity, role=Role.INVESTOR)
    public_study = ArticleFactory(title="Estudio público")
    members_study = ArticleFactory(title="Estudio reservado", visibility="members")
    draft_study = ArticleFactory(title="Borrador", status=Article.Status.DRAFT)
    opportunity.studies.add(public_study, members_study, draft_study)
    row = token_client("public:read").get(f"{LIST}{opportunity.pk}/").json()
    assert row["hs_code"] == "7408.11.00.00"
    assert row["import_value"] == {"amount": "120000000.00", "currency": "USD"}
    assert row["import_year"] == 2025
    assert row["assessments"]["economic"] == {
        "rating": 4,
        "justification": "Demanda local de cables.",
        "sources": "",
    }
    assert set(row["assessments"]) == {"economic", "financial", "environmental"}
    assert row["interests"] == {"supplier": 2, "buyer": 0, "investor": 1}
    assert [s["title"] for s in row["studies"]] == ["Estudio público"]
    assert row["url"].endswith(f"/knowledge/opportunities/{opportunity.slug}/")
    full = token_client("knowledge:read").get(f"{LIST}{opportunity.pk}/").json()
    assert {s["title"] for s in full["studies"]} == {"Estudio público", "Estudio reservado"}


# --- Filters ---------------------------------------------------------------------------------


def test_filters(world):
    client = token_client("knowledge:read")
    assert products(client.get(LIST, {"stage": "smelting"})) == {"Members moulds"}
    assert products(client.get(LIST, {"hs_code": "7408"})) == {"Public rod"}
    assert products(client.get(LIST, {"hs_code": "74"})) == {"Public rod", "Members moulds"}
    assert products(client.get(LIST, {"q": "moulds"})) == {"Members moulds"}


@pytest.mark.parametrize(
    "params", [{"stage": "mining"}, {"hs_code": "abc"}, {"ordering": "colour"}]
)
def test_bad_filter_values_are_400(world, params):
    response = token_client("knowledge:read").get(LIST, params)
    assert response.status_code == 400


def test_read_only(world):
    client = token_client("knowledge:read")
    assert client.post(LIST, {}).status_code == 405
    assert client.delete(f"{LIST}{world['public'].pk}/").status_code == 405


# --- Queries ---------------------------------------------------------------------------------


def test_queries_do_not_grow_with_rows(world):
    client = token_client("knowledge:read")
    _r, few = run_counted(5, client.get, LIST, expect=["Public rod"])
    for n in range(10):
        opportunity = ValueOpportunityFactory(product_en=f"Extra {n}")
        OpportunityInterestFactory(opportunity=opportunity, role=Role.BUYER)
        opportunity.studies.add(ArticleFactory())
    _r, many = run_counted(5, client.get, LIST, expect=["Extra 9"])
    assert many == few
