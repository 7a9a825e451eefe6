"""Sending the outbox: idempotent sends, retries with backoff, sweep, stale rows, digests."""

from __future__ import annotations

import os
import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import delivery
from notifications.models import NotificationPreference, OutboxEmail
from notifications.services import notify
from notifications.tasks import send_digests, send_outbox_email, sweep_outbox
from tests.members.factories import UserFactory

from . import backends
from .factories import OutboxEmailFactory

Status = OutboxEmail.Status
IN_CI = os.environ.get("CI", "").lower() == "true"


def _fail_sending(monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    def send_messages(self, messages):
        raise exc

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", send_messages
    )


@pytest.mark.django_db
def test_sending_twice_sends_once() -> None:
    row = OutboxEmailFactory()
    assert send_outbox_email(row.pk) == Status.SENT
    assert send_outbox_email(row.pk) == "skipped"
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.sent_at is not None
    assert row.attempts == 1


@pytest.mark.django_db
def test_message_is_multipart_with_the_stored_parts() -> None:
    row = OutboxEmailFactory(subject="Hola", body_text="Texto", body_html="<p>HTML</p>")
    send_outbox_email(row.pk)
    message = mail.outbox[0]
    assert message.subject == "[CMSP] Hola"
    assert message.body == "Texto"
    assert message.alternatives[0] == ("<p>HTML</p>", "text/html")
    assert message.extra_headers["X-CMSP-Event"] == row.event


@pytest.mark.django_db
def test_transient_error_is_retried_later_with_backoff(monkeypatch) -> None:
    row = OutboxEmailFactory()
    _fail_sending(monkeypatch, smtplib.SMTPServerDisconnected("connection lost"))
    before = timezone.now()
    assert send_outbox_email(row.pk) == Status.PENDING
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert row.attempts == 1
    assert "SMTPServerDisconnected" in row.last_error
    assert row.next_attempt_at >= before + timedelta(seconds=60)
    # Not due yet: neither the task nor the sweep sends it now.
    monkeypatch.undo()
    assert send_outbox_email(row.pk) == "skipped"
    assert sweep_outbox() == 0
    # Once due, the sweep sends it.
    OutboxEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert sweep_outbox() == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.attempts == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_4xx_is_transient_and_5xx_permanent(monkeypatch) -> None:
    soft, hard = OutboxEmailFactory(), OutboxEmailFactory()
    _fail_sending(monkeypatch, smtplib.SMTPDataError(451, b"try later"))
    send_outbox_email(soft.pk)
    _fail_sending(monkeypatch, smtplib.SMTPRecipientsRefused({"x@example.pe": (550, b"no")}))
    send_outbox_email(hard.pk)
    soft.refresh_from_db()
    hard.refresh_from_db()
    assert soft.status == Status.PENDING
    assert hard.status == Status.FAILED
    assert "SMTPRecipientsRefused" in hard.last_error


@pytest.mark.django_db
def test_retries_are_bounded(monkeypatch) -> None:
    row = OutboxEmailFactory(attempts=delivery.MAX_ATTEMPTS - 1)
    _fail_sending(monkeypatch, OSError("network unreachable"))
    send_outbox_email(row.pk)
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.attempts == delivery.MAX_ATTEMPTS


def test_backoff_is_exponential_and_capped() -> None:
    delays = [delivery.retry_delay(n).total_seconds() for n in range(1, 10)]
    assert delays[:4] == [60, 120, 240, 480]
    assert max(delays) == delivery.RETRY_MAX_SECONDS
    assert delays == sorted(delays)


@pytest.mark.django_db
def test_sweep_sends_due_rows_and_recovers_abandoned_ones() -> None:
    now = timezone.now()
    due = OutboxEmailFactory()
    abandoned = OutboxEmailFactory(
        status=Status.SENDING, claimed_at=now - delivery.STALE_SENDING_AFTER - timedelta(minutes=1)
    )
    in_flight = OutboxEmailFactory(status=Status.SENDING, claimed_at=now)
    later = OutboxEmailFactory(next_attempt_at=now + timedelta(hours=1))
    digest_item = OutboxEmailFactory(frequency="daily")
    sent = OutboxEmailFactory(status=Status.SENT)
    assert sweep_outbox() == 2
    statuses = dict(OutboxEmail.objects.values_list("pk", "status"))
    assert statuses[due.pk] == statuses[abandoned.pk] == Status.SENT
    assert statuses[in_flight.pk] == Status.SENDING
    assert statuses[later.pk] == statuses[digest_item.pk] == Status.PENDING
    assert statuses[sent.pk] == Status.SENT
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_sweep_stops_at_its_budget() -> None:
    OutboxEmailFactory.create_batch(3)
    assert delivery.outbox_sweep(max_messages=2) == 2
    assert delivery.outbox_sweep() == 1


@pytest.mark.django_db
def test_daily_digest_bundles_waiting_rows_once(django_capture_on_commit_callbacks) -> None:
    user = UserFactory(language="en")
    first = OutboxEmailFactory(recipient=user, frequency="daily", subject="First news")
    second = OutboxEmailFactory(
        recipient=user, frequency="daily", subject="Second news", url="http://x/calls/2/"
    )
    weekly = OutboxEmailFactory(recipient=user, frequency="weekly", subject="Weekly only")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests("daily") == 1
    assert send_digests("daily") == 0  # idempotent
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "First news" in message.body
    assert "Second news" in message.body
    assert "http://x/calls/2/" in message.alternatives[0][0]
    assert "Weekly only" not in message.body
    assert "/notifications/preferences/" in message.body
    first.refresh_from_db()
    second.refresh_from_db()
    weekly.refresh_from_db()
    assert first.status == second.status == Status.DIGESTED
    assert first.digest_id == second.digest_id is not None
    assert weekly.status == Status.PENDING


@pytest.mark.django_db
def test_digest_drops_categories_switched_off_since() -> None:
    user = UserFactory()
    row = OutboxEmailFactory(recipient=user, frequency="weekly", category="calls")
    NotificationPreference.objects.create(user=user, category="calls", frequency="off")
    assert send_digests("weekly") == 0
    row.refresh_from_db()
    assert row.status == Status.CANCELLED


@pytest.mark.django_db
def test_digest_rejects_other_frequencies() -> None:
    with pytest.raises(ValueError, match="daily or weekly"):
        delivery.digests_send(frequency="immediate")


@pytest.mark.django_db
def test_claim_uses_skip_locked_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED exists on PostgreSQL only")
    row = OutboxEmailFactory()
    with CaptureQueriesContext(connection) as ctx:
        send_outbox_email(row.pk)
    assert any("FOR UPDATE SKIP LOCKED" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.skipif(
    connection.vendor != "postgresql" and not IN_CI,
    reason="row locking races need PostgreSQL (DATABASE_URL=postgres://…)",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_email_exactly_once(settings) -> None:
    if connection.vendor != "postgresql":
        pytest.fail("CI must run this test on PostgreSQL")
    settings.EMAIL_BACKEND = "tests.notifications.backends.SlowRecordingBackend"
    backends.SENT.clear()
    rows = [OutboxEmailFactory(to_email=f"r{i}@example.pe") for i in range(30)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait()
            delivery.outbox_sweep()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(backends.SENT) == sorted(r.to_email for r in rows)  # each exactly once
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db
def test_notify_then_sweep_end_to_end_without_a_broker_message() -> None:
    """If the after-commit message is lost, the sweep alone delivers (what Redis-down means)."""
    user = UserFactory()
    notify(recipients=[user], event="account.welcome", context={})  # on_commit never runs here
    assert mail.outbox == []
    assert sweep_outbox() == 1
    assert mail.outbox[0].to == [user.email]
