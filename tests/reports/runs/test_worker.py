"""With a real Redis and real Celery worker processes (issue 14, "What it must show"):

1. a report run shows progress and completes;
2. killing the worker mid-report leaves a run that the sweep hands to a fresh worker, which
   completes it once (one stored file, one ``reports.ready`` notification);
3. a digest job run twice sends once.

Run in CI (CI=true, PostgreSQL, Redis at CELERY_BROKER_URL). Locally they use Redis db 5 and the
file-based SQLite test database, and skip only when Redis is unreachable. The workers use this
package's worker settings (``worker_settings``: the fake kind, email to files, report files in
the test's directory).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from cluster_portal.core.jobs import JobStatus
from notifications.models import Notification, OutboxEmail
from notifications.tasks import send_digests
from reports.models import ReportRun
from reports.services import runs as services
from reports.tasks import sweep_report_runs
from tests.members.factories import UserFactory
from tests.notifications.factories import OutboxEmailFactory

from .kinds import FAKE_KIND

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

#: Rows of the slow report and the pause per row: ~6 s, progress every 1,000 rows.
SLOW_ROWS = 3000
SLOW_DELAY = 0.002


def _wait_for(predicate: Callable[[], bool], timeout: float = 60.0, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def _state(run: ReportRun) -> tuple[str, int]:
    run.refresh_from_db(fields=["status", "rows_done"])
    return run.status, run.rows_done


def _stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _slow_run(actor) -> ReportRun:
    return services.run_request(
        actor=actor,
        kind=FAKE_KIND,
        format="xlsx",
        filters={"rows": SLOW_ROWS, "delay": SLOW_DELAY},
    )


def test_a_report_shows_progress_and_completes(fake_kind, officer, report_workers) -> None:
    worker = report_workers()
    run = _slow_run(officer)  # committed: generate_report is published to the worker

    seen: list[tuple[str, int]] = []

    def finished() -> bool:
        seen.append(_state(run))
        return seen[-1][0] in (JobStatus.DONE, JobStatus.FAILED)

    assert _wait_for(finished), worker.log_text()
    run.refresh_from_db()
    assert run.status == JobStatus.DONE, run.last_error
    progress = [done for status, done in seen if status == JobStatus.RUNNING]
    assert any(0 < done < SLOW_ROWS for done in progress), seen  # progress was visible
    assert progress == sorted(progress)
    assert run.rows_total == SLOW_ROWS + 1
    assert run.rows_done == SLOW_ROWS + 1
    path = worker.private_root / run.file.name
    book = openpyxl.load_workbook(path, read_only=True)
    assert sum(1 for _row in book["Data"].iter_rows(values_only=True)) == SLOW_ROWS + 1
    book.close()
    assert Notification.objects.filter(recipient=officer, event="reports.ready").count() == 1


def test_a_killed_worker_leaves_a_run_the_sweep_completes_once(
    fake_kind, officer, report_workers
) -> None:
    first = report_workers()
    run = _slow_run(officer)

    # 1. The worker is killed while it writes the report (some rows done, not all).
    def midway() -> bool:
        status, done = _state(run)
        return status == JobStatus.RUNNING and done > 0

    assert _wait_for(midway), first.log_text()
    first.kill()
    status, done = _state(run)
    assert status == JobStatus.RUNNING
    assert 0 < done < SLOW_ROWS
    run.refresh_from_db()
    assert run.attempts == 1
    assert _stored_files(first.private_root) == []  # a half-written file is never stored

    # 2. Time passes beyond STALE_AFTER (the claim is made older rather than waiting 20 min).
    ReportRun.objects.filter(pk=run.pk).update(
        claimed_at=timezone.now() - services.STALE_AFTER - timedelta(seconds=5)
    )

    # 3. A fresh worker runs the periodic sweep, which hands the run back and queues it.
    fresh = report_workers()
    sweep_report_runs.apply_async()
    assert _wait_for(lambda: _state(run)[0] == JobStatus.DONE), fresh.log_text()

    # 4. Completed once: one file, one notification, the second attempt's.
    run.refresh_from_db()
    assert run.attempts == 2
    assert run.rows_done == SLOW_ROWS + 1
    assert _stored_files(fresh.private_root) == [run.file.name]
    assert Notification.objects.filter(recipient=officer, event="reports.ready").count() == 1
    # A second sweep (the next minute's tick) finds nothing to do.
    sweep_report_runs.apply_async()
    time.sleep(2)
    run.refresh_from_db()
    assert run.attempts == 2
    assert _stored_files(fresh.private_root) == [run.file.name]


def test_a_digest_job_run_twice_sends_once(report_workers) -> None:
    worker = report_workers()
    user = UserFactory(language="en")
    for subject in ("First news", "Second news"):
        OutboxEmailFactory(recipient=user, frequency="daily", subject=subject)

    send_digests.apply_async(kwargs={"frequency": "daily"})
    send_digests.apply_async(kwargs={"frequency": "daily"})

    def both_ran() -> bool:
        return worker.log_text().count("notifications.tasks.send_digests[") >= 4  # 2 x (got, ok)

    assert _wait_for(both_ran), worker.log_text()
    digest = OutboxEmail.objects.get(event="notifications.digest")
    assert _wait_for(
        lambda: OutboxEmail.objects.get(pk=digest.pk).status == OutboxEmail.Status.SENT
    ), worker.log_text()
    time.sleep(1)  # anything a second digest would have queued has had time to go out
    mails = worker.sent_mail()
    assert len(mails) == 1, mails
    assert f"To: {user.email}" in mails[0]
    assert "First news" in mails[0]
    assert "Second news" in mails[0]
    assert OutboxEmail.objects.filter(event="notifications.digest").count() == 1
