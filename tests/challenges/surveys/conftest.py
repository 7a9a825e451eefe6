"""Fixtures of the surveys tests: a mining company with an admin and a plain member, a call
manager, and a helper to log staff in (staff pages are behind MFA: force_login + TOTP users)."""

from __future__ import annotations

import pytest
from django.test import Client

from challenges.models import Challenge
from cluster_portal.core.roles import CALL_MANAGER
from members.models import Capability, OrganizationMember
from tests.challenges.factories import ChallengeFactory, MiningCompanyFactory
from tests.members.factories import OrganizationMemberFactory, UserFactory


@pytest.fixture
def company(db):
    return MiningCompanyFactory(legal_name="Minera Chachani S.A.A.", trade_name="Chachani")


@pytest.fixture
def company_admin(company):
    return OrganizationMemberFactory(
        organization=company, role=OrganizationMember.Role.ADMIN, user__language="es"
    ).user


@pytest.fixture
def company_member(company):
    return OrganizationMemberFactory(organization=company).user


@pytest.fixture
def call_manager(db):
    return UserFactory(is_staff=True, totp=True, roles=[CALL_MANAGER])


@pytest.fixture
def stage(db):
    return Capability.objects.filter(dimension=Capability.Dimension.VALUE_CHAIN).first()


@pytest.fixture
def service_area(db):
    return Capability.objects.filter(dimension=Capability.Dimension.SERVICE_AREA).first()


def client_for(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def submitted(company, author=None, **kwargs) -> Challenge:
    """A challenge waiting in the triage queue."""
    kwargs.setdefault("status", Challenge.Status.SUBMITTED)
    kwargs.setdefault("reference", None)
    return ChallengeFactory(organization=company, submitted_by=author, **kwargs)
