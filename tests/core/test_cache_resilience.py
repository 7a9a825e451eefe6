"""A dead or frozen Redis cache neither fails logins nor slows every request (issue 8, item 9).

The suite runs on the local-memory cache; these tests point the default cache at
:class:`cluster_portal.core.cache.ResilientRedisCache` on a closed port (Redis down) or on a
local TCP server that accepts connections and never answers (Redis frozen).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.test import Client, override_settings
from django.urls import reverse

from cluster_portal.core.cache import ResilientRedisCache, cache_outage_reset
from tests.members.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

#: Nothing listens on port 1 of the loopback: connection refused at once.
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"
SOCKET_TIMEOUT = 0.5


def redis_caches(location: str, backend: str = "cluster_portal.core.cache.ResilientRedisCache"):
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": location,
            "OPTIONS": {
                "socket_connect_timeout": SOCKET_TIMEOUT,
                "socket_timeout": SOCKET_TIMEOUT,
            },
        }
    }


@pytest.fixture(autouse=True)
def _fresh_outage_state() -> Iterator[None]:
    cache_outage_reset()
    yield
    cache_outage_reset()


@pytest.fixture
def frozen_redis() -> Iterator[str]:
    """A TCP server that accepts every connection and never answers (a hung Redis)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            held.append(conn)  # keep it open, read nothing, answer nothing

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        server.close()


def login(client: Client, email: str) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": DEFAULT_PASSWORD})


def test_plain_redis_cache_fails_the_login_when_redis_is_down() -> None:
    """The defect: Django's own backend lets allauth's ``cache.add`` raise (a 500)."""
    user = UserFactory()
    with override_settings(
        CACHES=redis_caches(CLOSED_PORT_URL, RedisCache.__module__ + ".RedisCache")
    ):
        client = Client(raise_request_exception=True)
        with pytest.raises(Exception, match=r"(?i)connect"):
            login(client, user.email)


@override_settings(CACHES=redis_caches(CLOSED_PORT_URL))
def test_login_works_with_the_cache_unreachable(caplog: pytest.LogCaptureFixture) -> None:
    user = UserFactory()
    client = Client()
    with caplog.at_level(logging.WARNING, logger="cluster_portal.core.cache"):
        response = login(client, user.email)
    assert response.status_code == 302, response.content.decode()
    assert client.session.get("_auth_user_id") == str(user.pk)
    # Logged once for the outage, not once per operation.
    outage_logs = [r for r in caplog.records if "cache unavailable" in r.getMessage()]
    assert len(outage_logs) == 1
    # A wrong password is still refused: the limiter is permissive, the password check is not.
    other = Client()
    response = other.post(
        reverse("account_login"), {"login": user.email, "password": "not-the-password"}
    )
    assert response.status_code == 200
    assert other.session.get("_auth_user_id") is None


@override_settings(CACHES=redis_caches(CLOSED_PORT_URL))
def test_every_operation_answers_like_an_empty_cache() -> None:
    assert cache.get("k", "fallback") == "fallback"
    assert cache.add("k", 1) is True  # the lock is granted: the rate limiter stays permissive
    assert cache.set("k", 1) is None
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.has_key("k") is False
    assert cache.touch("k") is False
    assert cache.delete("k") is False
    assert cache.delete_many(["a"]) is None
    assert cache.get_or_set("k", 5) == 5
    with pytest.raises(ValueError, match="not found"):
        cache.incr("k")
    assert cache.clear() is None


@override_settings(CACHES=redis_caches(CLOSED_PORT_URL))
def test_api_throttle_with_the_cache_down_serves_the_request() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/organizations/")
    assert response.status_code == 200, response.content.decode()
    assert "results" in response.json()


def test_a_frozen_redis_costs_one_timeout_then_nothing(frozen_redis: str) -> None:
    with override_settings(CACHES=redis_caches(frozen_redis)):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        started = time.monotonic()
        first = client.get("/api/v1/organizations/")
        first_seconds = time.monotonic() - started
        assert first.status_code == 200
        # The first request waited for the frozen Redis (one socket timeout) ...
        assert first_seconds >= SOCKET_TIMEOUT * 0.9

        # ... the following ones skip it: measured directly on the cache and on a request.
        started = time.monotonic()
        for _ in range(20):
            assert cache.get("anything") is None
            assert cache.add("lock", 1) is True
        assert time.monotonic() - started < 0.1

        started = time.monotonic()
        second = client.get("/api/v1/organizations/")
        assert second.status_code == 200
        assert time.monotonic() - started < SOCKET_TIMEOUT


def test_login_with_a_frozen_redis(frozen_redis: str) -> None:
    user = UserFactory()
    with override_settings(CACHES=redis_caches(frozen_redis)):
        client = Client()
        response = login(client, user.email)
        assert response.status_code == 302
        assert client.session.get("_auth_user_id") == str(user.pk)
        started = time.monotonic()
        response = login(Client(), user.email)
        assert response.status_code == 302
        assert time.monotonic() - started < SOCKET_TIMEOUT


def test_redis_is_tried_again_after_the_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    with override_settings(CACHES=redis_caches(CLOSED_PORT_URL)):
        assert cache.get("k") is None  # fails → paused
        calls: list[str] = []
        original = RedisCache.get

        def counting_get(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append("get")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(RedisCache, "get", counting_get)
        assert cache.get("k") is None
        assert calls == []  # skipped while paused
        clock = time.monotonic() + 31
        monkeypatch.setattr("cluster_portal.core.cache.time.monotonic", lambda: clock)
        assert cache.get("k") is None
        assert calls == ["get"]  # tried again after the pause


def test_production_settings_use_the_resilient_backend() -> None:
    import importlib
    import os

    from cluster_portal.settings import base

    previous = os.environ.get("CACHE_URL")
    os.environ["CACHE_URL"] = "redis://redis:6379/1"
    try:
        module = importlib.reload(base)
        backend = module.CACHES["default"]["BACKEND"]
        assert backend == f"{ResilientRedisCache.__module__}.ResilientRedisCache"
        assert "OUTAGE_PAUSE_SECONDS" in module.CACHES["default"]["OPTIONS"]
    finally:
        if previous is None:
            os.environ.pop("CACHE_URL", None)
        else:
            os.environ["CACHE_URL"] = previous
        importlib.reload(base)
