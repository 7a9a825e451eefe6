"""The token endpoint's rules: client credentials only, allowed scopes only, introspection of own
tokens only, short-lived tokens stored hashed."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, get_application_model

from tests.api.conftest import basic_auth, bearer, request_token
from tests.api.factories import CLIENT_SECRET, ApplicationFactory, PartnerClientFactory

pytestmark = pytest.mark.django_db
Application = get_application_model()


def test_no_scope_requested_grants_all_allowed_scopes(api_client: Client) -> None:
    partner = PartnerClientFactory(allowed_scopes=["knowledge:read", "missions:read"])

    response = request_token(api_client, partner)

    assert response.status_code == 200
    body = response.json()
    assert set(body["scope"].split()) == {"knowledge:read", "missions:read"}
    assert body["expires_in"] <= 3600
    assert "refresh_token" not in body


def test_tokens_are_stored_hashed(api_client: Client, issue_token, partner) -> None:
    token = issue_token(partner)

    stored = AccessToken.objects.get()
    assert stored.token == ""
    assert stored.token_checksum == hashlib.sha256(token.encode()).hexdigest()
    assert stored.user is None


def test_client_secret_is_stored_hashed(partner) -> None:
    partner.application.refresh_from_db()
    assert partner.application.client_secret != CLIENT_SECRET
    assert partner.application.client_secret.startswith(("md5$", "argon2", "pbkdf2"))


@pytest.mark.parametrize("grant_type", ["password", "authorization_code", "refresh_token"])
def test_other_grants_are_refused(api_client: Client, partner, grant_type: str) -> None:
    response = api_client.post(
        "/o/token/",
        {"grant_type": grant_type, "username": "x", "password": "y", "code": "z"},
        HTTP_AUTHORIZATION=basic_auth(partner.application.client_id),
    )

    assert response.status_code in (400, 401)
    assert not AccessToken.objects.exists()


def test_application_without_partner_client_gets_no_token(api_client: Client) -> None:
    application = ApplicationFactory()

    response = api_client.post(
        "/o/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic_auth(application.client_id),
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_application_with_another_grant_type_gets_no_token(api_client: Client) -> None:
    partner = PartnerClientFactory(
        application=ApplicationFactory(
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris="https://partner.example/cb",
        )
    )

    response = request_token(api_client, partner)

    assert response.status_code in (400, 401)
    assert not AccessToken.objects.exists()


def test_partner_introspects_its_own_token_only(api_client: Client, issue_token) -> None:
    mine = PartnerClientFactory()
    theirs = PartnerClientFactory()
    my_token = issue_token(mine)
    their_token = issue_token(theirs)

    own = api_client.post(
        "/o/introspect/",
        {"token": my_token},
        HTTP_AUTHORIZATION=basic_auth(mine.application.client_id),
    )
    foreign = api_client.post(
        "/o/introspect/",
        {"token": their_token},
        HTTP_AUTHORIZATION=basic_auth(mine.application.client_id),
    )

    assert own.status_code == 200
    assert own.json()["active"] is True
    assert own.json()["client_id"] == mine.application.client_id
    assert foreign.json() == {"active": False}


def test_introspection_needs_client_authentication(api_client: Client, issue_token) -> None:
    partner = PartnerClientFactory()
    token = issue_token(partner)

    anonymous = api_client.post("/o/introspect/", {"token": token})
    with_bearer = api_client.post("/o/introspect/", {"token": token}, **bearer(token))
    via_get = api_client.get(
        "/o/introspect/",
        {"token": token},
        HTTP_AUTHORIZATION=basic_auth(partner.application.client_id),
    )

    assert anonymous.status_code in (401, 403)
    assert with_bearer.status_code in (401, 403)  # no token carries the "introspection" scope
    assert via_get.status_code == 405


def test_token_endpoint_is_rate_limited_per_address(api_client: Client, partner, settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "oauth_token": "3/minute",
        },
    }
    for _ in range(3):
        assert request_token(api_client, partner).status_code == 200

    refused = request_token(api_client, partner)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["error"] == "too_many_requests"
    assert AccessToken.objects.count() == 3


@pytest.mark.parametrize("endpoint", ["/o/introspect/", "/o/revoke_token/"])
def test_credential_checking_endpoints_share_the_rate_limit(
    api_client: Client, partner, settings, endpoint: str
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "oauth_token": "3/minute",
        },
    }
    wrong = {"HTTP_AUTHORIZATION": basic_auth(partner.application.client_id, "wrong-secret")}
    for _ in range(3):
        assert api_client.post(endpoint, {"token": "x"}, **wrong).status_code in (400, 401, 403)

    refused = api_client.post(endpoint, {"token": "x"}, **wrong)

    assert refused.status_code == 429
    assert refused.json()["error"] == "too_many_requests"
    # The bucket is per address, shared with the token endpoint.
    assert request_token(api_client, partner).status_code == 429
