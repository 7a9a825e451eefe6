"""Posting webhook deliveries: one signed POST per attempt, the specification's retry schedule.

A :class:`~notifications.models.WebhookDelivery` is a durable job (``cluster_portal.core.jobs``):
``WEBHOOKS`` claims it (one worker, even when the task and the sweep race), runs one attempt and
records the outcome. Each attempt:

1. reloads the endpoint; a disabled endpoint cancels the delivery (nothing is posted);
2. vets the target URL **again** (``targets.vet_target`` with the settings
   ``WEBHOOKS_ALLOW_HTTP`` / ``WEBHOOKS_ALLOW_PRIVATE``): a name that resolved to a public address
   when the partner subscribed may point at ``127.0.0.1`` today. A refused target is a failed
   attempt with the reason in the log, never a crash;
3. posts the message's exact JSON bytes, signed for this attempt (same ``webhook-id`` on every
   attempt, a fresh timestamp, one signature per secret in use), **to one of the vetted
   addresses**: the connection goes to the IP that was checked, the host name travels only in
   ``Host`` and in TLS (SNI and certificate check), so a DNS answer that changes between the
   check and the connection (DNS rebinding) cannot redirect the POST. No retries inside urllib3,
   no redirects followed (a ``3xx`` is a failed attempt), short connect and read timeouts, at
   most ``RESPONSE_EXCERPT_CHARS * 4`` bytes of the answer read;
4. logs a :class:`~notifications.models.WebhookAttempt` and applies ``retries.classify``: ``2xx``
   delivered (the endpoint's failure streak ends); ``410`` disables the endpoint at once; any
   other failure starts or extends the endpoint's streak and is tried again on the
   specification's schedule (``retries.next_attempt``, ``Retry-After`` honoured) until
   ``MAX_ATTEMPTS``; a streak of ``retries.DISABLE_AFTER`` without a success disables the
   endpoint. Disabling cancels the endpoint's other pending deliveries and notifies the
   organization's administrators and the endpoint's creator (``webhooks.endpoint_disabled``).

**Why ``perform`` returns the status.** An unanswered webhook is an expected outcome, recorded
in the delivery log, not an exception; and its next attempt follows the specification's schedule
and the receiver's ``Retry-After``, not the queue's generic backoff. So ``_attempt`` decides the
outcome itself and returns the row's new fields (``status`` ``pending`` with ``next_attempt_at``,
``done``, ``failed`` or ``cancelled``), which ``JobQueue.run`` stores in its usual conditional
UPDATE. The attempt counter stays the queue's (incremented when the row is claimed), so a worker
that dies mid-POST still counts, and the queue's ``max_attempts`` guard is the same
``MAX_ATTEMPTS``. Only an unexpected error (a bug, the database) reaches the queue's own retry.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import urllib3
from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from cluster_portal.core.jobs import JobQueue, JobStatus

from ..models import RESPONSE_EXCERPT_CHARS, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from . import retries, signing, targets

logger = logging.getLogger(__name__)

USER_AGENT = "CMSP-Webhooks/1.0"
#: How many bytes of a response body are read for the log's excerpt (UTF-8: up to 4 per char).
EXCERPT_BYTES = RESPONSE_EXCERPT_CHARS * 4
#: How many vetted addresses are tried when a connection cannot be opened (nothing was sent).
MAX_ADDRESSES_TRIED = 3
ERROR_MAX_LENGTH = 500
#: Longer than the hard task time limit: a row still ``running`` after this was abandoned.
STALE_AFTER_MINUTES = 10

Status = JobStatus
DisabledReason = WebhookEndpoint.DisabledReason


# --- One POST ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostResult:
    """What one POST produced: a status code (None without a response) and the log's data."""

    status_code: int | None = None
    retry_after: str | None = None
    excerpt: str = ""
    error: str = ""
    duration_ms: int = 0


def _sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def message_body(payload: Mapping[str, Any]) -> bytes:
    """The bytes posted for a message: compact UTF-8 JSON, identical on every attempt.

    The envelope in the specification's order (``type``, ``timestamp``, ``data``) and every
    object inside with sorted keys: PostgreSQL's ``jsonb`` does not keep the order a payload was
    written in, so the order is fixed here, the same on every database."""
    envelope = {key: payload[key] for key in ("type", "timestamp", "data") if key in payload}
    envelope.update({key: payload[key] for key in sorted(payload) if key not in envelope})
    return json.dumps(
        {key: _sorted(value) for key, value in envelope.items()},
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def ca_bundle() -> str | None:
    """The CA certificates TLS targets are checked against: certifi's bundle when installed
    (it is, through requests), else None and urllib3 loads the system's."""
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi comes with requests
        return None
    return certifi.where()


def host_header(target: targets.Target) -> str:
    """``Host``: the URL's host (brackets around IPv6), with the port unless it is the default."""
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _pool(target: targets.VettedTarget, address: str) -> urllib3.HTTPConnectionPool:
    """A connection pool to ``address`` (a vetted IP) that speaks to ``target.host``."""
    common: dict[str, Any] = {
        "host": address,
        "port": target.port,
        "maxsize": 1,
        "retries": False,
    }
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            **common,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs=ssl.CERT_REQUIRED,
            ca_certs=ca_bundle(),
        )
    return urllib3.HTTPConnectionPool(**common)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]


def _excerpt(raw: bytes) -> str:
    # PostgreSQL text cannot hold NUL characters.
    return raw.decode("utf-8", errors="replace").replace("\x00", "")[:RESPONSE_EXCERPT_CHARS]


def post_to_target(
    target: targets.VettedTarget, *, body: bytes, headers: Mapping[str, str]
) -> PostResult:
    """POST ``body`` to ``target``, connecting to its vetted addresses only. Never raises for
    network trouble: a missing response is a result with ``status_code`` None and an error.

    The next vetted address is tried only when no connection could be opened (nothing was
    sent); once the request went out, its fate is the attempt's outcome.
    """
    timeout = urllib3.Timeout(
        connect=settings.WEBHOOK_CONNECT_TIMEOUT, read=settings.WEBHOOK_READ_TIMEOUT
    )
    started = time.monotonic()

    def elapsed() -> int:
        return round((time.monotonic() - started) * 1000)

    error = ""
    for address in target.addresses[:MAX_ADDRESSES_TRIED]:
        pool = _pool(target, address)
        try:
            response = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers=dict(headers),
                retries=False,
                redirect=False,
                timeout=timeout,
                preload_content=False,
                assert_same_host=False,
            )
        except (NewConnectionError, ConnectTimeoutError) as exc:
            error = _error_text(exc)
            pool.close()
            continue
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            pool.close()
            return PostResult(error=_error_text(exc), duration_ms=elapsed())
        status, retry_after = response.status, response.headers.get("Retry-After")
        try:
            excerpt, read_error = _excerpt(response.read(EXCERPT_BYTES)), ""
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            # The status line arrived: the receiver answered; only the excerpt is missing.
            excerpt, read_error = "", _error_text(exc)
        finally:
            response.close()
            pool.close()
        return PostResult(
            status_code=status,
            retry_after=retry_after,
            excerpt=excerpt,
            error=read_error,
            duration_ms=elapsed(),
        )
    return PostResult(error=error, duration_ms=elapsed())


# --- One attempt ---------------------------------------------------------------------------


def _vet(url: str) -> targets.VettedTarget:
    return targets.vet_target(
        url,
        allow_http=settings.WEBHOOKS_ALLOW_HTTP,
        allow_private=settings.WEBHOOKS_ALLOW_PRIVATE,
    )


def _attempt(delivery: WebhookDelivery) -> Mapping[str, Any]:
    """``perform`` of ``WEBHOOKS``: one attempt of a claimed delivery; returns its new fields."""
    endpoint = WebhookEndpoint.objects.select_related("organization").get(pk=delivery.endpoint_id)
    if not endpoint.is_active:
        return {"status": Status.CANCELLED, "last_error": "endpoint disabled; nothing sent"}
    message = delivery.message
    started_at = timezone.now()
    try:
        # The log's reason in the portal's language: the worker has no person to speak to.
        with translation.override(settings.LANGUAGE_CODE):
            target = _vet(endpoint.url)
    except targets.TargetRefused as refused:
        logger.warning("webhook delivery %s: target refused (%s)", delivery.pk, refused.code)
        result = PostResult(error=f"{refused.code}: {refused}"[:ERROR_MAX_LENGTH])
    else:
        body = message_body(message.payload)
        headers = {
            **signing.webhook_headers(
                endpoint.signing_secrets(now=started_at),
                msg_id=message.msg_id,
                timestamp=started_at,
                body=body,
            ),
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Host": host_header(target),
        }
        result = post_to_target(target, body=body, headers=headers)
    return _record(delivery, endpoint, result, attempted_at=started_at)


@transaction.atomic
def _record(
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    result: PostResult,
    *,
    attempted_at: datetime,
) -> dict[str, Any]:
    """Log the attempt, update the endpoint's streak, decide the delivery's next state."""
    outcome = retries.classify(result.status_code)
    now = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=attempted_at,
        outcome=outcome.value,
        status_code=result.status_code,
        duration_ms=result.duration_ms,
        response_excerpt=result.excerpt,
        error=result.error,
    )
    fields: dict[str, Any] = {
        "last_outcome": outcome.value,
        "last_status_code": result.status_code,
        "last_error": result.error,
    }
    if outcome.delivered:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            last_success_at=now, failing_since=None, updated_at=now
        )
        return {**fields, "status": Status.DONE, "delivered_at": now}
    if not fields["last_error"]:
        fields["last_error"] = f"HTTP {result.status_code}"
    # The streak starts with the first failure after a success (a concurrent failure may have
    # started it already: the conditional UPDATE keeps the earliest).
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
        failing_since=attempted_at, updated_at=now
    )
    endpoint.refresh_from_db(fields=["failing_since", "last_success_at", "is_active"])
    if outcome.disables_endpoint:
        endpoint_disable_automatically(endpoint=endpoint, reason=DisabledReason.GONE)
        return {**fields, "status": Status.FAILED}
    if retries.should_disable(
        first_failure_at=endpoint.failing_since,
        last_success_at=endpoint.last_success_at,
        now=now,
    ):
        endpoint_disable_automatically(endpoint=endpoint, reason=DisabledReason.FAILING)
        return {**fields, "status": Status.FAILED}
    next_at = retries.next_attempt(delivery.attempts, now, result.retry_after)
    if next_at is None:
        return {**fields, "status": Status.FAILED}
    return {**fields, "status": Status.PENDING, "next_attempt_at": next_at}


# --- Disabling -----------------------------------------------------------------------------


def _endpoint_page(endpoint: WebhookEndpoint) -> str:
    """The endpoint's page in the portal, for the notification's link (empty if none yet)."""
    pages: tuple[tuple[str, dict[str, int]], ...] = (
        ("webhooks:endpoint_detail", {"endpoint_id": endpoint.pk}),
        ("webhooks:endpoint_list", {}),
    )
    for name, kwargs in pages:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


def endpoint_recipients(endpoint: WebhookEndpoint) -> list[Any]:
    """Who hears about the endpoint: its organization's administrators and its creator."""
    from members.models import OrganizationMember, User

    admins = list(
        User.objects.filter(
            organization_memberships__organization_id=endpoint.organization_id,
            organization_memberships__role=OrganizationMember.Role.ADMIN,
        ).distinct()
    )
    creator = endpoint.created_by
    if creator is not None and all(user.pk != creator.pk for user in admins):
        admins.append(creator)
    return admins


def cancel_pending_deliveries(endpoint: WebhookEndpoint) -> int:
    """Cancel the endpoint's deliveries still waiting (a running one finishes its attempt)."""
    return WebhookDelivery.objects.filter(endpoint=endpoint, status=Status.PENDING).update(
        status=Status.CANCELLED, last_error="endpoint disabled", updated_at=timezone.now()
    )


@transaction.atomic
def endpoint_disable_automatically(*, endpoint: WebhookEndpoint, reason: str) -> bool:
    """Disable ``endpoint`` for ``reason`` (410 Gone, sustained failure), cancel its pending
    deliveries and notify its organization's administrators and its creator.

    Only the first caller wins (a conditional UPDATE): a second failure at the same moment
    neither disables again nor notifies twice. Audited with no actor (the system decided).
    Returns whether this call disabled it.
    """
    from cluster_portal.audit.services import audit_decision
    from notifications.services import notify

    now = timezone.now()
    won = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_reason=reason, disabled_at=now, updated_at=now
    )
    if not won:
        return False
    endpoint.refresh_from_db()
    cancel_pending_deliveries(endpoint)
    audit_decision(
        actor=None,
        target=endpoint,
        action="webhook_endpoint.disable",
        changes={"is_active": (True, False), "disabled_reason": ("", reason)},
        reason=str(DisabledReason(reason).label),
    )
    notify(
        recipients=endpoint_recipients(endpoint),
        event="webhooks.endpoint_disabled",
        # The reason is a lazy translation: each recipient reads it in their own language.
        # ``endpoint_url`` too: notify() replaces ``url`` with the notification's link.
        context={
            "url": endpoint.url,
            "endpoint_url": endpoint.url,
            "reason": _reason_sentence(reason),
        },
        url=_endpoint_page(endpoint),
        idempotency_key=f"webhooks.endpoint_disabled:{endpoint.pk}:{now.isoformat()}",
    )
    logger.warning("webhook endpoint %s disabled: %s", endpoint.pk, reason)
    return True


def _reason_sentence(reason: str) -> Any:
    from django.utils.text import format_lazy

    # The event's body reads "Reason: {reason} Fix the receiver…": a sentence with its period.
    return format_lazy("{}.", DisabledReason(reason).label)


# --- The queue -----------------------------------------------------------------------------

WEBHOOKS: JobQueue[WebhookDelivery] = JobQueue(
    WebhookDelivery,
    perform=_attempt,
    max_attempts=retries.MAX_ATTEMPTS,
    stale_after=timedelta(minutes=STALE_AFTER_MINUTES),
    # Each row may take connect + read timeouts: the sweep takes fewer than the outbox's.
    sweep_max_jobs=200,
    sweep_time_budget=90.0,
)


def delivery_run(*, delivery_id: int) -> str:
    """Make the due attempt of one delivery. Safe to call any number of times.

    Returns the delivery's new status (``done``, ``pending`` for a retry, ``failed``,
    ``cancelled``) or ``"skipped"`` when it was not due (delivered, being posted by another
    worker, waiting for its next attempt).
    """
    return WEBHOOKS.run_one(delivery_id)


def deliveries_sweep() -> int:
    """Attempt what is due (retries, deliveries the broker never got) and what a dead worker
    abandoned. Returns how many deliveries were attempted."""
    return WEBHOOKS.sweep()
