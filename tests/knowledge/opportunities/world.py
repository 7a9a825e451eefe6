"""People and data shared by the opportunity tests (K3)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from cluster_portal.core import roles
from members.models import Organization, OrganizationMember, User
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory


def editor() -> User:
    return UserFactory(is_staff=True, roles=[roles.EDITOR], totp=True)


def auditor() -> User:
    return UserFactory(is_staff=True, roles=[roles.AUDITOR], totp=True)


def person_of(
    organization: Organization | None = None, *, admin: bool = False, **org_kwargs: Any
) -> User:
    """A person of ``organization`` (a new active member METS supplier by default)."""
    organization = organization or OrganizationFactory(**org_kwargs)
    member = OrganizationMemberFactory(
        organization=organization,
        role=OrganizationMember.Role.ADMIN if admin else OrganizationMember.Role.MEMBER,
    )
    return member.user


def login(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def opportunity_data(**overrides: Any) -> dict[str, Any]:
    """Valid ``data`` for ``opportunity_create``."""
    from decimal import Decimal

    from djmoney.money import Money

    data: dict[str, Any] = {
        "product": "Alambrón de cobre",
        "product_en": "Copper wire rod",
        "hs_code": "7408.11.00.00",
        "stage": "manufacturing",
        "summary": "Del cátodo al alambrón de 8 mm.",
        "market_notes": "Demanda de **cables** en la región.",
        "import_value": Money(Decimal("120000000.00"), "USD"),
        "import_year": 2024,
        "local_capability": "Dos fundiciones.",
        "economic_rating": 4,
        "economic_justification": "Demanda local sostenida.",
        "economic_sources": "SUNAT 2024",
        "financial_rating": 3,
        "financial_justification": "Inversión de colada continua.",
        "financial_sources": "",
        "environmental_rating": 3,
        "environmental_justification": "Consumo de energía moderado.",
        "environmental_sources": "",
        "visibility": "public",
    }
    data.update(overrides)
    return data
