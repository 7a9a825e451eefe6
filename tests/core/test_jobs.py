"""The durable-job base (cluster_portal.core.jobs): claim once, backoff, permanent vs transient,
deferral, stale claims, sweep budgets, and the due index every job table must have.

The queue is exercised over ``NotificationBroadcast`` (a concrete job with the base statuses)
with test ``perform`` callables, so nothing here depends on what a broadcast does; the outbox
tests (tests/notifications/test_delivery.py) run the same machinery with SMTP, and its
concurrency test runs two sweeps against each other on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cluster_portal.core.jobs import (
    DEFERRED,
    SKIPPED,
    DurableJob,
    JobDeferred,
    JobQueue,
    JobStatus,
    PermanentJobError,
)
from notifications.models import NotificationBroadcast
from tests.notifications.factories import NotificationBroadcastFactory

pytestmark = pytest.mark.django_db

Job = NotificationBroadcast


def _queue(perform: Callable[[Any], Any] | None = None, **options: Any) -> JobQueue[Job]:
    return JobQueue(Job, perform=perform or (lambda row: None), **options)


def _fails_with(exc: BaseException) -> Callable[[Any], None]:
    def perform(row: Any) -> None:
        raise exc

    return perform


def _status(row: Job) -> str:
    row.refresh_from_db()
    return row.status


def test_a_due_row_runs_once_and_stores_what_perform_returns() -> None:
    performed: list[int] = []
    finished = timezone.now()

    def perform(row: Job) -> dict[str, Any]:
        performed.append(row.pk)
        return {"finished_at": finished}

    queue = _queue(perform)
    row = NotificationBroadcastFactory(last_error="old")
    before = row.updated_at
    assert queue.run_one(row.pk) == JobStatus.DONE
    assert queue.run_one(row.pk) == SKIPPED
    assert performed == [row.pk]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (JobStatus.DONE, 1, "")
    assert row.finished_at == finished
    assert row.claimed_at is not None
    assert row.updated_at > before


def test_transient_failure_backs_off_then_the_sweep_retries_when_due() -> None:
    row = NotificationBroadcastFactory()
    before = timezone.now()
    assert _queue(_fails_with(ConnectionError("down"))).run_one(row.pk) == JobStatus.PENDING
    row.refresh_from_db()
    assert row.attempts == 1
    assert "ConnectionError: down" in row.last_error
    assert row.next_attempt_at >= before + timedelta(seconds=60)

    ok = _queue()
    assert ok.run_one(row.pk) == SKIPPED  # not due yet
    assert ok.sweep() == 0
    Job.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert ok.sweep() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (JobStatus.DONE, 2)


@pytest.mark.parametrize(
    "exc", [PermanentJobError("no such target"), ValueError("malformed"), KeyError("custom")]
)
def test_permanent_failures_are_not_retried(exc: Exception) -> None:
    queue = _queue(_fails_with(exc), is_permanent=lambda e: not isinstance(e, ConnectionError))
    row = NotificationBroadcastFactory()
    assert queue.run_one(row.pk) == JobStatus.FAILED
    row.refresh_from_db()
    assert row.attempts == 1
    assert type(exc).__name__ in row.last_error


def test_default_classification_retries_unknown_errors() -> None:
    row = NotificationBroadcastFactory()
    assert _queue(_fails_with(RuntimeError("blip"))).run_one(row.pk) == JobStatus.PENDING


def test_attempts_are_bounded() -> None:
    queue = _queue(_fails_with(ConnectionError("down")), max_attempts=3)
    row = NotificationBroadcastFactory(attempts=2)
    assert queue.run_one(row.pk) == JobStatus.FAILED
    row.refresh_from_db()
    assert row.attempts == 3

    # A row already past the bound (e.g. recovered after crashes) is failed without a try.
    performed: list[int] = []
    beyond = NotificationBroadcastFactory(attempts=3)
    assert _queue(performed.append, max_attempts=3).run_one(beyond.pk) == JobStatus.FAILED
    assert performed == []
    beyond.refresh_from_db()
    assert beyond.last_error == "gave up: too many attempts"


def test_backoff_is_exponential_and_capped() -> None:
    queue = _queue(retry_base_seconds=10, retry_max_seconds=100)
    delays = [queue.retry_delay(n).total_seconds() for n in range(1, 8)]
    assert delays == [10, 20, 40, 80, 100, 100, 100]


def test_deferred_row_goes_back_without_counting_an_attempt() -> None:
    row = NotificationBroadcastFactory(attempts=2)
    before = timezone.now()
    queue = _queue(_fails_with(JobDeferred(timedelta(minutes=5))))
    assert queue.run_one(row.pk) == DEFERRED
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (JobStatus.PENDING, 2, "")
    assert row.next_attempt_at >= before + timedelta(minutes=5)


def test_soft_time_limit_hands_the_row_back_and_stops() -> None:
    row = NotificationBroadcastFactory()
    with pytest.raises(SoftTimeLimitExceeded):
        _queue(_fails_with(SoftTimeLimitExceeded())).run_one(row.pk)
    row.refresh_from_db()
    assert row.status == JobStatus.PENDING
    assert row.next_attempt_at > timezone.now()


def test_a_claimed_row_cannot_be_claimed_again() -> None:
    row = NotificationBroadcastFactory()
    queue = _queue()
    claimed = queue.claim(pk=row.pk)
    assert claimed is not None
    assert claimed.status == JobStatus.RUNNING
    assert queue.claim(pk=row.pk) is None
    assert queue.claim(include_stale=True) is None  # fresh claims are not stale


def test_sweep_recovers_abandoned_rows_but_not_live_ones() -> None:
    now = timezone.now()
    queue = _queue(stale_after=timedelta(minutes=10))
    abandoned = NotificationBroadcastFactory(
        status=JobStatus.RUNNING, claimed_at=now - timedelta(minutes=11), attempts=1
    )
    live = NotificationBroadcastFactory(
        status=JobStatus.RUNNING, claimed_at=now - timedelta(minutes=9)
    )
    assert queue.run_one(abandoned.pk) == SKIPPED  # the one-row task leaves recovery to sweeps
    assert queue.sweep() == 1
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.attempts) == (JobStatus.DONE, 2)
    assert _status(live) == JobStatus.RUNNING


def test_a_worker_that_outlived_its_claim_cannot_overwrite_the_new_claim() -> None:
    """Worker A claims, stalls past ``stale_after``; a sweep hands the row to worker B, which is
    still running it when A wakes up and finishes: A's outcome is dropped."""
    queue = _queue(stale_after=timedelta(minutes=10))
    row = NotificationBroadcastFactory()
    first = queue.claim(pk=row.pk)
    assert first is not None
    Job.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(minutes=11))
    second = queue.claim(include_stale=True)
    assert second is not None
    assert second.pk == row.pk
    queue._finish(first, status=JobStatus.FAILED, last_error="A was late")
    row.refresh_from_db()
    assert (row.status, row.last_error, row.attempts) == (JobStatus.RUNNING, "", 2)
    assert queue.run(second) == JobStatus.DONE
    assert _status(row) == JobStatus.DONE


def test_finished_rows_are_left_alone() -> None:
    rows = [
        NotificationBroadcastFactory(status=status)
        for status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)
    ]
    assert _queue().sweep() == 0
    assert [_status(r) for r in rows] == [JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED]


def test_ready_narrows_what_is_due() -> None:
    queue = _queue(ready=Q(email=True))
    waiting = NotificationBroadcastFactory(email=False)
    due = NotificationBroadcastFactory(email=True)
    assert queue.run_one(waiting.pk) == SKIPPED
    assert queue.sweep() == 1
    assert (_status(waiting), _status(due)) == (JobStatus.PENDING, JobStatus.DONE)


def test_sweep_runs_oldest_first_within_its_budgets() -> None:
    now = timezone.now()
    order: list[int] = []
    queue = _queue(lambda row: order.append(row.pk))
    newer = NotificationBroadcastFactory(next_attempt_at=now - timedelta(minutes=1))
    older = NotificationBroadcastFactory(next_attempt_at=now - timedelta(minutes=2))
    third = NotificationBroadcastFactory(next_attempt_at=now)
    assert queue.sweep(time_budget=0) == 0
    assert queue.sweep(max_jobs=2) == 2
    assert order == [older.pk, newer.pk]
    assert queue.sweep() == 1
    assert order[-1] == third.pk


def test_claim_uses_skip_locked_where_the_database_has_it() -> None:
    row = NotificationBroadcastFactory()
    with CaptureQueriesContext(connection) as ctx:
        _queue().run_one(row.pk)
    skip_locked = any("SKIP LOCKED" in q["sql"] for q in ctx.captured_queries)
    assert skip_locked == connection.features.has_select_for_update_skip_locked


def test_every_job_table_has_the_due_index() -> None:
    jobs = [m for m in apps.get_models() if issubclass(m, DurableJob)]
    assert {m._meta.label for m in jobs} >= {
        "notifications.OutboxEmail",
        "notifications.NotificationBroadcast",
    }
    for model in jobs:
        leading = [tuple(index.fields[:2]) for index in model._meta.indexes]
        assert ("status", "next_attempt_at") in leading, model._meta.label
