"""The one list of audited records.

A later feature that owns a key record adds one ``AuditedModel`` line to ``AUDITED_MODELS``
below (in the same change that adds the model). Leave out fields that are secret (hashes,
tokens), noisy (``updated_at``) or huge; list many-to-many fields whose changes matter. Records
whose important changes are *decisions* rather than field edits (approve, reject, award) also
call ``cluster_portal.audit.services.audit_decision`` from the service that decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditlog.registry import auditlog
from django.apps import apps


@dataclass(frozen=True)
class AuditedModel:
    label: str  # "app_label.ModelName"
    exclude_fields: tuple[str, ...] = ()
    m2m_fields: tuple[str, ...] = ()
    mask_fields: tuple[str, ...] = field(default=())


AUDITED_MODELS: tuple[AuditedModel, ...] = (
    # Who can log in and with which powers; the password hash and login stamps stay out.
    AuditedModel(
        "members.User",
        exclude_fields=("password", "last_login"),
        m2m_fields=("groups", "user_permissions"),
    ),
    AuditedModel(
        "members.Organization",
        exclude_fields=("updated_at",),
        # Client relationships feed the conflict-of-interest checks of evaluations.
        m2m_fields=("capabilities", "reference_clients"),
    ),
    AuditedModel("files.Attachment"),
    # Governance: who sits where is public record; the taxonomy is curated by staff.
    AuditedModel("members.GoverningBody"),
    AuditedModel("members.Seat"),
    AuditedModel("members.Capability"),
    # Membership: who belongs to which organization with which role, and how they got there.
    # Decisions (approve, reject, suspend, invite…) are also recorded by audit_decision.
    AuditedModel("members.OrganizationMember"),
    AuditedModel("members.MembershipApplication", exclude_fields=("updated_at",)),
    AuditedModel("members.JoinRequest"),
    AuditedModel("members.Invitation", exclude_fields=("token_digest",)),
)


def register_audited_models() -> None:
    """Register every model of ``AUDITED_MODELS`` with django-auditlog (idempotent)."""
    for spec in AUDITED_MODELS:
        model = apps.get_model(spec.label)
        model_fields = {f.name for f in model._meta.get_fields()}
        m2m = [name for name in spec.m2m_fields if name in model_fields]
        # Reverse relations and generic relations are not columns of this record; diffing them
        # only produces noise such as "api.PartnerClient.None".
        not_columns = [
            f.name
            for f in model._meta.get_fields()
            if not getattr(f, "concrete", False) and not f.many_to_many
        ]
        auditlog.unregister(model)
        auditlog.register(
            model,
            exclude_fields=[*spec.exclude_fields, *not_columns],
            mask_fields=list(spec.mask_fields),
            m2m_fields=set(m2m),
        )
