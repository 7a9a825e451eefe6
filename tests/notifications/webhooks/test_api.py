"""``/api/v1/webhooks/``: the permission matrix (no token 401, wrong scope 403, a session 403,
another organization's endpoint 404), the shapes (the secret only on creation and rotation),
filters, bad input (400, nothing changed) and query counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cluster_portal.api.models import PartnerClient
from members.models import Organization
from notifications.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from notifications.webhooks import events as catalogue
from tests.api.conftest import bearer, request_token
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory
from tests.notifications.webhooks.factories import (
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
    WebhookMessageFactory,
    partner_for,
)
from tests.notifications.webhooks.test_permissions import fake_public_dns
from tests.queries import run_counted

pytestmark = pytest.mark.django_db

BASE = "/api/v1/webhooks/"
URL = "https://erp.partner.example/hooks"


@pytest.fixture
def public_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_public_dns(monkeypatch)


@pytest.fixture
def api_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def issue_token(api_client: Client) -> Callable[..., str]:
    def issue(partner: PartnerClient, scope: str | None = None) -> str:
        response = request_token(api_client, partner, scope)
        assert response.status_code == 200, response.content
        return response.json()["access_token"]

    return issue


@pytest.fixture
def organization() -> Organization:
    return OrganizationFactory()


@pytest.fixture
def partner(organization: Organization) -> PartnerClient:
    return partner_for(organization, ("public:read", "challenges:read", "webhooks:manage"))


@pytest.fixture
def headers(partner: PartnerClient, issue_token: Callable[..., str]) -> dict[str, str]:
    return bearer(issue_token(partner))


@pytest.fixture
def endpoint(organization: Organization) -> WebhookEndpoint:
    return WebhookEndpointFactory(organization=organization, url=URL)


def _json(client: Client, method: str, path: str, headers: dict[str, str], data: Any = None):
    return getattr(client, method)(path, data, content_type="application/json", **headers)


# --- Permission matrix --------------------------------------------------------------------------


def _routes(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> list[tuple[str, str]]:
    pk = endpoint.pk
    return [
        ("get", BASE),
        ("post", BASE),
        ("get", f"{BASE}{pk}/"),
        ("patch", f"{BASE}{pk}/"),
        ("delete", f"{BASE}{pk}/"),
        ("post", f"{BASE}{pk}/rotate-secret/"),
        ("post", f"{BASE}{pk}/test/"),
        ("get", f"{BASE}{pk}/deliveries/"),
        ("post", f"{BASE}{pk}/redeliver/"),
        ("post", f"{BASE}{pk}/deliveries/{delivery.pk}/redeliver/"),
    ]


def test_without_a_token_401_with_the_wrong_scope_403(
    api_client: Client, endpoint: WebhookEndpoint, issue_token: Callable[..., str]
) -> None:
    delivery = WebhookDeliveryFactory(endpoint=endpoint)
    reader = partner_for(endpoint.organization, ("public:read",))
    wrong = bearer(issue_token(reader))
    for method, path in _routes(endpoint, delivery):
        assert _json(api_client, method, path, {}).status_code == 401, (method, path)
        response = _json(api_client, method, path, wrong, {})
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["code"] == "insufficient_scope"
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_people_use_the_pages_not_the_api(api_client: Client, endpoint: WebhookEndpoint) -> None:
    admin = OrganizationMemberFactory(organization=endpoint.organization, role="admin").user
    api_client.force_login(admin)
    response = api_client.get(BASE)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "token_required"


def test_another_organizations_endpoint_is_not_found(
    api_client: Client, headers: dict[str, str]
) -> None:
    theirs = WebhookEndpointFactory()
    delivery = WebhookDeliveryFactory(endpoint=theirs, status=WebhookDelivery.Status.FAILED)
    for method, path in _routes(theirs, delivery)[2:]:
        response = _json(api_client, method, path, headers, {"description": "x"})
        assert response.status_code == 404, (method, path)
    theirs_after = WebhookEndpoint.objects.get(pk=theirs.pk)
    assert (theirs_after.secret, theirs_after.description) == (theirs.secret, theirs.description)
    assert WebhookDelivery.objects.count() == 1
    listed = api_client.get(BASE, **headers).json()
    assert listed["count"] == 0


# --- Endpoints ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("public_dns")
def test_create_answers_the_secret_once(
    api_client: Client, headers: dict[str, str], partner: PartnerClient
) -> None:
    response = _json(
        api_client,
        "post",
        BASE,
        headers,
        {"url": URL, "events": ["call.published", "mission.published"], "description": "ERP"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    endpoint = WebhookEndpoint.objects.get()
    assert body["secret"] == endpoint.secret
    assert body["secret"].startswith("whsec_")
    assert (body["state"], body["events"]) == ("active", ["call.published", "mission.published"])
    assert endpoint.client == partner
    assert endpoint.organization == partner.organization
    for path in (BASE, f"{BASE}{endpoint.pk}/"):
        assert endpoint.secret not in api_client.get(path, **headers).content.decode()


@pytest.mark.usefixtures("public_dns")
@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"url": "https://127.0.0.1/h", "events": ["call.published"]}, "url", "loopback"),
        ({"url": "https://192.168.1.5/h", "events": ["call.published"]}, "url", "private"),
        ({"url": "http://erp.partner.example/h", "events": ["call.published"]}, "url", "https"),
        ({"url": URL, "events": ["call.nothing"]}, "events", ""),
        ({"url": URL, "events": []}, "events", ""),
        ({"url": URL}, "events", ""),
        ({"url": URL, "events": ["webhook.test"]}, "events", ""),
    ],
)
def test_bad_input_is_a_400_and_nothing_is_created(
    api_client: Client, headers: dict[str, str], data: dict, field: str, text: str
) -> None:
    response = _json(api_client, "post", BASE, headers, data)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert field in fields
    assert text in " ".join(fields[field]).lower()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.usefixtures("public_dns")
def test_partial_update_pause_resume_and_delete(
    api_client: Client, headers: dict[str, str], endpoint: WebhookEndpoint
) -> None:
    path = f"{BASE}{endpoint.pk}/"
    response = _json(api_client, "patch", path, headers, {"events": ["call.closed"]})
    assert response.status_code == 200
    assert response.json()["events"] == ["call.closed"]
    bad = _json(
        api_client, "patch", path, headers, {"url": "https://10.0.0.1/", "description": "new"}
    )
    assert bad.status_code == 400
    assert "url" in bad.json()["error"]["fields"]
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.description) == (URL, "ERP integration")

    paused = _json(api_client, "patch", path, headers, {"is_active": False}).json()
    assert (paused["is_active"], paused["state"]) == (False, "paused")
    resumed = _json(api_client, "patch", path, headers, {"is_active": True}).json()
    assert resumed["state"] == "active"

    assert api_client.delete(path, **headers).status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_rotate_secret(api_client: Client, headers: dict[str, str], endpoint: WebhookEndpoint):
    old = endpoint.secret
    response = _json(api_client, "post", f"{BASE}{endpoint.pk}/rotate-secret/", headers, {})
    assert response.status_code == 200
    endpoint.refresh_from_db()
    body = response.json()
    assert body["secret"] == endpoint.secret != old
    assert endpoint.previous_secret == old
    assert body["previous_secret_expires_at"]


def test_send_test_and_redeliver(
    api_client: Client, headers: dict[str, str], endpoint: WebhookEndpoint
) -> None:
    response = _json(api_client, "post", f"{BASE}{endpoint.pk}/test/", headers, {})
    assert response.status_code == 202
    assert (response.json()["event_type"], response.json()["status"]) == ("webhook.test", "pending")

    failed = WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.FAILED)
    again = _json(
        api_client, "post", f"{BASE}{endpoint.pk}/deliveries/{failed.pk}/redeliver/", headers, {}
    )
    assert again.status_code == 202
    assert WebhookDelivery.objects.get(pk=again.json()["id"]).redelivery_of == failed
    # Still on its way: refused with the service's reason, nothing queued.
    pending = WebhookDelivery.objects.get(pk=again.json()["id"])
    refused = _json(
        api_client, "post", f"{BASE}{endpoint.pk}/deliveries/{pending.pk}/redeliver/", headers, {}
    )
    assert refused.status_code == 400
    assert WebhookDelivery.objects.filter(redelivery_of=pending).count() == 0


def test_redeliver_a_range(api_client: Client, headers: dict[str, str], endpoint: WebhookEndpoint):
    WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.FAILED)
    WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.DONE)
    now = timezone.now()
    path = f"{BASE}{endpoint.pk}/redeliver/"
    bad = _json(
        api_client,
        "post",
        path,
        headers,
        {"since": now.isoformat(), "until": (now - timedelta(hours=1)).isoformat()},
    )
    assert bad.status_code == 400
    assert "until" in bad.json()["error"]["fields"]
    assert WebhookDelivery.objects.count() == 2
    window = {
        "since": (now - timedelta(hours=1)).isoformat(),
        "until": (now + timedelta(minutes=1)).isoformat(),
    }
    response = _json(api_client, "post", path, headers, window)
    assert (response.status_code, response.json()) == (202, {"count": 1})
    everything = _json(api_client, "post", path, headers, {**window, "failed_only": False})
    # The failed one is on its way again now; only the delivered one is queued.
    assert everything.json() == {"count": 1}


# --- The delivery log ---------------------------------------------------------------------------


def _deliveries(endpoint: WebhookEndpoint, count: int, **kwargs: Any) -> None:
    for _n in range(count):
        delivery = WebhookDeliveryFactory(endpoint=endpoint, **kwargs)
        WebhookAttempt.objects.create(
            delivery=delivery, outcome="transient", status_code=503, duration_ms=40
        )


def test_the_log_filters_and_counts_queries(
    api_client: Client, headers: dict[str, str], endpoint: WebhookEndpoint
) -> None:
    path = f"{BASE}{endpoint.pk}/deliveries/"
    _deliveries(endpoint, 2, status=WebhookDelivery.Status.FAILED)
    response, few = run_counted(12, api_client.get, path, **headers)
    row = response.json()["results"][0]
    assert row["attempt_log"][0]["status_code"] == 503
    assert row["last_duration_ms"] == 40
    assert "secret" not in response.content.decode()
    _deliveries(
        endpoint,
        8,
        status=WebhookDelivery.Status.DONE,
        message=WebhookMessageFactory(event_type="mission.published"),
    )
    _response, many = run_counted(12, api_client.get, path, **headers)
    assert many == few

    def count(**params: str) -> int:
        answer = api_client.get(path, params, **headers)
        assert answer.status_code == 200, answer.content
        return answer.json()["count"]

    assert count(status="failed") == 2
    assert count(event_type="mission.published") == 8
    today = timezone.localdate()
    assert count(created_after=today.isoformat()) == 10
    assert count(created_before=(today - timedelta(days=1)).isoformat()) == 0
    assert api_client.get(path, {"status": "lost"}, **headers).status_code == 400


def test_the_list_counts_queries(
    api_client: Client, headers: dict[str, str], organization: Organization
) -> None:
    WebhookEndpointFactory(organization=organization)
    _response, few = run_counted(10, api_client.get, BASE, **headers)
    for _n in range(5):
        WebhookEndpointFactory(organization=organization)
    response, many = run_counted(10, api_client.get, BASE, **headers)
    assert many == few
    assert response.json()["count"] == 6


# --- The event catalogue ------------------------------------------------------------------------


def test_the_event_catalogue_is_public(
    api_client: Client, issue_token: Callable[..., str], partner: PartnerClient
) -> None:
    response = api_client.get(f"{BASE}events/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["code"] for row in rows] == catalogue.event_codes()
    assert rows[0]["schema"] == catalogue.all_events()[0].schema()
    assert api_client.get(f"{BASE}events/", **bearer(issue_token(partner))).status_code == 200
    bad = api_client.get(f"{BASE}events/", HTTP_AUTHORIZATION="Bearer nonsense")
    assert bad.status_code == 401
