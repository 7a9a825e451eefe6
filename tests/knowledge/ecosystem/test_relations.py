"""The relations view: it names only what the reader may see (proposals through
``can_view_proposal``, projects when public or the reader's, client lists to members, mission
delegations to the delegation and the secretariat), reduces the rest to counts, and runs a
constant number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from challenges.models import Proposal, ProposalPartner
from members.models import Organization
from missions.models import Application
from tests.challenges.factories import (
    ProjectFactory,
    ProjectOrganizationFactory,
    ProposalFactory,
    ProposalPartnerFactory,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory
from tests.missions.factories import ApplicationFactory, MissionFactory
from tests.queries import run_counted

URL = reverse("knowledge:relations")


def _url(organization: Organization) -> str:
    return f"{URL}?organization={organization.pk}"


def _client_of(organization: Organization | None) -> Client:
    client = Client()
    if organization is not None:
        client.force_login(OrganizationMemberFactory(organization=organization).user)
    return client


def _staff() -> Client:
    client = Client()
    client.force_login(UserFactory(roles=["editor"], totp=True))
    return client


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    centre = OrganizationFactory(legal_name="Centro Metalmecánico S.A.C.", trade_name="Centro")
    partner = OrganizationFactory(legal_name="Socio Andino S.A.C.", trade_name="SocioAndino")
    private = OrganizationFactory(
        legal_name="Privada del Sur S.A.C.", trade_name="PrivadaSur", is_public=False
    )
    outsider = OrganizationFactory(legal_name="Ajena S.A.C.", trade_name="AjenaOrg")
    # A submitted joint proposal led by the centre with a confirmed partner.
    proposal = ProposalFactory(
        lead_organization=centre, status=Proposal.Status.SUBMITTED, title="PropuestaConjunta"
    )
    ProposalPartnerFactory(
        proposal=proposal, organization=partner, status=ProposalPartner.Status.CONFIRMED
    )
    # A draft one is nobody's relation yet.
    draft = ProposalFactory(lead_organization=centre, title="BorradorSecreto")
    ProposalPartnerFactory(
        proposal=draft, organization=outsider, status=ProposalPartner.Status.CONFIRMED
    )
    public_project = ProjectFactory(is_public=True, title="ProyectoPublico")
    ProjectOrganizationFactory(project=public_project, organization=centre, role="lead")
    ProjectOrganizationFactory(project=public_project, organization=partner, role="partner")
    ProjectOrganizationFactory(project=public_project, organization=private, role="sponsor")
    private_project = ProjectFactory(is_public=False, title="ProyectoReservado")
    ProjectOrganizationFactory(project=private_project, organization=centre, role="lead")
    ProjectOrganizationFactory(project=private_project, organization=outsider, role="sponsor")
    client_org = OrganizationFactory(legal_name="Cliente Minero S.A.C.", trade_name="ClienteMin")
    centre.reference_clients.add(client_org)
    mission = MissionFactory(title="MisionAustralia")
    ApplicationFactory(mission=mission, organization=centre, status=Application.Status.ACCEPTED)
    fellow = OrganizationFactory(legal_name="Compañera S.A.C.", trade_name="CompaneraDeViaje")
    ApplicationFactory(mission=mission, organization=fellow, status=Application.Status.ACCEPTED)
    return {
        "centre": centre,
        "partner": partner,
        "private": private,
        "outsider": outsider,
        "client": client_org,
        "fellow": fellow,
        "proposal": proposal,
    }


def test_chooser_lists_only_organizations_the_reader_may_see(world: dict[str, Any]) -> None:
    visitor = Client().get(URL)
    assert visitor.status_code == 200
    ids = {org.pk for org in visitor.context["choices"]}
    assert world["centre"].pk in ids
    assert world["private"].pk not in ids
    assert "PrivadaSur" not in visitor.content.decode()
    member = _client_of(world["outsider"]).get(URL)
    assert world["private"].pk in {org.pk for org in member.context["choices"]}


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1.5", "99999999999999999999999", "\uff11"])
def test_malformed_organization_is_a_clear_400(world: dict[str, Any], value: str) -> None:
    response = Client().get(URL, {"organization": value})
    assert response.status_code == 400
    assert response.context["error"]
    assert "centre" not in response.context


def test_hidden_or_missing_organization_is_404(world: dict[str, Any]) -> None:
    assert Client().get(_url(world["private"])).status_code == 404
    assert Client().get(URL, {"organization": 987654}).status_code == 404
    # A member sees private profiles (the directory's rule).
    assert _client_of(world["outsider"]).get(_url(world["private"])).status_code == 200


def _body(client: Client, organization: Organization) -> tuple[Any, str]:
    response = client.get(_url(organization))
    assert response.status_code == 200
    # What follows the chooser (whose options name every organization the reader may see).
    return response.context["relations"], (
        response.content.decode()
        .split('data-testid="relations-chooser"', 1)[1]
        .split("</form>", 1)[1]
    )


def test_visitor_sees_public_project_and_counts_only(world: dict[str, Any]) -> None:
    relations, body = _body(Client(), world["centre"])
    # Proposal: only a count; its title and partner never appear as a proposal.
    assert relations.proposals == []
    assert relations.hidden_proposals == 1
    assert "PropuestaConjunta" not in body
    assert "BorradorSecreto" not in body
    # Projects: the public one, with the private sponsor reduced to a count.
    assert [r.title.split(" ", 1)[1] for r in relations.projects] == ["ProyectoPublico"]
    assert "ProyectoReservado" not in body
    assert "PrivadaSur" not in body
    assert relations.projects[0].hidden_partners == 1
    assert relations.hidden_neighbours == 1
    # Clients are member-only; the mission delegation is the delegation's.
    assert relations.clients_visible is False
    assert "ClienteMin" not in body
    assert relations.missions == []
    assert relations.hidden_missions == 1
    assert "CompaneraDeViaje" not in body
    neighbours = {n.organization.pk: n for n in relations.neighbours}
    assert set(neighbours) == {world["partner"].pk}
    assert f'href="?organization={world["partner"].pk}"' in body
    assert reverse("members:organization_detail", args=[world["partner"].pk]) in body


def test_other_member_sees_clients_and_private_names_but_not_the_proposal(
    world: dict[str, Any],
) -> None:
    reader = OrganizationFactory()
    relations, body = _body(_client_of(reader), world["centre"])
    assert relations.hidden_proposals == 1
    assert "PropuestaConjunta" not in body
    assert relations.clients_visible is True
    assert [c.pk for c in relations.clients] == [world["client"].pk]
    assert "PrivadaSur" in body  # members see private profiles
    assert "ProyectoReservado" not in body
    assert relations.hidden_missions == 1


def test_partner_sees_the_joint_proposal(world: dict[str, Any]) -> None:
    relations, body = _body(_client_of(world["partner"]), world["centre"])
    assert relations.hidden_proposals == 0
    assert [r.title for r in relations.proposals] == ["PropuestaConjunta"]
    assert reverse("challenges:proposal_detail", args=[world["proposal"].pk]) in body
    assert "BorradorSecreto" not in body
    neighbour = next(n for n in relations.neighbours if n.organization == world["partner"])
    assert neighbour.relations == {"proposal": 1, "project": 1}


def test_centre_people_see_their_private_project_and_delegation(world: dict[str, Any]) -> None:
    relations, body = _body(_client_of(world["centre"]), world["centre"])
    assert "ProyectoReservado" in body
    assert "PropuestaConjunta" in body
    assert [r.title for r in relations.missions] == ["MisionAustralia"]
    assert "CompaneraDeViaje" in body
    assert relations.hidden_missions == 0


def test_staff_sees_everything_but_drafts(world: dict[str, Any]) -> None:
    relations, body = _body(_staff(), world["centre"])
    assert "PropuestaConjunta" in body
    assert "ProyectoReservado" in body
    assert "CompaneraDeViaje" in body
    assert "BorradorSecreto" not in body
    assert relations.hidden_proposals == relations.hidden_missions == 0
    assert relations.hidden_neighbours == 0


def test_recentre_on_a_neighbour(world: dict[str, Any]) -> None:
    relations, _ = _body(_client_of(world["partner"]), world["partner"])
    assert world["centre"].pk in {n.organization.pk for n in relations.neighbours}


def test_supplier_naming_the_centre_as_client_shown_to_members(world: dict[str, Any]) -> None:
    relations, _ = _body(_client_of(OrganizationFactory()), world["client"])
    assert [s.pk for s in relations.suppliers] == [world["centre"].pk]
    relations, _ = _body(Client(), world["client"])
    assert relations.suppliers == []


def _more_relations(centre: Organization, n: int) -> None:
    for i in range(n):
        other = OrganizationFactory(is_public=bool(i % 2))
        proposal = ProposalFactory(lead_organization=centre, status=Proposal.Status.SUBMITTED)
        ProposalPartnerFactory(
            proposal=proposal, organization=other, status=ProposalPartner.Status.CONFIRMED
        )
        project = ProjectFactory(is_public=True)
        ProjectOrganizationFactory(project=project, organization=centre, role="lead")
        ProjectOrganizationFactory(project=project, organization=other, role="partner")
        centre.reference_clients.add(other)
        mission = MissionFactory()
        ApplicationFactory(mission=mission, organization=centre, status="accepted")
        ApplicationFactory(mission=mission, organization=other, status="accepted")


# Measured: choices 1, proposals 2, projects 2, clients and suppliers 2, missions 1 (8); a
# signed-in reader adds the session, the user, memberships and the unread badge (4).
@pytest.mark.parametrize(("audience", "bound"), [("visitor", 6), ("centre", 12), ("staff", 13)])
def test_query_count_is_constant(world: dict[str, Any], audience: str, bound: int) -> None:
    client = {
        "visitor": lambda: Client(),
        "centre": lambda: _client_of(world["centre"]),
        "staff": _staff,
    }[audience]()
    url = _url(world["centre"])
    _, few = run_counted(bound, client.get, url, expect=["ProyectoPublico"])
    _more_relations(world["centre"], 4)
    _, many = run_counted(bound, client.get, url, expect=["ProyectoPublico"])
    assert few == many


def test_chooser_query_count_is_constant(world: dict[str, Any]) -> None:
    _, few = run_counted(2, Client().get, URL, expect=["Centro"])
    for _i in range(5):
        OrganizationFactory()
    _, many = run_counted(2, Client().get, URL, expect=["Centro"])
    assert few == many
