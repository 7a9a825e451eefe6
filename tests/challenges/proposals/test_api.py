"""GET /api/v1/proposals/ and {id}/: only the calling organization's proposals (lead or
partner), scope proposals:read, read only, filters, query counts; no write after the deadline
(nor before: the API has no write method)."""

from __future__ import annotations

import pytest
from django.test import Client

from challenges.models import Proposal
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.challenges.factories import ProposalFactory, ProposalPartnerFactory

from .conftest import login

pytestmark = pytest.mark.django_db

LIST = "/api/v1/proposals/"


def token_for(organization, scopes=("proposals:read",)) -> str:
    partner = PartnerClientFactory(organization=organization, allowed_scopes=list(scopes))
    response = request_token(Client(), partner, " ".join(scopes))
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def test_a_partner_client_sees_its_organization_s_proposals_as_lead_or_partner(
    world, max_queries
) -> None:
    ProposalPartnerFactory(proposal=world.proposal, organization=world.partner_org)
    led = ProposalFactory(call=world.call, lead_organization=world.partner_org, title="Propia")
    for _ in range(3):
        ProposalFactory(call=world.call, title="Ajena")
    client = Client(**bearer(token_for(world.partner_org)))
    response = max_queries(10, client.get, LIST, expect=["Polines inteligentes", "Propia"])
    data = response.json()
    assert {row["id"] for row in data["results"]} == {world.proposal.pk, led.pk}
    row = next(r for r in data["results"] if r["id"] == world.proposal.pk)
    assert row["partners"][0]["organization"]["name"] == "UNSUR"
    assert row["budget"] == {"amount": "120000.00", "currency": "PEN"}
    assert row["deadline"].endswith("-05:00")
    for _ in range(5):  # more rows, same queries
        ProposalPartnerFactory(
            proposal=ProposalFactory(call=world.call, lead_organization=world.partner_org)
        )
    max_queries(10, client.get, LIST)


def test_detail_of_another_organization_s_proposal_is_not_found(world) -> None:
    other = ProposalFactory(call=world.call)
    client = Client(**bearer(token_for(world.partner_org)))
    assert client.get(f"{LIST}{other.pk}/").status_code == 404
    ProposalPartnerFactory(proposal=world.proposal, organization=world.partner_org)
    response = client.get(f"{LIST}{world.proposal.pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == "Polines inteligentes"


def test_a_removed_partner_no_longer_sees_the_proposal(world) -> None:
    ProposalPartnerFactory(
        proposal=world.proposal, organization=world.partner_org, status="removed"
    )
    client = Client(**bearer(token_for(world.partner_org)))
    assert client.get(LIST).json()["count"] == 0


def test_scope_is_required(world) -> None:
    token = token_for(world.lead, scopes=("public:read",))
    response = Client(**bearer(token)).get(LIST)
    assert response.status_code == 403
    assert "proposals:read" in response.content.decode()


def test_anonymous_callers_are_refused(world) -> None:
    assert Client().get(LIST).status_code == 401


def test_filters_by_call_and_status(world) -> None:
    ProposalFactory(lead_organization=world.lead, status=Proposal.Status.WITHDRAWN)
    client = Client(**bearer(token_for(world.lead)))
    by_call = client.get(LIST, {"call": world.call.pk}).json()
    assert [r["id"] for r in by_call["results"]] == [world.proposal.pk]
    withdrawn = client.get(LIST, {"status": "withdrawn"}).json()
    assert [r["status"] for r in withdrawn["results"]] == ["withdrawn"]
    assert client.get(LIST, {"status": "nonsense"}).status_code == 400


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_write_methods(world, method) -> None:
    client = Client(**bearer(token_for(world.lead)))
    url = LIST if method == "post" else f"{LIST}{world.proposal.pk}/"
    response = getattr(client, method)(url, {"title": "API"}, content_type="application/json")
    assert response.status_code == 405
    world.proposal.refresh_from_db()
    assert world.proposal.title == "Polines inteligentes"


def test_a_signed_in_person_sees_their_organizations_proposals(world) -> None:
    ProposalFactory(call=world.call, title="Ajena")
    response = login(world.lead_member).get(LIST)
    assert [r["title"] for r in response.json()["results"]] == ["Polines inteligentes"]
