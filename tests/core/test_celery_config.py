"""The Celery app's configuration: what a worker and beat get from ``cluster_portal/celery.py``
and the ``CELERY_*`` settings. A worker that accepts pickle, hangs on a dead Redis, loses a
task when it dies or beats a task nobody registered fails silently in production; these tests
fail loudly instead."""

from __future__ import annotations

import datetime
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

from celery.schedules import crontab
from django.apps import apps
from django.conf import settings

from cluster_portal.celery import BEAT_SCHEDULE
from cluster_portal.celery import app as celery_app

MAX_BROKER_TIMEOUT_SECONDS = 2


def test_only_json_is_accepted_and_produced() -> None:
    conf = celery_app.conf
    assert list(conf.accept_content) == ["json"]
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    # Results, if ever stored, are read with the same restriction.
    assert conf.result_accept_content in (None, ["json"])


def test_soft_time_limit_comes_before_the_hard_one() -> None:
    soft = celery_app.conf.task_soft_time_limit
    hard = celery_app.conf.task_time_limit
    assert soft is not None, "a global soft time limit must be set"
    assert hard is not None, "a global hard time limit must be set"
    assert 0 < soft < hard


def test_tasks_are_acknowledged_after_they_run_and_requeued_if_the_worker_dies() -> None:
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True
    # One message at a time: with late acks, a prefetched message would wait behind a long task.
    assert celery_app.conf.worker_prefetch_multiplier == 1


def test_broker_timeouts_are_short() -> None:
    conf = celery_app.conf
    options = conf.broker_transport_options
    assert 0 < options["socket_timeout"] <= MAX_BROKER_TIMEOUT_SECONDS
    assert 0 < options["socket_connect_timeout"] <= MAX_BROKER_TIMEOUT_SECONDS
    assert options["max_retries"] == 0  # a publishing request fails fast, the outbox recovers
    assert 0 < conf.broker_connection_timeout <= MAX_BROKER_TIMEOUT_SECONDS
    assert conf.task_publish_retry is False


def test_beat_schedule_is_the_one_in_code() -> None:
    assert celery_app.conf.beat_schedule == BEAT_SCHEDULE
    assert BEAT_SCHEDULE, "no periodic task is scheduled"


def _seconds(schedule: object) -> float | None:
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, datetime.timedelta):
        return schedule.total_seconds()
    return None


def test_schedule_names_and_frequent_ticks_expire_before_the_next_one() -> None:
    """A tick queued while no worker ran must not pile up behind the next (celery.py rule)."""
    for name, entry in BEAT_SCHEDULE.items():
        apps.get_app_config(name.split("-", 1)[0])  # named "<app>-<what>"
        period = _seconds(entry["schedule"])
        if period is None:
            assert isinstance(entry["schedule"], crontab), name
            continue
        if period < 3600:
            expires = entry.get("options", {}).get("expires")  # type: ignore[union-attr]
            assert expires is not None, name
            assert expires < period, name


def test_every_scheduled_task_is_registered_after_autodiscovery() -> None:
    """Run in a fresh interpreter, as a worker starts: nothing this test session imported can
    register a task that autodiscovery would miss."""
    script = (
        "import json, django; django.setup();"
        "from cluster_portal.celery import app;"
        "app.loader.import_default_modules();"
        "print(json.dumps(sorted(app.tasks)))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cluster_portal.settings.test"}
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-c", script],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    registered = set(json.loads(result.stdout.strip().splitlines()[-1]))
    scheduled = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert scheduled <= registered, scheduled - registered


def test_scheduled_arguments_fit_the_task_signatures() -> None:
    celery_app.loader.import_default_modules()
    for name, entry in BEAT_SCHEDULE.items():
        task = celery_app.tasks[entry["task"]]
        signature = inspect.signature(task.run)
        signature.bind(*entry.get("args", ()), **entry.get("kwargs", {}))  # type: ignore[arg-type]
        # Beat messages are JSON too.
        assert json.dumps({"args": entry.get("args", []), "kwargs": entry.get("kwargs", {})}), name
