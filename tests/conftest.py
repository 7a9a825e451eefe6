"""Fixtures shared by the whole suite."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.test import Client

from cluster_portal.core.roles import ADMINISTRATOR, AUDITOR, MEMBERSHIP_OFFICER
from tests.members.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    """An administrator of the secretariat (every staff permission) with an authenticator app:
    staff areas require MFA (core.middleware). For narrower staff use the role fixtures below
    or ``UserFactory(roles=[...], totp=True)``."""
    return UserFactory(is_staff=True, totp=True, roles=[ADMINISTRATOR])


@pytest.fixture
def staff_without_role(db):
    """A member of staff (with MFA) holding no role: enters the staff area, may do nothing."""
    return UserFactory(is_staff=True, totp=True)


@pytest.fixture
def membership_officer(db):
    return UserFactory(is_staff=True, totp=True, roles=[MEMBERSHIP_OFFICER])


@pytest.fixture
def auditor(db):
    """Reads every staff page and the audit log, acts on nothing."""
    return UserFactory(is_staff=True, totp=True, roles=[AUDITOR])


@pytest.fixture
def staff_user_without_mfa(db):
    return UserFactory(is_staff=True)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate limits (login attempts, throttling) live in the cache: start every test clean."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language (Spanish): a test that activates another one
    (``translation.activate``) must not change what the next test in the worker reads."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture(autouse=True)
def _frozen_ledger_cleanup(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let pytest-django empty the database after a transactional test (browser journeys, job
    tests) that left confirmed or verified impact entries.

    The ledger's guard (challenges migration 0005) refuses to delete them, and on SQLite the
    flush is a DELETE (PostgreSQL's TRUNCATE fires no row trigger). The guard is dropped for the
    cleanup and put back; tests that roll back their transaction never need this.
    """
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so flushed after this teardown
    yield
    from django.db import connection

    from challenges.models import ImpactEntry

    if (
        connection.vendor != "sqlite"
        or not ImpactEntry.objects.filter(status__in=ImpactEntry.FROZEN).exists()
    ):
        return
    guard = importlib.import_module("challenges.migrations.0005_impact_ledger_guard")
    with connection.schema_editor(atomic=False) as editor:
        guard.drop(None, editor)
    with connection.cursor() as cursor:
        # Rows elsewhere may point at the entries (a mission agreement claimed in the ledger):
        # their (nullable) references are cleared first; the flush that follows removes them.
        for relation in ImpactEntry._meta.related_objects:
            if relation.one_to_many or relation.one_to_one:
                table = relation.related_model._meta.db_table
                column = relation.field.column
                cursor.execute(f"UPDATE {table} SET {column} = NULL")  # noqa: S608 (model names)
        cursor.execute(f"DELETE FROM {guard.TABLE}")  # noqa: S608 (a constant)
    with connection.schema_editor(atomic=False) as editor:
        guard.create(None, editor)


@pytest.fixture
def client_es() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="es")


@pytest.fixture
def max_queries(db):
    """``max_queries(bound, client.get, url, expect=[...])`` → response (tests/queries.py)."""
    from tests.queries import run_counted

    def run(bound, request, *args, **kwargs):
        return run_counted(bound, request, *args, **kwargs)[0]

    return run
