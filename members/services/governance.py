"""Writes for governance bodies (board, committees, technical working groups) and their seats.

The rule "seats are held by people of active member organizations" lives in ``Seat.clean()``
so that these services and the admin's inline seats enforce it alike.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import GoverningBody, Organization, Seat, User
from ..permissions import can_manage_governance


def _require_governance_manager(actor: User) -> None:
    if not can_manage_governance(actor):
        raise PermissionDenied


@transaction.atomic
def governing_body_create(
    *,
    actor: User,
    kind: str,
    name: str,
    slug: str,
    description: str = "",
    coordinator: User | None = None,
    is_public: bool = True,
    position: int = 0,
) -> GoverningBody:
    """Create a board, committee or working group. Staff only; the coordinator must belong
    to an active member organization or to staff. Enqueues nothing."""
    _require_governance_manager(actor)
    body = GoverningBody(
        kind=kind,
        name=name.strip(),
        slug=slug,
        description=description,
        coordinator=coordinator,
        is_public=is_public,
        position=position,
    )
    body.full_clean()
    body.save(force_insert=True)
    return body


@transaction.atomic
def seat_assign(
    *,
    actor: User,
    body: GoverningBody,
    person: User,
    organization: Organization,
    role: str = Seat.Role.MEMBER,
    started_on: datetime.date | None = None,
) -> Seat:
    """Give ``person`` (of ``organization``) a current seat on ``body``.

    Staff only. Raises ``ValidationError`` when the organization is not an active member, the
    person does not belong to it, or the person already holds a current seat on the body.
    Enqueues nothing.
    """
    _require_governance_manager(actor)
    # Lock the body so two staff assigning the same person cannot both pass the check.
    GoverningBody.objects.select_for_update().filter(pk=body.pk).first()
    seat = Seat(
        body=body,
        person=person,
        organization=organization,
        role=role,
        started_on=started_on or timezone.localdate(),
    )
    seat.full_clean()
    seat.save(force_insert=True)
    return seat


@transaction.atomic
def seat_end(*, actor: User, seat: Seat, ended_on: datetime.date | None = None) -> Seat:
    """End a current seat (today unless ``ended_on``). Staff only; an ended seat stays as
    history. Raises ``ValidationError`` if the seat has already ended. Enqueues nothing."""
    _require_governance_manager(actor)
    locked = Seat.objects.select_for_update().select_related("organization").get(pk=seat.pk)
    if locked.ended_on is not None:
        raise ValidationError(_("This seat has already ended."), code="seat_already_ended")
    locked.ended_on = ended_on or timezone.localdate()
    locked.full_clean()
    locked.save(update_fields=["ended_on"])
    return locked
