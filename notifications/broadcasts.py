"""Expanding notification broadcasts in the background (a durable job, like the outbox).

``BROADCASTS`` claims a broadcast row (exactly one worker expands it at a time), then notifies its
audience chunk by chunk (``services.broadcast_expand_chunk``: one transaction per chunk, the
cursor saved with it). A task stops after ``EXPAND_TIME_BUDGET_SECONDS`` and hands the row back
(not counted as a failed attempt) for a fresh task to continue, so any audience size fits inside
the task time limits; a worker that dies is replaced by the sweep after ``STALE_AFTER`` and
resumes from the cursor. The emails themselves go out through the outbox.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.utils import timezone

from cluster_portal.core.jobs import DEFERRED, JobDeferred, JobQueue

from .models import NotificationBroadcast
from .services import broadcast_expand_chunk

#: People per transaction: small enough to keep each transaction short, large enough that the
#: per-chunk queries (audience page, idempotency check, preferences, two INSERTs) are amortised.
CHUNK_SIZE = 500
#: A task expands for at most this long, then continues in a new task (soft limit: 120 s).
EXPAND_TIME_BUDGET_SECONDS = 60.0
#: Longer than the hard task time limit (180 s).
STALE_AFTER = timedelta(minutes=10)


def _expand(broadcast: NotificationBroadcast) -> Mapping[str, Any]:
    started = time.monotonic()
    while not broadcast_expand_chunk(broadcast=broadcast, chunk_size=CHUNK_SIZE).finished:
        if time.monotonic() - started > EXPAND_TIME_BUDGET_SECONDS:
            raise JobDeferred
    return {"finished_at": timezone.now()}


BROADCASTS: JobQueue[NotificationBroadcast] = JobQueue(
    NotificationBroadcast,
    perform=_expand,
    stale_after=STALE_AFTER,
    max_attempts=8,
    # Few rows, each possibly long: the sweep takes a handful, within its own budget.
    sweep_max_jobs=20,
    sweep_time_budget=90.0,
)


def broadcast_run(*, broadcast_id: int) -> str:
    """Expand one broadcast if it is pending and due; re-queue it if it ran out of time.

    Safe to call any number of times. Returns the new status, ``"deferred"`` (continued in a
    new task) or ``"skipped"`` (done, being expanded elsewhere, or waiting for a retry).
    """
    from cluster_portal.tasks import enqueue_on_commit

    from .tasks import expand_notification_broadcast

    outcome = BROADCASTS.run_one(broadcast_id)
    if outcome == DEFERRED:
        enqueue_on_commit(expand_notification_broadcast, broadcast_id=broadcast_id)
    return outcome


def broadcasts_sweep() -> int:
    """Expand the broadcasts the broker never delivered and those a dead worker abandoned."""
    return BROADCASTS.sweep()
