"""A Redis cache that degrades to "no cache" instead of failing the request.

Django's ``RedisCache`` raises on every operation while Redis is down (connection refused) or
frozen (accepts, never answers: each call waits the socket timeout). The cache holds nothing
that must not be lost — rate-limit counters (allauth's login limiter, the API throttles), cached
filter choices, sessions live in the database — so :class:`ResilientRedisCache` turns those
errors into misses:

* every operation catches Redis/socket errors, logs one warning per outage and answers what an
  empty cache answers: ``get`` → ``default``, ``get_many`` → ``{}``, ``has_key``/``touch``/
  ``delete`` → ``False``, ``set``/``set_many``/``delete_many``/``clear`` do nothing (``set_many``
  reports every key as failed), ``incr`` raises ``ValueError`` (the key is missing);
* ``add`` answers **True** ("stored"): allauth's rate limiter takes a lock with ``cache.add``
  and, when the lock is never granted, waits a second and then *refuses* the action — with
  ``False`` nobody could log in while Redis is down. Granting the lock makes the limiter
  permissive for the outage (its counter reads as empty, so every attempt is allowed), which is
  the trade we choose: passwords are still checked (Argon2, slow by design), failed logins are
  still logged, and the outage itself is logged once per pause. Nothing in the portal uses
  ``add`` for uniqueness of business data;
* after a failure the process skips Redis for ``OUTAGE_PAUSE_SECONDS`` (``OPTIONS`` key,
  default 30 s), like the broker publisher (:func:`cluster_portal.tasks.publish_safely`): a frozen
  Redis costs at most one socket timeout per pause per process, not one per call.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: What a dead, unreachable or hung Redis can raise.
CACHE_ERRORS: tuple[type[BaseException], ...] = (
    RedisError,
    ConnectionError,
    TimeoutError,
    socket.timeout,
    OSError,
)

DEFAULT_OUTAGE_PAUSE_SECONDS = 30.0

T = TypeVar("T")

_outage_lock = threading.Lock()
#: Server location → ``time.monotonic()`` until which it is skipped (per process; cache
#: instances are per thread, the outage is not).
_outage_until: dict[str, float] = {}


def cache_outage_reset() -> None:
    """Forget every recorded cache outage (tests, or after an operator fixed Redis)."""
    with _outage_lock:
        _outage_until.clear()


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose errors become cache misses, with a per-process pause after a failure
    (see the module docstring for what each operation answers while Redis is away)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.outage_pause_seconds = float(
            options.pop("OUTAGE_PAUSE_SECONDS", DEFAULT_OUTAGE_PAUSE_SECONDS)
        )
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._outage_key = str(server)

    # --- outage bookkeeping -------------------------------------------------------------------

    def _paused(self) -> bool:
        return time.monotonic() < _outage_until.get(self._outage_key, 0.0)

    def _record_outage(self, operation: str, exc: BaseException) -> None:
        with _outage_lock:
            already = time.monotonic() < _outage_until.get(self._outage_key, 0.0)
            _outage_until[self._outage_key] = time.monotonic() + self.outage_pause_seconds
        if not already:
            logger.warning(
                "cache unavailable (%s failed: %r); serving without cache for %.0f s",
                operation,
                exc,
                self.outage_pause_seconds,
            )

    def _guard(self, operation: str, call: Callable[[], T], fallback: Callable[[], T]) -> T:
        if self._paused():
            return fallback()
        try:
            return call()
        except CACHE_ERRORS as exc:
            self._record_outage(operation, exc)
            return fallback()

    # --- operations ---------------------------------------------------------------------------

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._guard(
            "add",
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: True,
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guard(
            "get",
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: default,
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._guard(
            "set",
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: None,
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._guard(
            "touch",
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: False,
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._guard(
            "delete",
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: False,
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._guard(
            "get_many",
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            dict,
        )

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._guard(
            "has_key",
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: False,
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        result = self._guard(
            "incr",
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            lambda: None,
        )
        if result is None:
            # What an empty cache says: the key does not exist.
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        return self._guard(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: list(data),
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._guard(
            "delete_many",
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: None,
        )

    def clear(self) -> None:
        self._guard("clear", lambda: super(ResilientRedisCache, self).clear(), lambda: None)
