"""Imported by the worker subprocess of ``test_worker`` (``CELERY_IMPORTS``): the fake kind."""

from .kinds import install

install()
