"""The one way to queue background work from a write: after commit, never breaking the caller.

Usage inside a service::

    enqueue_on_commit(send_outbox_email, outbox_id=row.pk)

The task is published only when the surrounding transaction commits (immediately when there is
none), so a worker never sees rows that are not there yet and a rollback queues nothing. Publishing
errors (Redis down, hung, timing out) are logged and swallowed: whatever must not be lost has
already been written to the database (an outbox row) and a periodic sweep picks it up.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

from celery import Task, shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: Everything a publish to a dead, unreachable or hung broker can raise.
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    KombuOperationalError,
    RedisError,
    ConnectionError,
    TimeoutError,
    socket.timeout,
    OSError,
)

#: After a failed publish, skip the broker for this long (per process): with a hung Redis every
#: attempt costs a socket timeout, and a page that queues several tasks must not pay it each time.
BROKER_OUTAGE_PAUSE_SECONDS = 30.0

_outage_lock = threading.Lock()
_outage_until = 0.0


def broker_outage_reset() -> None:
    """Forget a recorded broker outage (tests, or after an operator fixed Redis)."""
    global _outage_until
    with _outage_lock:
        _outage_until = 0.0


def _broker_paused() -> bool:
    return time.monotonic() < _outage_until


def _record_outage() -> None:
    global _outage_until
    with _outage_lock:
        _outage_until = time.monotonic() + BROKER_OUTAGE_PAUSE_SECONDS


def publish_safely(task: Task, **kwargs: Any) -> bool:
    """Publish ``task`` now; return False (logged) instead of raising when the broker fails."""
    if task.app.conf.task_always_eager:
        # No broker (local run, unit tests): the task runs here and its errors are real errors.
        task.apply_async(kwargs=kwargs)
        return True
    if _broker_paused():
        logger.warning("broker marked down; not publishing %s (the sweep will recover)", task.name)
        return False
    try:
        task.apply_async(kwargs=kwargs)
    except BROKER_ERRORS as exc:
        _record_outage()
        logger.warning("could not publish %s (the sweep will recover): %r", task.name, exc)
        return False
    return True


def enqueue_on_commit(task: Task, **kwargs: Any) -> None:
    """Publish ``task`` with JSON ``kwargs`` after the current transaction commits.

    Broker errors are logged, never raised: the caller's page must not break because Redis is
    down. Only use it for work that is either recorded in the database first (outbox) or safe
    to lose.
    """
    transaction.on_commit(lambda: publish_safely(task, **kwargs))


# --- Time-driven lifecycle moves ----------------------------------------------------------------


@shared_task(name="cluster_portal.tasks.run_time_transitions")
def run_time_transitions() -> dict[str, int]:
    """Take every time-driven transition of every lifecycle table that is due now (calls that
    open or close on their date, requests that expire). Scheduled in ``cluster_portal/celery.py``
    (``core-time-transitions``); safe to run twice or concurrently: each row is locked and
    re-checked (:func:`cluster_portal.core.workflows.run_time_transitions`)."""
    from cluster_portal.core.workflows import run_time_transitions as run

    moved = run()
    if any(moved.values()):
        logger.info("time-driven transitions: %s", moved)
    return moved
