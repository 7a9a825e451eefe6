"""/healthz: database and broker status, fast even when the broker is unreachable."""

from __future__ import annotations

import socket
import time
from unittest import mock

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@override_settings(CELERY_BROKER_URL="")
def test_ok_without_broker(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured"}
    assert "no-cache" in response["Cache-Control"]


def test_needs_no_authentication_and_reveals_nothing(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert set(response.json()) == {"status", "database", "broker"}


@pytest.mark.parametrize(
    "broker_url",
    [
        f"redis://127.0.0.1:{_unused_port()}/0",  # nothing listening
        "redis://10.255.255.1:6379/0",  # unroutable: the connect would hang without a timeout
    ],
    ids=["refused", "blackhole"],
)
def test_broken_broker_answers_quickly(client: Client, broker_url: str) -> None:
    with override_settings(CELERY_BROKER_URL=broker_url):
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started

    assert elapsed < 3
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "error"}


def test_database_down_is_503(client: Client) -> None:
    with (
        override_settings(CELERY_BROKER_URL=""),
        mock.patch("cluster_portal.api.health.connection") as connection,
    ):
        connection.cursor.side_effect = Exception("database is down")
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "broker": "not configured"}


def test_configured_broker_is_reachable(client: Client, settings) -> None:
    """In CI (CELERY_BROKER_URL points at a running Redis) the broker reads "ok"."""
    if not settings.CELERY_BROKER_URL:
        pytest.skip("no broker configured in this environment")

    response = client.get("/healthz")

    assert response.json()["broker"] == "ok"


@override_settings(CELERY_BROKER_URL="")
def test_only_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
