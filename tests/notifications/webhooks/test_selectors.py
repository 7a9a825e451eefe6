"""Reads of the webhook pages: who manages which organizations, permission-scoped endpoint and
delivery accessors, the log's annotation and the endpoint's displayed state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from members.models import Organization, User
from notifications.models import WebhookAttempt, WebhookEndpoint
from notifications.selectors import webhooks as selectors
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory
from tests.notifications.webhooks.factories import (
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
    partner_for,
)
from tests.notifications.webhooks.test_permissions import make_admin, make_partner_org
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_org() -> Organization:
    return make_partner_org()


@pytest.fixture
def org_admin(partner_org: Organization) -> User:
    return make_admin(partner_org)


def test_organizations_are_those_administered_with_api_access(
    org_admin: User, partner_org: Organization
) -> None:
    without_access = OrganizationMemberFactory(user=org_admin, role="admin").organization
    member_only = OrganizationMemberFactory(user=org_admin, role="member").organization
    partner_for(member_only)
    found, _queries = count_queries(
        3, lambda: selectors.webhook_organizations_for_user(user=org_admin)
    )
    assert found == [partner_org]
    assert without_access not in found


def test_endpoint_get_for_user_hides_others(org_admin: User, partner_org: Organization) -> None:
    mine = WebhookEndpointFactory(organization=partner_org)
    theirs = WebhookEndpointFactory()
    assert selectors.endpoint_get_for_user(user=org_admin, endpoint_id=mine.pk) == mine
    with pytest.raises(Http404):
        selectors.endpoint_get_for_user(user=org_admin, endpoint_id=theirs.pk)
    with pytest.raises(Http404):
        selectors.endpoint_get_for_user(user=org_admin, endpoint_id=999_999)


def test_endpoint_get_for_partner_hides_others(partner_org: Organization) -> None:
    partner = partner_org.partner_clients.get()
    mine = WebhookEndpointFactory(organization=partner_org)
    assert selectors.endpoint_get_for_partner(partner=partner, endpoint_id=mine.pk) == mine
    with pytest.raises(Http404):
        selectors.endpoint_get_for_partner(partner=partner, endpoint_id=WebhookEndpointFactory().pk)


def test_the_log_carries_the_last_attempts_duration_in_one_query() -> None:
    endpoint = WebhookEndpointFactory()
    now = timezone.now()
    for n in range(4):
        delivery = WebhookDeliveryFactory(endpoint=endpoint)
        WebhookAttempt.objects.create(
            delivery=delivery,
            attempted_at=now - timedelta(minutes=5),
            outcome="transient",
            duration_ms=900,
        )
        WebhookAttempt.objects.create(
            delivery=delivery, attempted_at=now, outcome="delivered", duration_ms=100 + n
        )
    WebhookDeliveryFactory(endpoint=endpoint)  # not attempted yet
    WebhookDeliveryFactory()  # another endpoint's

    def read() -> list:
        return [
            (d.message.msg_id, d.last_duration_ms)
            for d in selectors.delivery_log(endpoint=endpoint)
        ]

    rows, _queries = count_queries(1, read)
    assert [duration for _msg, duration in rows] == [None, 103, 102, 101, 100]


def test_delivery_get_is_scoped_to_the_endpoint() -> None:
    delivery = WebhookDeliveryFactory()
    assert selectors.delivery_get(endpoint=delivery.endpoint, delivery_id=delivery.pk) == delivery
    with pytest.raises(Http404):
        selectors.delivery_get(endpoint=WebhookEndpointFactory(), delivery_id=delivery.pk)


@pytest.mark.parametrize(
    ("active", "reason", "key"),
    [
        (True, "", "active"),
        (False, WebhookEndpoint.DisabledReason.MANUAL, "paused"),
        (False, WebhookEndpoint.DisabledReason.GONE, "disabled"),
        (False, WebhookEndpoint.DisabledReason.FAILING, "disabled"),
        (False, WebhookEndpoint.DisabledReason.STAFF, "disabled"),
    ],
)
def test_endpoint_state(active: bool, reason: str, key: str) -> None:
    state = selectors.endpoint_state(WebhookEndpoint(is_active=active, disabled_reason=reason))
    assert state.key == key
    assert bool(state.reason) is (key == "disabled")


def test_endpoints_of_only_those_organizations() -> None:
    first, second = OrganizationFactory(), OrganizationFactory()
    a = WebhookEndpointFactory(organization=first)
    WebhookEndpointFactory(organization=second)
    assert list(selectors.endpoints_of({first.pk})) == [a]
