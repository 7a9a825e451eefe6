"""Fixtures for the API tests: partner clients and tokens obtained from the real token endpoint."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cluster_portal.api.models import PartnerClient
from tests.api.factories import CLIENT_SECRET, PartnerClientFactory

TOKEN_URL = "/o/token/"


def basic_auth(client_id: str, secret: str = CLIENT_SECRET) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def request_token(
    client: Client, partner: PartnerClient, scope: str | None = None, secret: str = CLIENT_SECRET
) -> Any:
    """POST /o/token/ with the client-credentials grant and HTTP Basic client authentication."""
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    return client.post(
        TOKEN_URL, data, HTTP_AUTHORIZATION=basic_auth(partner.application.client_id, secret)
    )


@pytest.fixture
def api_client() -> Client:
    """A Django test client that asks for English, so messages can be asserted."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def partner(db) -> PartnerClient:
    return PartnerClientFactory(allowed_scopes=["public:read", "members:read"])


@pytest.fixture
def issue_token(api_client: Client) -> Callable[..., str]:
    """Get an access token for ``partner`` (optionally for ``scope``) from the token endpoint."""

    def issue(partner: PartnerClient, scope: str | None = None) -> str:
        response = request_token(api_client, partner, scope)
        assert response.status_code == 200, response.content
        return response.json()["access_token"]

    return issue


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
