"""Container health check of the web service: GET /healthz on the local gunicorn.

The slim image ships no HTTP client program, so this uses urllib. The request carries a host from
DJANGO_ALLOWED_HOSTS (any other host gets a 400) and X-Forwarded-Proto: https, as the reverse
proxy would send it, so the production HTTPS redirect does not apply. Exit 0 = healthy.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    # A leading dot (".example.pe") allows the domain and its subdomains; the domain will do.
    host = hosts[0].lstrip(".") if hosts else "localhost"
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - fixed http URL on loopback
            status = response.status
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"unhealthy: HTTP {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
