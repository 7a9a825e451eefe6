"""Each builder's visibility columns say exactly what its app's predicates say: for every
state of every record type and every kind of person, "some row of the record is visible"
(the search selector's rule, ``conftest.row_visible``) equals the predicate."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone, translation

from challenges import permissions as challenge_permissions
from challenges.models import Call, Challenge, Project, ProposalPartner
from knowledge import permissions as knowledge_permissions
from knowledge.models import Article, RegulatoryBarrier, SearchDocument, ValueOpportunity
from knowledge.search_sources import SOURCES, STAFF_READERS, entries_for
from members.models import Organization
from members.permissions import can_view_organization
from missions.models import Mission
from missions.permissions import can_view_mission
from tests.challenges.factories import (
    CallFactory,
    ChallengeFactory,
    ProjectFactory,
    ProjectOrganizationFactory,
    ProposalFactory,
    ProposalPartnerFactory,
)
from tests.knowledge.factories import (
    ArticleFactory,
    RegulatoryBarrierFactory,
    TopicFactory,
    ValueOpportunityFactory,
)
from tests.members.factories import CapabilityFactory
from tests.missions.factories import MissionFactory

from .conftest import People, any_visible, row_visible

pytestmark = pytest.mark.django_db

Audience = SearchDocument.Audience
Kind = SearchDocument.Kind


def _entries(kind: str, record: Any) -> list[Any]:
    return entries_for(kind, record.pk)


def _agrees(entries: list[Any], predicate: Any, people: People, record: Any) -> None:
    for name, person in people.everyone().items():
        assert any_visible(entries, person) == bool(predicate(person, record)), name


def test_every_kind_has_a_source() -> None:
    assert set(SOURCES) == set(Kind.values)


# --- Organizations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "is_public", "audience"),
    [
        (Organization.MembershipStatus.ACTIVE, True, Audience.PUBLIC),
        (Organization.MembershipStatus.ACTIVE, False, Audience.MEMBERS),
        (Organization.MembershipStatus.APPLICANT, True, Audience.ORGANIZATIONS),
        (Organization.MembershipStatus.SUSPENDED, True, Audience.ORGANIZATIONS),
        (Organization.MembershipStatus.LAPSED, False, Audience.ORGANIZATIONS),
    ],
)
def test_organization(people: People, status: str, is_public: bool, audience: str) -> None:
    organization = people.company
    organization.membership_status = status
    organization.is_public = is_public
    organization.capabilities.set([CapabilityFactory(name_es="Relaves", name_en="Tailings")])
    organization.save()

    [entry] = _entries(Kind.ORGANIZATION, organization)

    assert entry.audience == audience
    assert entry.staff_permission == STAFF_READERS
    assert entry.url == f"/members/organizations/{organization.pk}/"
    assert entry.title == organization.display_name
    assert "Relaves Tailings" in entry.body
    assert organization.ruc in entry.body
    if audience == Audience.ORGANIZATIONS:
        assert entry.organization_ids == {organization.pk}
    _agrees([entry], can_view_organization, people, organization)


# --- Calls ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "audience"),
    [
        (Call.Status.DRAFT, Audience.STAFF),
        (Call.Status.SCHEDULED, Audience.PUBLIC),
        (Call.Status.OPEN, Audience.PUBLIC),
        (Call.Status.CLOSED, Audience.PUBLIC),
        (Call.Status.IN_EVALUATION, Audience.PUBLIC),
        (Call.Status.DECIDED, Audience.PUBLIC),
        (Call.Status.ARCHIVED, Audience.PUBLIC),
    ],
)
def test_call(people: People, status: str, audience: str) -> None:
    call = CallFactory(status=status, description="Reducir **paradas** de fajas.")

    [entry] = _entries(Kind.CALL, call)

    assert entry.audience == audience
    assert entry.url == f"/challenges/calls/{call.code}/"
    assert call.title_en in entry.summary  # bilingual: one row, both languages
    assert "Reducir paradas de fajas." in entry.body  # Markdown as plain words
    assert "**" not in entry.body
    _agrees([entry], challenge_permissions.can_view_call, people, call)


# --- Challenges ----------------------------------------------------------------------------------

CHALLENGE_CASES = [
    (status, confidentiality, public_version)
    for status in Challenge.Status.values
    for confidentiality in Challenge.Confidentiality.values
    for public_version in (False, True)
    if public_version is False or confidentiality == Challenge.Confidentiality.RESTRICTED
]


@pytest.mark.parametrize(("status", "confidentiality", "public_version"), CHALLENGE_CASES)
def test_challenge(people: People, status: str, confidentiality: str, public_version: bool) -> None:
    extra: dict[str, Any] = {}
    if status == Challenge.Status.MERGED:
        extra["merged_into"] = ChallengeFactory(organization=people.company)
    challenge = ChallengeFactory(
        organization=people.company,
        status=status,
        confidentiality=confidentiality,
        title="Filtración en la presa Quebrada Honda",
        problem="El dique de relaves de Quebrada Honda filtra agua ácida.",
        site="Unidad Cuajone",
        operational_area=Challenge.OperationalArea.TAILINGS,
        public_title="Filtraciones en un depósito de relaves" if public_version else "",
        public_summary="Una mina de cobre del sur busca detectar filtraciones."
        if public_version
        else "",
        **extra,
    )

    entries = _entries(Kind.CHALLENGE, challenge)
    original = next(e for e in entries if e.variant == "")

    assert original.url == f"/challenges/{challenge.pk}/"
    assert original.staff_permission == STAFF_READERS
    assert "Quebrada Honda" in original.title + original.summary
    # Both languages of the operational area's label: "relaves" and "tailings" find it.
    assert "Tailings" in original.body
    with translation.override("es"):
        assert str(Challenge.OperationalArea.TAILINGS.label) in original.body
    for name, person in people.everyone().items():
        assert row_visible(original, person) == challenge_permissions.can_view_challenge_original(
            person, challenge
        ), name
    _agrees(entries, challenge_permissions.can_view_challenge, people, challenge)

    published = status == Challenge.Status.ACCEPTED
    restricted = confidentiality == Challenge.Confidentiality.RESTRICTED
    if published and restricted and public_version:
        public = next(e for e in entries if e.variant == "public")
        assert public.audience == Audience.PUBLIC
        assert public.url == original.url
        assert public.title == "Filtraciones en un depósito de relaves"
        # Nothing of the original's own words (title, problem, site, company) in it.
        text = f"{public.title} {public.summary} {public.body}"
        for word in ("Quebrada", "Honda", "Cuajone", "ácida", people.company.display_name):
            assert word not in text
        assert len(entries) == 2
    else:
        assert len(entries) == 1


# --- Proposals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("partner_status", [None, *ProposalPartner.Status.values])
def test_proposal(people: People, partner_status: str | None) -> None:
    proposal = ProposalFactory(lead_organization=people.company)
    if partner_status is not None:
        ProposalPartnerFactory(
            proposal=proposal, organization=people.partner_org, status=partner_status
        )

    [entry] = _entries(Kind.PROPOSAL, proposal)

    assert entry.audience == Audience.ORGANIZATIONS
    assert entry.staff_permission == STAFF_READERS
    assert entry.url == f"/challenges/proposals/{proposal.pk}/"
    assert people.company.pk in entry.organization_ids
    fresh = type(proposal).objects.prefetch_related("partners").get(pk=proposal.pk)
    _agrees([entry], challenge_permissions.can_view_proposal, people, fresh)


# --- Projects ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("is_public", "public_site"), [(False, False), (True, False), (True, True)]
)
def test_project(people: People, is_public: bool, public_site: bool) -> None:
    project = ProjectFactory(
        is_public=is_public,
        public_site=public_site,
        title_en="Thickener pilot",
        site="Planta Toquepala, espesador 3",
    )
    ProjectOrganizationFactory(project=project, organization=people.company, role="sponsor")
    ProjectOrganizationFactory(project=project, organization=people.partner_org, role="lead")

    [entry] = _entries(Kind.PROJECT, project)

    assert "Thickener pilot" in entry.body
    assert people.company.display_name in entry.body
    if is_public:
        assert entry.audience == Audience.PUBLIC
        assert entry.url == f"/challenges/showcase/{project.code}/"
        assert ("Toquepala" in entry.body) is public_site
    else:
        assert entry.audience == Audience.ORGANIZATIONS
        assert entry.organization_ids == {people.company.pk, people.partner_org.pk}
        assert entry.url == f"/challenges/projects/{project.pk}/"
        assert "Toquepala" in entry.body
    fresh = Project.objects.prefetch_related("participants").get(pk=project.pk)
    _agrees([entry], challenge_permissions.can_view_public_project, people, fresh)


def test_private_project_without_organizations_is_for_staff(people: People) -> None:
    project = ProjectFactory(is_public=False)

    [entry] = _entries(Kind.PROJECT, project)

    assert entry.audience == Audience.STAFF
    assert not any_visible([entry], people.company_person)
    assert any_visible([entry], people.auditor)


# --- Missions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "published", "audience"),
    [
        (Mission.Status.DRAFT, False, Audience.STAFF),
        (Mission.Status.OPEN, True, Audience.PUBLIC),
        (Mission.Status.OPEN, False, Audience.STAFF),  # no publish date: not published
        (Mission.Status.CANCELLED, True, Audience.PUBLIC),
    ],
)
def test_mission(people: People, status: str, published: bool, audience: str) -> None:
    mission = MissionFactory(status=status, published_at=timezone.now() if published else None)

    [entry] = _entries(Kind.MISSION, mission)

    assert entry.audience == audience
    assert entry.url == f"/missions/{mission.slug}/"
    assert mission.title_en in entry.summary
    _agrees([entry], can_view_mission, people, mission)


# --- Knowledge -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", Article.Status.values)
@pytest.mark.parametrize("visibility", ["public", "members"])
def test_article(people: People, status: str, visibility: str) -> None:
    article = ArticleFactory(
        status=status,
        visibility=visibility,
        language="en" if visibility == "members" else "es",
        author_organization=people.partner_org,
        topics=[TopicFactory(name_es="Agua", name_en="Water")],
    )

    [entry] = _entries(Kind.ARTICLE, article)

    readable = status in {Article.Status.PUBLISHED, Article.Status.ARCHIVED}
    expected = (
        (Audience.PUBLIC if visibility == "public" else Audience.MEMBERS)
        if readable
        else (Audience.STAFF)
    )
    assert entry.audience == expected
    assert entry.language == article.language
    assert entry.url == f"/knowledge/articles/{article.slug}/"
    assert "Agua Water" in entry.body
    assert people.partner_org.display_name in entry.body
    assert "**" not in entry.body
    _agrees([entry], knowledge_permissions.can_view_article, people, article)


@pytest.mark.parametrize("status", RegulatoryBarrier.Status.values)
@pytest.mark.parametrize("visibility", ["public", "members"])
def test_barrier(people: People, status: str, visibility: str) -> None:
    barrier = RegulatoryBarrierFactory(status=status, visibility=visibility)

    [entry] = _entries(Kind.BARRIER, barrier)

    assert entry.audience == (Audience.PUBLIC if visibility == "public" else Audience.MEMBERS)
    assert entry.url == f"/knowledge/barriers/{barrier.code}/"
    assert barrier.authority in entry.body
    _agrees([entry], knowledge_permissions.can_view_barrier, people, barrier)


@pytest.mark.parametrize("status", ValueOpportunity.Status.values)
@pytest.mark.parametrize("visibility", ["public", "members"])
def test_opportunity(people: People, status: str, visibility: str) -> None:
    opportunity = ValueOpportunityFactory(status=status, visibility=visibility)

    [entry] = _entries(Kind.OPPORTUNITY, opportunity)

    if status == ValueOpportunity.Status.PUBLISHED:
        assert entry.audience == (Audience.PUBLIC if visibility == "public" else Audience.MEMBERS)
    else:
        assert entry.audience == Audience.STAFF
    assert entry.title == opportunity.product
    assert opportunity.product_en in entry.summary
    assert opportunity.hs_code in entry.body
    assert entry.url == f"/knowledge/opportunities/{opportunity.slug}/"
    _agrees([entry], knowledge_permissions.can_view_opportunity, people, opportunity)


def test_a_record_that_is_gone_has_no_entries(db: Any) -> None:
    assert entries_for(Kind.BARRIER, 987654) == []
