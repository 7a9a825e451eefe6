"""Reads of the webhooks sub-domain: the organizations a person manages webhooks for, their
endpoints, the delivery log and one delivery with its attempts.

Permission-scoped accessors (``*_get_for_user``, ``*_get_for_partner``) raise ``Http404`` for an
endpoint of another organization: its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from members.models import Organization, OrganizationMember

from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..permissions import can_manage_webhooks, organizations_with_api_access

if TYPE_CHECKING:
    from cluster_portal.api.models import PartnerClient


# --- Who ----------------------------------------------------------------------------------------


def webhook_organizations_for_user(*, user: Any) -> list[Organization]:
    """The organizations ``user`` administers that hold API access (so manage webhooks), by
    name. Two queries at most (the person's memberships are cached per request)."""
    from members.viewer import viewer_for

    if not getattr(user, "is_authenticated", False):
        return []
    admin_ids = [
        org_id
        for org_id, membership in viewer_for(user).organizations.items()
        if membership.role == OrganizationMember.Role.ADMIN
    ]
    allowed = organizations_with_api_access(admin_ids)
    if not allowed:
        return []
    return list(Organization.objects.filter(pk__in=allowed).order_by("legal_name", "pk"))


# --- Endpoints ----------------------------------------------------------------------------------


def endpoints_of(organization_ids: list[int] | set[int]) -> QuerySet[WebhookEndpoint]:
    """The endpoints of these organizations, oldest first, with their organization."""
    return (
        WebhookEndpoint.objects.filter(organization_id__in=organization_ids)
        .select_related("organization")
        .order_by("organization__legal_name", "created_at", "pk")
    )


def endpoint_get_for_user(*, user: Any, endpoint_id: int) -> WebhookEndpoint:
    """One endpoint ``user`` manages (:func:`~notifications.permissions.can_manage_webhooks`
    for its organization); Http404 otherwise."""
    endpoint = WebhookEndpoint.objects.select_related("organization").filter(pk=endpoint_id).first()
    if endpoint is None or not can_manage_webhooks(user, endpoint.organization):
        raise Http404
    return endpoint


def endpoint_get_for_partner(*, partner: PartnerClient, endpoint_id: int) -> WebhookEndpoint:
    """One endpoint of the partner client's organization; Http404 for any other."""
    endpoint = (
        WebhookEndpoint.objects.select_related("organization")
        .filter(pk=endpoint_id, organization_id=partner.organization_id)
        .first()
    )
    if endpoint is None:
        raise Http404
    return endpoint


@dataclass(frozen=True)
class EndpointState:
    """How an endpoint's status is shown: ``key`` (active, paused, disabled), a label, the
    badge classes and, when disabled, why."""

    key: str
    label: str | Promise
    badge: str
    reason: str | Promise = ""


def endpoint_state(endpoint: WebhookEndpoint) -> EndpointState:
    """Active, paused by the partner, or disabled (410, sustained failure, the secretariat)."""
    reason = WebhookEndpoint.DisabledReason
    if endpoint.is_active:
        return EndpointState("active", _("Active"), "text-bg-success")
    if endpoint.disabled_reason in ("", reason.MANUAL):
        return EndpointState("paused", _("Paused"), "text-bg-secondary")
    return EndpointState(
        "disabled",
        _("Disabled"),
        "text-bg-danger",
        reason(endpoint.disabled_reason).label,
    )


# --- The delivery log ---------------------------------------------------------------------------


def _last_attempt_duration() -> Subquery:
    return Subquery(
        WebhookAttempt.objects.filter(delivery=OuterRef("pk"))
        .order_by("-attempted_at", "-pk")
        .values("duration_ms")[:1]
    )


def delivery_log(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries, newest first, each with its message and the duration of its
    last attempt (``last_duration_ms``): one query per page, whatever the rows. Filtered by
    ``notifications.filters.DeliveryFilter`` (status, event, dates) on the pages and
    the API."""
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("message")
        .annotate(last_duration_ms=_last_attempt_duration())
        .order_by("-created_at", "-pk")
    )


def delivery_get(*, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    """One delivery of ``endpoint`` with its message and attempts (newest first); Http404 for a
    delivery of another endpoint."""
    delivery = (
        WebhookDelivery.objects.filter(endpoint=endpoint, pk=delivery_id)
        .select_related("message", "endpoint__organization", "redelivery_of", "requested_by")
        .prefetch_related(
            Prefetch(
                "attempt_log",
                queryset=WebhookAttempt.objects.order_by("-attempted_at", "-pk"),
            )
        )
        .annotate(last_duration_ms=_last_attempt_duration())
        .first()
    )
    if delivery is None:
        raise Http404
    return delivery
