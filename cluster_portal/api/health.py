"""``/healthz`` for load balancers and uptime checks: database and broker, nothing sensitive.

200 while the database answers (a broker outage only delays background work, so the portal is
still serving: status ``degraded``); 503 when the database does not. The broker check runs in a
worker thread with a hard deadline, so even a hanging DNS lookup cannot hold the request.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 1.0
# Bounded: a broker that hangs can tie up at most two threads; later checks time out waiting.
_broker_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healthz-broker")


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: database unavailable")
        return "error"
    return "ok"


def _ping_broker(url: str) -> None:
    transport_options = {
        **getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "max_retries": 0,
    }
    with Connection(
        url, connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options=transport_options
    ) as broker:
        broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)


def check_broker() -> str:
    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url:
        return "not configured"
    future = _broker_pool.submit(_ping_broker, url)
    try:
        future.result(timeout=BROKER_TIMEOUT_SECONDS + 0.5)
    except FutureTimeout:
        future.cancel()
        logger.warning("Health check: broker did not answer in time")
        return "error"
    except Exception as exc:
        logger.warning("Health check: broker unavailable (%s)", type(exc).__name__)
        return "error"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = check_database()
    broker = check_broker()
    if database != "ok":
        overall, status_code = "error", 503
    elif broker == "error":
        overall, status_code = "degraded", 200
    else:
        overall, status_code = "ok", 200
    return JsonResponse(
        {"status": overall, "database": database, "broker": broker}, status=status_code
    )
