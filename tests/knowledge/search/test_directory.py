"""The member directory's text search ignores accents and case ("Mineria" finds "Minería"),
on the page and the API, with a constant number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.members.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

URL = reverse("members:directory")


@pytest.fixture
def organizations() -> None:
    OrganizationFactory(legal_name="Minería Andina S.A.C.", trade_name="Andina")
    OrganizationFactory(legal_name="Servicios Pérez E.I.R.L.", description="Fundición y moldes")
    OrganizationFactory(legal_name="Logística Sur S.A.C.", description="Transporte")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Mineria", {"Minería Andina S.A.C."}),
        ("MINERÍA", {"Minería Andina S.A.C."}),
        ("minería", {"Minería Andina S.A.C."}),
        ("perez", {"Servicios Pérez E.I.R.L."}),
        ("fundicion", {"Servicios Pérez E.I.R.L."}),
        ("nada", set()),
    ],
)
def test_directory_search_ignores_accents(
    client: Any, organizations: None, query: str, expected: set[str]
) -> None:
    body = client.get(URL, {"q": query}).content.decode()
    names = {"Minería Andina S.A.C.", "Servicios Pérez E.I.R.L.", "Logística Sur S.A.C."}
    shown = {name for name in names if name in body}
    assert shown == expected


def test_directory_api_search_ignores_accents(client: Any, organizations: None) -> None:
    from tests.members.factories import OrganizationMemberFactory

    member = OrganizationMemberFactory(organization__description="Consultoría").user
    client.force_login(member)
    response = client.get("/api/v1/organizations/", {"q": "mineria"})
    assert response.status_code == 200, response.content
    names = [row.get("legal_name") or row.get("name") for row in response.json()["results"]]
    assert names == ["Minería Andina S.A.C."]


def test_directory_search_constant_queries(client: Any, max_queries: Any) -> None:
    OrganizationFactory(legal_name="Minería Uno S.A.C.")
    _response, small = _count(client, 30)
    for number in range(8):
        OrganizationFactory(legal_name=f"Minería {number} S.A.C.")
    _response, large = _count(client, small)
    assert large == small


def _count(client: Any, bound: int) -> tuple[Any, int]:
    from tests.queries import run_counted

    return run_counted(bound, client.get, URL, {"q": "mineria"}, expect=["Minería Uno S.A.C."])
