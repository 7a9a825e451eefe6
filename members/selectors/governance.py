"""Reads for governance bodies and their current seats.

A seat's organization is shown only to someone who may see that organization (a private
member's name never reaches a visitor); the person and the role are public with the body.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from ..models import GoverningBody, Organization, Seat
from ..permissions import Audience, directory_audience, organization_visible_to
from .organizations import organization_ids_of_user, organization_visible_q

ROLE_ORDER = Case(
    When(role=Seat.Role.CHAIR, then=Value(0)),
    When(role=Seat.Role.VICE_CHAIR, then=Value(1)),
    When(role=Seat.Role.SECRETARY, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
_CURRENT_SEAT = Q(
    seats__ended_on__isnull=True,
    seats__organization__membership_status=Organization.MembershipStatus.ACTIVE,
)


def current_seats_queryset() -> QuerySet[Seat]:
    """Seats held now, by people of active member organizations, chair first."""
    return (
        Seat.objects.filter(
            ended_on__isnull=True,
            organization__membership_status=Organization.MembershipStatus.ACTIVE,
        )
        .select_related("person", "organization")
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "person__full_name", "pk")
    )


def governing_body_queryset(*, audience: Audience) -> QuerySet[GoverningBody]:
    """Bodies the audience may see (public ones; all for members and staff), with the
    coordinator, the number of current seats and the current seats prefetched."""
    queryset = GoverningBody.objects.all()
    if audience < Audience.MEMBER:
        queryset = queryset.filter(is_public=True)
    return (
        queryset.select_related("coordinator")
        .annotate(seat_count=Count("seats", filter=_CURRENT_SEAT))
        .prefetch_related(
            Prefetch("seats", queryset=current_seats_queryset(), to_attr="current_seats")
        )
        .order_by("position", "name")
    )


def governing_body_ids_seating(
    *, organization_id: int, audience: Audience, own_ids: Iterable[int] = ()
) -> QuerySet[Seat, Any]:
    """Ids (``body_id``, for a subquery) of the bodies where ``organization_id`` holds a current
    seat. Empty when the audience may not see that organization: a filter must not reveal the
    seat that :func:`mark_seat_organizations` hides."""
    visible = Organization.objects.filter(organization_visible_q(audience, own_ids=own_ids))
    return Seat.objects.filter(
        ended_on__isnull=True,
        organization_id=organization_id,
        organization__membership_status=Organization.MembershipStatus.ACTIVE,
        organization__in=visible,
    ).values("body_id")


def mark_seat_organizations(
    bodies: Iterable[GoverningBody], *, audience: Audience, own_ids: Iterable[int] = ()
) -> None:
    """Set ``seat.shown_organization`` on every prefetched seat: the organization, or None
    when the viewer may not see it. No queries."""
    own = frozenset(own_ids)
    for body in bodies:
        for seat in getattr(body, "current_seats", ()):
            visible = organization_visible_to(
                audience, seat.organization, own=seat.organization_id in own
            )
            seat.shown_organization = seat.organization if visible else None  # type: ignore[attr-defined]


def governing_body_list_for_user(*, user: Any) -> list[GoverningBody]:
    """The bodies ``user`` may see, seats marked (see :func:`mark_seat_organizations`)."""
    audience = directory_audience(user)
    bodies = list(governing_body_queryset(audience=audience))
    mark_seat_organizations(bodies, audience=audience, own_ids=organization_ids_of_user(user))
    return bodies


def governing_body_get_for_user(*, user: Any, slug: str) -> GoverningBody:
    """One body ``user`` may see; ``Http404`` if it is missing or not visible to them."""
    audience = directory_audience(user)
    body = governing_body_queryset(audience=audience).filter(slug=slug).first()
    if body is None:
        raise Http404
    mark_seat_organizations([body], audience=audience, own_ids=organization_ids_of_user(user))
    return body
