"""Sending the outbox: claim a row, send it over SMTP, retry transient failures, digests.

The outbox is a durable job (``cluster_portal.core.jobs``): ``OUTBOX`` claims a row with one
conditional UPDATE (``pending → sending``, after ``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL) so that only one sender sends it, retries transient SMTP failures with bounded
backoff, fails permanent ones (5xx, bad addresses) at once, and re-claims rows a dead worker
left in ``sending`` after ``STALE_SENDING_AFTER`` (at-least-once in that one crash case, which no
SMTP client can avoid). Only immediate rows are due; daily/weekly ones wait for their digest.
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cluster_portal.core.jobs import JobQueue
from cluster_portal.tasks import enqueue_on_commit

from .events import Frequency, get_category
from .models import OutboxEmail
from .selectors import frequencies_for_users
from .services import recipient_language, render_email

MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 3600
#: Longer than the hard task time limit: a row still "sending" after this was abandoned.
STALE_SENDING_AFTER = timedelta(minutes=10)
#: The sweep stops claiming new rows after this long, well inside the soft time limit.
SWEEP_TIME_BUDGET_SECONDS = 90.0
SWEEP_MAX_MESSAGES = 500
DIGEST_EVENT = "notifications.digest"

Status = OutboxEmail.Status


def _is_permanent(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPConnectError):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    # Bad headers or addresses (BadHeaderError is a ValueError) will never get better.
    return isinstance(exc, ValueError)


def outbox_message_id_fallback(row: OutboxEmail) -> str:
    """A stable Message-ID for a row that has none (derived from its primary key)."""
    return f"<outbox-{row.pk}.cmsp@{settings.SITE_DOMAIN.split(':')[0]}>"


def _build_message(row: OutboxEmail) -> EmailMultiAlternatives:
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = EmailMultiAlternatives(
        subject=f"{prefix}{row.subject}",
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
        # The row's own Message-ID, identical on every attempt (a re-send after a crash is
        # recognised as the same message).
        headers={
            **row.headers,
            "X-CMSP-Event": row.event,
            "Message-ID": row.message_id or outbox_message_id_fallback(row),
        },
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def _send(row: OutboxEmail) -> Mapping[str, Any]:
    _build_message(row).send()
    return {"sent_at": timezone.now()}


OUTBOX: JobQueue[OutboxEmail] = JobQueue(
    OutboxEmail,
    perform=_send,
    ready=Q(frequency=Frequency.IMMEDIATE),
    is_permanent=_is_permanent,
    max_attempts=MAX_ATTEMPTS,
    retry_base_seconds=RETRY_BASE_SECONDS,
    retry_max_seconds=RETRY_MAX_SECONDS,
    stale_after=STALE_SENDING_AFTER,
    sweep_time_budget=SWEEP_TIME_BUDGET_SECONDS,
    sweep_max_jobs=SWEEP_MAX_MESSAGES,
)
retry_delay = OUTBOX.retry_delay


def outbox_send(*, outbox_id: int) -> str:
    """Send one outbox row if it is pending and due. Safe to call any number of times.

    Returns the resulting status, or ``"skipped"`` when the row was not due (already sent,
    being sent by someone else, waiting for a retry or for a digest).
    """
    return OUTBOX.run_one(outbox_id)


def outbox_sweep(
    *, max_messages: int = SWEEP_MAX_MESSAGES, time_budget: float = SWEEP_TIME_BUDGET_SECONDS
) -> int:
    """Send what is pending and due, and what a dead worker left in ``sending``.

    Concurrent sweeps never send the same row twice. Returns how many rows were processed.
    """
    return OUTBOX.sweep(max_jobs=max_messages, time_budget=time_budget)


# --- Digests ----------------------------------------------------------------------------------


def digests_send(*, frequency: str) -> int:
    """Bundle each person's waiting ``frequency`` (daily/weekly) rows into one digest email.

    Idempotent: bundled rows become ``digested`` in the same transaction that creates the
    digest row, so a second run finds nothing. Rows of a category the person has since
    switched off are cancelled. Returns the number of digests created.
    """
    if frequency not in (Frequency.DAILY, Frequency.WEEKLY):
        raise ValueError(f"Digests are daily or weekly, not {frequency!r}")
    recipient_ids = list(
        OutboxEmail.objects.filter(
            status=Status.PENDING, frequency=frequency, recipient__isnull=False
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sum(1 for rid in recipient_ids if _digest_for(recipient_id=rid, frequency=frequency))


def _digest_for(*, recipient_id: int, frequency: str) -> OutboxEmail | None:
    user = get_user_model().objects.filter(pk=recipient_id).first()
    if user is None:
        return None
    with transaction.atomic():
        waiting = OutboxEmail.objects.filter(
            status=Status.PENDING, frequency=frequency, recipient_id=recipient_id
        )
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True)
        items = list(waiting.order_by("created_at", "pk"))
        if not items:
            return None
        switched_off = {
            code
            for code in {item.category for item in items}
            if frequencies_for_users(user_ids=[user.pk], category=get_category(code))[user.pk]
            == Frequency.OFF
        }
        cancelled = [i.pk for i in items if i.category in switched_off or not user.is_active]
        included = [i for i in items if i.pk not in cancelled]
        if cancelled:
            OutboxEmail.objects.filter(pk__in=cancelled).update(status=Status.CANCELLED)
        if not included:
            return None
        language = recipient_language(user)
        digest = OutboxEmail.objects.create(
            recipient=user,
            to_email=user.email,
            event=DIGEST_EVENT,
            category=get_category("account").code,
            language=language,
            idempotency_key=f"digest:{frequency}:{user.pk}:{included[-1].pk}",
            **render_email(
                template_prefix="notifications/email/digest",
                language=language,
                context={"items": included, "frequency": frequency},
                category=get_category("account"),
                user=user,
            ),
        )
        OutboxEmail.objects.filter(pk__in=[i.pk for i in included]).update(
            status=Status.DIGESTED, digest=digest
        )
        from .tasks import send_outbox_email

        enqueue_on_commit(send_outbox_email, outbox_id=digest.pk)
    return digest
