"""factory_boy factories for webhook endpoints, messages and deliveries."""

from __future__ import annotations

import factory

from notifications.models import WebhookDelivery, WebhookEndpoint, WebhookMessage
from notifications.services.webhooks import message_payload
from notifications.webhooks.signing import generate_secret, new_message_id
from tests.api.factories import PartnerClientFactory
from tests.members.factories import OrganizationFactory


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    """An active endpoint subscribed to ``call.published``. Its organization gets no partner
    client: use :func:`partner_for` (``webhook_emit`` only sends to organizations holding an
    active client allowed the event's scope)."""

    class Meta:
        model = WebhookEndpoint

    organization = factory.SubFactory(OrganizationFactory)
    url = factory.Sequence(lambda n: f"https://hooks{n}.example.org/cmsp")
    description = "ERP integration"
    events = factory.LazyFunction(lambda: ["call.published"])
    secret = factory.LazyFunction(generate_secret)


class WebhookMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookMessage

    msg_id = factory.LazyFunction(new_message_id)
    event_type = "call.published"
    payload = factory.LazyAttribute(
        lambda o: message_payload(
            event_type=o.event_type,
            data={
                "id": 1,
                "title": "Convocatoria",
                "closes_at": "2027-01-31T04:59:00Z",
                "api_url": "https://portal.example/api/v1/calls/1/",
                "portal_url": "https://portal.example/challenges/calls/1/",
            },
        )
    )


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    message = factory.SubFactory(WebhookMessageFactory)


def partner_for(organization, scopes=("challenges:read", "webhooks:manage")):
    """An active partner client of ``organization`` allowed ``scopes``."""
    return PartnerClientFactory(organization=organization, allowed_scopes=list(scopes))
