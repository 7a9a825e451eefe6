"""Staff register partner clients in the admin; the secret is shown once and works."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import AccessToken, get_application_model

from cluster_portal.api.models import PartnerClient
from tests.api.conftest import request_token
from tests.api.factories import PartnerClientFactory
from tests.members.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
Application = get_application_model()
SECRET = re.compile(r'<code id="client-secret">([^<]+)</code>')


@pytest.fixture
def admin_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, totp=True))
    return client


def test_add_creates_a_client_credentials_application_and_shows_the_secret_once(
    admin_client: Client,
) -> None:
    organization = OrganizationFactory()

    response = admin_client.post(
        reverse("admin:api_partnerclient_add"),
        {
            "name": "CAF reporting",
            "organization": organization.pk,
            "allowed_scopes": ["portfolio:read", "reports:read"],
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = SECRET.search(response.content.decode()).group(1)
    partner = PartnerClient.objects.select_related("application").get()
    application = partner.application
    assert partner.client_id in response.content.decode()
    assert application.name == "CAF reporting"
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    assert application.user is None
    assert application.client_secret != secret  # stored hashed
    assert partner.organization == organization
    assert partner.allowed_scopes == ["portfolio:read", "reports:read"]
    assert partner.created_by is not None

    # The secret works, and is not shown again.
    token = request_token(Client(), partner, secret=secret)
    assert token.status_code == 200
    change = admin_client.get(reverse("admin:api_partnerclient_change", args=[partner.pk]))
    assert change.status_code == 200
    assert secret not in change.content.decode()
    assert partner.client_id in change.content.decode()


def test_list_and_add_pages_render(admin_client: Client) -> None:
    partner = PartnerClientFactory(allowed_scopes=["members:read"])

    listing = admin_client.get(reverse("admin:api_partnerclient_changelist"))
    add = admin_client.get(reverse("admin:api_partnerclient_add"))

    assert listing.status_code == 200
    assert partner.client_id in listing.content.decode()
    assert add.status_code == 200
    assert 'value="webhooks:manage"' in add.content.decode()


def test_unknown_scope_is_rejected(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:api_partnerclient_add"),
        {"name": "X", "organization": OrganizationFactory().pk, "allowed_scopes": ["root"]},
    )

    assert response.status_code == 200
    assert not PartnerClient.objects.exists()
    assert "errorlist" in response.content.decode()


def test_rotate_secret_action_revokes_tokens_and_shows_the_new_secret(
    admin_client: Client, issue_token
) -> None:
    partner = PartnerClientFactory()
    issue_token(partner)

    response = admin_client.post(
        reverse("admin:api_partnerclient_changelist"),
        {"action": "rotate_secret", "_selected_action": [partner.pk]},
    )

    assert response.status_code == 200
    new_secret = SECRET.search(response.content.decode()).group(1)
    assert not AccessToken.objects.exists()
    assert request_token(Client(), partner).status_code == 401  # old secret
    assert request_token(Client(), partner, secret=new_secret).status_code == 200


def _deactivate(admin_client: Client, partners: list[PartnerClient]) -> list[str]:
    response = admin_client.post(
        reverse("admin:api_partnerclient_changelist"),
        {"action": "deactivate", "_selected_action": [partner.pk for partner in partners]},
    )
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_deactivate_action(admin_client: Client, issue_token) -> None:
    partner = PartnerClientFactory()
    issue_token(partner)

    messages = _deactivate(admin_client, [partner])

    assert messages == ["1 client deactivated; its tokens were revoked."]
    partner.refresh_from_db()
    assert partner.is_active is False
    assert not AccessToken.objects.exists()
    assert request_token(Client(), partner).status_code == 401


def test_deactivate_action_counts_only_active_clients_in_the_plural(admin_client: Client) -> None:
    partners = [PartnerClientFactory() for _ in range(2)]
    already_inactive = PartnerClientFactory(is_active=False)

    messages = _deactivate(admin_client, [*partners, already_inactive])

    assert messages == ["2 clients deactivated; their tokens were revoked."]
    assert not PartnerClient.objects.filter(is_active=True).exists()


def test_change_form_updates_scopes_and_name(admin_client: Client) -> None:
    partner = PartnerClientFactory(allowed_scopes=["public:read"])

    response = admin_client.post(
        reverse("admin:api_partnerclient_change", args=[partner.pk]),
        {"name": "Renamed", "allowed_scopes": ["missions:read"], "is_active": "on"},
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.allowed_scopes == ["missions:read"]
    assert partner.application.name == "Renamed"


def test_staff_without_admin_rights_cannot_register_clients() -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True, totp=True))

    response = client.get(reverse("admin:api_partnerclient_add"))

    assert response.status_code == 403
