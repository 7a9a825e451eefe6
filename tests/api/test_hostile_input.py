"""Hostile input answers 4xx, never 500 (issue 8, item 9).

* JSON nested 3,000 levels deep made Python's parser raise ``RecursionError``: a 500 on every
  endpoint for a caller with a token (the token authentication reads the body) and on every
  write for a signed-in person. Now a 400 ``parse_error`` in the API's error shape.
* A NUL byte in a path or a query parameter reached PostgreSQL, which refuses it in text (a 500
  on ``/api/v1/working-groups/%00/``). Now a 400 (or the API's 404 where the route cannot
  match) before any query. These tests also run against PostgreSQL (see the README).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from cluster_portal.api.models import PartnerClient
from cluster_portal.api.parsers import MAX_JSON_DEPTH, json_depth
from members.models import GoverningBody, JoinRequest
from tests.api.conftest import bearer
from tests.members.factories import GoverningBodyFactory, UserFactory

pytestmark = pytest.mark.django_db

JOIN_REQUESTS = "/api/v1/join-requests/"
DEEP_ARRAY = "[" * 3000 + "]" * 3000
DEEP_OBJECT = '{"a":' * 3000 + "1" + "}" * 3000


@pytest.fixture
def session_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    client.force_login(UserFactory())
    return client


def assert_api_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status
    assert error["code"] == code
    return error


# --- Deeply nested JSON --------------------------------------------------------------------------


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
def test_deep_json_from_a_person_is_a_400(session_client: Client, body: str) -> None:
    response = session_client.post(JOIN_REQUESTS, body, content_type="application/json")
    error = assert_api_error(response, 400, "parse_error")
    assert "nested" in error["detail"]
    assert JoinRequest.objects.count() == 0


@pytest.mark.parametrize("url", [JOIN_REQUESTS, "/api/v1/me/", "/api/v1/organizations/"])
def test_deep_json_with_a_token_is_a_400(
    partner: PartnerClient, issue_token: Callable[..., str], url: str
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    token = issue_token(partner)
    response = client.post(url, DEEP_ARRAY, content_type="application/json", **bearer(token))
    assert_api_error(response, 400, "parse_error")


def test_moderately_nested_json_is_refused_beyond_the_cap(session_client: Client) -> None:
    """Below Python's recursion limit, our own cap still refuses absurd nesting."""
    body = json.dumps({"organization": 1, "message": [[[["x"]]]] * 1})
    for _ in range(MAX_JSON_DEPTH):
        body = f"[{body}]"
    response = session_client.post(JOIN_REQUESTS, body, content_type="application/json")
    assert_api_error(response, 400, "parse_error")


def test_ordinary_json_still_works(session_client: Client) -> None:
    response = session_client.post(
        JOIN_REQUESTS, {"organization": 999_999, "message": "Hola"}, content_type="application/json"
    )
    # Parsed, validated, refused on the field (the organization does not exist): not a parse error.
    error = assert_api_error(response, 400, "invalid")
    assert "organization" in error["fields"]


def test_json_depth() -> None:
    assert json_depth(1) == 0
    assert json_depth([]) == 1
    assert json_depth({"a": [1, {"b": 2}]}) == 3
    deep: list = []
    for _ in range(10_000):
        deep = [deep]
    assert json_depth(deep) == MAX_JSON_DEPTH + 1  # stops counting past the cap


# --- NUL bytes -----------------------------------------------------------------------------------


@pytest.fixture
def working_group() -> GoverningBody:
    return GoverningBodyFactory(kind=GoverningBody.Kind.WORKING_GROUP, slug="agua")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/working-groups/%00/",
        "/api/v1/working-groups/agua%00/",
        "/api/v1/organizations/%00/",
        "/api/v1/organizations/?q=%00",
        "/api/v1/organizations/?search=a%00b",
        "/api/v1/organizations/?ordering=%00",
        "/api/v1/working-groups/?search=%00",
        "/api/v1/working-groups/?organization=%00",
        "/api/v1/organizations/?%00=1",
    ],
)
def test_nul_bytes_in_api_urls_are_refused(working_group: GoverningBody, url: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    response = client.get(url)
    assert response.status_code in (400, 404), response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["status"] == response.status_code


@pytest.mark.parametrize(
    "url",
    [
        "/members/organizations/%00/",
        "/members/directory/?q=%00",
        "/members/directory/?q=agua%00",
        "/members/governance/%00/",
        "/accounts/login/?next=%00",
        "/?q=%00",
    ],
)
def test_nul_bytes_in_pages_are_refused(working_group: GoverningBody, url: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    response = client.get(url)
    assert response.status_code in (400, 404), url


def test_nul_byte_in_a_page_search_shows_the_400_page() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    response = client.get("/members/directory/", {"q": "agua\x00"})
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]


def test_nul_byte_in_the_api_is_a_400_in_the_error_shape() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    response = client.get("/api/v1/organizations/", {"q": "\x00"})
    error = assert_api_error(response, 400, "invalid")
    assert "null character" in error["detail"]


def test_the_working_group_still_resolves(working_group: GoverningBody) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/working-groups/agua/")
    assert response.status_code == 200, response.content
    assert response.json()["slug"] == "agua"


def test_nul_in_a_json_body_field_is_a_field_error(session_client: Client) -> None:
    response = session_client.post(
        JOIN_REQUESTS, {"organization": 1, "message": "a\x00b"}, content_type="application/json"
    )
    error = assert_api_error(response, 400, "invalid")
    assert "message" in error["fields"] or "organization" in error["fields"]
