"""The search selector on the current database: permission filtering before counting and
ranking, ranking, escaped snippets, paging; PostgreSQL-only behaviour at the end (skipped
elsewhere unless in CI, like the concurrency tests)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from knowledge.models import SearchDocument
from knowledge.selectors.search import search, visible_documents
from knowledge.services.search import IndexEntry, index_replace
from members.models import Organization
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

IN_CI = os.environ.get("CI", "").lower() == "true"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql" and not IN_CI,
    reason="full-text search needs PostgreSQL (DATABASE_URL=postgres://…)",
)

A = SearchDocument.Audience
_ids = iter(range(1000, 100000))


def index(
    title: str,
    *,
    kind: str = "challenge",
    audience: str = A.PUBLIC,
    summary: str = "",
    body: str = "",
    language: str = "es",
    organizations: Iterable[Organization] = (),
    staff_permission: str = "",
    object_id: int | None = None,
) -> int:
    pk = object_id if object_id is not None else next(_ids)
    index_replace(
        kind=kind,
        object_id=pk,
        entries=[
            IndexEntry(
                kind=kind,
                object_id=pk,
                title=title,
                url=f"/{kind}/{pk}/",
                audience=audience,
                summary=summary,
                body=body,
                language=language,
                organization_ids=frozenset(o.pk for o in organizations),
                staff_permission=staff_permission,
            )
        ],
    )
    return pk


def titles(results: Any) -> list[str]:
    return [hit.title for hit in results.hits]


@pytest.fixture
def people() -> dict[str, Any]:
    company = OrganizationFactory()
    other = OrganizationFactory()
    lapsed = OrganizationFactory(membership_status=Organization.MembershipStatus.LAPSED)
    return {
        "company": company,
        "other_company": other,
        "visitor": AnonymousUser(),
        "signed_in": UserFactory(),
        "employee": OrganizationMemberFactory(organization=company).user,
        "other": OrganizationMemberFactory(organization=other).user,
        "lapsed": OrganizationMemberFactory(organization=lapsed).user,
        "call_manager": UserFactory(roles=["call_manager"]),
        "editor": UserFactory(roles=["editor"]),
    }


@pytest.fixture
def restricted(people: dict[str, Any]) -> int:
    """A public row, a members row, a row for the company only and a staff-only row, all
    about "relaves"."""
    index("Relaves públicos", body="relaves")
    index("Relaves de miembros", audience=A.MEMBERS, body="relaves")
    pk = index(
        "Relaves confidenciales Zafiro",
        audience=A.ORGANIZATIONS,
        body="relaves zafiro",
        organizations=[people["company"]],
        staff_permission="manage_calls",
    )
    index("Relaves internos", audience=A.STAFF, body="relaves", staff_permission="manage_calls")
    return pk


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("visitor", {"Relaves públicos"}),
        ("signed_in", {"Relaves públicos"}),
        ("lapsed", {"Relaves públicos"}),
        ("other", {"Relaves públicos", "Relaves de miembros"}),
        (
            "employee",
            {"Relaves públicos", "Relaves de miembros", "Relaves confidenciales Zafiro"},
        ),
        (
            "call_manager",
            {"Relaves públicos", "Relaves confidenciales Zafiro", "Relaves internos"},
        ),
        ("editor", {"Relaves públicos"}),
    ],
)
def test_permission_matrix(
    people: dict[str, Any], restricted: int, who: str, expected: set[str]
) -> None:
    results = search(user=people[who], q="relaves")
    assert set(titles(results)) == expected
    assert results.total == len(expected)
    assert results.counts == {"challenge": len(expected)}


@pytest.mark.parametrize("who", ["visitor", "other", "editor"])
def test_restricted_words_find_nothing_and_reveal_no_count(
    people: dict[str, Any], restricted: int, who: str
) -> None:
    results = search(user=people[who], q="zafiro")
    assert results.hits == []
    assert results.total == 0
    assert results.counts == {}


@pytest.mark.parametrize(
    ("scopes", "organization", "expected"),
    [
        ({"public:read"}, "company", {"Relaves públicos"}),
        ({"knowledge:read"}, "company", {"Relaves públicos"}),
        ({"challenges:read"}, None, {"Relaves públicos"}),
        ({"challenges:read"}, "other_company", {"Relaves públicos", "Relaves de miembros"}),
        (
            {"challenges:read"},
            "company",
            {"Relaves públicos", "Relaves de miembros", "Relaves confidenciales Zafiro"},
        ),
    ],
)
def test_partner_tokens(
    people: dict[str, Any],
    restricted: int,
    scopes: set[str],
    organization: str | None,
    expected: set[str],
) -> None:
    organization_id = people[organization].pk if organization else None
    results = search(token_scopes=scopes, organization_id_of_token=organization_id, q="relaves")
    assert set(titles(results)) == expected
    assert results.total == len(expected)


def test_token_of_a_lapsed_organization_sees_public_rows_only(people: dict[str, Any]) -> None:
    index("Relaves de miembros", audience=A.MEMBERS)
    people["company"].membership_status = Organization.MembershipStatus.LAPSED
    people["company"].save()
    results = search(
        token_scopes={"challenges:read"},
        organization_id_of_token=people["company"].pk,
        q="relaves",
    )
    assert results.total == 0


def test_portfolio_scope_reads_every_project_row_but_staff_ones(people: dict[str, Any]) -> None:
    index("Relaves proyecto", kind="project", audience=A.ORGANIZATIONS)
    index("Relaves interno", kind="project", audience=A.STAFF, staff_permission="manage_portfolio")
    results = search(token_scopes={"portfolio:read"}, q="relaves")
    assert titles(results) == ["Relaves proyecto"]


def test_superuser_sees_rows_with_a_staff_permission(restricted: int) -> None:
    boss = UserFactory(is_superuser=True, is_staff=True)
    # Every row naming a staff permission, not the members row (no organization, none named).
    assert set(visible_documents(user=boss).values_list("title", flat=True)) == {
        "Relaves públicos",
        "Relaves confidenciales Zafiro",
        "Relaves internos",
    }


def test_counts_per_kind_and_kind_filter() -> None:
    index("Agua para el valle", kind="project")
    index("Agua de mina", kind="article")
    index("Agua residual", kind="article")
    results = search(q="agua", kinds=["article"])
    assert results.counts == {"project": 1, "article": 2}
    assert results.total == 2
    assert results.total_all_kinds == 3
    assert {hit.kind for hit in results.hits} == {"article"}


def test_title_match_ranks_above_body_match() -> None:
    index("Estudio general", body="Se menciona la flotación de cobre una vez.")
    index("Flotación de cobre")
    results = search(q="flotacion")
    assert titles(results) == ["Flotación de cobre", "Estudio general"]


def test_accents_and_synonyms() -> None:
    index("Minería responsable")
    index("Tailings storage facilities", language="en")
    assert titles(search(q="mineria")) == ["Minería responsable"]
    assert titles(search(q="MINERÍA")) == ["Minería responsable"]
    assert titles(search(q="relaves")) == ["Tailings storage facilities"]


def test_snippets_are_escaped_with_only_mark_tags() -> None:
    index("<script>alert(1)</script>", body="<img src=x onerror=alert(1)> relaves & agua")
    hit = search(q="relaves").hits[0]
    assert hit.title == "<script>alert(1)</script>"  # escaped by the template / serializer
    assert "<img" not in hit.snippet
    assert "alert(1)&gt; <mark>relaves</mark> &amp; agua" in hit.snippet
    assert "<mark>relaves</mark>" in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_title_tag_words_found_and_escaped_in_snippet() -> None:
    index("<script>", summary="<script>alert('x')</script>")
    hit = search(q="script").hits[0]
    assert "<script" not in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_excluded_words_and_phrases() -> None:
    index("Agua y cobre")
    index("Agua potable", body="planta de relaves espesados")
    assert titles(search(q="agua -cobre")) == ["Agua potable"]
    assert titles(search(q='"relaves espesados"')) == ["Agua potable"]
    assert titles(search(q='"espesados relaves"')) == []


def test_empty_query_searches_nothing(django_assert_num_queries: Any) -> None:
    index("Agua")
    with django_assert_num_queries(0):
        results = search(q="  -agua ")
    assert not results.searched
    assert results.total == 0


def test_paging_and_page_past_the_end() -> None:
    for number in range(5):
        index(f"Relaves {number}")
    first = search(q="relaves", page_size=2)
    assert (first.total, first.num_pages, len(first.hits), first.has_next) == (5, 3, 2, True)
    last = search(q="relaves", page=99, page_size=2)
    assert last.page == 3
    assert len(last.hits) == 1
    seen = {h.title for p in (1, 2, 3) for h in search(q="relaves", page=p, page_size=2).hits}
    assert len(seen) == 5


def test_constant_queries(django_assert_max_num_queries: Any, people: dict[str, Any]) -> None:
    employee = people["employee"]
    index("Relaves uno", audience=A.ORGANIZATIONS, organizations=[people["company"]])
    search(user=employee, q="relaves")  # the viewer's organizations are cached afterwards
    with django_assert_max_num_queries(2) as few:
        search(user=employee, q="relaves")
    for number in range(15):
        index(f"Relaves {number}", audience=A.MEMBERS, body="relaves " * number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        results = search(user=employee, q="relaves")
    assert results.total == 16


# --- PostgreSQL only ------------------------------------------------------------------------


@postgresql_only
@pytest.mark.parametrize("query", ["relaves", "relave", "tailings", "RELAVES", "tailing"])
def test_postgresql_relaves_finds_tailings_in_both_languages(query: str) -> None:
    if connection.vendor != "postgresql":
        pytest.fail("CI must run this test on PostgreSQL")
    index("Depósito de relaves en Arequipa", body="Espesamiento de relaves.")
    index("Tailings dam monitoring", language="en", body="Sensors for tailings dams.")
    index("Chancado primario")
    assert set(titles(search(q=query))) == {
        "Depósito de relaves en Arequipa",
        "Tailings dam monitoring",
    }


@postgresql_only
def test_postgresql_accents_stemming_and_typos() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("CI must run this test on PostgreSQL")
    index("Minería responsable en el sur", body="La minería del sur.")
    index("Relaves espesados", body="planta")
    assert titles(search(q="mineria")) == ["Minería responsable en el sur"]
    assert titles(search(q="relavez")) == ["Relaves espesados"]


@postgresql_only
def test_postgresql_websearch_syntax() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("CI must run this test on PostgreSQL")
    index("Agua y cobre")
    index("Agua para la comunidad", body="planta de tratamiento de agua ácida")
    index("Water treatment", language="en")
    assert set(titles(search(q="agua -cobre"))) == {"Agua para la comunidad", "Water treatment"}
    assert titles(search(q='"agua ácida"')) == ["Agua para la comunidad"]
    assert set(titles(search(q="cobre or comunidad"))) == {
        "Agua y cobre",
        "Agua para la comunidad",
    }


@postgresql_only
def test_postgresql_headline_marks_and_escapes() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("CI must run this test on PostgreSQL")
    index("Informe", body="<b>Planta</b> & <script>x</script> de relaves en Moquegua")
    hit = search(q="relaves").hits[0]
    assert "<mark>relaves</mark>" in hit.snippet
    assert "&lt;script&gt;x&lt;/script&gt;" in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
