"""GET /api/v1/knowledge/regulatory-barriers/ and {id}/: knowledge:read reads public and
members-only barriers, public:read the public ones, people what the pages show them, anonymous
callers 401; the shape (endorsement count, history, linked ids the caller may see); filters
and bad values; constant queries at two sizes; read only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from challenges.models import Challenge
from knowledge.models import BarrierStatusChange, RegulatoryBarrier
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.challenges.factories import ChallengeFactory, ProjectFactory
from tests.knowledge.barriers.world import (
    BarrierFactory,
    EndorsementFactory,
    client_for,
    members_only,
    person,
)
from tests.members.factories import CapabilityFactory, OrganizationFactory
from tests.queries import run_counted

pytestmark = pytest.mark.django_db
LIST = "/api/v1/knowledge/regulatory-barriers/"
Status = RegulatoryBarrier.Status


def token(*scopes: str) -> Client:
    partner = PartnerClientFactory(organization=OrganizationFactory(), allowed_scopes=list(scopes))
    response = request_token(Client(), partner, " ".join(scopes))
    assert response.status_code == 200, response.content
    return Client(HTTP_ACCEPT_LANGUAGE="en", **bearer(response.json()["access_token"]))


def codes(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


#: caller → (reads members-only barriers)
CALLERS = {
    "knowledge_token": True,
    "public_token": False,
    "visitor_person": False,
    "member_person": True,
    "auditor": True,
}


def caller(name: str) -> Client:
    if name == "knowledge_token":
        return token("knowledge:read")
    if name == "public_token":
        return token("public:read")
    role = {"visitor_person": "outsider", "member_person": "member", "auditor": "auditor"}[name]
    user, _org = person(role)
    return client_for(user)


@pytest.mark.parametrize("name", CALLERS)
def test_who_reads_which_barrier(name: str) -> None:
    public = BarrierFactory()
    private = members_only()
    client = caller(name)
    expected = {public.code, private.code} if CALLERS[name] else {public.code}
    assert codes(client.get(LIST)) == expected
    assert client.get(f"{LIST}{public.pk}/").status_code == 200
    assert client.get(f"{LIST}{private.pk}/").status_code == (200 if CALLERS[name] else 404)


def test_anonymous_callers_get_401_and_other_scopes_403() -> None:
    BarrierFactory()
    assert Client().get(LIST).status_code == 401
    response = token("members:read").get(LIST)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "insufficient_scope"
    assert "knowledge:read" in error["detail"]


def test_writes_are_not_allowed() -> None:
    barrier = BarrierFactory()
    client = token("knowledge:read")
    assert client.post(LIST, {}).status_code in (403, 405)
    assert client.delete(f"{LIST}{barrier.pk}/").status_code in (403, 405)
    assert RegulatoryBarrier.objects.filter(pk=barrier.pk).exists()


def test_the_shape_with_history_count_and_linked_ids_the_caller_may_see() -> None:
    stage = CapabilityFactory(dimension="value_chain", slug="refinacion-k2api")
    barrier = BarrierFactory(value_chain_stage=stage, status=Status.DOCUMENTED, case_number="")
    BarrierStatusChange.objects.create(barrier=barrier, from_status="", to_status="identified")
    BarrierStatusChange.objects.create(
        barrier=barrier, from_status="identified", to_status="documented", note="Con pruebas."
    )
    EndorsementFactory(barrier=barrier)
    EndorsementFactory(barrier=barrier)
    public_challenge = ChallengeFactory(confidentiality=Challenge.Confidentiality.PUBLIC)
    members_challenge = ChallengeFactory(confidentiality=Challenge.Confidentiality.MEMBERS)
    restricted = ChallengeFactory(confidentiality=Challenge.Confidentiality.RESTRICTED)
    public_project = ProjectFactory(is_public=True)
    private_project = ProjectFactory(is_public=False)
    barrier.challenges.set([public_challenge, members_challenge, restricted])
    barrier.projects.set([public_project, private_project])

    row = token("public:read").get(f"{LIST}{barrier.pk}/").json()
    assert row["code"] == barrier.code
    assert row["rule"] == barrier.rule
    assert row["authority"] == barrier.authority
    assert row["estimated_cost"] == {"amount": "250000.00", "currency": "PEN"}
    assert row["estimated_delay_days"] == 240
    assert row["value_chain_stage"]["code"] == "refinacion-k2api"
    assert row["status"] == "documented"
    assert row["endorsement_count"] == 2
    assert [(h["from_status"], h["to_status"], h["note"]) for h in row["status_history"]] == [
        ("", "identified", ""),
        ("identified", "documented", "Con pruebas."),
    ]
    assert row["challenge_ids"] == [public_challenge.pk]
    assert row["project_ids"] == [public_project.pk]
    assert row["url"].endswith(f"/knowledge/barriers/{barrier.code}/")

    auditor, _ = person("auditor")
    row = client_for(auditor).get(f"{LIST}{barrier.pk}/").json()
    assert sorted(row["challenge_ids"]) == sorted(
        [public_challenge.pk, members_challenge.pk, restricted.pk]
    )
    assert sorted(row["project_ids"]) == sorted([public_project.pk, private_project.pk])


def test_filters_and_bad_values() -> None:
    stage = CapabilityFactory(dimension="value_chain", slug="fundicion-k2api")
    water = BarrierFactory(authority="Autoridad Nacional del Agua", value_chain_stage=stage)
    mines = BarrierFactory(authority="MINEM", status=Status.PROPOSED)
    client = token("public:read")
    assert codes(client.get(LIST, {"status": "proposed"})) == {mines.code}
    assert codes(client.get(LIST, {"authority": "agua"})) == {water.code}
    assert codes(client.get(LIST, {"stage": "fundicion-k2api"})) == {water.code}
    assert codes(client.get(LIST, {"search": mines.code})) == {mines.code}
    assert client.get(LIST, {"status": "closed"}).status_code == 400
    assert client.get(LIST, {"stage": "no such code!"}).status_code == 400
    assert client.get(LIST, {"ordering": "title"}).status_code == 400


@pytest.mark.parametrize("name", ["knowledge_token", "member_person"])
def test_constant_queries(name: str) -> None:
    client = caller(name)

    def rows(n: int) -> list[RegulatoryBarrier]:
        made = []
        for _ in range(n):
            barrier = BarrierFactory()
            EndorsementFactory(barrier=barrier)
            BarrierStatusChange.objects.create(barrier=barrier, to_status="identified")
            barrier.challenges.add(ChallengeFactory(confidentiality="public"))
            barrier.projects.add(ProjectFactory(is_public=True))
            made.append(barrier)
        return made

    few = rows(2)
    bound = 7 if name == "knowledge_token" else 8  # measured
    _, first = run_counted(bound, client.get, LIST, expect=[few[0].code])
    more = rows(10)
    _, second = run_counted(bound, client.get, LIST, expect=[more[-1].code])
    assert second == first
