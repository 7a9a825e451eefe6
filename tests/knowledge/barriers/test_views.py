"""Public pages of the barrier register: who sees which barrier (list and page), filters,
the endorsing form (matrix: only admins of active member organizations endorse; the allowed
case asserts the row), withdrawing, linked challenges and projects shown only to those who may
see them, and constant query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from challenges.models import Challenge
from knowledge.models import BarrierEndorsement, BarrierStatusChange, RegulatoryBarrier
from tests.challenges.factories import ChallengeFactory, ProjectFactory
from tests.knowledge.barriers.world import (
    PEOPLE,
    BarrierFactory,
    EndorsementFactory,
    admin_of,
    client_for,
    members_only,
    person,
)
from tests.members.factories import CapabilityFactory, OrganizationFactory
from tests.queries import run_counted

pytestmark = pytest.mark.django_db
Status = RegulatoryBarrier.Status
LIST = reverse("knowledge:barrier_list")


def detail(barrier: RegulatoryBarrier) -> str:
    return reverse("knowledge:barrier_detail", args=[barrier.code])


def endorse_url(barrier: RegulatoryBarrier) -> str:
    return reverse("knowledge:barrier_endorse", args=[barrier.code])


#: Who reads a members-only barrier: people of active member organizations and staff readers.
READS_MEMBERS_ONLY = {"member", "member_admin", "auditor", "editor"}


@pytest.mark.parametrize("role", PEOPLE)
def test_reading_matrix(role: str) -> None:
    public = BarrierFactory(title="Barrera pública del agua")
    private = members_only(title="Barrera de socios sobre relaves")
    user, _org = person(role)
    client = client_for(user)
    listing = client.get(LIST).content.decode()
    assert public.title in listing
    assert (private.title in listing) == (role in READS_MEMBERS_ONLY)
    assert client.get(detail(public)).status_code == 200
    assert client.get(detail(private)).status_code == (200 if role in READS_MEMBERS_ONLY else 404)


def test_an_unknown_code_is_not_found() -> None:
    assert client_for(None).get("/knowledge/barriers/CMSP-BAR-1999-9999/").status_code == 404


def test_the_page_shows_every_field_the_history_and_the_endorsers() -> None:
    stage = CapabilityFactory(dimension="value_chain", slug="refinacion-k2", name_en="Refining")
    barrier = BarrierFactory(
        value_chain_stage=stage, case_number="Exp. 000123-2026/CEB", status=Status.IN_DIALOGUE
    )
    BarrierStatusChange.objects.create(barrier=barrier, from_status="", to_status="identified")
    endorsement = EndorsementFactory(barrier=barrier, statement="Seis meses de espera.")
    private_org = OrganizationFactory(is_public=False, legal_name="Minera Discreta S.A.")
    EndorsementFactory(barrier=barrier, organization=private_org)
    with translation.override("en"):
        body = client_for(None).get(detail(barrier)).content.decode()
    for text in (
        barrier.rule,
        barrier.rule_article,
        barrier.authority,
        barrier.manifestation,
        "Refining",
        "Exp. 000123-2026/CEB",
        "240 days",
        barrier.improvement_proposal,
        "Recorded as Identified",
        endorsement.organization.display_name,
        "Seis meses de espera.",
        reverse("members:organization_detail", args=[endorsement.organization.pk]),
    ):
        assert text in body, text
    # A private profile's name is not shown to visitors; the count says it is there.
    assert private_org.display_name not in body
    assert 'data-testid="endorsers-hidden"' in body
    member = admin_of().user
    assert private_org.display_name in client_for(member).get(detail(barrier)).content.decode()


def test_linked_challenges_and_projects_show_only_what_the_reader_may_see() -> None:
    barrier = BarrierFactory()
    public = ChallengeFactory(
        confidentiality=Challenge.Confidentiality.PUBLIC, title="Relaves filtrados públicos"
    )
    restricted = ChallengeFactory(
        confidentiality=Challenge.Confidentiality.RESTRICTED, title="Secreto de la mina"
    )
    open_project = ProjectFactory(is_public=True, title="Proyecto vitrina")
    closed_project = ProjectFactory(is_public=False, title="Proyecto reservado")
    barrier.challenges.set([public, restricted])
    barrier.projects.set([open_project, closed_project])
    body = client_for(None).get(detail(barrier)).content.decode()
    assert "Relaves filtrados públicos" in body
    assert "Secreto de la mina" not in body
    assert "Proyecto vitrina" in body
    assert "Proyecto reservado" not in body
    staff, _ = person("auditor")
    body = client_for(staff).get(detail(barrier)).content.decode()
    assert "Secreto de la mina" in body
    assert "Proyecto reservado" in body


# --- Endorsing ---------------------------------------------------------------------------------

#: (status, endorsement written) by role: visitors go to the login page; the others are sent
#: back to the page with the reason, except the admin of an active member organization.
ENDORSE = {
    "visitor": (302, False),
    "outsider": (302, False),
    "member": (302, False),
    "member_admin": (302, True),
    "applicant_admin": (302, False),
    "auditor": (302, False),
    "editor": (302, False),
}


@pytest.mark.parametrize("role", PEOPLE)
def test_endorsing_matrix(role: str) -> None:
    barrier = BarrierFactory()
    user, organization = person(role)
    org = organization or OrganizationFactory()
    response = client_for(user).post(
        endorse_url(barrier), {"organization": org.pk, "statement": "Nos afecta."}
    )
    status, written = ENDORSE[role]
    assert response.status_code in (status, 400)
    if role == "visitor":
        assert "/accounts/login/" in response["Location"]
    assert BarrierEndorsement.objects.filter(barrier=barrier).exists() == written
    if written:
        endorsement = BarrierEndorsement.objects.get()
        assert (endorsement.organization, endorsement.statement) == (org, "Nos afecta.")
        assert endorsement.endorsed_by == user


def test_the_form_is_shown_to_org_admins_and_one_click_endorses() -> None:
    barrier = BarrierFactory()
    admin = admin_of()
    client = client_for(admin.user)
    body = client.get(detail(barrier)).content.decode()
    assert 'data-testid="endorse-form"' in body
    response = client.post(endorse_url(barrier), {"organization": admin.organization.pk})
    assert response.status_code == 302
    assert BarrierEndorsement.objects.get().statement == ""
    body = client.get(detail(barrier)).content.decode()
    assert 'data-testid="unendorse-form"' in body
    with translation.override("en"):
        assert "Update the statement" in client.get(detail(barrier)).content.decode()


def test_a_plain_member_sees_no_form_and_a_closed_barrier_says_so() -> None:
    barrier = BarrierFactory()
    member, _org = person("member")
    body = client_for(member).get(detail(barrier)).content.decode()
    assert 'data-testid="endorse-form"' not in body
    assert 'data-testid="endorse-hint"' in body
    closed = BarrierFactory(status=Status.DROPPED)
    admin = admin_of()
    body = client_for(admin.user).get(detail(closed)).content.decode()
    assert 'data-testid="endorse-form"' not in body
    assert 'data-testid="endorse-closed"' in body


def test_a_too_long_statement_comes_back_on_the_form() -> None:
    barrier = BarrierFactory()
    admin = admin_of()
    response = client_for(admin.user).post(
        endorse_url(barrier), {"organization": admin.organization.pk, "statement": "x" * 1001}
    )
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in response.content.decode()
    assert not BarrierEndorsement.objects.exists()


def test_an_admin_withdraws_and_another_cannot() -> None:
    barrier = BarrierFactory()
    admin = admin_of()
    EndorsementFactory(barrier=barrier, organization=admin.organization)
    url = reverse("knowledge:barrier_unendorse", args=[barrier.code])
    other = admin_of()
    client_for(other.user).post(url, {"organization": admin.organization.pk})
    assert BarrierEndorsement.objects.count() == 1
    response = client_for(admin.user).post(url, {"organization": admin.organization.pk})
    assert response.status_code == 302
    assert not BarrierEndorsement.objects.exists()


def test_nobody_endorses_a_barrier_they_may_not_see() -> None:
    barrier = members_only()
    applicant_admin, organization = person("applicant_admin")
    response = client_for(applicant_admin).post(
        endorse_url(barrier), {"organization": organization.pk}
    )
    assert response.status_code == 404
    assert not BarrierEndorsement.objects.exists()


# --- Filters -----------------------------------------------------------------------------------


def test_filters_by_status_authority_stage_and_my_endorsements() -> None:
    stage = CapabilityFactory(dimension="value_chain", slug="fundicion-k2f")
    a = BarrierFactory(title="Barrera A", authority="ANA", value_chain_stage=stage)
    BarrierFactory(title="Barrera B", authority="MINEM", status=Status.PROPOSED)
    admin = admin_of()
    EndorsementFactory(barrier=a, organization=admin.organization)
    client = client_for(admin.user)

    def titles(**params: str) -> set[str]:
        body = client.get(LIST, params).content.decode()
        return {t for t in ("Barrera A", "Barrera B") if t in body}

    assert titles() == {"Barrera A", "Barrera B"}
    assert titles(status="proposed") == {"Barrera B"}
    assert titles(authority="ANA") == {"Barrera A"}
    assert titles(stage="fundicion-k2f") == {"Barrera A"}
    assert titles(endorsed="on") == {"Barrera A"}
    assert titles(status="nonsense") == {"Barrera A", "Barrera B"}
    assert 'data-testid="endorsed-by-mine"' in client.get(LIST).content.decode()


# --- Query counts ------------------------------------------------------------------------------


def _rows(n: int) -> list[RegulatoryBarrier]:
    stage = CapabilityFactory(dimension="value_chain", slug="fundicion-k2q")
    barriers = [BarrierFactory(value_chain_stage=stage) for _ in range(n)]
    for barrier in barriers:
        EndorsementFactory(barrier=barrier)
    return barriers


@pytest.mark.parametrize(("role", "bound"), [("visitor", 4), ("member_admin", 8)])
def test_the_list_runs_constant_queries(role: str, bound: int) -> None:
    """Measured: 4 for a visitor (authorities, stages, count, page); 8 signed in (the
    session, the person and their organizations come on top)."""
    user, _org = person(role)
    client = client_for(user)
    few = _rows(2)
    _, first = run_counted(bound, client.get, LIST, expect=[few[0].title])
    more = _rows(10)
    _, second = run_counted(bound, client.get, LIST, expect=[more[-1].title])
    assert second == first


def test_the_page_runs_constant_queries() -> None:
    barrier = BarrierFactory()
    admin = admin_of()
    client = client_for(admin.user)
    url = detail(barrier)

    def link(n: int) -> None:
        for _ in range(n):
            EndorsementFactory(barrier=barrier, statement="Apoyo.")
            barrier.challenges.add(ChallengeFactory(confidentiality="public"))
            barrier.projects.add(ProjectFactory(is_public=True))
            BarrierStatusChange.objects.create(barrier=barrier, to_status="identified")

    link(1)
    _, first = run_counted(13, client.get, url, expect=[barrier.title])  # measured: 13
    link(5)
    _, second = run_counted(13, client.get, url, expect=[barrier.title])
    assert second == first
