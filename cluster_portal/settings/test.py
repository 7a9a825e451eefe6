"""Test settings: fast hashing, in-memory email; DATABASE_URL / CELERY_BROKER_URL come from CI."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-key-0123456789abcdef0123456789abcdef0123456789"
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")

from .base import *  # noqa: F403
from .base import BASE_DIR, env

# Argon2 is the production hasher (asserted in tests); MD5 keeps the suite fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "cluster_portal.files.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / ".test_private"))},
    },
}
# Unit tests run tasks in-process; the CI job tests start a real worker explicitly.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# The real-worker tests (`celery_worker` marker) run Celery in another process, which must see
# the test database: on SQLite that needs a file instead of memory, one per test process (pid;
# pytest-xdist adds its own suffix) so that concurrent runs in the same tree never share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile
    from pathlib import Path

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"cmsp-test-{os.getpid()}.sqlite3"),
    }
    # Throw-away data: no fsync per commit keeps the file as fast as memory for the suite.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
    )

# Each test process keeps its own cache: tests clear it between tests (rate-limit counters), and a
# shared Redis would be flushed under the feet of the other xdist workers.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
