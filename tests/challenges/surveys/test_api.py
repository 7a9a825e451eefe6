"""GET/POST /api/v1/challenges/: visibility by caller and scope, shape, filters, pagination,
partner creation validated by the form's service, query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from challenges.models import Challenge
from members.models import Capability, Organization
from notifications.models import Notification
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.challenges.factories import ChallengeFactory, MiningCompanyFactory
from tests.members.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
C = Challenge.Confidentiality
LIST = "/api/v1/challenges/"
SECRET = "Toquepalasecreto"


def _token(organization, scopes: str) -> dict[str, str]:
    partner = PartnerClientFactory(organization=organization, allowed_scopes=scopes.split())
    response = request_token(Client(), partner, scopes)
    assert response.status_code == 200, response.content
    return bearer(response.json()["access_token"])


@pytest.fixture
def rows():
    return {
        "public": ChallengeFactory(confidentiality=C.PUBLIC, title="Agua pública"),
        "members": ChallengeFactory(confidentiality=C.MEMBERS, title="Solo socios"),
        "restricted": ChallengeFactory(
            confidentiality=C.RESTRICTED,
            title=f"{SECRET} título",
            problem=f"{SECRET} problema",
            public_title="Una mina en Tacna",
            public_summary="Resumen público",
        ),
        "hidden": ChallengeFactory(confidentiality=C.RESTRICTED, title=f"{SECRET} oculto"),
        "draft": ChallengeFactory(confidentiality=C.PUBLIC, status="draft", title="Borrador"),
    }


def _titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {r["title"] for r in response.json()["results"]}


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("anonymous", {"Agua pública", "Una mina en Tacna"}),
        ("public_read", {"Agua pública", "Una mina en Tacna"}),
        ("challenges_read", {"Agua pública", "Solo socios", "Una mina en Tacna"}),
        ("challenges_read_non_member", {"Agua pública", "Una mina en Tacna"}),
    ],
)
def test_list_by_caller(rows, caller, expected):
    headers = {}
    if caller == "public_read":
        headers = _token(OrganizationFactory(), "public:read")
    elif caller == "challenges_read":
        headers = _token(OrganizationFactory(), "challenges:read")
    elif caller == "challenges_read_non_member":
        headers = _token(
            OrganizationFactory(membership_status=Organization.MembershipStatus.NONE),
            "challenges:read",
        )
    response = Client().get(LIST, **headers)
    assert _titles(response) == expected
    assert SECRET not in response.content.decode()


def test_restricted_shape_and_detail(rows):
    response = Client().get(f"{LIST}{rows['restricted'].pk}/")
    body = response.json()
    assert body["is_public_version"] is True
    assert body["details"] is None
    assert body["organization"] is None
    assert body["summary"] == "Resumen público"
    assert SECRET not in response.content.decode()
    assert Client().get(f"{LIST}{rows['hidden'].pk}/").status_code == 404
    assert Client().get(f"{LIST}{rows['draft'].pk}/").status_code == 404
    full = Client().get(f"{LIST}{rows['public'].pk}/").json()
    assert full["details"]["problem"]
    assert full["organization"]["name"]


def test_token_without_read_scope_and_bad_token(rows):
    assert Client().get(LIST, **_token(OrganizationFactory(), "members:read")).status_code == 403
    assert Client().get(LIST, HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_filters_and_region_does_not_reveal_restricted(rows):
    ChallengeFactory(
        confidentiality=C.PUBLIC, title="Energía", operational_area="energy", region="tacna"
    )
    assert _titles(Client().get(LIST, {"area": "energy"})) == {"Energía"}
    rows["restricted"].region = "tacna"
    rows["restricted"].save()
    assert _titles(Client().get(LIST, {"region": "tacna"})) == {"Energía"}
    stage = Capability.objects.filter(dimension="value_chain").first()
    rows["public"].value_chain_stages.add(stage)
    assert _titles(Client().get(LIST, {"stage": stage.slug})) == {"Agua pública"}
    assert Client().get(LIST, {"area": "bogus"}).status_code == 400


def test_list_query_count_is_constant(rows, max_queries):
    for _ in range(15):
        ChallengeFactory(confidentiality=C.PUBLIC)
    max_queries(6, Client().get, LIST, expect=["Agua p"])


def _payload(**overrides):
    data = {
        "title": "Polvo en chancado",
        "problem": "El polvo afecta la salud en la planta.",
        "operational_area": "processing",
        "region": "moquegua",
        "desired_outcome": "Menos polvo.",
        "confidentiality": "restricted",
        "public_title": "Una planta concentradora del sur",
        "value_chain_stages": [Capability.objects.filter(dimension="value_chain").first().slug],
        "estimated_annual_cost": {"amount": "1000.00", "currency": "PEN"},
    }
    data.update(overrides)
    return data


def test_partner_of_a_mining_company_creates_a_submitted_challenge(call_manager):
    company = MiningCompanyFactory()
    headers = _token(company, "challenges:write challenges:read")
    response = Client().post(LIST, _payload(), content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    body = response.json()
    challenge = Challenge.objects.get(pk=body["id"])
    assert challenge.organization == company
    assert challenge.status == Challenge.Status.SUBMITTED
    assert challenge.reference.startswith("CMSP-RET-")
    assert body["reference"] == challenge.reference
    assert body["details"]["problem"] == "El polvo afecta la salud en la planta."
    assert challenge.value_chain_stages.count() == 1
    assert Notification.objects.filter(recipient=call_manager).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"problem": "  "}, "problem"),
        ({"operational_area": "bogus"}, "operational_area"),
        ({"value_chain_stages": ["no-such-stage"]}, "value_chain_stages"),
    ],
)
def test_partner_create_validation_errors_change_nothing(overrides, field):
    headers = _token(MiningCompanyFactory(), "challenges:write")
    response = Client().post(
        LIST, _payload(**overrides), content_type="application/json", **headers
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Challenge.objects.exists()


def test_create_refused_without_scope_for_non_mining_and_for_anonymous():
    body = _payload()
    no_scope = _token(MiningCompanyFactory(), "challenges:read")
    assert Client().post(LIST, body, content_type="application/json", **no_scope).status_code == 403
    supplier = _token(OrganizationFactory(), "challenges:write")
    assert Client().post(LIST, body, content_type="application/json", **supplier).status_code == 403
    assert Client().post(LIST, body, content_type="application/json").status_code in (401, 403)
    assert not Challenge.objects.exists()
