"""Fixtures of the report runs tests: the fake kind, people, and real Celery workers.

The worker fixtures reuse the notifications tests' (Redis, broker switching, the test database's
URL); ``report_workers`` starts workers one after another on one queue with this package's
worker settings (the fake kind installed, report files in the test's directory), so a test can
kill one and start a fresh one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cluster_portal.celery import app as celery_app
from cluster_portal.core import roles
from cluster_portal.files.storage import PrivateFileSystemStorage
from tests.notifications import conftest as notifications_fixtures
from tests.notifications.conftest import REPO, WorkerProcess, _database_url
from tests.permission_matrix import staff_user

from .kinds import install

# The notifications tests' fixtures, shared: a reachable Redis, publishing to it for real, and
# forgetting a recorded broker outage between tests.
redis_url = notifications_fixtures.redis_url
use_broker = notifications_fixtures.use_broker
_forget_broker_outage = notifications_fixtures._forget_broker_outage


@pytest.fixture(autouse=True)
def private_storage(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> PrivateFileSystemStorage:
    """Report files in this test's own directory (``tmp_path / "private"``, where the worker
    subprocess writes them too), never in the shared test storage."""
    from reports.models import ReportRun

    root = tmp_path / "private"
    root.mkdir(exist_ok=True)
    storage = PrivateFileSystemStorage(location=str(root))
    monkeypatch.setattr(ReportRun._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def fake_kind(monkeypatch: pytest.MonkeyPatch):
    """The fake kind in the catalogue (in place of the real one) for this test."""
    return install(monkeypatch)


@pytest.fixture
def officer(db):
    """A reporting officer (English, authenticator app)."""
    return staff_user(roles.REPORTING_OFFICER, language="en", full_name="Rosa Quispe")


def _set_routes(routes: dict[str, dict[str, str]] | None) -> None:
    """Route tasks to a queue; Celery caches its router (built from the routes of the first
    publish), so it is rebuilt: otherwise a second test would publish to the first's queue."""
    celery_app.conf.task_routes = routes
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)


class ReportWorker(WorkerProcess):
    def __init__(self, *, process: subprocess.Popen[bytes], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.process = process

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-task, nothing is acknowledged or cleaned up."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def report_workers(
    transactional_db, redis_url: str, use_broker, tmp_path: Path
) -> Iterator[Callable[[], ReportWorker]]:
    """``start()`` → a real ``celery worker --pool=solo`` on this test's queue, using this
    test's database; reports and notifications tasks published by the test go to that queue.
    Report files go to ``tmp_path / "private"`` (``worker.private_root``)."""
    queue = f"test-reports-{uuid.uuid4().hex[:12]}"
    use_broker(redis_url)
    _set_routes({"reports.tasks.*": {"queue": queue}, "notifications.tasks.*": {"queue": queue}})
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    private = tmp_path / "private"
    private.mkdir(exist_ok=True)
    started: list[ReportWorker] = []

    def start() -> ReportWorker:
        log = tmp_path / f"worker-{len(started) + 1}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.reports.runs.worker_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": redis_url,
            "TEST_EMAIL_FILE_PATH": str(mail_dir),
            "PRIVATE_MEDIA_ROOT": str(private),
            "PYTHONPATH": str(REPO),
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cluster_portal",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            f"{queue}-{len(started) + 1}@%h",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - fixed command line
                command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        worker = ReportWorker(
            process=process, redis_url=redis_url, queue=queue, mail_dir=mail_dir, log=log
        )
        worker.private_root = private  # type: ignore[attr-defined]
        started.append(worker)
        deadline = time.monotonic() + 60
        while " ready." not in worker.log_text():
            if process.poll() is not None:
                pytest.fail(f"Celery worker exited early:\n{worker.log_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"Celery worker not ready in 60 s:\n{worker.log_text()}")
            time.sleep(0.2)
        return worker

    yield start

    _set_routes(None)
    for worker in started:
        if worker.process.poll() is None:
            worker.process.terminate()
            try:
                worker.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(timeout=10)
    import redis

    # Leave nothing behind in the shared Redis database: the queue, kombu's bindings, and the
    # unacknowledged message a killed worker left (it would be restored an hour later).
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
    keys = [queue, *client.scan_iter(match=f"_kombu.binding*.{queue}")]
    client.delete(*keys)
    for tag, payload in client.hgetall("unacked").items():
        if queue.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
