"""Every API error has one JSON shape: {"error": {status, code, detail, fields}}."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.api.conftest import bearer
from tests.api.factories import PartnerClientFactory
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

ME = "/api/v1/me/"


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "detail", "fields"}
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["detail"], str)
    assert error["detail"]
    assert isinstance(error["fields"], dict)
    return error


def test_401_without_credentials(api_client: Client) -> None:
    error = assert_error_shape(api_client.get(ME), 401, "not_authenticated")
    assert error["detail"] == "Authentication credentials were not provided."


def test_403_insufficient_scope(api_client: Client, issue_token) -> None:
    token = issue_token(PartnerClientFactory(allowed_scopes=["public:read"]))

    assert_error_shape(
        api_client.get("/api/v1/probe/per-method/", **bearer(token)), 403, "insufficient_scope"
    )


def test_403_no_declared_policy(api_client: Client, user) -> None:
    api_client.force_login(user)

    assert_error_shape(api_client.get("/api/v1/probe/undeclared/"), 403, "permission_denied")


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/nothing", "/api/v2/me/"])
def test_404_for_unknown_api_urls(api_client: Client, path: str) -> None:
    error = assert_error_shape(api_client.get(path), 404, "not_found")
    assert error["detail"] == "Not found."


def test_405_method_not_allowed(api_client: Client, user) -> None:
    api_client.force_login(user)

    response = api_client.delete(ME)

    assert_error_shape(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_400_validation_lists_fields(api_client: Client, user) -> None:
    api_client.force_login(user)

    response = api_client.post(
        "/api/v1/probe/validation/",
        {"name": "far too long", "budget": "abc"},
        content_type="application/json",
    )

    error = assert_error_shape(response, 400, "invalid")
    assert error["detail"] == "Invalid input."
    assert set(error["fields"]) == {"name", "budget"}
    assert error["fields"]["name"] == ["Ensure this field has no more than 5 characters."]


def test_400_malformed_json(api_client: Client, user) -> None:
    api_client.force_login(user)

    response = api_client.post(
        "/api/v1/probe/validation/", "{not json", content_type="application/json"
    )

    assert_error_shape(response, 400, "parse_error")


def test_errors_are_translated(user) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="es")

    error = assert_error_shape(client.get(ME), 401, "not_authenticated")

    assert error["detail"] != "Authentication credentials were not provided."


def test_unexpected_exception_is_a_json_500(user) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    client.force_login(user)

    response = client.get("/api/v1/probe/broken/")

    error = assert_error_shape(response, 500, "server_error")
    assert "probe failure" not in error["detail"]


def test_unexpected_exception_still_reaches_error_reporting(api_client: Client, user) -> None:
    api_client.force_login(user)

    with pytest.raises(RuntimeError, match="probe failure"):
        api_client.get("/api/v1/probe/broken/")


THROTTLED = {
    "DEFAULT_THROTTLE_RATES": {"partner": "2/minute", "user": "2/minute", "anon": "2/minute"},
}


def _rest_framework(**overrides):
    from django.conf import settings

    return {**settings.REST_FRAMEWORK, **overrides}


@pytest.fixture
def low_rates():
    with override_settings(REST_FRAMEWORK=_rest_framework(**THROTTLED)):
        yield


@pytest.mark.usefixtures("low_rates")
def test_429_with_retry_after_for_anonymous(api_client: Client) -> None:
    # DRF checks permissions before throttles, so anonymous buckets matter on public endpoints.
    for _ in range(2):
        assert api_client.get("/api/schema/").status_code == 200

    response = api_client.get("/api/schema/")

    error = assert_error_shape(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert "seconds" in error["detail"]


@pytest.mark.usefixtures("low_rates")
def test_throttle_buckets_are_per_partner_application(api_client: Client, issue_token) -> None:
    first, second = PartnerClientFactory(), PartnerClientFactory()
    first_tokens = [issue_token(first), issue_token(first)]  # two tokens, one bucket
    second_token = issue_token(second)

    assert api_client.get(ME, **bearer(first_tokens[0])).status_code == 200
    assert api_client.get(ME, **bearer(first_tokens[1])).status_code == 200
    throttled = api_client.get(ME, **bearer(first_tokens[0]))

    assert_error_shape(throttled, 429, "throttled")
    assert int(throttled["Retry-After"]) > 0
    assert api_client.get(ME, **bearer(second_token)).status_code == 200


@pytest.mark.usefixtures("low_rates")
def test_throttle_buckets_are_per_user(api_client: Client) -> None:
    alice, bob = UserFactory(), UserFactory()
    api_client.force_login(alice)
    for _ in range(2):
        assert api_client.get(ME).status_code == 200
    assert api_client.get(ME).status_code == 429

    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(bob)
    assert other.get(ME).status_code == 200


def test_throttling_fails_open_when_the_cache_is_down(
    api_client: Client, user, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cluster_portal.api.throttling import ApiClientRateThrottle

    def broken_get(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ApiClientRateThrottle.cache, "get", broken_get)
    api_client.force_login(user)

    assert api_client.get(reverse("api:me")).status_code == 200
