"""Sending the outbox: claim a row, send it over SMTP, retry transient failures, digests.

Exactly-once between concurrent senders: a row is *claimed* by one conditional UPDATE
(``pending → sending``) and only the caller whose UPDATE changed the row sends it. On PostgreSQL
the candidate row is first locked with ``SELECT … FOR UPDATE SKIP LOCKED`` so that concurrent
sweeps pick different rows instead of queueing behind each other. A worker that dies mid-send
leaves the row in ``sending``; the sweep re-claims it after ``STALE_SENDING_AFTER`` (at-least-once
in that one crash case, which no SMTP client can avoid).
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from cluster_portal.tasks import enqueue_on_commit

from .events import Frequency, get_category
from .models import OutboxEmail
from .selectors import frequencies_for_users
from .services import recipient_language, render_email

logger = logging.getLogger(__name__)

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


def retry_delay(attempts: int) -> timedelta:
    """Bounded exponential backoff: 1, 2, 4 … minutes, at most an hour."""
    seconds = min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def _due(now: datetime) -> Q:
    return Q(status=Status.PENDING, frequency=Frequency.IMMEDIATE, next_attempt_at__lte=now)


def _stale(now: datetime) -> Q:
    return Q(status=Status.SENDING, claimed_at__lt=now - STALE_SENDING_AFTER)


@contextlib.contextmanager
def _locking() -> Iterator[bool]:
    """A transaction for ``SKIP LOCKED`` where the database has it; plain autocommit on SQLite
    (a read-then-write transaction there only adds lock-upgrade deadlocks)."""
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            yield True
    else:
        yield False


def _claim(condition: Q, *, outbox_id: int | None = None) -> OutboxEmail | None:
    """Atomically move one matching row to ``sending`` and return it (None if none/raced)."""
    now = timezone.now()
    candidates = OutboxEmail.objects.filter(condition)
    if outbox_id is not None:
        candidates = candidates.filter(pk=outbox_id)
    with _locking() as lock:
        if lock:
            candidates = candidates.select_for_update(skip_locked=True)
        pk = candidates.order_by("next_attempt_at", "pk").values_list("pk", flat=True).first()
        if pk is None:
            return None
        claimed = (
            OutboxEmail.objects.filter(condition, pk=pk).update(
                status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
            == 1
        )
    return OutboxEmail.objects.get(pk=pk) if claimed else None


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPConnectError):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    # Bad headers or addresses (BadHeaderError is a ValueError) will never get better.
    return isinstance(exc, ValueError)


def _build_message(row: OutboxEmail) -> EmailMultiAlternatives:
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = EmailMultiAlternatives(
        subject=f"{prefix}{row.subject}",
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
        headers={**row.headers, "X-CMSP-Event": row.event},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def _deliver(row: OutboxEmail) -> str:
    """Send a claimed row and record the outcome. Returns the new status."""
    update: dict[str, object]
    if row.attempts > MAX_ATTEMPTS:
        update = {"status": Status.FAILED, "last_error": "gave up: too many attempts"}
    else:
        try:
            _build_message(row).send()
        except SoftTimeLimitExceeded:
            # Out of time mid-send: hand the row back for a later attempt, then stop.
            OutboxEmail.objects.filter(pk=row.pk, status=Status.SENDING).update(
                status=Status.PENDING, next_attempt_at=timezone.now() + retry_delay(row.attempts)
            )
            raise
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            if _is_permanent(exc) or row.attempts >= MAX_ATTEMPTS:
                logger.error("outbox %s failed permanently: %s", row.pk, error)
                update = {"status": Status.FAILED, "last_error": error}
            else:
                logger.warning("outbox %s attempt %s failed: %s", row.pk, row.attempts, error)
                update = {
                    "status": Status.PENDING,
                    "last_error": error,
                    "next_attempt_at": timezone.now() + retry_delay(row.attempts),
                }
        else:
            update = {"status": Status.SENT, "sent_at": timezone.now(), "last_error": ""}
    OutboxEmail.objects.filter(pk=row.pk, status=Status.SENDING).update(**update)
    return str(update["status"])


def outbox_send(*, outbox_id: int) -> str:
    """Send one outbox row if it is pending and due. Safe to call any number of times.

    Returns the resulting status, or ``"skipped"`` when the row was not due (already sent,
    being sent by someone else, waiting for a retry or for a digest).
    """
    row = _claim(_due(timezone.now()), outbox_id=outbox_id)
    if row is None:
        return "skipped"
    return _deliver(row)


def outbox_sweep(
    *, max_messages: int = SWEEP_MAX_MESSAGES, time_budget: float = SWEEP_TIME_BUDGET_SECONDS
) -> int:
    """Send what is pending and due, and what a dead worker left in ``sending``.

    Concurrent sweeps never send the same row twice. Returns how many rows were processed.
    """
    started = time.monotonic()
    processed = 0
    while processed < max_messages and time.monotonic() - started < time_budget:
        now = timezone.now()
        row = _claim(_due(now) | _stale(now))
        if row is None:
            break
        _deliver(row)
        processed += 1
    return processed


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
