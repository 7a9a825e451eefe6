"""Settings of the Celery worker subprocess started by the ``celery_worker`` tests.

The test settings, plus email written to files (``TEST_EMAIL_FILE_PATH``) so the test process can
see what the worker sent. ``DATABASE_URL`` points at the test database (set by the fixture).
"""

from cluster_portal.settings.test import *  # noqa: F403
from cluster_portal.settings.test import env

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env("TEST_EMAIL_FILE_PATH")
