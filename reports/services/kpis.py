"""Closing a reporting period: its KPI figures are frozen so what was sent to funders never
changes silently. A closed period is never reopened nor updated (``ClosedPeriod``'s docstring).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision

from ..kpis import PERIOD_KINDS, make_period
from ..models import ClosedPeriod
from ..permissions import can_close_period
from ..selectors.kpis import kpis_compute

#: Length the note may have (a few sentences: who the figures were sent to).
NOTE_MAX_LENGTH = 2000


@transaction.atomic
def period_close(
    *, actor: Any, kind: str, starts_on: datetime.date, note: str = ""
) -> ClosedPeriod:
    """Freeze the KPI figures of the ``kind`` period starting on ``starts_on``.

    Preconditions: ``actor`` may close periods (``can_close_period``, else ``PermissionDenied``);
    ``kind`` and ``starts_on`` name a month, quarter or year; the period has ended (its last day
    is before today in Lima); it is not closed yet. Any refusal raises ``ValidationError`` (field
    keyed where possible) and writes nothing. Stores ``kpis_compute``'s figures of the period
    and audits the decision (``reporting_period.close``). Enqueues nothing.
    """
    verdict = can_close_period(actor)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    if kind not in PERIOD_KINDS:
        raise ValidationError({"kind": _("Choose a month, a quarter or a year.")}, code="invalid")
    try:
        period = make_period(kind, starts_on)
    except (TypeError, ValueError):
        raise ValidationError(
            {"starts_on": _("Choose a period from the list.")}, code="invalid"
        ) from None
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX_LENGTH}},
            code="max_length",
        )
    if not period.has_ended(timezone.localdate()):
        raise ValidationError(
            _("%(period)s has not ended yet: only ended periods can be closed.")
            % {"period": period.label},
            code="not_ended",
        )
    if ClosedPeriod.objects.filter(kind=kind, starts_on=period.starts_on).exists():
        raise ValidationError(
            _("%(period)s is already closed: its figures stay as they were frozen.")
            % {"period": period.label},
            code="already_closed",
        )
    closed = ClosedPeriod(
        kind=kind,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        figures=kpis_compute(starts_on=period.starts_on, ends_on=period.ends_on),
        note=note,
        closed_by=actor,
    )
    closed.full_clean()
    try:
        # A savepoint: two people closing at once, the second meets the unique constraint.
        with transaction.atomic():
            closed.save()
    except IntegrityError:
        raise ValidationError(
            _("%(period)s is already closed: its figures stay as they were frozen.")
            % {"period": period.label},
            code="already_closed",
        ) from None
    audit_decision(
        actor=actor,
        target=closed,
        action="reporting_period.close",
        changes={"status": ("open", "closed")},
        reason=note,
    )
    return closed
