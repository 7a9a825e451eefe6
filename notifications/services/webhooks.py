"""Webhooks: emitting events to partners' endpoints, and managing the endpoints.

``webhook_emit`` is called by the domain services inside their transaction (after the change,
before commit): it writes one :class:`WebhookMessage` and one :class:`WebhookDelivery` per
endpoint that may receive it, and queues their delivery after commit. If the domain change
rolls back, nothing is sent; if the broker is down, the sweep sends them later.

The management services (``endpoint_*``, ``delivery_redeliver``) are what the partners' pages
and ``/api/v1/webhooks/`` call. ``actor`` is the person (an administrator of the organization,
``permissions.can_manage_webhooks``); an API call passes ``actor=None`` and its ``client`` (a
partner client of the organization; the view has checked the token's ``webhooks:manage``
scope). A refusal raises ``PermissionDenied``; bad input raises ``ValidationError`` keyed by
field where possible (a refused target's message comes from ``targets.TargetRefused``) and
changes nothing. Every write is audited (``audit_decision``) in its transaction; secrets never
appear in the audit trail.

Rules kept here:

* a target URL is vetted when created, changed and enabled again, under the same settings as
  the deliveries (``WEBHOOKS_ALLOW_HTTP``, ``WEBHOOKS_ALLOW_PRIVATE``); the deliveries vet it
  again at every attempt (DNS rebinding);
* an endpoint subscribes to at least one event of the catalogue, each once;
* an organization has at most :data:`MAX_ENDPOINTS_PER_ORGANIZATION` endpoints;
* the signing secret is returned once, by the create and rotate services; a rotation keeps the
  previous secret signing too for ``WEBHOOK_SECRET_OVERLAP_HOURS`` (a second rotation inside the
  overlap drops the oldest secret: at most two sign);
* a test event or a redelivery goes only to an active endpoint (a disabled one would cancel it
  at once); a redelivery is a new delivery of the same message (same ``webhook-id``, so the
  receiver can drop a duplicate); a range redelivers at most :data:`REDELIVER_RANGE_CAP`
  messages, one new delivery each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from cluster_portal.core.jobs import JobStatus
from cluster_portal.tasks import enqueue_on_commit
from members.models import Organization

from ..models import WebhookDelivery, WebhookEndpoint, WebhookMessage
from ..webhooks import events as catalogue
from ..webhooks import targets
from ..webhooks.signing import generate_secret, new_message_id

if TYPE_CHECKING:
    from cluster_portal.api.models import PartnerClient
    from members.models import User

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
    when = (timestamp or timezone.now()).astimezone(UTC)
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


# --- Managing endpoints ----------------------------------------------------------------------

#: How many endpoints one organization may have (a partner needs a few: production, staging).
MAX_ENDPOINTS_PER_ORGANIZATION = 10
#: The most messages one range redelivery may queue (a larger range is refused: split it).
REDELIVER_RANGE_CAP = 1000
#: What :func:`endpoint_update` accepts in ``data``.
ENDPOINT_FIELDS: tuple[str, ...] = ("url", "description", "events")
#: The body of a test event (machine data: the same in every language).
TEST_EVENT_MESSAGE = "Test event from the CMSP portal"
#: Deliveries still on their way (not redelivered again, not counted as "not delivered").
IN_PROGRESS = (JobStatus.PENDING, JobStatus.RUNNING)
#: What "failed only" redelivers: messages whose delivery failed or was cancelled.
NOT_DELIVERED = (JobStatus.FAILED, JobStatus.CANCELLED)


def _authorize(
    *, actor: User | None, client: PartnerClient | None, organization: Organization
) -> None:
    """A person must be allowed ``can_manage_webhooks``; an API call comes from an active
    partner client of the organization (its token's scope is the API view's check)."""
    from .. import permissions

    if actor is not None:
        verdict = permissions.can_manage_webhooks(actor, organization)
        if not verdict:
            raise PermissionDenied(str(verdict.reason))
        return
    if client is None or not client.is_active or client.organization_id != organization.pk:
        raise PermissionDenied(_("Only the organization's partner system can do this."))


def _audit(
    *,
    actor: User | None,
    client: PartnerClient | None,
    target: WebhookEndpoint | WebhookDelivery,
    action: str,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
    reason: str = "",
) -> None:
    if actor is None and client is not None:
        via = f"API client {client.name} ({client.client_id})"
        reason = f"{via}: {reason}" if reason else via
    audit_decision(actor=actor, target=target, action=action, changes=changes, reason=reason)


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """A field-keyed error that keeps its code (a dict of plain messages would drop it)."""
    return ValidationError({field: ValidationError(message, code=code)})


def clean_url(url: Any) -> str:
    """A target URL the deliveries may call (vetted now, with the deliveries' settings)."""
    url = str(url or "").strip()
    if not url:
        raise _field_error("url", _("Enter the URL that receives the events."), "required")
    try:
        targets.vet_target(
            url,
            allow_http=settings.WEBHOOKS_ALLOW_HTTP,
            allow_private=settings.WEBHOOKS_ALLOW_PRIVATE,
        )
    except targets.TargetRefused as refused:
        raise _field_error("url", str(refused), str(refused.code)) from None
    return url


def clean_events(events: Any) -> list[str]:
    """At least one event of the catalogue, each once (the test event is not subscribable)."""
    if isinstance(events, str) or not isinstance(events, Iterable):
        raise _field_error("events", _("Choose the events to receive."), "invalid")
    chosen = list(events)
    if not chosen:
        raise _field_error("events", _("Choose at least one event."), "required")
    known = set(catalogue.event_codes())
    unknown = [code for code in chosen if not isinstance(code, str) or code not in known]
    if unknown:
        raise _field_error(
            "events",
            _("Unknown events: %(events)s.") % {"events": ", ".join(str(code) for code in unknown)},
            "invalid_choice",
        )
    if len(set(chosen)) != len(chosen):
        raise _field_error("events", _("Choose each event once."), "duplicate")
    return chosen


def _clean_description(description: Any) -> str:
    return str(description or "").strip()


def _cleaned(data: Mapping[str, Any]) -> dict[str, Any]:
    """Each given field cleaned; every field's error reported at once."""
    cleaners: dict[str, Callable[[Any], Any]] = {
        "url": clean_url,
        "description": _clean_description,
        "events": clean_events,
    }
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[ValidationError]] = {}
    for name, value in data.items():
        try:
            cleaned[name] = cleaners[name](value)
        except ValidationError as error:
            for field, field_errors in error.error_dict.items():
                errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _lock(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return (
        WebhookEndpoint.objects.select_for_update()
        .select_related("organization")
        .get(pk=endpoint.pk)
    )


@transaction.atomic
def endpoint_create(
    *,
    actor: User | None,
    organization: Organization,
    url: str,
    events: Iterable[str],
    description: str = "",
    client: PartnerClient | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Subscribe ``url`` of ``organization`` to ``events``; return the endpoint and its signing
    secret, which is shown to the partner now and never again.

    The URL is vetted (https, public addresses; per the settings), the events are checked
    against the catalogue, and the organization may not exceed
    :data:`MAX_ENDPOINTS_PER_ORGANIZATION` (its row is locked so two requests cannot both pass).
    Audited.
    """
    _authorize(actor=actor, client=client, organization=organization)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if (
        WebhookEndpoint.objects.filter(organization=organization).count()
        >= MAX_ENDPOINTS_PER_ORGANIZATION
    ):
        raise ValidationError(
            _("An organization may have at most %(count)s webhook endpoints. Delete one first.")
            % {"count": MAX_ENDPOINTS_PER_ORGANIZATION},
            "too_many",
        )
    cleaned = _cleaned({"url": url, "description": description, "events": events})
    secret = generate_secret()
    endpoint = WebhookEndpoint(
        organization=organization,
        secret=secret,
        created_by=actor,
        client=client,
        **cleaned,
    )
    endpoint.full_clean()
    endpoint.save()
    _audit(
        actor=actor,
        client=client,
        target=endpoint,
        action="webhook_endpoint.create",
        changes={"url": ("", endpoint.url), "events": ("", ", ".join(endpoint.events))},
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    actor: User | None,
    endpoint: WebhookEndpoint,
    data: Mapping[str, Any],
    client: PartnerClient | None = None,
) -> WebhookEndpoint:
    """Change an endpoint's ``url``, ``description`` and/or ``events`` (only those given).

    A new URL is vetted like at creation and ends the endpoint's failure streak (the streak
    was the old target's). Audited with the changes. Unknown fields are a programming error
    (``ValueError``).
    """
    unknown = set(data) - set(ENDPOINT_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected endpoint fields: {sorted(unknown)}")
    _authorize(actor=actor, client=client, organization=endpoint.organization)
    endpoint = _lock(endpoint)
    cleaned = _cleaned(data)
    changes: dict[str, tuple[Any, Any]] = {}
    for name, value in cleaned.items():
        before = getattr(endpoint, name)
        if before == value:
            continue
        setattr(endpoint, name, value)
        changes[name] = (
            (", ".join(before), ", ".join(value)) if name == "events" else (before, value)
        )
    if not changes:
        return endpoint
    fields = [*changes, "updated_at"]
    if "url" in changes:
        endpoint.failing_since = None
        fields.append("failing_since")
    endpoint.full_clean()
    endpoint.save(update_fields=fields)
    _audit(
        actor=actor,
        client=client,
        target=endpoint,
        action="webhook_endpoint.update",
        changes=changes,
    )
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(
    *, actor: User | None, endpoint: WebhookEndpoint, client: PartnerClient | None = None
) -> str:
    """Give the endpoint a new signing secret and return it (shown once).

    The previous secret keeps signing (a second signature in ``webhook-signature``) for
    ``WEBHOOK_SECRET_OVERLAP_HOURS``, so the partner can switch its verifier without losing a
    message. Audited (without the secrets).
    """
    _authorize(actor=actor, client=client, organization=endpoint.organization)
    endpoint = _lock(endpoint)
    now = timezone.now()
    secret = generate_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + timedelta(
        hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS
    )
    endpoint.secret = secret
    endpoint.save(
        update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"]
    )
    _audit(
        actor=actor,
        client=client,
        target=endpoint,
        action="webhook_endpoint.rotate_secret",
        changes={"previous_secret_expires_at": ("", endpoint.previous_secret_expires_at)},
    )
    return secret


@transaction.atomic
def endpoint_disable(
    *, actor: User | None, endpoint: WebhookEndpoint, client: PartnerClient | None = None
) -> WebhookEndpoint:
    """Pause an endpoint (reason "paused by the partner"): nothing more is sent to it, and its
    pending deliveries are cancelled (they can be redelivered later). Disabling a disabled
    endpoint changes nothing. Audited."""
    from ..webhooks.delivery import cancel_pending_deliveries

    _authorize(actor=actor, client=client, organization=endpoint.organization)
    endpoint = _lock(endpoint)
    if not endpoint.is_active:
        return endpoint
    endpoint.is_active = False
    endpoint.disabled_reason = WebhookEndpoint.DisabledReason.MANUAL
    endpoint.disabled_at = timezone.now()
    endpoint.save(update_fields=["is_active", "disabled_reason", "disabled_at", "updated_at"])
    cancelled = cancel_pending_deliveries(endpoint)
    _audit(
        actor=actor,
        client=client,
        target=endpoint,
        action="webhook_endpoint.disable",
        changes={"is_active": (True, False), "cancelled_deliveries": (0, cancelled)},
    )
    return endpoint


@transaction.atomic
def endpoint_enable(
    *, actor: User | None, endpoint: WebhookEndpoint, client: PartnerClient | None = None
) -> WebhookEndpoint:
    """Enable a disabled endpoint again (whatever disabled it): its URL is vetted again and its
    failure streak starts afresh. Deliveries cancelled meanwhile stay cancelled (redeliver them
    from the log). Enabling an active endpoint changes nothing. Audited."""
    _authorize(actor=actor, client=client, organization=endpoint.organization)
    endpoint = _lock(endpoint)
    if endpoint.is_active:
        return endpoint
    clean_url(endpoint.url)
    before = endpoint.disabled_reason
    endpoint.is_active = True
    endpoint.disabled_reason = WebhookEndpoint.DisabledReason.NONE
    endpoint.disabled_at = None
    endpoint.failing_since = None
    endpoint.save(
        update_fields=[
            "is_active",
            "disabled_reason",
            "disabled_at",
            "failing_since",
            "updated_at",
        ]
    )
    _audit(
        actor=actor,
        client=client,
        target=endpoint,
        action="webhook_endpoint.enable",
        changes={"is_active": (False, True), "disabled_reason": (before, "")},
    )
    return endpoint


@transaction.atomic
def endpoint_delete(
    *, actor: User | None, endpoint: WebhookEndpoint, client: PartnerClient | None = None
) -> None:
    """Delete an endpoint with its deliveries and their log (audited first, so the trail keeps
    what was deleted)."""
    _authorize(actor=actor, client=client, organization=endpoint.organization)
    endpoint = _lock(endpoint)
    _audit(
        actor=actor,
        client=client,
        target=endpoint,
        action="webhook_endpoint.delete",
        changes={"url": (endpoint.url, ""), "events": (", ".join(endpoint.events), "")},
    )
    endpoint.delete()


def _require_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.is_active:
        raise ValidationError(
            _("The endpoint is disabled. Enable it first: nothing is sent to a disabled endpoint."),
            "inactive",
        )


@transaction.atomic
def endpoint_send_test(
    *, actor: User | None, endpoint: WebhookEndpoint, client: PartnerClient | None = None
) -> WebhookDelivery:
    """Send a ``webhook.test`` event to this endpoint only (subscribed to it or not), posted
    after commit like any delivery. Refused for a disabled endpoint. Audited."""
    _authorize(actor=actor, client=client, organization=endpoint.organization)
    endpoint = _lock(endpoint)
    _require_active(endpoint)
    message = WebhookMessage.objects.create(
        msg_id=new_message_id(),
        event_type=catalogue.TEST_EVENT.code,
        payload=message_payload(
            event_type=catalogue.TEST_EVENT.code,
            data={"message": TEST_EVENT_MESSAGE, "endpoint_id": endpoint.pk},
        ),
        test_for=endpoint.organization,
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, message=message, requested_by=actor
    )
    _audit(actor=actor, client=client, target=endpoint, action="webhook_endpoint.send_test")
    _enqueue_deliveries([delivery.pk])
    return delivery


@transaction.atomic
def delivery_redeliver(
    *, actor: User | None, delivery: WebhookDelivery, client: PartnerClient | None = None
) -> WebhookDelivery:
    """Deliver ``delivery``'s message to its endpoint again: a new delivery (``redelivery_of``,
    ``requested_by``) with the same message id, posted after commit. Refused while the
    delivery is still on its way and for a disabled endpoint. Audited."""
    endpoint = delivery.endpoint
    _authorize(actor=actor, client=client, organization=endpoint.organization)
    endpoint = _lock(endpoint)
    _require_active(endpoint)
    delivery = WebhookDelivery.objects.get(pk=delivery.pk)
    if delivery.status in IN_PROGRESS:
        raise ValidationError(
            _("This delivery is still being attempted; wait for it to finish."),
            "invalid_transition",
        )
    redelivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=delivery.message_id,
        redelivery_of=delivery,
        requested_by=actor,
    )
    _audit(
        actor=actor,
        client=client,
        target=delivery,
        action="webhook_delivery.redeliver",
        changes={"redelivery": ("", redelivery.pk)},
    )
    _enqueue_deliveries([redelivery.pk])
    return redelivery


def _check_range(since: Any, until: Any) -> None:
    errors = {
        name: ValidationError(_("Enter a date and time."), code="invalid")
        for name, value in (("since", since), ("until", until))
        if not isinstance(value, datetime) or timezone.is_naive(value)
    }
    if errors:
        raise ValidationError(errors)
    if since > until:
        raise _field_error("until", _("The end must not be before the start."), "invalid")


@transaction.atomic
def endpoint_redeliver_range(
    *,
    actor: User | None,
    endpoint: WebhookEndpoint,
    since: datetime,
    until: datetime,
    failed_only: bool = True,
    client: PartnerClient | None = None,
) -> int:
    """Deliver again the messages of the endpoint's deliveries created in ``[since, until]``:
    one new delivery per message (``redelivery_of`` its latest delivery there). Returns how
    many were queued.

    ``failed_only`` (the default) takes only messages never delivered to this endpoint (their
    deliveries failed or were cancelled, none succeeded); otherwise every message of the range.
    Messages still being attempted are skipped. More than :data:`REDELIVER_RANGE_CAP` messages
    is refused (nothing queued): narrow the range. Refused for a disabled endpoint. Audited.
    """
    _authorize(actor=actor, client=client, organization=endpoint.organization)
    _check_range(since, until)
    endpoint = _lock(endpoint)
    _require_active(endpoint)
    of_endpoint = WebhookDelivery.objects.filter(endpoint=endpoint)
    in_range = of_endpoint.filter(created_at__gte=since, created_at__lte=until)
    if failed_only:
        in_range = in_range.filter(status__in=NOT_DELIVERED).exclude(
            message_id__in=of_endpoint.filter(status=JobStatus.DONE).values("message_id")
        )
    in_range = in_range.exclude(
        message_id__in=of_endpoint.filter(status__in=IN_PROGRESS).values("message_id")
    )
    # The latest delivery of each message (the one the new delivery redelivers).
    latest = list(
        in_range.values("message_id")
        .annotate(last=Max("pk"))
        .order_by("message_id")[: REDELIVER_RANGE_CAP + 1]
    )
    if len(latest) > REDELIVER_RANGE_CAP:
        raise ValidationError(
            _(
                "More than %(cap)s messages fall in this range. Choose a shorter range and "
                "redeliver it in parts."
            )
            % {"cap": REDELIVER_RANGE_CAP},
            "too_many",
        )
    if not latest:
        return 0
    created = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                message_id=row["message_id"],
                redelivery_of_id=row["last"],
                requested_by=actor,
            )
            for row in latest
        ]
    )
    _audit(
        actor=actor,
        client=client,
        target=endpoint,
        action="webhook_endpoint.redeliver_range",
        changes={"redelivered": (0, len(created))},
        reason=f"{since.isoformat()} to {until.isoformat()}"
        + (" (failed only)" if failed_only else ""),
    )
    _enqueue_deliveries([delivery.pk for delivery in created])
    return len(created)
