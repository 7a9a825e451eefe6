"""Reads for organizations: the member directory, profiles, and which fields each audience sees.

The *who sees which organization* rule lives in ``members.permissions`` (``Audience``,
``organization_visible_to``); the querysets here are its set-based twin, and tests check that
the two agree. The *which fields* rule is :data:`PUBLIC_FIELDS` / :data:`MEMBER_FIELDS` below,
used by the profile page and by the API serializer alike.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet, Value, prefetch_related_objects
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import Http404

from cluster_portal.files.models import Attachment

from ..models import Capability, Organization, OrganizationMember
from ..permissions import (
    Audience,
    can_edit_organization,
    directory_audience,
    organization_details_visible_to,
    organization_visible_to,
)
from ..viewer import viewer_for

logger = logging.getLogger(__name__)

#: Fields anyone who may see the organization sees (visitors included).
PUBLIC_FIELDS: tuple[str, ...] = (
    "id",
    "legal_name",
    "trade_name",
    "ruc",
    "kind",
    "mining_scale",
    "government_level",
    "region",
    "city",
    "website",
    "description",
    "logo",
    "capabilities",
    "member_since",
)
#: Fields only cluster members, the organization's own people and staff see.
MEMBER_FIELDS: tuple[str, ...] = (
    "employee_band",
    "certifications",
    "reference_clients",
    "other_reference_clients",
    "team",
)

DIRECTORY_PAGE_SIZE = 20
LOGO_PURPOSE = "logo"


def with_sort_name(queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    """Order by the name people see (trade name, else legal name), case-insensitively."""
    return queryset.annotate(
        sort_name=Lower(Coalesce(NullIf("trade_name", Value("")), "legal_name"))
    ).order_by("sort_name", "pk")


def organization_ids_of_user(user: Any) -> frozenset[int]:
    """Ids of the organizations ``user`` belongs to (any status, any role)."""
    return viewer_for(user).organization_ids


def organization_visible_q(audience: Audience, *, own_ids: Iterable[int] = ()) -> Q:
    """The queryset form of :func:`members.permissions.organization_visible_to`."""
    if audience >= Audience.STAFF:
        return Q()
    visible = Q(membership_status=Organization.MembershipStatus.ACTIVE)
    if audience < Audience.MEMBER:
        visible &= Q(is_public=True)
    own = list(own_ids)
    return visible | Q(pk__in=own) if own else visible


def _logo_prefetch() -> Prefetch:
    return Prefetch(
        "attachments",
        queryset=Attachment.objects.filter(purpose=LOGO_PURPOSE).order_by("-created_at"),
        to_attr="logo_attachments",
    )


def _capabilities_prefetch() -> Prefetch:
    return Prefetch(
        "capabilities",
        queryset=Capability.objects.order_by("dimension", "position", "slug"),
        to_attr="capability_list",
    )


def _detail_prefetches(audience: Audience, own_ids: Iterable[int]) -> list[Prefetch]:
    """Prefetches for the member-only fields; reference clients are cut to what the viewer
    may see, so a private or former member never leaks through someone's client list."""
    return [
        Prefetch(
            "reference_clients",
            queryset=with_sort_name(
                Organization.objects.filter(organization_visible_q(audience, own_ids=own_ids))
            ),
            to_attr="visible_reference_clients",
        ),
        Prefetch(
            "memberships",
            queryset=OrganizationMember.objects.select_related("user").order_by(
                "role", "user__full_name", "user__email"
            ),
            to_attr="team",
        ),
    ]


def organization_logo(organization: Organization) -> Attachment | None:
    """The current logo of an organization fetched by these selectors (no query)."""
    logos = getattr(organization, "logo_attachments", None)
    if logos is None:
        logos = list(
            organization.attachments.filter(purpose=LOGO_PURPOSE).order_by("-created_at")[:1]
        )
    return logos[0] if logos else None


def organization_directory_queryset(
    *, audience: Audience, own_ids: Iterable[int] = (), with_details: bool | None = None
) -> QuerySet[Organization]:
    """Active members the audience may see, ready to display (capabilities and logo prefetched).

    The directory lists active members only, for everyone: applicants, suspended and lapsed
    organizations are reached through their profile (own people, staff) or the admin.
    ``with_details`` (default: the audience is a member or staff) also prefetches the
    member-only fields.
    """
    queryset = Organization.objects.filter(membership_status=Organization.MembershipStatus.ACTIVE)
    if audience < Audience.MEMBER:
        queryset = queryset.filter(is_public=True)
    prefetches: list[Any] = [_capabilities_prefetch(), _logo_prefetch()]
    if with_details if with_details is not None else audience >= Audience.MEMBER:
        prefetches += _detail_prefetches(audience, own_ids)
    return with_sort_name(queryset.prefetch_related(*prefetches))


def organization_profile_queryset(
    *, audience: Audience, own_ids: Iterable[int] = (), with_details: bool = True
) -> QuerySet[Organization]:
    """Every organization whose profile the audience may open (the directory plus one's own
    organizations in any status; everything for staff), ready to display."""
    prefetches: list[Any] = [_capabilities_prefetch(), _logo_prefetch()]
    if with_details:
        prefetches += _detail_prefetches(audience, own_ids)
    return with_sort_name(
        Organization.objects.filter(
            organization_visible_q(audience, own_ids=own_ids)
        ).prefetch_related(*prefetches)
    )


def organization_list_for_directory(*, user: Any) -> QuerySet[Organization]:
    """The directory as ``user`` sees it (see :func:`organization_directory_queryset`)."""
    return organization_directory_queryset(
        audience=directory_audience(user), own_ids=organization_ids_of_user(user)
    )


def organization_get_for_user(*, user: Any, organization_id: int) -> Organization:
    """A profile ``user`` may see, with ``show_details`` set; ``Http404`` otherwise (missing
    and hidden look the same)."""
    audience = directory_audience(user)
    own_ids = organization_ids_of_user(user)
    organization = (
        Organization.objects.filter(organization_visible_q(audience, own_ids=own_ids))
        .prefetch_related(_capabilities_prefetch(), _logo_prefetch())
        .filter(pk=organization_id)
        .first()
    )
    own = organization_id in own_ids
    if organization is None or not organization_visible_to(audience, organization, own=own):
        raise Http404
    show_details = organization_details_visible_to(audience, organization, own=own)
    if show_details:
        prefetch_related_objects([organization], *_detail_prefetches(audience, own_ids))
    organization.show_details = show_details  # type: ignore[attr-defined]
    return organization


def organization_get_for_edit(*, user: Any, organization_id: int) -> Organization:
    """An organization ``user`` may edit: ``Http404`` if they may not even see it,
    ``PermissionDenied`` if they see it but may not edit it."""
    organization = organization_get_for_user(user=user, organization_id=organization_id)
    if not can_edit_organization(user, organization):
        raise PermissionDenied
    return organization


def capabilities_by_dimension(
    organization: Organization,
) -> dict[str, list[Capability]]:
    """An organization's capabilities grouped by dimension (value chain, service area,
    commodity), from the prefetched list."""
    grouped: dict[str, list[Capability]] = {d: [] for d in Capability.Dimension.values}
    capabilities = getattr(organization, "capability_list", None)
    if capabilities is None:
        capabilities = list(organization.capabilities.order_by("dimension", "position", "slug"))
    for capability in capabilities:
        grouped.setdefault(capability.dimension, []).append(capability)
    return grouped


#: Where the active taxonomy is cached for filter choices (see :func:`capability_choices`).
CAPABILITY_CHOICES_CACHE_KEY = "members:capability-choices:v1"
#: A backstop only: every save or deletion of a term drops the cached copy at once.
CAPABILITY_CHOICES_TIMEOUT = 10 * 60
_CAPABILITY_CHOICE_FIELDS = ("id", "dimension", "slug", "name_es", "name_en", "position")


def _active_capability_rows() -> list[dict[str, Any]]:
    """The active taxonomy as plain values, from the shared cache (one query per change).

    Shared Django cache rather than a per-process memo: an edit in the admin (one worker)
    invalidates it for every worker at once. A cache that is down costs a query, never an error.
    """
    try:
        rows = cache.get(CAPABILITY_CHOICES_CACHE_KEY)
    except Exception:  # a dead Redis must not break the directory
        logger.warning("Capability choices cache unavailable", exc_info=True)
        rows = None
    if rows is None:
        rows = list(
            Capability.objects.filter(is_active=True)
            .order_by("dimension", "position", "slug")
            .values(*_CAPABILITY_CHOICE_FIELDS)
        )
        try:
            cache.set(CAPABILITY_CHOICES_CACHE_KEY, rows, CAPABILITY_CHOICES_TIMEOUT)
        except Exception:
            logger.warning("Capability choices cache unavailable", exc_info=True)
    return rows


def capability_choices(*dimensions: str) -> list[Capability]:
    """Active taxonomy terms of the given dimensions, in display order (unsaved copies built
    from the cache: read them, never save them)."""
    return [
        Capability(**row, is_active=True)
        for row in _active_capability_rows()
        if row["dimension"] in dimensions
    ]


def invalidate_capability_choices(**kwargs: Any) -> None:
    """Drop the cached taxonomy; connected to ``post_save``/``post_delete`` of ``Capability``
    (in ``MembersConfig.ready``) so that a term edited in the admin shows up at once."""
    try:
        cache.delete(CAPABILITY_CHOICES_CACHE_KEY)
    except Exception:
        logger.warning("Capability choices cache unavailable", exc_info=True)


def reference_client_choices(
    *, user: Any, organization: Organization | None = None
) -> QuerySet[Organization]:
    """Organizations ``user`` may name as reference clients of ``organization``: active members
    of the cluster that ``user`` may see (a visitor-level admin, such as an applicant's, is
    offered public profiles only, so the list never reveals a private member), plus those
    already named on ``organization`` (so saving the form keeps them). ``organization`` itself
    is left out."""
    visible = Q(membership_status=Organization.MembershipStatus.ACTIVE) & organization_visible_q(
        directory_audience(user), own_ids=organization_ids_of_user(user)
    )
    if organization is not None and organization.pk is not None:
        visible |= Q(pk__in=organization.reference_clients.values("pk"))
    queryset = with_sort_name(Organization.objects.filter(visible))
    if organization is not None and organization.pk is not None:
        queryset = queryset.exclude(pk=organization.pk)
    return queryset
