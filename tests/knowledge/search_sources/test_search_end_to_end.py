"""The issue's checks through the whole path: records written → signals → task → index →
``knowledge.selectors.search.search``. Words of a restricted challenge find nothing of it for a
visitor, another company or a partner token, and no count reveals it. The PostgreSQL part
(stemming, accents, synonyms in the database's configurations) runs on PostgreSQL
(``DATABASE_URL=postgres://…``; CI must), the rest on both databases (SQLite's fallback)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from challenges.models import Challenge
from knowledge.models import SearchDocument
from knowledge.search_sources import rebuild
from knowledge.selectors.search import search
from members.models import Organization
from tests.challenges.factories import (
    ChallengeFactory,
    MiningCompanyFactory,
    ProjectFactory,
    ProjectOrganizationFactory,
)
from tests.knowledge.factories import ArticleFactory
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

from .conftest import People

pytestmark = pytest.mark.django_db

Kind = SearchDocument.Kind
IN_CI = os.environ.get("CI", "").lower() == "true"
SECRET_WORDS = ["Quebrada Honda", "quebrada", "Honda", "Cuajone", "piezómetros Honda"]


@dataclass
class World:
    tailings_challenge: Challenge
    restricted: Challenge
    project: Any
    article: Any
    other_company_person: Any


@pytest.fixture
def world(people: People, django_capture_on_commit_callbacks: Any) -> World:
    other_company = MiningCompanyFactory()
    other_person = OrganizationMemberFactory(organization=other_company).user
    with django_capture_on_commit_callbacks(execute=True):
        tailings = ChallengeFactory(
            organization=other_company,
            confidentiality=Challenge.Confidentiality.PUBLIC,
            title="Recuperar agua de los relaves espesados",
            problem="El espesador de relaves pierde agua que la planta necesita.",
            operational_area=Challenge.OperationalArea.TAILINGS,
        )
        restricted = ChallengeFactory(
            organization=people.company,
            confidentiality=Challenge.Confidentiality.RESTRICTED,
            title="Filtración en la presa de relaves Quebrada Honda",
            problem="Los piezómetros Honda de Cuajone marcan filtraciones en el dique de relaves.",
            operational_area=Challenge.OperationalArea.TAILINGS,
            public_title="Detección temprana de filtraciones en un depósito",
            public_summary="Una mina de cobre del sur busca sensores para su depósito.",
        )
        project = ProjectFactory(
            is_public=True,
            title="Piloto de relaves filtrados",
            summary="Filtros prensa para relaves en Moquegua.",
        )
        ProjectOrganizationFactory(project=project, organization=other_company, role="sponsor")
        article = ArticleFactory(
            title="Guía de gestión de relaves",
            summary="Buenas prácticas para depósitos de relaves.",
            body="Estabilidad física y química de los **relaves**.",
        )
    return World(tailings, restricted, project, article, other_person)


def _found(results: Any) -> set[tuple[str, int]]:
    return {(hit.kind, hit.object_id) for hit in results.hits}


def test_the_signals_indexed_the_records(world: World) -> None:
    assert SearchDocument.objects.filter(kind=Kind.CHALLENGE).count() == 3  # 2 + public version
    assert SearchDocument.objects.filter(kind=Kind.PROJECT, object_id=world.project.pk).exists()
    assert SearchDocument.objects.filter(kind=Kind.ARTICLE, object_id=world.article.pk).exists()


@pytest.mark.parametrize("query", ["relaves", "tailings", "relave"])
def test_relaves_finds_the_tailings_challenge_project_and_article(world: World, query: str) -> None:
    results = search(user=AnonymousUser(), q=query, page_size=50)

    found = _found(results)
    assert (Kind.CHALLENGE, world.tailings_challenge.pk) in found
    assert (Kind.PROJECT, world.project.pk) in found
    assert (Kind.ARTICLE, world.article.pk) in found
    # The restricted challenge's public version says nothing of tailings in its words, but its
    # public card's area does ("Relaves y residuos mineros"): found as the public version only.
    urls = {hit.url for hit in results.hits if hit.object_id == world.restricted.pk}
    assert all(hit.title != world.restricted.title for hit in results.hits)
    assert urls <= {f"/challenges/{world.restricted.pk}/"}


def _viewers(people: People, world: World) -> dict[str, dict[str, Any]]:
    return {
        "visitor": {"user": AnonymousUser()},
        "member": {"user": people.member},
        "another company": {"user": world.other_company_person},
        "applicant": {"user": people.applicant},
        "partner token": {
            "token_scopes": {"challenges:read", "public:read", "members:read"},
            "organization_id_of_token": people.partner_org.pk,
        },
        "staff without role": {"user": people.staff_without_role},
    }


@pytest.mark.parametrize("query", SECRET_WORDS)
def test_restricted_words_find_nothing_and_count_nothing(
    people: People, world: World, query: str
) -> None:
    for name, viewer in _viewers(people, world).items():
        results = search(q=query, **viewer)

        assert results.hits == [], name
        assert results.counts == {}, name
        assert results.total == 0, name


@pytest.mark.parametrize("query", ["Quebrada Honda", "Cuajone"])
def test_the_company_and_staff_find_the_original(people: People, world: World, query: str) -> None:
    for person in (people.company_person, people.auditor, people.call_manager):
        results = search(user=person, q=query)

        assert _found(results) == {(Kind.CHALLENGE, world.restricted.pk)}
        assert results.counts == {Kind.CHALLENGE: 1}
        assert results.hits[0].title == world.restricted.title


def test_counts_of_a_shared_word_leave_the_restricted_original_out(
    people: People, world: World
) -> None:
    """ "filtraciones" is in the original and in the public version: a visitor counts the
    public version once; the company counts its original and the public version."""
    visitor = search(user=AnonymousUser(), q="filtraciones")
    company = search(user=people.company_person, q="filtraciones")

    assert visitor.counts.get(Kind.CHALLENGE) == 1
    assert [hit.title for hit in visitor.hits if hit.kind == Kind.CHALLENGE] == [
        "Detección temprana de filtraciones en un depósito"
    ]
    assert company.counts.get(Kind.CHALLENGE) == 2


def test_made_restricted_its_words_disappear_for_a_visitor(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    assert _found(search(user=AnonymousUser(), q="espesados")) == {
        (Kind.CHALLENGE, world.tailings_challenge.pk)
    }

    with django_capture_on_commit_callbacks(execute=True):
        world.tailings_challenge.confidentiality = Challenge.Confidentiality.RESTRICTED
        world.tailings_challenge.save()

    results = search(user=AnonymousUser(), q="espesados")
    assert results.hits == []
    assert results.counts == {}


def test_a_rebuild_changes_no_result(people: People, world: World) -> None:
    before = search(user=people.company_person, q="relaves", page_size=50)

    rebuild()

    after = search(user=people.company_person, q="relaves", page_size=50)
    assert _found(after) == _found(before)
    assert after.counts == before.counts


# --- PostgreSQL: stemming, accents and synonyms in the database ----------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql" and not IN_CI,
    reason="full-text configurations need PostgreSQL (DATABASE_URL=postgres://…)",
)


@postgresql_only
def test_postgresql_mineria_finds_mineria_with_its_accent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    if connection.vendor != "postgresql":
        pytest.fail("CI must run this test on PostgreSQL")
    with django_capture_on_commit_callbacks(execute=True):
        organization = OrganizationFactory(
            trade_name="Servicios de Minería Andina",
            membership_status=Organization.MembershipStatus.ACTIVE,
        )

    for query in ("mineria", "Minería", "MINERIA"):
        results = search(user=AnonymousUser(), q=query)
        assert (Kind.ORGANIZATION, organization.pk) in _found(results), query


@postgresql_only
@pytest.mark.parametrize("query", ["relaves", "relave", "tailings", "Relaves"])
def test_postgresql_relaves_ranks_and_highlights(world: World, query: str) -> None:
    if connection.vendor != "postgresql":
        pytest.fail("CI must run this test on PostgreSQL")
    results = search(user=AnonymousUser(), q=query, page_size=50)

    found = _found(results)
    assert (Kind.CHALLENGE, world.tailings_challenge.pk) in found
    assert (Kind.PROJECT, world.project.pk) in found
    assert (Kind.ARTICLE, world.article.pk) in found
    assert any("<mark>" in hit.snippet for hit in results.hits)
    for word in ("Quebrada", "Cuajone", "piezómetros"):
        assert all(word not in hit.snippet and word not in hit.title for hit in results.hits)
