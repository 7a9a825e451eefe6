"""Who may download an attachment: one predicate per target model, default deny.

Each feature registers, from its own ``AppConfig.ready()``, the rule for the records it owns::

    from cluster_portal.files.permissions import register_attachment_access
    register_attachment_access(Proposal, can_view_proposal)
    register_attachment_access(Organization, can_view_logo, purpose="logo")

A predicate is ``predicate(user, target) -> bool``; ``user`` may be anonymous (a public logo may
allow that). A purpose-specific rule wins over the model-wide one. Downloads by signed-in users
are audited unless the rule says ``audit_downloads=False`` (for images pages load all the time).
``cacheable=True`` (images such as logos, never documents) lets browsers keep the file and
revalidate it; such a download writes nothing and is never audited.

Default deny: for a model nobody registered, or an attachment whose record is gone, only active
superusers may download. Staff are not let in by default, because "staff" does not mean "may
read every confidential upload".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from .models import Attachment

AccessPredicate = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class AccessRule:
    predicate: AccessPredicate
    # Record each download as an auditlog "access" entry. Turn off for public images (logos)
    # that pages load constantly; keep on for documents.
    audit_downloads: bool = True
    # Served with Cache-Control max-age, ETag and Last-Modified instead of no-store; shared
    # caches may keep it only when a visitor may download it too. Implies no auditing.
    cacheable: bool = False


_registry: dict[tuple[str, str | None], AccessRule] = {}


def _key(model_class: type[models.Model], purpose: str | None) -> tuple[str, str | None]:
    concrete = model_class._meta.concrete_model or model_class
    return (concrete._meta.label_lower, purpose)


def register_attachment_access(
    model_class: type[models.Model],
    predicate: AccessPredicate,
    *,
    purpose: str | None = None,
    audit_downloads: bool = True,
    cacheable: bool = False,
) -> None:
    """Decide who may download attachments of ``model_class`` records (optionally one purpose)."""
    _registry[_key(model_class, purpose)] = AccessRule(
        predicate, audit_downloads and not cacheable, cacheable
    )


def unregister_attachment_access(
    model_class: type[models.Model], *, purpose: str | None = None
) -> None:
    _registry.pop(_key(model_class, purpose), None)


def _rule_for(attachment: Attachment) -> AccessRule | None:
    target = attachment.target
    if target is None:
        return None
    return _registry.get(_key(type(target), attachment.purpose)) or _registry.get(
        _key(type(target), None)
    )


def can_download_attachment(user: Any, attachment: Attachment) -> bool:
    """The single question every download (view, API, task) asks."""
    if getattr(user, "is_active", False) and getattr(user, "is_superuser", False):
        return True
    rule = _rule_for(attachment)
    return rule is not None and bool(rule.predicate(user, attachment.target))


def download_is_audited(attachment: Attachment) -> bool:
    rule = _rule_for(attachment)
    return rule is None or rule.audit_downloads


def download_is_cacheable(attachment: Attachment) -> bool:
    """Browsers may keep and revalidate this file (a public image such as a logo)."""
    rule = _rule_for(attachment)
    return rule is not None and rule.cacheable


def download_is_public(attachment: Attachment) -> bool:
    """A visitor who is not signed in may download it too (shared caches may keep it)."""
    from django.contrib.auth.models import AnonymousUser

    return can_download_attachment(AnonymousUser(), attachment)
