"""The search page ``/search/``: states, kinds and counts, escaping, permissions, paging,
constant queries; the nav's search box."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from knowledge.models import SearchDocument
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

from .helpers import index

pytestmark = pytest.mark.django_db

URL = reverse("search:search")
A = SearchDocument.Audience


def test_empty_state(client: Any) -> None:
    with translation.override("en"):
        response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="search-empty"' in body
    assert 'data-testid="search-results"' not in body


def test_results_counts_per_kind_and_filter(client: Any) -> None:
    index("Agua para Tacna", kind="project")
    index("Agua de mina", kind="article", body="agua ácida")
    index("Gestión del agua", kind="article")
    response = client.get(URL, {"q": "agua"})
    body = response.content.decode()
    assert body.count('data-testid="search-hit"') == 3
    assert 'data-testid="count-all">3<' in body
    assert 'data-testid="count-article">2<' in body
    assert 'data-testid="count-project">1<' in body
    assert 'data-testid="count-challenge"' not in body

    response = client.get(URL, {"q": "agua", "kind": "article"})
    body = response.content.decode()
    assert body.count('data-testid="search-hit"') == 2
    assert 'data-kind="project"' not in body
    assert 'data-testid="count-all">3<' in body


def test_unknown_kind_means_all_and_bad_page_is_first(client: Any) -> None:
    index("Agua", kind="project")
    response = client.get(URL, {"q": "agua", "kind": "nonsense", "page": "x"})
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="search-hit"') == 1


def test_no_results_state_with_suggestions(client: Any) -> None:
    index("Agua", kind="project")
    response = client.get(URL, {"q": "zzzzqqq"})
    body = response.content.decode()
    assert 'data-testid="no-results"' in body
    assert reverse("members:directory") in body

    response = client.get(URL, {"q": "agua", "kind": "article"})
    body = response.content.decode()
    assert 'data-testid="no-results"' in body
    assert f'href="{URL}?q=agua"' in body


def test_title_and_snippet_escaped(client: Any) -> None:
    index("<script>alert(1)</script> relaves", body="<img src=x onerror=alert(2)> relaves")
    body = client.get(URL, {"q": "relaves"}).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body
    assert "<mark>relaves</mark>" in body


def test_query_reflected_escaped(client: Any) -> None:
    body = client.get(URL, {"q": '"><script>x</script>'}).content.decode()
    assert "<script>x</script>" not in body


@pytest.mark.parametrize(("member", "found"), [(False, 0), (True, 1)])
def test_restricted_rows_never_shown_or_counted(client: Any, member: bool, found: int) -> None:
    company = OrganizationFactory()
    index("Zafiro confidencial", audience=A.ORGANIZATIONS, organizations=[company])
    if member:
        client.force_login(OrganizationMemberFactory(organization=company).user)
    else:
        client.force_login(OrganizationMemberFactory().user)  # another company
    body = client.get(URL, {"q": "zafiro"}).content.decode()
    assert body.count('data-testid="search-hit"') == found
    assert f'data-testid="count-all">{found}<' in body
    assert ("Zafiro confidencial" in body) is bool(found)


def test_paging(client: Any) -> None:
    for number in range(23):
        index(f"Relaves {number:02d}")
    first = client.get(URL, {"q": "relaves"}).content.decode()
    assert first.count('data-testid="search-hit"') == 20
    assert 'rel="next"' in first
    second = client.get(URL, {"q": "relaves", "page": "2"}).content.decode()
    assert second.count('data-testid="search-hit"') == 3
    assert 'rel="prev"' in second


def test_constant_queries(client: Any, max_queries: Any) -> None:
    company = OrganizationFactory()
    client.force_login(OrganizationMemberFactory(organization=company).user)
    index("Relaves uno", audience=A.ORGANIZATIONS, organizations=[company])
    _response, small = _counted(client, max_queries, 6)
    for number in range(12):
        index(f"Relaves {number}", audience=A.MEMBERS, kind="article")
    _response, large = _counted(client, max_queries, small)
    assert large == small


def _counted(client: Any, max_queries: Any, bound: int) -> tuple[Any, int]:
    from tests.queries import run_counted

    return run_counted(bound, client.get, URL, {"q": "relaves"}, expect=["Relaves uno"])


def test_nav_has_a_labelled_search_box(client: Any) -> None:
    with translation.override("en"):
        body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="nav-search"' in body
    assert f'action="{URL}"' in body
    assert '<label class="visually-hidden" for="nav-search-q">Search the portal</label>' in body
