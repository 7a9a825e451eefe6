"""The partners' webhook pages: list, create (the secret shown once), edit, the delivery log with
its filters, a delivery's attempts, the actions, the public event catalogue; query counts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from members.models import Organization, User
from notifications.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from notifications.webhooks import events as catalogue
from notifications.webhooks.retries import RETRY_SCHEDULE
from tests.members.factories import OrganizationMemberFactory, UserFactory
from tests.notifications.webhooks.factories import (
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
    WebhookMessageFactory,
    partner_for,
)
from tests.notifications.webhooks.test_permissions import (
    english_client,
    fake_public_dns,
    make_admin,
    make_partner_org,
)

pytestmark = pytest.mark.django_db

URL = "https://erp.partner.example/hooks"


@pytest.fixture
def public_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_public_dns(monkeypatch)


@pytest.fixture
def partner_org() -> Organization:
    return make_partner_org()


@pytest.fixture
def org_admin(partner_org: Organization) -> User:
    return make_admin(partner_org)


@pytest.fixture
def client(org_admin: User) -> Client:
    return english_client(org_admin)


def _create(client: Client, **data: object) -> object:
    payload = {"url": URL, "description": "ERP", "events": ["call.published", "call.closed"]}
    payload.update(data)
    return client.post(reverse("webhooks:endpoint_create"), payload)


# --- List ---------------------------------------------------------------------------------------


def test_the_list_shows_state_events_and_failure_streak(
    client: Client, partner_org: Organization, max_queries
) -> None:
    now = timezone.now()
    WebhookEndpointFactory(organization=partner_org, url="https://a.example/ok")
    WebhookEndpointFactory(
        organization=partner_org,
        url="https://b.example/gone",
        is_active=False,
        disabled_reason=WebhookEndpoint.DisabledReason.GONE,
        disabled_at=now,
    )
    WebhookEndpointFactory(
        organization=partner_org,
        url="https://c.example/failing",
        failing_since=now - timedelta(days=2),
        events=["mission.published"],
    )
    response = max_queries(
        12,
        client.get,
        reverse("webhooks:endpoint_list"),
        expect=["https://a.example/ok", "410 Gone", "Failing since", "mission.published"],
    )
    body = response.content.decode()
    assert "Disabled" in body
    assert "Active" in body
    # Constant: more endpoints, same queries.
    for n in range(5):
        WebhookEndpointFactory(organization=partner_org, url=f"https://more{n}.example/")
    max_queries(12, client.get, reverse("webhooks:endpoint_list"), expect=["more4.example"])


def test_an_admin_without_api_access_is_told_why(max_queries) -> None:
    membership = OrganizationMemberFactory(role="admin")
    response = english_client(membership.user).get(reverse("webhooks:endpoint_list"))
    assert "ask the secretariat" in response.content.decode()


# --- Create: the secret once ----------------------------------------------------------------------


@pytest.mark.usefixtures("public_dns")
def test_creating_shows_the_secret_once(client: Client, partner_org: Organization) -> None:
    form = client.get(reverse("webhooks:endpoint_create"))
    body = form.content.decode()
    for event in catalogue.all_events():
        assert event.code in body
        assert escape(str(event.description)) in body
    assert 'name="organization"' in body
    assert 'type="hidden"' in body

    response = _create(client)
    assert response.status_code == 201
    endpoint = WebhookEndpoint.objects.get(url=URL)
    assert endpoint.organization == partner_org
    assert endpoint.events == ["call.published", "call.closed"]
    assert endpoint.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]

    detail = client.get(reverse("webhooks:endpoint_detail", args=[endpoint.pk]))
    assert endpoint.secret not in detail.content.decode()
    assert "whsec_••" in detail.content.decode()


@pytest.mark.usefixtures("public_dns")
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://127.0.0.1/hooks", "loopback"),
        ("https://10.1.2.3/hooks", "private"),
        ("http://erp.partner.example/hooks", "https"),
    ],
)
def test_a_refused_target_is_explained_and_nothing_is_created(
    client: Client, url: str, message: str
) -> None:
    response = _create(client, url=url)
    assert response.status_code == 400
    assert message in response.content.decode().lower()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.usefixtures("public_dns")
def test_no_event_is_an_error(client: Client) -> None:
    response = _create(client, events=[])
    assert response.status_code == 400
    assert "Choose at least one event." in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.usefixtures("public_dns")
def test_an_admin_of_two_partners_chooses_the_organization(
    client: Client, org_admin: User, partner_org: Organization
) -> None:
    second = OrganizationMemberFactory(user=org_admin, role="admin").organization
    partner_for(second)
    form = client.get(reverse("webhooks:endpoint_create")).content.decode()
    assert "<select" in form
    assert second.display_name in form
    assert _create(client, organization=second.pk).status_code == 201
    assert WebhookEndpoint.objects.get().organization == second


@pytest.mark.usefixtures("public_dns")
def test_an_organization_the_person_does_not_administer_cannot_be_chosen(client: Client) -> None:
    other = OrganizationMemberFactory(role="admin").organization
    partner_for(other)
    response = _create(client, organization=other.pk)
    assert response.status_code == 400
    assert not WebhookEndpoint.objects.exists()


# --- Edit and actions -----------------------------------------------------------------------------


@pytest.mark.usefixtures("public_dns")
def test_editing_changes_the_events(client: Client, partner_org: Organization) -> None:
    endpoint = WebhookEndpointFactory(organization=partner_org, url=URL)
    url = reverse("webhooks:endpoint_update", args=[endpoint.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"url": URL, "description": "Prod", "events": ["call.closed"]})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.events, endpoint.description) == (["call.closed"], "Prod")
    bad = client.post(url, {"url": "https://127.0.0.1/", "events": ["call.closed"]})
    assert bad.status_code == 400
    endpoint.refresh_from_db()
    assert endpoint.url == URL


def test_rotating_shows_the_new_secret_and_the_overlap(
    client: Client, partner_org: Organization
) -> None:
    endpoint = WebhookEndpointFactory(organization=partner_org)
    old = endpoint.secret
    response = client.post(reverse("webhooks:endpoint_rotate", args=[endpoint.pk]))
    assert response.status_code == 200
    endpoint.refresh_from_db()
    body = response.content.decode()
    assert endpoint.secret != old
    assert endpoint.secret in body
    assert old not in body
    assert endpoint.previous_secret == old
    assert "The previous secret still signs messages until" in body
    assert "no-store" in response["Cache-Control"]
    assert client.get(reverse("webhooks:endpoint_rotate", args=[endpoint.pk])).status_code == 405


def test_a_test_event_appears_in_the_log(client: Client, partner_org: Organization) -> None:
    endpoint = WebhookEndpointFactory(organization=partner_org)
    response = client.post(reverse("webhooks:endpoint_test", args=[endpoint.pk]), follow=True)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.message.event_type == catalogue.TEST_EVENT.code
    body = response.content.decode()
    assert "A test event was queued" in body
    assert delivery.message.msg_id in body


@pytest.mark.usefixtures("public_dns")
def test_pause_resume_and_delete(client: Client, partner_org: Organization) -> None:
    endpoint = WebhookEndpointFactory(organization=partner_org)
    client.post(reverse("webhooks:endpoint_disable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    page = client.get(reverse("webhooks:endpoint_detail", args=[endpoint.pk])).content.decode()
    assert "Paused" in page
    assert 'data-testid="enable"' in page
    # A paused endpoint gets no test event: the service says why.
    refused = client.post(reverse("webhooks:endpoint_test", args=[endpoint.pk]), follow=True)
    assert "Enable it first" in refused.content.decode()
    client.post(reverse("webhooks:endpoint_enable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.is_active
    response = client.post(reverse("webhooks:endpoint_delete", args=[endpoint.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:endpoint_list")
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_redelivering_a_range(client: Client, partner_org: Organization) -> None:
    endpoint = WebhookEndpointFactory(organization=partner_org)
    failed = WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.FAILED)
    url = reverse("webhooks:endpoint_redeliver", args=[endpoint.pk])
    now = timezone.localtime()
    bad = client.post(
        url,
        {
            "since": now.strftime("%Y-%m-%dT%H:%M"),
            "until": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert bad.status_code == 400
    assert "The end must come after the start." in bad.content.decode()
    assert WebhookDelivery.objects.count() == 1
    response = client.post(
        url,
        {
            "since": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "until": (now + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M"),
            "failed_only": "on",
        },
        follow=True,
    )
    assert "1 message will be sent again." in response.content.decode()
    assert WebhookDelivery.objects.get(redelivery_of=failed).message_id == failed.message_id


def test_redelivering_one_message(client: Client, partner_org: Organization) -> None:
    endpoint = WebhookEndpointFactory(organization=partner_org)
    done = WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.DONE)
    response = client.post(reverse("webhooks:delivery_redeliver", args=[endpoint.pk, done.pk]))
    again = WebhookDelivery.objects.get(redelivery_of=done)
    assert response["Location"] == reverse("webhooks:delivery_detail", args=[endpoint.pk, again.pk])


# --- The delivery log -----------------------------------------------------------------------------


def _log(endpoint: WebhookEndpoint, count: int, **kwargs: object) -> list[WebhookDelivery]:
    deliveries = []
    for _n in range(count):
        delivery = WebhookDeliveryFactory(endpoint=endpoint, **kwargs)
        WebhookAttempt.objects.create(
            delivery=delivery, outcome="transient", status_code=500, duration_ms=321
        )
        deliveries.append(delivery)
    return deliveries


def test_the_log_pages_and_filters_with_constant_queries(
    client: Client, partner_org: Organization, max_queries
) -> None:
    endpoint = WebhookEndpointFactory(organization=partner_org)
    url = reverse("webhooks:endpoint_detail", args=[endpoint.pk])
    _log(endpoint, 3, status=WebhookDelivery.Status.FAILED, last_status_code=500)
    response = max_queries(14, client.get, url, expect=["321 ms", "call.published"])
    assert response.content.decode().count('data-testid="delivery-row"') == 3
    _log(
        endpoint,
        27,
        status=WebhookDelivery.Status.DONE,
        message=WebhookMessageFactory(event_type="mission.published"),
    )
    response = max_queries(14, client.get, url, expect=["Page 1 of 2"])
    assert response.content.decode().count('data-testid="delivery-row"') == 25

    failed = client.get(url, {"status": "failed"}).content.decode()
    assert failed.count('data-testid="delivery-row"') == 3
    missions = client.get(url, {"event_type": "mission.published"}).content.decode()
    assert missions.count('data-testid="delivery-row"') == 25  # 27, first page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    later = client.get(url, {"created_after": tomorrow}).content.decode()
    assert "No delivery matches these filters." in later


def test_a_delivery_shows_its_attempts_as_text(client: Client, partner_org: Organization) -> None:
    endpoint = WebhookEndpointFactory(organization=partner_org)
    delivery = WebhookDeliveryFactory(endpoint=endpoint)
    WebhookAttempt.objects.create(
        delivery=delivery,
        outcome="rejected",
        status_code=400,
        duration_ms=12,
        response_excerpt="<script>alert(1)</script>",
    )
    response = client.get(reverse("webhooks:delivery_detail", args=[endpoint.pk, delivery.pk]))
    body = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    assert "Refused by the receiver" in body
    assert delivery.message.msg_id in body
    other = WebhookDeliveryFactory()
    missing = client.get(reverse("webhooks:delivery_detail", args=[endpoint.pk, other.pk]))
    assert missing.status_code == 404


# --- The catalogue ------------------------------------------------------------------------------


def test_the_catalogue_lists_every_event_with_its_schema(max_queries) -> None:
    response = max_queries(
        3,
        Client(HTTP_ACCEPT_LANGUAGE="en").get,
        reverse("webhooks:event_catalogue"),
        expect=[event.code for event in catalogue.all_events()],
    )
    body = response.content.decode()
    for event in catalogue.all_events():
        assert event.scope in body
        assert reverse("webhooks:event_schema", args=[event.code]) in body
    assert "webhook-signature" in body
    assert "standardwebhooks" in body
    assert "def verify_cmsp_webhook" in body  # the README's recipe
    assert body.count("<tr><td>") == len(RETRY_SCHEDULE)
    assert "410 Gone" in body


def test_an_event_schema_is_served_as_json_schema() -> None:
    response = Client().get(reverse("webhooks:event_schema", args=["mission.published"]))
    assert response["Content-Type"] == "application/schema+json"
    assert json.loads(response.content) == catalogue.MISSION_PUBLISHED.schema()
    assert Client().get("/webhooks/events/nothing.json").status_code == 404


# --- Admin ----------------------------------------------------------------------------------------


def test_the_admin_never_shows_a_secret(partner_org: Organization) -> None:
    endpoint = WebhookEndpointFactory(organization=partner_org, previous_secret="whsec_old")
    delivery = WebhookDeliveryFactory(endpoint=endpoint)
    WebhookAttempt.objects.create(delivery=delivery, outcome="delivered", status_code=200)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, totp=True))
    for url in (
        reverse("admin:notifications_webhookendpoint_changelist"),
        reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk]),
        reverse("admin:notifications_webhookdelivery_change", args=[delivery.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert endpoint.secret not in response.content.decode()
        assert "whsec_old" not in response.content.decode()
