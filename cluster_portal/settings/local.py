"""Local development (`make run`): SQLite and in-process tasks unless the environment says so."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
# A fixed, clearly non-production key so `make run` needs no set-up; production requires its own.
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "local-development-only-key-not-for-production-use-0123456789abcdef"
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
os.environ.setdefault("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")

from .base import *  # noqa: F403
