# syntax=docker/dockerfile:1
# Production image of the CMSP portal. One image runs every role of docker-compose.yml:
# gunicorn (web, the default command), the Celery worker and Celery beat. WhiteNoise serves the
# static files collected here at build time; a TLS-terminating reverse proxy sits in front.

# --- 1. Dependencies: a virtualenv built from the hash-pinned production lock ------------------
FROM python:3.11-slim AS deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
COPY requirements/prod.txt /tmp/requirements-prod.txt
# Every package, transitive ones included, must match a hash from the lock (supply-chain
# safety); wheels only, so the slim image needs no compiler.
RUN /opt/venv/bin/pip install --require-hashes --only-binary=:all: -r /tmp/requirements-prod.txt

# --- 2. Runtime image -------------------------------------------------------------------------
FROM python:3.11-slim
ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cluster_portal.settings.production \
    MEDIA_ROOT=/var/lib/cmsp/media \
    PRIVATE_MEDIA_ROOT=/var/lib/cmsp/private_media \
    WEB_CONCURRENCY=3 \
    GUNICORN_THREADS=4

# An unprivileged user runs everything; only the upload and beat-state directories are writable
# by it (they become the named volumes of docker-compose.yml and keep this ownership).
RUN groupadd --system --gid 10001 cmsp \
    && useradd --system --uid 10001 --gid cmsp --create-home --home-dir /home/cmsp \
       --shell /usr/sbin/nologin cmsp \
    && install -d -o cmsp -g cmsp -m 0750 /var/lib/cmsp/media /var/lib/cmsp/private_media \
       /var/lib/cmsp/beat

COPY --from=deps /opt/venv /opt/venv
WORKDIR /app
# The code stays owned by root: the application cannot modify itself.
COPY . .

# Static files are built into the image with the production storage (hashed names, compressed).
# The secret key below exists only for this build step; the real one comes from the environment.
RUN DJANGO_SECRET_KEY=build-only-dummy-secret-for-collectstatic-never-used-at-runtime \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && python -m compileall -q .

USER cmsp:cmsp
EXPOSE 8000

# curl is not in the slim image: scripts/healthcheck.py asks /healthz with urllib.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "/app/scripts/healthcheck.py"]

# The entry point applies migrations when DJANGO_MIGRATE_ON_START=1 (the compose web service),
# then execs the command.
ENTRYPOINT ["/bin/sh", "/app/scripts/docker-entrypoint.sh"]
# gunicorn.conf.py holds the process model (3 workers x 4 threads for 2 cores, WEB_CONCURRENCY
# and GUNICORN_THREADS override it), the bind address, timeouts and worker recycling.
CMD ["gunicorn", "cluster_portal.wsgi:application", "--config", "gunicorn.conf.py"]
