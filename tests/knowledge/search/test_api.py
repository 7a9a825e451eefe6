"""``GET /api/v1/search/``: who may call it, the same visibility as the page, shape, paging,
bad input, constant queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from knowledge.models import SearchDocument
from members.models import Organization
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

from .helpers import index

pytestmark = pytest.mark.django_db

URL = reverse("api:search")
A = SearchDocument.Audience


def token_client(scopes: tuple[str, ...], organization: Organization | None = None) -> Client:
    partner = PartnerClientFactory(
        allowed_scopes=list(scopes),
        **({"organization": organization} if organization is not None else {}),
    )
    response = request_token(Client(), partner, " ".join(scopes))
    assert response.status_code == 200, response.content
    return Client(HTTP_ACCEPT_LANGUAGE="en", **bearer(response.json()["access_token"]))


@pytest.fixture
def company() -> Organization:
    return OrganizationFactory()


@pytest.fixture
def rows(company: Organization) -> None:
    index("Relaves públicos", body="relaves")
    index("Relaves de miembros", audience=A.MEMBERS)
    index("Relaves Zafiro", audience=A.ORGANIZATIONS, organizations=[company])


def found(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {hit["title"] for hit in response.json()["results"]}


def test_anonymous_is_401() -> None:
    response = Client().get(URL, {"q": "relaves"})
    assert response.status_code == 401


@pytest.mark.parametrize("scopes", [("webhooks:manage",), ("challenges:write",)])
def test_token_without_a_read_scope_is_403(scopes: tuple[str, ...]) -> None:
    response = token_client(scopes).get(URL, {"q": "relaves"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("public_token", {"Relaves públicos"}),
        ("knowledge_token", {"Relaves públicos"}),
        ("challenges_token_other", {"Relaves públicos", "Relaves de miembros"}),
        ("challenges_token_own", {"Relaves públicos", "Relaves de miembros", "Relaves Zafiro"}),
        ("person_no_org", {"Relaves públicos"}),
        ("person_other", {"Relaves públicos", "Relaves de miembros"}),
        ("person_own", {"Relaves públicos", "Relaves de miembros", "Relaves Zafiro"}),
    ],
)
def test_visibility_matrix(rows: None, company: Organization, who: str, expected: set[str]) -> None:
    if who == "public_token":
        client = token_client(("public:read",), company)
    elif who == "knowledge_token":
        client = token_client(("knowledge:read",), company)
    elif who == "challenges_token_other":
        client = token_client(("challenges:read",))
    elif who == "challenges_token_own":
        client = token_client(("challenges:read",), company)
    else:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        organization = {"person_other": OrganizationFactory(), "person_own": company}.get(who)
        if organization is None:
            user = OrganizationMemberFactory(
                organization__membership_status=Organization.MembershipStatus.APPLICANT
            ).user
        else:
            user = OrganizationMemberFactory(organization=organization).user
        client.force_login(user)
    response = client.get(URL, {"q": "relaves"})
    assert found(response) == expected
    body = response.json()
    assert body["count"] == len(expected)
    assert body["counts"] == {"challenge": len(expected)}


def test_restricted_words_reveal_nothing_to_a_token(rows: None) -> None:
    body = token_client(("challenges:read",)).get(URL, {"q": "zafiro"}).json()
    assert body == {"count": 0, "next": None, "previous": None, "counts": {}, "results": []}


def test_shape_kind_filter_and_escaped_snippet(rows: None) -> None:
    index("Agua <b>ácida</b>", kind="article", body="<script>x</script> agua de mina")
    index("Agua potable", kind="project")
    client = token_client(("public:read",))
    body = client.get(URL, {"q": "agua", "kind": "article"}).json()
    assert body["count"] == 1
    assert body["counts"] == {"article": 1, "project": 1}
    (hit,) = body["results"]
    assert hit["kind"] == "article"
    assert hit["kind_label"] == "Article"
    assert hit["title"] == "Agua <b>ácida</b>"
    assert hit["url"].startswith("http://testserver/article/")
    assert "<mark>agua</mark>" in hit["snippet"].lower()
    assert "<script>" not in hit["snippet"]
    assert isinstance(hit["rank"], float)


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "q"), ({"q": ""}, "q"), ({"q": "agua", "kind": "nonsense"}, "kind")],
)
def test_bad_input_is_400(params: dict[str, str], field: str) -> None:
    response = token_client(("public:read",)).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_paging_links_and_page_past_the_end() -> None:
    for number in range(5):
        index(f"Relaves {number}")
    client = token_client(("public:read",))
    first = client.get(URL, {"q": "relaves", "page_size": 2}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert "page=" not in second["previous"]
    third = client.get(second["next"]).json()
    assert third["next"] is None
    assert len(third["results"]) == 1
    titles = {h["title"] for page in (first, second, third) for h in page["results"]}
    assert len(titles) == 5
    assert client.get(URL, {"q": "relaves", "page": 4, "page_size": 2}).status_code == 404
    assert client.get(URL, {"q": "relaves", "page": "x"}).status_code == 404
    assert client.get(URL, {"q": "relaves", "page_size": 500}).status_code == 400


def test_constant_queries(max_queries: Any, company: Organization) -> None:
    client = token_client(("challenges:read",), company)
    index("Relaves uno", audience=A.ORGANIZATIONS, organizations=[company])
    _response, small = _count(client, 10)
    for number in range(10):
        index(f"Relaves {number}", audience=A.MEMBERS)
    _response, large = _count(client, small)
    assert large == small


def _count(client: Client, bound: int) -> tuple[Any, int]:
    from tests.queries import run_counted

    return run_counted(bound, client.get, URL, {"q": "relaves"}, expect=["Relaves uno"])


def test_schema_documents_the_endpoint() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/search/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "kind", "page", "page_size"} <= names
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SearchResponse"
    }
    assert "counts" in schema["components"]["schemas"]["SearchResponse"]["properties"]
