"""The webhooks demo: the partner university's API client, endpoints and a delivery history in
every state; idempotent; its admin manages them; nothing is ever posted."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from cluster_portal.api.models import PartnerClient
from members import demo as members_demo
from members.demo import demo_ruc
from members.models import Organization, OrganizationMember
from notifications import demo
from notifications.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookMessage
from notifications.permissions import can_manage_webhooks
from notifications.services import in_app_only

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            PartnerClient,
            WebhookEndpoint,
            WebhookMessage,
            WebhookDelivery,
            WebhookAttempt,
        )
    )


def test_the_webhooks_demo(django_capture_on_commit_callbacks) -> None:
    with in_app_only():
        members_demo.seed(stdout=io.StringIO())
        out = io.StringIO()
        with django_capture_on_commit_callbacks() as callbacks:
            demo.seed_webhooks(stdout=out)
        first = _counts()
        demo.seed_webhooks(stdout=io.StringIO())
    assert _counts() == first  # idempotent
    assert not callbacks  # no delivery is queued: the demo hosts never resolve

    organization = Organization.objects.get(ruc=demo_ruc(demo.WEBHOOK_ORGANIZATION))
    client = PartnerClient.objects.get(organization=organization)
    assert "webhooks:manage" in client.allowed_scopes
    assert client.is_active
    endpoint = WebhookEndpoint.objects.get(url=demo.ENDPOINT_URL)
    assert endpoint.organization == organization
    assert endpoint.is_active
    assert len(endpoint.events) >= 3
    assert "demostración" in endpoint.description
    staging = WebhookEndpoint.objects.get(url=demo.STAGING_URL)
    assert (staging.is_active, staging.disabled_reason) == (False, "gone")

    statuses = Counter(WebhookDelivery.objects.values_list("status", flat=True))
    assert statuses == {"done": 3, "pending": 1, "failed": 1}
    codes = set(WebhookAttempt.objects.values_list("status_code", flat=True))
    assert {200, 500, 503, 410} <= codes
    retried = WebhookDelivery.objects.get(message__event_type="mission.published")
    assert (retried.attempts, retried.status, retried.last_status_code) == (3, "done", 200)
    assert endpoint.secret not in out.getvalue()

    admin = OrganizationMember.objects.filter(organization=organization, role="admin").first()
    assert admin is not None
    assert can_manage_webhooks(admin.user, organization)
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(admin.user)
    page = browser.get(reverse("webhooks:endpoint_detail", args=[endpoint.pk]))
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="delivery-row"') == 4
