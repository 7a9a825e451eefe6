"""End to end: a partner gets a token with requests-oauthlib from the live server, calls the API."""

from __future__ import annotations

import pytest
import requests
from oauthlib.oauth2 import BackendApplicationClient, InvalidClientError, InvalidScopeError
from requests_oauthlib import OAuth2Session

from cluster_portal.api.services import partner_client_deactivate
from tests.api.factories import CLIENT_SECRET, PartnerClientFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _plain_http_for_live_server(monkeypatch: pytest.MonkeyPatch) -> None:
    # The live server speaks http; oauthlib refuses that unless told it is a test.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def _session(client_id: str, scope: list[str] | None = None) -> OAuth2Session:
    return OAuth2Session(client=BackendApplicationClient(client_id=client_id, scope=scope))


def _fetch(live_server, partner, scope: list[str] | None = None, secret: str = CLIENT_SECRET):
    session = _session(partner.application.client_id, scope)
    token = session.fetch_token(
        token_url=f"{live_server.url}/o/token/",
        client_id=partner.application.client_id,
        client_secret=secret,
        scope=scope,
        timeout=10,
    )
    return session, token


def test_client_credentials_token_then_me(live_server) -> None:
    partner = PartnerClientFactory(allowed_scopes=["members:read", "public:read"])

    session, token = _fetch(live_server, partner)

    assert token["token_type"] == "Bearer"
    assert 0 < token["expires_in"] <= 3600
    assert set(token["scope"]) == {"members:read", "public:read"}
    response = session.get(
        f"{live_server.url}/api/v1/me/", headers={"Accept-Language": "en"}, timeout=10
    )
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "partner"
    assert body["user"] is None
    assert body["client"]["client_id"] == partner.application.client_id
    assert body["organization"] == {
        "id": partner.organization.pk,
        "name": str(partner.organization),
    }
    assert body["scopes"] == ["members:read", "public:read"]


def test_requested_subset_of_scopes_is_granted(live_server) -> None:
    partner = PartnerClientFactory(allowed_scopes=["members:read", "public:read"])

    session, token = _fetch(live_server, partner, scope=["public:read"])

    assert token["scope"] == ["public:read"]
    me = session.get(f"{live_server.url}/api/v1/me/", timeout=10).json()
    assert me["scopes"] == ["public:read"]


@pytest.mark.parametrize(
    "scope",
    [["reports:read"], ["members:read", "webhooks:manage"], ["admin"], ["members:read", "root"]],
    ids=["not-allowed", "one-not-allowed", "unknown", "one-unknown"],
)
def test_scopes_beyond_the_allowed_set_are_not_granted(live_server, scope) -> None:
    partner = PartnerClientFactory(allowed_scopes=["members:read"])

    with pytest.raises(InvalidScopeError):
        _fetch(live_server, partner, scope=scope)


def test_wrong_secret_is_refused(live_server) -> None:
    partner = PartnerClientFactory()

    with pytest.raises(InvalidClientError):
        _fetch(live_server, partner, secret="not-the-secret")


def test_inactive_partner_gets_no_token_and_its_tokens_stop_working(live_server) -> None:
    partner = PartnerClientFactory()
    session, _token = _fetch(live_server, partner)

    partner_client_deactivate(actor=UserFactory(is_staff=True), partner=partner)

    response = session.get(f"{live_server.url}/api/v1/me/", timeout=10)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    with pytest.raises(InvalidClientError):
        _fetch(live_server, partner)


def test_only_the_token_revoke_and_introspect_endpoints_are_routed(live_server) -> None:
    for path in ("/o/authorize/", "/o/applications/", "/o/userinfo/", "/o/device/"):
        response = requests.get(f"{live_server.url}{path}", timeout=10, allow_redirects=False)
        assert response.status_code == 404, path


def test_revoked_token_is_refused(live_server) -> None:
    partner = PartnerClientFactory()
    session, token = _fetch(live_server, partner)

    revoke = requests.post(
        f"{live_server.url}/o/revoke_token/",
        data={"token": token["access_token"], "token_type_hint": "access_token"},
        auth=(partner.application.client_id, CLIENT_SECRET),
        timeout=10,
    )

    assert revoke.status_code == 200
    assert session.get(f"{live_server.url}/api/v1/me/", timeout=10).status_code == 401
