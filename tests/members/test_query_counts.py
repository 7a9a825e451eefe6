"""Constant number of queries on the members pages that list related rows: an organization's
profile (team, reference clients), the secretariat's application and organization pages
(history, people) and the apply page (one's own applications, requests and organizations).

Each test renders the page with a few rows and with ten times as many, checks that the rows
are really on the page, and asserts the same number of queries.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import MembershipApplication, Organization
from tests.members.factories import (
    JoinRequestFactory,
    MembershipApplicationFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)
from tests.permission_matrix import ROLES, client_for

pytestmark = pytest.mark.django_db

FEW, MANY = 5, 50


def measure(client: Client, url: str) -> tuple[int, str]:
    """(queries, body) of a GET after a warm-up request (session, content types)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


# --- /members/organizations/<id>/: team and reference clients ---------------------------------


def add_team_and_clients(organization: Organization, count: int, start: int) -> None:
    for n in range(start, start + count):
        OrganizationMemberFactory(organization=organization, user__full_name=f"Persona {n:03d}")
        # Public, private and former members: the profile shows each viewer only what they
        # may see, so all three kinds go through the filtered prefetch.
        client_org = OrganizationFactory(
            trade_name=f"Cliente {n:03d}",
            is_public=n % 3 != 1,
            membership_status="lapsed" if n % 3 == 2 else "active",
        )
        organization.reference_clients.add(client_org)


@pytest.mark.parametrize("role", ROLES)
def test_organization_profile_query_count_is_constant(role: str) -> None:
    organization = OrganizationFactory(trade_name="Perfil Medido")
    client = client_for(role, organization)
    url = reverse("members:organization_detail", args=[organization.pk])
    add_team_and_clients(organization, FEW, 0)
    few, _ = measure(client, url)
    add_team_and_clients(organization, MANY - FEW, FEW)
    many, body = measure(client, url)
    assert few == many, (few, many)
    if role != "visitor":  # members, the organization's own people and staff see the team
        assert "Persona 049" in body
        assert "Cliente 048" in body  # a public client
    print(f"organization profile as {role}: {few} queries for {FEW} and {MANY} people/clients")


# --- /staff/members/applications/<id>/ and /staff/members/organizations/<id>/ ----------------


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_user)
    return client


def add_history(organization: Organization, count: int) -> None:
    """Closed applications of ``organization``, each by another person (who joins as admin)."""
    for n in range(count):
        MembershipApplicationFactory(
            organization=organization,
            status=(
                MembershipApplication.Status.REJECTED
                if n % 2
                else MembershipApplication.Status.WITHDRAWN
            ),
            decided_by=UserFactory(is_staff=True) if n % 2 else None,
            decision_message=f"Motivo {n}" if n % 2 else "",
        )


def history_links(body: str) -> int:
    return len(re.findall(r'href="/staff/members/applications/\d+/"', body))


def test_staff_application_detail_query_count_is_constant(staff_client: Client) -> None:
    application = MembershipApplicationFactory(organization__trade_name="Postulante Medida")
    url = reverse("members_staff:application_detail", args=[application.pk])
    add_history(application.organization, FEW)
    few, _ = measure(staff_client, url)
    add_history(application.organization, MANY - FEW)
    many, body = measure(staff_client, url)
    assert MembershipApplication.objects.filter(organization=application.organization).count() == (
        MANY + 1
    )
    assert few == many, (few, many)
    assert history_links(body) == MANY  # every earlier application, not the one shown
    print(f"staff application detail: {few} queries for {FEW} and {MANY} earlier applications")


def test_staff_organization_detail_query_count_is_constant(staff_client: Client) -> None:
    organization = OrganizationFactory(
        trade_name="Organización Medida", membership_status="applicant"
    )
    url = reverse("members_staff:organization_detail", args=[organization.pk])
    add_history(organization, FEW)
    few, _ = measure(staff_client, url)
    add_history(organization, MANY - FEW)
    for n in range(MANY):
        OrganizationMemberFactory(organization=organization, user__full_name=f"Integrante {n:03d}")
    many, body = measure(staff_client, url)
    assert few == many, (few, many)
    assert "Integrante 049" in body
    print(f"staff organization detail: {few} queries for {FEW} and {MANY} applications/people")


# --- /members/apply/: one's own applications, join requests and organizations ----------------


def add_requests(user, count: int, start: int) -> None:
    for n in range(start, start + count):
        # An open application makes the applicant the new organization's admin.
        MembershipApplicationFactory(applicant=user, organization__trade_name=f"Propia {n:03d}")
        JoinRequestFactory(user=user, organization__trade_name=f"Ajena {n:03d}")


def test_apply_page_query_count_is_constant() -> None:
    user = UserFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    url = reverse("members:membership_apply")
    add_requests(user, FEW, 0)
    few, _ = measure(client, url)
    add_requests(user, MANY - FEW, FEW)
    many, body = measure(client, url)
    assert few == many, (few, many)
    assert body.count('data-testid="pending-join-request"') == MANY
    assert "Propia 049" in body
    print(f"apply page: {few} queries for {FEW} and {MANY} applications and join requests")
