"""Writes for partner clients. Staff call these from the admin; nothing else creates clients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_access_token_model, get_application_model

from .models import PartnerClient

if TYPE_CHECKING:
    from members.models import Organization, User


def _revoke_tokens(partner: PartnerClient) -> int:
    """Delete every access token of the partner's application; returns how many."""
    deleted, _details = (
        get_access_token_model().objects.filter(application_id=partner.application_id).delete()
    )
    return deleted


@transaction.atomic
def partner_client_create(
    *,
    actor: User,
    organization: Organization,
    name: str,
    allowed_scopes: Iterable[str],
    is_active: bool = True,
) -> tuple[PartnerClient, str]:
    """Register a partner system: a confidential client-credentials application plus its policy.

    Returns the client and its secret in clear. The secret is stored hashed (django-oauth-toolkit
    hashes it on save), so this return value is the only time anyone sees it.
    """
    application_model = get_application_model()
    secret = generate_client_secret()
    application = application_model(
        name=name,
        user=None,  # tokens act for the partner organization, never for a person
        client_type=application_model.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
        redirect_uris="",
        skip_authorization=False,
    )
    application.full_clean()
    application.save()
    partner = PartnerClient(
        application=application,
        organization=organization,
        allowed_scopes=sorted(set(allowed_scopes)),
        is_active=is_active,
        created_by=actor,
    )
    partner.full_clean()
    partner.save()
    return partner, secret


@transaction.atomic
def partner_client_update(
    *,
    actor: User,
    partner: PartnerClient,
    name: str,
    allowed_scopes: Iterable[str],
    is_active: bool,
) -> PartnerClient:
    """Rename, change the allowed scopes or (de)activate a partner client.

    Deactivation revokes its outstanding tokens. Narrowed scopes apply to existing tokens at once
    (see ``auth.token_scopes``), so they need no revocation.
    """
    partner = PartnerClient.objects.select_for_update().get(pk=partner.pk)
    was_active = partner.is_active
    partner.allowed_scopes = sorted(set(allowed_scopes))
    partner.is_active = is_active
    partner.full_clean()
    partner.save(update_fields=["allowed_scopes", "is_active", "updated_at"])
    application = partner.application
    if application.name != name:
        application.name = name
        application.full_clean()
        application.save(update_fields=["name", "updated"])
    if was_active and not is_active:
        _revoke_tokens(partner)
    return partner


@transaction.atomic
def partner_client_rotate_secret(*, actor: User, partner: PartnerClient) -> str:
    """Issue a new client secret, invalidating the old one and every token obtained with it."""
    secret = generate_client_secret()
    application = partner.application
    application.client_secret = secret
    application.save(update_fields=["client_secret", "updated"])
    _revoke_tokens(partner)
    return secret


@transaction.atomic
def partner_client_deactivate(*, actor: User, partner: PartnerClient) -> None:
    """Cut a partner off: no new tokens, existing ones revoked."""
    partner.is_active = False
    partner.save(update_fields=["is_active", "updated_at"])
    _revoke_tokens(partner)
