"""gunicorn settings of the web service (``gunicorn ... --config gunicorn.conf.py``).

The Dockerfile's default command and the compose ``web`` service both use this file, so the
process model is written once. Sized for the 2-core machine the portal runs on:

- A request spends most of its time waiting for PostgreSQL, not computing, so each worker process
  runs several threads (``gthread``): 3 processes x 4 threads answer 12 requests at once while
  using about the memory of 3 Django processes. More processes than ``2 x cores - 1`` would only
  fight for the two cores; more threads would mostly wait on the GIL and the database.
- Each thread keeps its own database connection between requests (``CONN_MAX_AGE`` in the
  production settings), so the web service holds at most ``workers x threads`` connections.

``WEB_CONCURRENCY`` (processes) and ``GUNICORN_THREADS`` (threads per process) override the
sizing for a bigger machine; both are documented in ``.env.example``.
"""

from __future__ import annotations

import os


def _positive_int(name: str, default: int) -> int:
    value = int(os.environ.get(name) or default)
    if value < 1:
        raise ValueError(f"{name} must be 1 or more, not {value}")
    return value


# Inside the container; compose publishes it on the host's loopback only.
bind = "0.0.0.0:8000"
workers = _positive_int("WEB_CONCURRENCY", 3)
worker_class = "gthread"
threads = _positive_int("GUNICORN_THREADS", 4)

# A slow request is killed after 60 s; a worker gets 30 s to finish its requests on shutdown.
timeout = 60
graceful_timeout = 30
# The reverse proxy reuses its connections to us for a few seconds.
keepalive = 5
# Workers are recycled every ~1000 requests to contain memory growth (jitter: not all at once).
max_requests = 1000
max_requests_jitter = 100
# Heartbeat files in memory: a slow container disk must not make gunicorn think workers hang.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - tmpfs of the container, not a shared temp dir

accesslog = "-"
errorlog = "-"
