"""Rate limits per API client: one bucket per partner application, per person, per IP address.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` under the keys ``partner``, ``user``
and ``anon`` and are read on every request (so ``override_settings`` works in tests). A refused
request gets 429 with ``Retry-After``. The counters live in the default cache (Redis in
production); if that cache is unreachable the request is let through rather than failed.
"""

from __future__ import annotations

import logging
from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .auth import api_token

logger = logging.getLogger(__name__)


class ApiClientRateThrottle(SimpleRateThrottle):
    """Buckets: ``partner`` (per OAuth2 application), ``user`` (per person), ``anon`` (per IP)."""

    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def __init__(self) -> None:
        # The rate depends on the caller, so it is resolved in allow_request().
        self.rate = None

    def _caller(self, request: Any) -> tuple[str, str]:
        token = api_token(request)
        if token is not None:
            return "partner", str(token.application_id)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return "user", str(user.pk)
        return "anon", self.get_ident(request)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.key

    def allow_request(self, request: Any, view: Any) -> bool:
        self.scope, ident = self._caller(request)
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES
        self.rate = rates.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.cache_format % {"scope": self.scope, "ident": ident}
        try:
            return super().allow_request(request, view)
        except Exception:
            # A dead cache must not take the API down with it: fail open, loudly.
            logger.exception("API throttle cache unavailable; request allowed")
            return True
