"""Who may do what with notifications and webhooks: plain predicates shared by views, API and
tasks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from cluster_portal.core.predicates import ALLOWED, Verdict

from .models import Notification

if TYPE_CHECKING:
    from cluster_portal.api.models import PartnerClient
    from members.models import Organization

    from .models import WebhookEndpoint

#: The API scope that manages a partner's webhook subscriptions.
WEBHOOKS_MANAGE = "webhooks:manage"


def can_view_notification(user: Any, notification: Notification) -> bool:
    """Only the recipient sees (and marks read) a notification; staff included."""
    return bool(user.is_authenticated) and notification.recipient_id == user.pk


# --- Webhooks ---------------------------------------------------------------------------------
# Webhooks come with API access: the secretariat registers a partner client for an organization
# in the admin, and from then on the organization's administrators manage its webhook endpoints
# in the portal (and its partner systems through the API with ``webhooks:manage``). No one else
# sees an organization's endpoints, its delivery log or its secrets: not other members, not the
# staff pages (the secretariat reads them in the admin, secrets hidden).


def organizations_with_api_access(organization_ids: Iterable[int]) -> set[int]:
    """Of ``organization_ids``, those holding an active partner client (one query)."""
    from cluster_portal.api.models import PartnerClient

    ids = set(organization_ids)
    if not ids:
        return set()
    return set(
        PartnerClient.objects.filter(organization_id__in=ids, is_active=True)
        .values_list("organization_id", flat=True)
        .distinct()
    )


def can_manage_webhooks(
    user: Any, organization: Organization, *, has_api_access: bool | None = None
) -> Verdict:
    """An administrator of ``organization`` whose organization holds an active partner client.

    ``has_api_access`` lets a page that already asked :func:`organizations_with_api_access` for
    many organizations skip the query.
    """
    from members.permissions import is_org_admin

    if not getattr(user, "is_authenticated", False):
        return Verdict.no(_("Sign in to manage webhooks."))
    if not is_org_admin(user, organization):
        return Verdict.no(
            _("Only the administrators of %(organization)s manage its webhooks.")
            % {"organization": organization.display_name}
        )
    if has_api_access is None:
        has_api_access = bool(organizations_with_api_access([organization.pk]))
    if not has_api_access:
        return Verdict.no(
            _(
                "%(organization)s has no API access. Webhooks come with it: ask the "
                "secretariat to register your partner system."
            )
            % {"organization": organization.display_name}
        )
    return ALLOWED


def can_view_endpoint(user: Any, endpoint: WebhookEndpoint) -> bool:
    """The endpoint's organization's webhook managers see it, its log and act on it."""
    return bool(can_manage_webhooks(user, endpoint.organization))


def partner_may_manage_webhooks(partner: PartnerClient | None, scopes: Iterable[str]) -> bool:
    """A partner system manages its organization's webhooks with ``webhooks:manage``."""
    return partner is not None and partner.is_active and WEBHOOKS_MANAGE in set(scopes)


def partner_may_view_endpoint(partner: PartnerClient | None, endpoint: WebhookEndpoint) -> bool:
    """A partner system sees only its own organization's endpoints."""
    return partner is not None and endpoint.organization_id == partner.organization_id
