"""Who manages webhooks: the predicate, and the pages' permission matrix (role x action → status),
with the effect asserted for the allowed cases and nothing changed for the refused ones.

Also holds the helpers the other webhook UI tests use: :func:`fake_public_dns` (``*.example``
names resolve to a public address, so the services' target check passes without a network),
:func:`make_partner_org` (an organization with an active partner client), :func:`make_admin`.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import translation

from members.models import Organization, OrganizationMember, User
from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.permissions import (
    can_manage_webhooks,
    can_view_endpoint,
    organizations_with_api_access,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory
from tests.notifications.webhooks.factories import (
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
    partner_for,
)
from tests.permission_matrix import ROLES, user_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reasons_in_english():
    """The predicates' reasons are read in English here (the portal's default is Spanish; pages
    requested through the client follow the request's language anyway)."""
    with translation.override("en"):
        yield


#: Where ``*.example`` names resolve in the tests (a public address: the target check passes).
PUBLIC_ADDRESS = "93.184.215.14"


def fake_public_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """``*.example`` and ``*.example.org`` resolve to a public address; other names as usual
    (the tests never need the network: nothing is delivered under ``django_db``)."""
    real = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = str(host or "")
        if name.endswith((".example", ".example.org")):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_ADDRESS, port or 443))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def make_partner_org() -> Organization:
    """An organization holding an active partner client (so API access, so webhooks)."""
    organization = OrganizationFactory(legal_name="Universidad Andina de Prueba")
    partner_for(organization)
    return organization


def make_admin(organization: Organization) -> User:
    return OrganizationMemberFactory(
        organization=organization, role=OrganizationMember.Role.ADMIN
    ).user


@pytest.fixture
def partner_org() -> Organization:
    return make_partner_org()


@pytest.fixture
def org_admin(partner_org: Organization) -> User:
    return make_admin(partner_org)


def english_client(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


# --- The predicate ------------------------------------------------------------------------------


def test_an_admin_of_an_organization_with_api_access_manages_its_webhooks(
    partner_org: Organization, org_admin: User
) -> None:
    assert can_manage_webhooks(org_admin, partner_org)
    endpoint = WebhookEndpointFactory(organization=partner_org)
    assert can_view_endpoint(org_admin, endpoint)


@pytest.mark.parametrize("role", ["other_member", "org_member", "staff"])
def test_no_one_else_manages_them(partner_org: Organization, role: str) -> None:
    user = user_for(role, partner_org)
    verdict = can_manage_webhooks(user, partner_org)
    assert not verdict
    assert "administrators" in str(verdict.reason)


def test_a_visitor_is_asked_to_sign_in(partner_org: Organization) -> None:
    verdict = can_manage_webhooks(AnonymousUser(), partner_org)
    assert not verdict
    assert "Sign in" in str(verdict.reason)


def test_without_api_access_the_admin_is_told_to_ask_the_secretariat() -> None:
    organization = OrganizationFactory()
    admin = make_admin(organization)
    verdict = can_manage_webhooks(admin, organization)
    assert not verdict
    assert "no API access" in str(verdict.reason)
    assert "secretariat" in str(verdict.reason)


def test_an_inactive_partner_client_gives_no_access() -> None:
    organization = OrganizationFactory()
    partner_for(organization).__class__.objects.filter(organization=organization).update(
        is_active=False
    )
    assert not can_manage_webhooks(make_admin(organization), organization)
    assert organizations_with_api_access([organization.pk]) == set()


# --- The pages' matrix --------------------------------------------------------------------------

#: role → status of the endpoint's page (visitors go to the login page; others never learn the
#: endpoint exists).
DETAIL = {"visitor": 302, "other_member": 404, "org_member": 404, "org_admin": 200, "staff": 404}


@pytest.mark.parametrize("role", ROLES)
def test_endpoint_pages_matrix(partner_org: Organization, role: str) -> None:
    endpoint = WebhookEndpointFactory(organization=partner_org)
    delivery = WebhookDeliveryFactory(endpoint=endpoint)
    client = english_client(user_for(role, partner_org))
    pages = [
        reverse("webhooks:endpoint_detail", args=[endpoint.pk]),
        reverse("webhooks:endpoint_update", args=[endpoint.pk]),
        reverse("webhooks:delivery_detail", args=[endpoint.pk, delivery.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == DETAIL[role], url


@pytest.mark.parametrize("role", ["visitor", "other_member", "org_member", "staff"])
@pytest.mark.parametrize("action", ["rotate", "test", "disable", "delete"])
def test_refused_actions_change_nothing(partner_org: Organization, role: str, action: str) -> None:
    endpoint = WebhookEndpointFactory(organization=partner_org)
    client = english_client(user_for(role, partner_org))
    response = client.post(reverse(f"webhooks:endpoint_{action}", args=[endpoint.pk]))
    assert response.status_code == (302 if role == "visitor" else 404)
    after = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert (after.secret, after.is_active) == (endpoint.secret, True)
    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


def test_the_admin_of_another_partner_gets_404(partner_org: Organization) -> None:
    other = OrganizationFactory()
    partner_for(other)
    endpoint = WebhookEndpointFactory(organization=partner_org)
    client = english_client(make_admin(other))
    assert client.get(reverse("webhooks:endpoint_detail", args=[endpoint.pk])).status_code == 404
    assert client.post(reverse("webhooks:endpoint_delete", args=[endpoint.pk])).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_creating_needs_an_organization_with_api_access() -> None:
    organization = OrganizationFactory()
    client = english_client(make_admin(organization))
    response = client.get(reverse("webhooks:endpoint_create"))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [("visitor", 302), ("other_member", 200), ("org_member", 200), ("org_admin", 200)],
)
def test_the_list_shows_only_what_the_person_manages(
    partner_org: Organization, role: str, status: int
) -> None:
    endpoint = WebhookEndpointFactory(organization=partner_org)
    response = english_client(user_for(role, partner_org)).get(reverse("webhooks:endpoint_list"))
    assert response.status_code == status
    if status == 200:
        assert (endpoint.url in response.content.decode()) is (role == "org_admin")


def test_the_event_catalogue_is_public() -> None:
    client = Client()
    assert client.get(reverse("webhooks:event_catalogue")).status_code == 200
    response = client.get(reverse("webhooks:event_schema", args=["call.published"]))
    assert response.status_code == 200
