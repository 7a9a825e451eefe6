"""Settings of the Celery worker started by ``test_worker``: the notifications worker's (email
to files), plus the fake report kind installed at start-up. ``PRIVATE_MEDIA_ROOT`` (set by the
fixture) puts the report files in the test's own directory."""

from tests.notifications.worker_settings import *  # noqa: F403

CELERY_IMPORTS = ("tests.reports.runs.worker_kinds",)
