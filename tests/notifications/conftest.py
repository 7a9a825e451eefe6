"""Fixtures for the notifications tests: a test event, broker switching, a real Celery worker."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from cluster_portal.celery import app as celery_app
from cluster_portal.tasks import broker_outage_reset
from notifications.events import Event, register_event

REPO = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"
#: Locally the worker tests use Redis db 5 (0-1 belong to other work); CI sets CELERY_BROKER_URL.
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/5"
#: A port nothing listens on: "Redis is down".
DEAD_BROKER_URL = "redis://127.0.0.1:6399/0"

# A configurable-category event with its own templates (tests/notifications/templates).
PING = register_event(Event(code="tests.ping", category="calls", title="Ping {name}", body="B"))


@pytest.fixture(autouse=True)
def _forget_broker_outage() -> Iterator[None]:
    broker_outage_reset()
    yield
    broker_outage_reset()


@pytest.fixture
def ping_templates(settings) -> None:
    """Make the ``tests.ping`` email templates loadable."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], Path(__file__).parent / "templates"]
    settings.TEMPLATES = templates


def _reset_celery_connections() -> None:
    """Drop cached broker connections so that the next publish uses the new broker URL."""
    from kombu import pools

    pools.reset()  # kombu's process-wide pools are keyed by URL and would hand back closed ones
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    # Celery builds its router once, from the routes of the first publish: rebuild it, or a
    # test that routes to its own worker's queue publishes to an earlier test's queue.
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)


@pytest.fixture
def use_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """``use_broker(url, queue=None)``: publish for real (not eagerly) to ``url``.

    Celery reads CELERY_BROKER_URL from the environment before its configuration, so both are
    set. ``queue`` routes the notifications tasks to a queue only this test's worker consumes.
    """
    saved = {
        key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "task_routes")
    }

    def _use(url: str, queue: str | None = None) -> None:
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        celery_app.conf.update(
            broker_url=url,
            task_always_eager=False,
            task_routes={"notifications.tasks.*": {"queue": queue}} if queue else None,
        )
        _reset_celery_connections()

    yield _use
    celery_app.conf.update(saved)
    _reset_celery_connections()


@pytest.fixture
def redis_url() -> str:
    """A reachable Redis for the worker tests: required in CI, else the test is skipped."""
    import redis

    url = os.environ.get("CELERY_BROKER_URL") or LOCAL_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        if IN_CI:
            pytest.fail(f"Redis is required in CI but {url} is unreachable: {exc}")
        pytest.skip(f"Redis not reachable at {url}")
    return url


def _database_url() -> str:
    """The URL of the *test* database this process uses, for a subprocess."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(s["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            pytest.fail("The worker tests need a file-based SQLite test database (settings.test)")
        return f"sqlite:///{name}"
    if connection.vendor == "postgresql":
        auth = quote(s["USER"] or "", safe="")
        if s.get("PASSWORD"):
            auth += ":" + quote(s["PASSWORD"], safe="")
        host = s.get("HOST") or "127.0.0.1"
        port = s.get("PORT") or "5432"
        return f"postgres://{auth}@{host}:{port}/{s['NAME']}"
    pytest.fail(f"No worker test support for {connection.vendor}")


class WorkerProcess:
    def __init__(self, *, redis_url: str, queue: str, mail_dir: Path, log: Path) -> None:
        self.redis_url = redis_url
        self.queue = queue
        self.mail_dir = mail_dir
        self.log = log

    def sent_mail(self) -> list[str]:
        return [p.read_text() for p in sorted(self.mail_dir.glob("*.log"))]

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def celery_worker(transactional_db, redis_url: str, tmp_path: Path) -> Iterator[WorkerProcess]:
    """A real ``celery worker --pool=solo`` on its own queue, using this test's database."""
    queue = f"test-notifications-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": redis_url,
        "TEST_EMAIL_FILE_PATH": str(mail_dir),
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
        f"{queue}@%h",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
        "--loglevel=INFO",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed command line
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text(errors="replace"):
            if process.poll() is not None:
                pytest.fail(f"Celery worker exited early:\n{log.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail(f"Celery worker not ready in 60 s:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield WorkerProcess(redis_url=redis_url, queue=queue, mail_dir=mail_dir, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        import redis

        # Leave nothing behind in the shared Redis database (the queue and kombu's bindings).
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
        keys = [queue, *client.scan_iter(match=f"_kombu.binding*.{queue}")]
        client.delete(*keys)
