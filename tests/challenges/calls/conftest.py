"""Fixtures of the calls tests."""

from __future__ import annotations

import pytest

from members.models import Capability
from tests.members.factories import UserFactory


@pytest.fixture
def call_manager(db):
    return UserFactory(is_staff=True, totp=True, roles=["call_manager"])


@pytest.fixture
def stage(db) -> Capability:
    return Capability.objects.create(
        dimension=Capability.Dimension.VALUE_CHAIN,
        slug="test-stage",
        name_es="Chancado de prueba",
        name_en="Test crushing",
    )


@pytest.fixture
def service_area(db) -> Capability:
    return Capability.objects.create(
        dimension=Capability.Dimension.SERVICE_AREA,
        slug="test-service",
        name_es="Mantenimiento predictivo de prueba",
        name_en="Test predictive maintenance",
    )
