"""Writes for organization profiles: create, update, logo.

Membership status (applicant → active → suspended/lapsed) is not edited here: it belongs to the
membership services (``members.services.membership``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from cluster_portal.files.models import Attachment
from cluster_portal.files.services import attachment_create, attachment_delete
from cluster_portal.files.validation import IMAGE_KINDS

from ..models import Capability, Organization, OrganizationMember, User
from ..permissions import can_change_organization_identity, can_edit_organization
from ..selectors.organizations import LOGO_PURPOSE

#: Profile fields an organization admin edits (besides capabilities, clients and logo).
PROFILE_FIELDS: frozenset[str] = frozenset(
    {
        "legal_name",
        "trade_name",
        "kind",
        "mining_scale",
        "government_level",
        "region",
        "city",
        "website",
        "description",
        "employee_band",
        "certifications",
        "other_reference_clients",
        "is_public",
    }
)
#: Fields that identify the legal entity: only staff change them once the organization exists
#: (an admin renaming the legal name could impersonate another company in the directory).
IDENTITY_FIELDS: frozenset[str] = frozenset({"ruc", "legal_name"})
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 1024
LOGO_THUMBNAIL_SIDE = 160


def _check_fields(fields: Iterable[str], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Not an organization profile field: {', '.join(sorted(unknown))}")


def _validate_capabilities(capabilities: Iterable[Capability]) -> list[Capability]:
    terms = list(capabilities)
    if any(term.pk is None for term in terms):
        raise ValueError("Capabilities must be saved taxonomy terms.")
    return terms


def _validate_reference_clients(
    organization: Organization, clients: Iterable[Organization]
) -> list[Organization]:
    clients = list(clients)
    if any(client.pk == organization.pk for client in clients):
        raise ValidationError(
            {"reference_clients": _("An organization cannot be its own reference client.")},
            code="self_reference",
        )
    return clients


def _replace_logo(*, actor: User, organization: Organization, logo: File) -> Attachment:
    """Store the new logo (images only), then drop the previous ones."""
    previous = list(organization.attachments.filter(purpose=LOGO_PURPOSE))
    try:
        attachment = attachment_create(
            actor=actor,
            target=organization,
            uploaded_file=logo,
            purpose=LOGO_PURPOSE,
            allowed_types=IMAGE_KINDS,
            max_bytes=LOGO_MAX_BYTES,
            # Re-encoded (metadata stripped, capped) with a small rendition for the directory.
            image_max_side=LOGO_MAX_SIDE,
            thumbnail_side=LOGO_THUMBNAIL_SIDE,
        )
    except ValidationError as exc:
        raise ValidationError({"logo": exc.messages}) from exc
    for old in previous:
        attachment_delete(actor=actor, attachment=old)
    return attachment


def _remove_logo(*, actor: User, organization: Organization) -> None:
    for old in organization.attachments.filter(purpose=LOGO_PURPOSE):
        attachment_delete(actor=actor, attachment=old)


@transaction.atomic
def organization_create(
    *,
    actor: User,
    legal_name: str,
    ruc: str,
    kind: str,
    capabilities: Iterable[Capability] = (),
    reference_clients: Iterable[Organization] = (),
    logo: File | None = None,
    add_actor_as_admin: bool = False,
    **profile: Any,
) -> Organization:
    """Register an organization (not yet a member: ``membership_status`` stays "none").

    ``profile`` takes any of :data:`PROFILE_FIELDS`. Raises ``ValidationError`` (translated,
    per field) for an invalid or duplicate RUC, missing kind-dependent fields or a bad logo,
    and then creates nothing. With ``add_actor_as_admin`` the actor becomes the organization's
    first admin (the membership-application flow uses it). Who may create organizations is the
    caller's decision (signed-up people applying, staff). Enqueues nothing.
    """
    _check_fields(profile, PROFILE_FIELDS)
    organization = Organization(
        legal_name=legal_name.strip(),
        ruc=ruc.strip(),
        kind=kind,
        created_by=actor if actor.is_authenticated else None,
        **profile,
    )
    organization.full_clean()
    organization.save(force_insert=True)
    organization.capabilities.set(_validate_capabilities(capabilities))
    organization.reference_clients.set(_validate_reference_clients(organization, reference_clients))
    if add_actor_as_admin:
        OrganizationMember.objects.create(
            organization=organization, user=actor, role=OrganizationMember.Role.ADMIN
        )
    if logo is not None:
        _replace_logo(actor=actor, organization=organization, logo=logo)
    return organization


@transaction.atomic
def organization_update(
    *,
    actor: User,
    organization: Organization,
    capabilities: Iterable[Capability] | None = None,
    reference_clients: Iterable[Organization] | None = None,
    logo: File | None = None,
    remove_logo: bool = False,
    **changes: Any,
) -> Organization:
    """Change an organization's profile.

    Preconditions: ``actor`` is an admin of the organization or staff (``PermissionDenied``
    otherwise); only staff change the :data:`IDENTITY_FIELDS` (RUC, legal name). ``changes``
    takes :data:`PROFILE_FIELDS` and :data:`IDENTITY_FIELDS`; ``None`` for ``capabilities`` /
    ``reference_clients`` leaves them as they are.
    Everything is validated before anything is written, so a ``ValidationError`` (invalid or
    duplicate RUC, kind-dependent fields, bad logo) leaves the organization unchanged. The row
    is locked while it changes. Enqueues nothing.
    """
    _check_fields(changes, PROFILE_FIELDS | IDENTITY_FIELDS)
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    if not can_edit_organization(actor, locked):
        raise PermissionDenied
    for name in IDENTITY_FIELDS & changes.keys():
        changes[name] = str(changes[name]).strip()
        if changes[name] != getattr(locked, name) and not can_change_organization_identity(
            actor, locked
        ):
            raise PermissionDenied

    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, changes[name])
    locked.full_clean()
    clients = (
        _validate_reference_clients(locked, reference_clients)
        if reference_clients is not None
        else None
    )
    terms = _validate_capabilities(capabilities) if capabilities is not None else None

    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    if terms is not None:
        locked.capabilities.set(terms)
    if clients is not None:
        locked.reference_clients.set(clients)
    if logo is not None:
        _replace_logo(actor=actor, organization=locked, logo=logo)
    elif remove_logo:
        _remove_logo(actor=actor, organization=locked)
    return locked
