"""Staff manage organizations, the capability taxonomy and governance bodies in the admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Capability, Seat
from tests.members.factories import (
    CapabilityFactory,
    GoverningBodyFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    SeatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, totp=True))
    return client


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:members_organization_changelist"),
        reverse("admin:members_organization_changelist") + "?kind=mining&region=arequipa",
        reverse("admin:members_organization_changelist") + "?q=20",
        reverse("admin:members_organization_add"),
        reverse("admin:members_capability_changelist"),
        reverse("admin:members_capability_changelist") + "?dimension=commodity",
        reverse("admin:members_governingbody_changelist"),
        reverse("admin:members_governingbody_add"),
        reverse("admin:members_seat_changelist"),
    ],
)
def test_admin_pages_load(admin_client: Client, url: str) -> None:
    SeatFactory()
    assert admin_client.get(url).status_code == 200


def test_organization_change_page_with_members_inline(admin_client: Client) -> None:
    member = OrganizationMemberFactory()
    url = reverse("admin:members_organization_change", args=[member.organization_id])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="memberships-0-user"' in response.content.decode()


def test_admin_rejects_invalid_ruc(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:members_organization_add"),
        {
            "legal_name": "Minera X",
            "ruc": "20100000000",
            "kind": "mets",
            "region": "arequipa",
            "is_public": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "check digit does not match" in response.content.decode()


def test_seat_inline_enforces_active_member_rule(admin_client: Client) -> None:
    body = GoverningBodyFactory()
    lapsed = OrganizationFactory(membership_status="lapsed")
    person = OrganizationMemberFactory(organization=lapsed).user
    url = reverse("admin:members_governingbody_change", args=[body.pk])
    response = admin_client.post(
        url,
        {
            "kind": body.kind,
            "name": body.name,
            "slug": body.slug,
            "description": body.description,
            "is_public": "on",
            "position": "0",
            "seats-TOTAL_FORMS": "1",
            "seats-INITIAL_FORMS": "0",
            "seats-0-person": person.pk,
            "seats-0-organization": lapsed.pk,
            "seats-0-role": "member",
        },
    )
    assert response.status_code == 200
    assert "is not an active member" in response.content.decode()
    assert not Seat.objects.exists()


def test_capability_in_use_cannot_be_deleted(admin_client: Client) -> None:
    used = CapabilityFactory(slug="in-use")
    OrganizationFactory(capabilities=[used])
    unused = CapabilityFactory(slug="unused")
    assert (
        admin_client.get(reverse("admin:members_capability_delete", args=[used.pk])).status_code
        == 403
    )
    admin_client.post(reverse("admin:members_capability_delete", args=[unused.pk]), {"post": "yes"})
    assert not Capability.objects.filter(pk=unused.pk).exists()
