"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.members.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def client_es() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="es")
