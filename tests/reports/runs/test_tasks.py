"""The reports tasks: each takes JSON arguments, calls its service and is safe to run twice; the
generating task has longer time limits than the global ones, and a run is considered abandoned
only after its hard limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from cluster_portal.celery import BEAT_SCHEDULE
from cluster_portal.core.jobs import JobStatus
from reports import tasks
from reports.models import ReportRun
from reports.services import runs as services
from tests.reports.factories import ReportRunFactory

from .kinds import FAKE_KIND

pytestmark = pytest.mark.django_db


def test_generate_report_runs_once(fake_kind, officer) -> None:
    run = ReportRunFactory(requester=officer, kind=FAKE_KIND, filters={"rows": 2})
    assert tasks.generate_report(run.pk) == JobStatus.DONE
    assert tasks.generate_report(run.pk) == "skipped"
    assert tasks.generate_report.delay(run_id=run.pk).get() == "skipped"  # JSON kwargs
    run.refresh_from_db()
    assert run.attempts == 1


def test_generate_report_of_a_missing_run_is_skipped() -> None:
    assert tasks.generate_report(123456) == "skipped"


def test_sweep_and_expiry_tasks_call_their_services(fake_kind, officer) -> None:
    ReportRunFactory(
        requester=officer,
        kind=FAKE_KIND,
        filters={"rows": 1},
        status=JobStatus.RUNNING,
        claimed_at=timezone.now() - services.STALE_AFTER - timedelta(minutes=1),
    )
    assert tasks.sweep_report_runs() == 1
    assert tasks.sweep_report_runs() == 0
    run = ReportRun.objects.get()
    ReportRun.objects.filter(pk=run.pk).update(expires_at=timezone.now())
    assert tasks.remove_expired_report_files() == 1
    assert tasks.remove_expired_report_files() == 0


def test_monthly_kpi_pack_task_is_idempotent(monkeypatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(services, "kpi_pack_request", lambda: calls.append(1) or "exists:x")
    assert tasks.send_monthly_kpi_pack() == "exists:x"
    assert calls == [1]


def test_time_limits_fit_a_big_report_and_the_stale_rule() -> None:
    assert tasks.generate_report.soft_time_limit > settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert tasks.generate_report.time_limit > tasks.generate_report.soft_time_limit
    # A live worker is never robbed: abandoned means older than the hard limit.
    assert timedelta(seconds=tasks.generate_report.time_limit) < services.STALE_AFTER
    assert services.RUNS.stale_after == services.STALE_AFTER


def test_the_schedules_exist() -> None:
    scheduled = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {
        "reports.tasks.sweep_report_runs",
        "reports.tasks.remove_expired_report_files",
        "reports.tasks.send_monthly_kpi_pack",
    } <= scheduled
