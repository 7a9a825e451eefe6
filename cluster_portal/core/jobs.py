"""Durable jobs: work recorded as a database row first, run by a worker, never lost or doubled.

The email outbox, notification broadcasts and (later) webhook deliveries and report runs are all
the same thing: a row that says "this must happen", written in the transaction that caused it,
then picked up by a task queued after commit or, if the broker never got that task, by a
periodic sweep. This module holds the part they share:

- :class:`DurableJob`, an abstract model with the bookkeeping fields (status, attempts,
  next_attempt_at, claimed_at, last_error, created_at, updated_at). A concrete job adds its own
  payload fields and the due index (``indexes = [*job_indexes("outbox"), …]``).
- :class:`JobQueue`, parameterised by the model and a ``perform(row)`` callable, which

  * **claims** one due row atomically: a conditional ``UPDATE`` (``pending → running``) that only
    one caller can win; on PostgreSQL the candidate is first locked with ``SELECT … FOR UPDATE
    SKIP LOCKED`` so concurrent sweeps take different rows instead of queueing behind each other
    (SQLite has no row locks and serialises writers anyway);
  * **runs** it: success → ``done``; a permanent error → ``failed``; a transient one → back to
    ``pending`` with bounded exponential backoff, until ``max_attempts``;
  * **recovers** rows a dead worker left ``running`` for longer than ``stale_after`` (longer than
    the hard task time limit, so a live worker is never robbed): at-least-once in that one crash
    case, which is why ``perform`` must be idempotent;
  * **sweeps** due and stale rows within a time budget, well inside the task's soft time limit.

Usage::

    class WebhookDelivery(DurableJob):
        ...payload...
        class Meta:
            indexes = [*job_indexes("webhook")]

    WEBHOOKS = JobQueue(WebhookDelivery, perform=_post, is_permanent=_is_4xx)

    @shared_task
    def deliver_webhook(delivery_id: int) -> str:
        return WEBHOOKS.run_one(delivery_id)

    @shared_task
    def sweep_webhooks() -> int:          # BEAT_SCHEDULE, every minute
        return WEBHOOKS.sweep()

``perform(row)`` does the work and returns ``None`` or a mapping of extra fields to store with
the ``done`` status (e.g. ``{"sent_at": now}``). The mapping may carry ``status`` itself: a job
with its own retry policy (webhook deliveries follow the Standard Webhooks schedule and
``Retry-After``) records its outcome — ``pending`` with its ``next_attempt_at``, ``failed`` — and
the attempt still counts. It raises to fail (classified by
``is_permanent``), :class:`PermanentJobError` to fail for good, or :class:`JobDeferred` to hand the
row back without counting an attempt (a long job that made progress and wants to continue in a
fresh task).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

#: ``run``/``run_one`` return the row's new status, or one of these.
SKIPPED = "skipped"
DEFERRED = "deferred"


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class DurableJob(models.Model):
    """Bookkeeping of a row that a worker must process: status, attempts, schedule, claim, error.

    A model with its own status names (the outbox says ``sending``/``sent``) redefines ``status``
    and points ``STATUS_*`` at its values; the queue only ever uses those four.
    """

    STATUS_PENDING: ClassVar[str] = JobStatus.PENDING
    STATUS_RUNNING: ClassVar[str] = JobStatus.RUNNING
    STATUS_DONE: ClassVar[str] = JobStatus.DONE
    STATUS_FAILED: ClassVar[str] = JobStatus.FAILED

    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    #: Set on every change the queue makes (its UPDATEs set it explicitly: auto_now only
    #: applies to ``save()``).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


def job_indexes(prefix: str) -> list[models.Index]:
    """The index every job table needs: the claim and the sweep filter on status, then order by
    ``next_attempt_at``. (Named per model: an abstract model cannot name it for its children
    within the 30-character limit.)"""
    return [models.Index(fields=["status", "next_attempt_at"], name=f"{prefix}_due_idx")]


class PermanentJobError(Exception):
    """Raised by ``perform`` for a failure that no retry can fix."""


class JobDeferred(Exception):
    """Raised by ``perform`` to hand the row back (``pending``) without counting an attempt."""

    def __init__(self, delay: timedelta = timedelta(0)) -> None:
        super().__init__(f"deferred for {delay}")
        self.delay = delay


def is_permanent_default(exc: BaseException) -> bool:
    """Bad input (``ValueError``, e.g. a malformed address) never gets better; the rest may."""
    return isinstance(exc, PermanentJobError | ValueError)


J = TypeVar("J", bound=DurableJob)


@dataclass
class JobQueue(Generic[J]):
    """Claim, run, retry, recover and sweep the rows of one :class:`DurableJob` model."""

    model: type[J]
    perform: Callable[[J], Mapping[str, Any] | None]
    #: Extra condition a pending row must meet to be due (the outbox: immediate frequency).
    ready: Q = field(default_factory=Q)
    is_permanent: Callable[[BaseException], bool] = is_permanent_default
    max_attempts: int = 8
    retry_base_seconds: int = 60
    retry_max_seconds: int = 3600
    #: Longer than the hard task time limit: a row still ``running`` after this was abandoned.
    stale_after: timedelta = timedelta(minutes=10)
    #: A sweep stops claiming new rows after this long, well inside the soft time limit.
    sweep_time_budget: float = 90.0
    sweep_max_jobs: int = 500

    # --- Policy ------------------------------------------------------------------------------

    def retry_delay(self, attempts: int) -> timedelta:
        """Bounded exponential backoff: base, twice, four times … at most ``retry_max_seconds``."""
        seconds = min(self.retry_base_seconds * 2 ** max(attempts - 1, 0), self.retry_max_seconds)
        return timedelta(seconds=seconds)

    def due(self, now: datetime) -> Q:
        return Q(status=self.model.STATUS_PENDING, next_attempt_at__lte=now) & self.ready

    def stale(self, now: datetime) -> Q:
        return Q(status=self.model.STATUS_RUNNING, claimed_at__lt=now - self.stale_after)

    # --- Claiming ----------------------------------------------------------------------------

    @staticmethod
    @contextlib.contextmanager
    def _locking() -> Iterator[bool]:
        """A transaction for ``SKIP LOCKED`` where the database has it; plain autocommit on
        SQLite (a read-then-write transaction there only adds lock-upgrade deadlocks)."""
        if connection.features.has_select_for_update_skip_locked:
            with transaction.atomic():
                yield True
        else:
            yield False

    def claim(self, *, pk: int | None = None, include_stale: bool = False) -> J | None:
        """Atomically move one due row (``pk``'s, or the oldest due) to running; return it.

        None when there is none or another worker won the race. ``include_stale`` also takes
        rows abandoned in ``running`` (the sweep does; a task for one row does not).
        """
        now = timezone.now()
        condition = self.due(now) | self.stale(now) if include_stale else self.due(now)
        manager = self.model._default_manager
        candidates = manager.filter(condition)
        if pk is not None:
            candidates = candidates.filter(pk=pk)
        with self._locking() as lock:
            if lock:
                candidates = candidates.select_for_update(skip_locked=True)
            found = candidates.order_by("next_attempt_at", "pk").values_list("pk", flat=True)
            row_pk = found.first()
            if row_pk is None:
                return None
            won = manager.filter(condition, pk=row_pk).update(
                status=self.model.STATUS_RUNNING,
                claimed_at=now,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
        return manager.get(pk=row_pk) if won == 1 else None

    # --- Running -----------------------------------------------------------------------------

    def _finish(self, row: J, **fields: Any) -> None:
        """Record an outcome, only if the row is still ours: still running under *our* claim (a
        worker that outlived ``stale_after`` must not overwrite the run of the one that took the
        row over)."""
        self.model._default_manager.filter(
            pk=row.pk, status=self.model.STATUS_RUNNING, claimed_at=row.claimed_at
        ).update(updated_at=timezone.now(), **fields)

    def run(self, row: J) -> str:
        """Perform a claimed row and record the outcome. Returns the new status (or DEFERRED)."""
        label = f"{self.model._meta.label} {row.pk}"
        if row.attempts > self.max_attempts:
            fields: dict[str, Any] = {
                "status": self.model.STATUS_FAILED,
                "last_error": "gave up: too many attempts",
            }
            self._finish(row, **fields)
            return str(fields["status"])
        try:
            extra = self.perform(row) or {}
        except SoftTimeLimitExceeded:
            # Out of time mid-run: hand the row back for a later attempt, then stop.
            self._finish(
                row,
                status=self.model.STATUS_PENDING,
                next_attempt_at=timezone.now() + self.retry_delay(row.attempts),
            )
            raise
        except JobDeferred as deferred:
            self._finish(
                row,
                status=self.model.STATUS_PENDING,
                attempts=F("attempts") - 1,  # progress, not a failure
                next_attempt_at=timezone.now() + deferred.delay,
            )
            return DEFERRED
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            if self.is_permanent(exc) or row.attempts >= self.max_attempts:
                logger.error("%s failed permanently: %s", label, error)
                fields = {"status": self.model.STATUS_FAILED, "last_error": error}
            else:
                logger.warning("%s attempt %s failed: %s", label, row.attempts, error)
                fields = {
                    "status": self.model.STATUS_PENDING,
                    "last_error": error,
                    "next_attempt_at": timezone.now() + self.retry_delay(row.attempts),
                }
        else:
            fields = {"status": self.model.STATUS_DONE, "last_error": "", **extra}
        self._finish(row, **fields)
        return str(fields["status"])

    def run_one(self, pk: int) -> str:
        """Run row ``pk`` if it is pending and due. Safe to call any number of times.

        Returns the new status, or SKIPPED when the row was not due (done, being run by someone
        else, waiting for a retry).
        """
        row = self.claim(pk=pk)
        if row is None:
            return SKIPPED
        return self.run(row)

    def sweep(self, *, max_jobs: int | None = None, time_budget: float | None = None) -> int:
        """Run what is due and what a dead worker abandoned, within a budget.

        Concurrent sweeps never run the same row twice. Returns how many rows were processed.
        """
        max_jobs = self.sweep_max_jobs if max_jobs is None else max_jobs
        budget = self.sweep_time_budget if time_budget is None else time_budget
        started = time.monotonic()
        processed = 0
        while processed < max_jobs and time.monotonic() - started < budget:
            row = self.claim(include_stale=True)
            if row is None:
                break
            self.run(row)
            processed += 1
        return processed
