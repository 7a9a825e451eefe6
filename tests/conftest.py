"""Fixtures shared by the whole suite."""

from __future__ import annotations

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
