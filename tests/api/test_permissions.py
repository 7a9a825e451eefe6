"""Scope-aware permission base: caller, scopes and method give a status (tests.api.urls probes)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from cluster_portal.api.permissions import ScopedAPIPermission, required_scopes_for
from cluster_portal.api.services import partner_client_update
from tests.api.conftest import bearer
from tests.api.factories import PartnerClientFactory
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

PER_METHOD = "/api/v1/probe/per-method/"
READ_WRITE = "/api/v1/probe/read-write/"
UNDECLARED = "/api/v1/probe/undeclared/"
ME = "/api/v1/me/"

MATRIX = [
    # (granted scopes, method, url, expected status)
    (["members:read"], "get", PER_METHOD, 200),
    (["public:read"], "get", PER_METHOD, 403),
    (["members:read"], "post", PER_METHOD, 403),
    (["challenges:write"], "post", PER_METHOD, 201),
    (["challenges:write"], "get", PER_METHOD, 403),
    (["members:read"], "get", READ_WRITE, 200),
    (["members:read"], "head", READ_WRITE, 200),
    (["members:read"], "delete", READ_WRITE, 403),
    (["challenges:write"], "delete", READ_WRITE, 204),
    (["members:read", "challenges:write"], "get", UNDECLARED, 403),
    (["public:read"], "get", ME, 200),
    (["members:read"], "put", READ_WRITE, 405),
]


@pytest.mark.parametrize(("scopes", "method", "url", "expected"), MATRIX)
def test_token_scope_matrix(
    api_client: Client, issue_token, scopes: list[str], method: str, url: str, expected: int
) -> None:
    partner = PartnerClientFactory(allowed_scopes=scopes)
    token = issue_token(partner)

    response = getattr(api_client, method)(url, **bearer(token))

    assert response.status_code == expected, response.content


def test_missing_scope_is_named_in_the_403(api_client: Client, issue_token) -> None:
    token = issue_token(PartnerClientFactory(allowed_scopes=["public:read"]))

    response = api_client.get(PER_METHOD, **bearer(token))

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "insufficient_scope"
    assert "members:read" in error["detail"]


@pytest.mark.parametrize(
    ("method", "url", "expected"),
    [
        ("get", PER_METHOD, 200),
        ("post", PER_METHOD, 201),
        ("get", READ_WRITE, 200),
        ("delete", READ_WRITE, 204),
        ("get", UNDECLARED, 403),
        ("get", ME, 200),
    ],
)
def test_session_users_pass_scope_checks_but_not_undeclared_views(
    api_client: Client, method: str, url: str, expected: int
) -> None:
    api_client.force_login(UserFactory())

    response = getattr(api_client, method)(url)

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", PER_METHOD), ("post", PER_METHOD), ("get", UNDECLARED), ("get", ME)],
)
def test_anonymous_callers_get_401(api_client: Client, method: str, url: str) -> None:
    response = getattr(api_client, method)(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_session_writes_need_the_csrf_token(user) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)

    response = client.post(PER_METHOD)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in response.json()["error"]["detail"]


def test_expired_token_gets_401(api_client: Client, issue_token, partner) -> None:
    token = issue_token(partner)
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))

    response = api_client.get(ME, **bearer(token))

    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_unknown_token_gets_401(api_client: Client, partner) -> None:
    response = api_client.get(ME, **bearer("not-a-token"))

    assert response.status_code == 401


def test_token_in_the_query_string_is_not_accepted(api_client: Client, issue_token, partner):
    token = issue_token(partner)

    response = api_client.get(f"{ME}?access_token={token}")

    assert response.status_code == 401


def test_token_in_the_body_is_not_accepted(api_client: Client, issue_token) -> None:
    token = issue_token(PartnerClientFactory(allowed_scopes=["challenges:write"]))

    response = api_client.post(
        PER_METHOD, f"access_token={token}", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 401


def test_deactivated_partner_token_gets_401(api_client: Client, issue_token, partner) -> None:
    token = issue_token(partner)
    partner.is_active = False
    partner.save(update_fields=["is_active"])

    response = api_client.get(ME, **bearer(token))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "inactive_client"


def test_deactivation_by_service_revokes_tokens(api_client, issue_token, partner) -> None:
    token = issue_token(partner)

    partner_client_update(
        actor=UserFactory(is_staff=True),
        partner=partner,
        name=partner.name,
        allowed_scopes=partner.allowed_scopes,
        is_active=False,
    )

    assert not AccessToken.objects.exists()
    assert api_client.get(ME, **bearer(token)).status_code == 401


def test_narrowed_scopes_apply_to_existing_tokens(api_client: Client, issue_token) -> None:
    partner = PartnerClientFactory(allowed_scopes=["members:read", "public:read"])
    token = issue_token(partner)
    assert api_client.get(PER_METHOD, **bearer(token)).status_code == 200

    partner_client_update(
        actor=UserFactory(is_staff=True),
        partner=partner,
        name=partner.name,
        allowed_scopes=["public:read"],
        is_active=True,
    )

    assert api_client.get(PER_METHOD, **bearer(token)).status_code == 403
    assert api_client.get(ME, **bearer(token)).json()["scopes"] == ["public:read"]


def test_partner_token_never_acts_as_a_person(api_client: Client, issue_token, partner) -> None:
    token = issue_token(partner)

    body = api_client.get(ME, **bearer(token)).json()

    assert body["user"] is None
    assert AccessToken.objects.get().user is None


class _View:
    pass


@pytest.mark.parametrize(
    ("attributes", "method", "expected"),
    [
        ({}, "GET", None),
        ({"required_scopes": {"GET": ["a"]}}, "GET", ["a"]),
        ({"required_scopes": {"GET": ["a"]}}, "HEAD", ["a"]),
        ({"required_scopes": {"GET": ["a"]}}, "OPTIONS", ["a"]),
        ({"required_scopes": {"GET": ["a"]}}, "POST", None),
        ({"required_scopes": {"GET": []}}, "GET", []),
        ({"required_scopes": ["a", "b"]}, "DELETE", ["a", "b"]),
        ({"scope_read": "r", "scope_write": "w"}, "GET", ["r"]),
        ({"scope_read": "r", "scope_write": "w"}, "PATCH", ["w"]),
        ({"scope_read": "r"}, "POST", None),
    ],
)
def test_required_scopes_for(attributes: dict, method: str, expected) -> None:
    view = type("Probe", (_View,), attributes)()
    assert required_scopes_for(view, method) == expected


def test_permission_class_is_the_default() -> None:
    from rest_framework.settings import api_settings

    (default,) = api_settings.DEFAULT_PERMISSION_CLASSES
    assert default is ScopedAPIPermission
