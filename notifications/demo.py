"""Demo notifications for the demo people of ``members/demo/``, and a partner's webhooks.
Idempotent (keys).

**Webhooks.** The university UNSA (its admin, Mariela Rivera, is a demo login) holds API access
for its ERP (a partner client with ``webhooks:manage``), an endpoint
``https://erp.unsa.edu.pe.example/cmsp-webhooks`` subscribed to several events and a short
delivery history in every state: delivered at once (200), retried after a 500 then delivered,
still retrying after a 503, and a test event; plus a staging endpoint disabled by a ``410 Gone``.
The ``.example`` hosts never resolve, so these records are written directly (the services vet
the target) and labelled as demo data in their descriptions; no request is ever sent.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, TextIO

from django.utils import timezone

from members.demo import DEMO_USERS, demo_ruc
from members.models import Organization, User

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookMessage
from .services import notify
from .services.webhooks import message_payload
from .webhooks import events as catalogue
from .webhooks.retries import Outcome
from .webhooks.signing import generate_secret

#: The demo partner: its organization key (``members.demo``), the partner client's name, scopes.
WEBHOOK_ORGANIZATION = "unsa"
PARTNER_NAME = "ERP UNSA (demostración)"
PARTNER_SCOPES = (
    "public:read",
    "challenges:read",
    "proposals:read",
    "portfolio:read",
    "missions:read",
    "webhooks:manage",
)
ENDPOINT_URL = "https://erp.unsa.edu.pe.example/cmsp-webhooks"
STAGING_URL = "https://staging.erp.unsa.edu.pe.example/cmsp-webhooks"
ENDPOINT_EVENTS = [
    "call.published",
    "call.closed",
    "results.published",
    "mission.published",
    "challenge.created",
]
SECRETARIAT_EMAIL = "secretaria@cmsp.pe"
#: Stable message ids: ``msg_`` + a UUID derived from the demo key.
_MSG_NAMESPACE = uuid.UUID("5b0f3c1e-8d4a-4f57-9a53-6f1d2c0b7e11")


def seed(*, stdout: TextIO) -> None:
    users = list(User.objects.filter(email__in=[email for email, *_ in DEMO_USERS]))
    # In-app only: the demo must not fill the console (or a real mailbox) with emails.
    for user in users:
        notify(
            recipients=[user],
            event="account.welcome",
            context={"email": user.email},
            url="/",
            idempotency_key="account.welcome",
            email=False,
        )
    stdout.write(f"  notifications: welcome messages for {len(users)} demo people")
    seed_webhooks(stdout=stdout)


# --- Webhooks -----------------------------------------------------------------------------------


def _partner_client(organization: Organization) -> Any:
    from cluster_portal.api.models import PartnerClient
    from cluster_portal.api.services import partner_client_create

    client = PartnerClient.objects.filter(
        organization=organization, application__name=PARTNER_NAME
    ).first()
    if client is not None:
        return client
    secretariat = User.objects.filter(email=SECRETARIAT_EMAIL).first()
    # The client secret is returned once and dropped: the demo never calls the API with it (the
    # secretariat can rotate it in the admin to try the API).
    client, _secret = partner_client_create(
        actor=secretariat,  # type: ignore[arg-type]
        organization=organization,
        name=PARTNER_NAME,
        allowed_scopes=PARTNER_SCOPES,
    )
    return client


def _endpoint(organization: Organization, client: Any, url: str, **values: Any) -> WebhookEndpoint:
    endpoint, _created = WebhookEndpoint.objects.get_or_create(
        organization=organization,
        url=url,
        defaults={"secret": generate_secret(), "client": None, **values},
    )
    return endpoint


def _message(key: str, event_type: str, data: dict[str, Any], at: Any) -> WebhookMessage:
    msg_id = f"msg_{uuid.uuid5(_MSG_NAMESPACE, key).hex}"
    message, _created = WebhookMessage.objects.get_or_create(
        msg_id=msg_id,
        defaults={
            "event_type": event_type,
            "payload": message_payload(event_type=event_type, data=data, timestamp=at),
            "created_at": at,
        },
    )
    return message


def _delivery(
    endpoint: WebhookEndpoint,
    message: WebhookMessage,
    attempts: list[tuple[timedelta, Outcome, int | None, int, str]],
    *,
    status: str,
    next_attempt_in: timedelta | None = None,
) -> WebhookDelivery:
    """A delivery with its attempts (offset from the message, outcome, HTTP status, duration,
    response excerpt), written once."""
    delivery = WebhookDelivery.objects.filter(endpoint=endpoint, message=message).first()
    if delivery is not None:
        return delivery
    last = attempts[-1]
    last_at = message.created_at + last[0]
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message=message,
        status=status,
        attempts=len(attempts),
        created_at=message.created_at,
        next_attempt_at=(last_at + next_attempt_in) if next_attempt_in else last_at,
        last_outcome=last[1].value,
        last_status_code=last[2],
        delivered_at=last_at if last[1] is Outcome.DELIVERED else None,
    )
    WebhookAttempt.objects.bulk_create(
        WebhookAttempt(
            delivery=delivery,
            attempted_at=message.created_at + offset,
            outcome=outcome.value,
            status_code=code,
            duration_ms=duration,
            response_excerpt=excerpt,
        )
        for offset, outcome, code, duration, excerpt in attempts
    )
    return delivery


def _call_data() -> dict[str, Any]:
    from challenges.models import Call

    from .webhooks.payloads import call_published_data

    call = Call.objects.filter(status=Call.Status.OPEN).order_by("pk").first()
    return call_published_data(call) if call else dict(catalogue.CALL_PUBLISHED.example)


def _mission_data() -> dict[str, Any]:
    from missions.models import Mission

    from .webhooks.payloads import mission_published_data

    mission = Mission.objects.filter(status=Mission.Status.OPEN).order_by("pk").first()
    return mission_published_data(mission) if mission else dict(catalogue.MISSION_PUBLISHED.example)


def seed_webhooks(*, stdout: TextIO) -> None:
    """The demo partner's client, endpoints and delivery history (see the module docstring)."""
    organization = Organization.objects.filter(ruc=demo_ruc(WEBHOOK_ORGANIZATION)).first()
    if organization is None:
        return
    client = _partner_client(organization)
    now = timezone.now().replace(microsecond=0)
    endpoint = _endpoint(
        organization,
        client,
        ENDPOINT_URL,
        description="ERP de la UNSA, producción (datos de demostración)",
        events=ENDPOINT_EVENTS,
        created_at=now - timedelta(days=20),
        last_success_at=now - timedelta(days=1, hours=2),
    )
    staging = _endpoint(
        organization,
        client,
        STAGING_URL,
        description="ERP de la UNSA, pruebas (datos de demostración)",
        events=["call.published"],
        created_at=now - timedelta(days=30),
        is_active=False,
        disabled_reason=WebhookEndpoint.DisabledReason.GONE,
        disabled_at=now - timedelta(days=9, minutes=-1),
    )
    ok = '{"received": true}'
    done, failed, pending = (
        WebhookDelivery.Status.DONE,
        WebhookDelivery.Status.FAILED,
        WebhookDelivery.Status.PENDING,
    )
    call = _message("call.published", "call.published", _call_data(), now - timedelta(days=6))
    _delivery(endpoint, call, [(timedelta(0), Outcome.DELIVERED, 200, 142, ok)], status=done)
    mission = _message(
        "mission.published", "mission.published", _mission_data(), now - timedelta(days=3)
    )
    _delivery(
        endpoint,
        mission,
        [
            (timedelta(0), Outcome.TRANSIENT, 500, 812, "Internal Server Error"),
            (timedelta(seconds=5), Outcome.TRANSIENT, 500, 790, "Internal Server Error"),
            (timedelta(minutes=5, seconds=5), Outcome.DELIVERED, 200, 163, ok),
        ],
        status=done,
    )
    test = _message(
        "webhook.test",
        catalogue.TEST_EVENT.code,
        {"message": "Test event from the CMSP portal", "endpoint_id": endpoint.pk},
        now - timedelta(days=1, hours=2),
    )
    _delivery(endpoint, test, [(timedelta(0), Outcome.DELIVERED, 200, 98, ok)], status=done)
    challenge = _message(
        "challenge.created",
        "challenge.created",
        dict(catalogue.CHALLENGE_CREATED.example),
        now - timedelta(hours=1),
    )
    _delivery(
        endpoint,
        challenge,
        [(timedelta(0), Outcome.TRANSIENT, 503, 5004, "Service Unavailable")],
        status=pending,
        next_attempt_in=timedelta(hours=6),
    )
    gone = _message(
        "staging.call.published", "call.published", _call_data(), now - timedelta(days=9)
    )
    _delivery(
        staging,
        gone,
        [(timedelta(0), Outcome.GONE, 410, 61, "Gone")],
        status=failed,
    )
    stdout.write(
        f"  webhooks: API client and 2 endpoints of {organization.display_name} "
        f"(partner admin: {_admin_email(organization)}), "
        f"{WebhookDelivery.objects.filter(endpoint__organization=organization).count()} deliveries"
    )


def _admin_email(organization: Organization) -> str:
    from members.models import OrganizationMember

    admin = (
        OrganizationMember.objects.filter(
            organization=organization, role=OrganizationMember.Role.ADMIN
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return admin.user.email if admin else "-"
