"""Webhooks: emitting events to partners' endpoints, and managing the endpoints.

``webhook_emit`` is called by the domain services inside their transaction (after the change,
before commit): it writes one :class:`WebhookMessage` and one :class:`WebhookDelivery` per
endpoint that may receive it, and queues their delivery after commit. If the domain change
rolls back, nothing is sent; if the broker is down, the sweep sends them later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from cluster_portal.tasks import enqueue_on_commit
from members.models import Organization

from ..models import WebhookDelivery, WebhookEndpoint, WebhookMessage
from ..webhooks import events as catalogue
from ..webhooks.signing import new_message_id

#: ``visible_to(organization) -> bool``: may this partner know the record exists?
Visibility = Callable[[Organization], bool]


def _organizations_with_scope(organization_ids: set[int], scope: str) -> set[int]:
    """Of ``organization_ids``, those holding an active partner client allowed ``scope``."""
    from cluster_portal.api.models import PartnerClient

    clients = PartnerClient.objects.filter(
        organization_id__in=organization_ids, is_active=True
    ).values_list("organization_id", "allowed_scopes")
    return {org_id for org_id, scopes in clients if scope in (scopes or [])}


def message_payload(*, event_type: str, data: Mapping[str, Any], timestamp=None) -> dict[str, Any]:
    """The Standard Webhooks envelope: ``{"type", "timestamp", "data"}`` (UTC, ISO 8601)."""
    when = (timestamp or timezone.now()).astimezone(timezone.UTC)
    return {
        "type": event_type,
        "timestamp": when.isoformat().replace("+00:00", "Z"),
        "data": dict(data),
    }


@transaction.atomic
def webhook_emit(
    *,
    event: str,
    data: Mapping[str, Any],
    visible_to: Visibility | None = None,
) -> WebhookMessage | None:
    """Record event ``event`` for every active endpoint subscribed to it whose organization may
    read it, and queue the deliveries after commit. Returns the message, or None when no
    endpoint receives it (nothing is written then).

    An endpoint receives the event when it is active, lists the event, its organization holds
    an active partner client allowed the event's scope (the payload is thin: the partner reads
    the record with that scope), and ``visible_to(organization)`` is true (default: everyone,
    for public records). ``data`` must validate against the event's schema (JSON only).
    """
    spec = catalogue.get_event(event)
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(is_active=True).select_related(
            "organization"
        )
        if event in (endpoint.events or [])
    ]
    if not endpoints:
        return None
    allowed = _organizations_with_scope({e.organization_id for e in endpoints}, spec.scope)
    receivers = [
        endpoint
        for endpoint in endpoints
        if endpoint.organization_id in allowed
        and (visible_to is None or visible_to(endpoint.organization))
    ]
    if not receivers:
        return None
    message = WebhookMessage.objects.create(
        msg_id=new_message_id(),
        event_type=event,
        payload=message_payload(event_type=event, data=data),
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=endpoint, message=message) for endpoint in receivers]
    )
    _enqueue_deliveries([delivery.pk for delivery in deliveries])
    return message


def _enqueue_deliveries(delivery_ids: list[int]) -> None:
    from ..tasks import deliver_webhook

    for delivery_id in delivery_ids:
        enqueue_on_commit(deliver_webhook, delivery_id=delivery_id)
