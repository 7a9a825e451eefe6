"""With a real Redis and a real Celery worker process: what Redis-down left pending is delivered.

Run in CI (CI=true, PostgreSQL, Redis at CELERY_BROKER_URL). Locally they use Redis db 5 and
skip only when Redis is unreachable. The worker is a subprocess using this test's database
(``celery_worker`` fixture) and writes email to files, so delivery is checked from outside.
"""

from __future__ import annotations

import time

import pytest

from notifications.models import OutboxEmail
from notifications.services import notify
from notifications.tasks import sweep_outbox
from tests.members.factories import UserFactory

from .conftest import DEAD_BROKER_URL

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _status(row: OutboxEmail) -> str:
    row.refresh_from_db(fields=["status"])
    return row.status


def test_redis_outage_then_the_sweep_on_a_real_worker_delivers(use_broker, celery_worker) -> None:
    user = UserFactory(language="en")

    # 1. Redis is down: notify() completes fast and the email stays in the outbox.
    use_broker(DEAD_BROKER_URL)
    started = time.monotonic()
    notify(recipients=[user], event="account.welcome", context={"email": user.email})
    assert time.monotonic() - started < 3
    row = OutboxEmail.objects.get(recipient=user)
    assert row.status == OutboxEmail.Status.PENDING

    # 2. Redis is back: the periodic sweep, run by the real worker, delivers it.
    use_broker(celery_worker.redis_url, queue=celery_worker.queue)
    sweep_outbox.apply_async()
    assert _wait_for(lambda: _status(row) == OutboxEmail.Status.SENT), celery_worker.log_text()
    mails = celery_worker.sent_mail()
    assert len(mails) == 1
    assert f"To: {user.email}" in mails[0]
    assert "Subject: [CMSP] Welcome to the CMSP portal" in mails[0]


def test_with_redis_up_the_email_leaves_right_after_commit(use_broker, celery_worker) -> None:
    use_broker(celery_worker.redis_url, queue=celery_worker.queue)
    users = UserFactory.create_batch(2, language="en")
    notify(recipients=users, event="account.welcome", context={"email": "x"})  # commits now
    rows = list(OutboxEmail.objects.all())
    assert _wait_for(lambda: all(_status(r) == OutboxEmail.Status.SENT for r in rows)), (
        celery_worker.log_text()
    )
    assert len(celery_worker.sent_mail()) == 2
