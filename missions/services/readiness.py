"""Writes of delegate readiness: the checklist of each delegate of an accepted delegation, the
delegate's confirmation of attendance, updates of an item, and the reminders before and after
each due date.

Which items and when is the pure :mod:`missions.checklist` (read its docstring: due dates
relative to departure, and a late delegation's items due 7 days after the checklist is made).
Who may do what is ``missions.permissions`` (``can_confirm_attendance``,
``can_update_readiness``), asked after the row lock. A refusal raises ``PermissionDenied``
(who) or ``ValidationError`` (what) and changes nothing. Decisions are audited.

Personal data (Ley 29733): only each item's status and dates are kept. The passport item keeps
its expiry date, which is all the "valid six months after return" rule needs; a note that looks
like a document number is refused (:func:`looks_like_document_number`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from members.models import User

from .. import checklist, permissions
from ..models import Application, Delegate, Mission, ReadinessItem, ReadinessReminder
from ..permissions import DELEGATION_TAG
from ..workflows import MISSION

#: A "before" reminder goes this many days before the due date.
REMINDER_DAYS_BEFORE = 7

#: Fields ``readiness_item_update`` accepts.
ITEM_FIELDS = frozenset({"status", "done_on", "valid_until", "note"})

# A token of 6-9 letters and digits with at least one letter and five digits (AB123456,
# P1234567; flight numbers such as LA2464 pass), or 8-9 digits alone (a Peruvian passport or
# DNI). Amounts such as 180000 and years pass; 8-9 digit phone numbers are refused too, which
# is no loss in a checklist note.
_MIXED_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{6,9}(?![A-Za-z0-9])")
_DIGITS_ONLY = re.compile(r"(?<![0-9A-Za-z])[0-9]{8,9}(?![0-9A-Za-z])")


def looks_like_document_number(text: str) -> bool:
    """True when ``text`` holds something shaped like a passport or identity number."""
    if _DIGITS_ONLY.search(text):
        return True
    # "AB-123-456" is AB123456; digits alone are not joined (2026-03-15 is a date).
    compact = re.sub(r"(?<=[A-Za-z0-9])[-.](?=[A-Za-z0-9])", "", text)
    for candidate in (text, compact):
        for match in _MIXED_TOKEN.finditer(candidate):
            token = match.group()
            digits = sum(c.isdigit() for c in token)
            if digits >= 5 and any(c.isalpha() for c in token):
                return True
    return False


# --- Helpers ---------------------------------------------------------------------------------


def _deny_unless(verdict: Any, message: str = "") -> None:
    if not verdict:
        raise PermissionDenied(
            str(getattr(verdict, "reason", "") or message or _("You may not do this."))
        )


def _today() -> datetime.date:
    return timezone.localdate()


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def delegate_url(delegate: Delegate) -> str:
    """The delegate's page (empty if the route is missing, so a notice never fails)."""
    try:
        return reverse("missions:delegate_detail", kwargs={"delegate_id": delegate.pk})
    except NoReverseMatch:
        return ""


def mission_facts(mission: Mission) -> checklist.MissionFacts:
    cost = mission.cost_per_delegate
    funding = mission.co_funding_per_delegate
    return checklist.MissionFacts(
        starts_on=mission.starts_on,
        ends_on=mission.ends_on,
        visa_required=mission.visa_required,
        vaccinations_required=mission.vaccinations_required,
        cost=(cost.amount, str(cost.currency)) if cost is not None else None,
        co_funding=(funding.amount, str(funding.currency)) if funding is not None else None,
    )


def _lock_delegate(delegate: Delegate) -> Delegate:
    Delegate.objects.select_for_update(of=("self",)).get(pk=delegate.pk)
    return Delegate.objects.select_related("application__organization", "mission", "person").get(
        pk=delegate.pk
    )


# --- Checklist -------------------------------------------------------------------------------


def readiness_checklist_create(*, application: Application) -> None:
    """Create the checklist of every included delegate of ``application`` (an accepted one).

    Called by ``application_accept`` inside its transaction; no actor (the system does it).
    Idempotent: items that exist are left as they are (their status and dates are the
    delegate's), missing kinds are added, so calling it again after a mission starts needing a
    visa adds only the visa. Due dates from :func:`missions.checklist.checklist` with today in
    Lima (a date already past becomes today + 7 days, see there).
    """
    mission = application.mission
    due = checklist.checklist(mission_facts(mission), _today())
    if not due:
        return
    delegates = list(application.delegates.filter(included=True).order_by("pk"))
    if not delegates:
        return
    existing = set(
        ReadinessItem.objects.filter(delegate__in=delegates).values_list("delegate_id", "kind")
    )
    rows = [
        ReadinessItem(delegate=delegate, kind=kind, due_on=due_on)
        for delegate in delegates
        for kind, due_on in due.items()
        if (delegate.pk, kind) not in existing
    ]
    # ignore_conflicts: a concurrent call for the same delegate loses quietly (unique kind).
    ReadinessItem.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def delegate_confirm_attendance(*, actor: User, delegate: Delegate) -> Delegate:
    """The delegate confirms they will travel (``confirmed_at``). Only the delegate, once the
    organization has accepted its place (``permissions.can_confirm_attendance``). Confirming
    again changes nothing."""
    delegate = _lock_delegate(delegate)
    _deny_unless(permissions.can_confirm_attendance(actor, delegate))
    if delegate.confirmed_at is not None:
        return delegate
    delegate.confirmed_at = timezone.now()
    delegate.full_clean()
    delegate.save(update_fields=["confirmed_at"])
    audit_decision(
        actor=actor,
        target=delegate,
        action="missions.delegate.confirm_attendance",
        changes={"confirmed_at": (None, delegate.confirmed_at)},
    )
    return delegate


def _clean_item(item: ReadinessItem, mission: Mission) -> None:
    """The rules a form cannot see alone: the passport's validity, no document numbers."""
    errors: dict[str, str] = {}
    today = _today()
    if item.note and looks_like_document_number(item.note):
        errors["note"] = _(
            "This looks like a passport or document number. Do not write document numbers "
            "here: the portal keeps only the status and dates (Ley 29733)."
        )
    if item.done_on is not None and item.done_on > today:
        errors["done_on"] = _("The date it was done cannot be in the future.")
    if item.kind == ReadinessItem.Kind.PASSPORT and item.status == ReadinessItem.Status.DONE:
        needed = checklist.passport_valid_from(mission.ends_on)
        if item.valid_until is None:
            errors["valid_until"] = _(
                "Give the passport's expiry date: it must be valid until at least %(date)s "
                "(six months after return)."
            ) % {"date": _date(needed)}
        elif item.valid_until < needed:
            errors["valid_until"] = _(
                "This passport expires on %(expiry)s: it must be valid until at least %(date)s "
                "(six months after the return on %(return)s). Renew it before marking it done."
            ) % {
                "expiry": _date(item.valid_until),
                "date": _date(needed),
                "return": _date(mission.ends_on),
            }
    if item.kind == ReadinessItem.Kind.PASSPORT and item.status == ReadinessItem.Status.NOT_NEEDED:
        errors["status"] = _("Every delegate needs a passport for this mission.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def readiness_item_update(
    *, actor: User, item: ReadinessItem, data: Mapping[str, Any]
) -> ReadinessItem:
    """Update an item's ``status``, ``done_on``, ``valid_until`` and ``note`` (any subset).

    The delegate, an administrator of the organization or a coordinator
    (``permissions.can_update_readiness``). Marking an item done without a date records
    today; moving it back to pending or in progress clears that date. The passport item refuses
    "done" unless its expiry date is at least six months after return, and "not needed". A note
    that looks like a document number is refused. Audited with the before and after values.
    """
    unknown = set(data) - ITEM_FIELDS
    if unknown:
        raise ValueError(f"Unexpected readiness item fields: {sorted(unknown)}")
    ReadinessItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    item = ReadinessItem.objects.select_related(
        "delegate__application__organization", "delegate__mission"
    ).get(pk=item.pk)
    _deny_unless(permissions.can_update_readiness(actor, item.delegate))
    before = {name: getattr(item, name) for name in ITEM_FIELDS}
    for name, value in data.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    if item.status in checklist.DONE_STATUSES:
        if item.status == ReadinessItem.Status.DONE and item.done_on is None:
            item.done_on = _today()
    else:
        item.done_on = None
    _clean_item(item, item.delegate.mission)
    changed = [name for name in sorted(ITEM_FIELDS) if getattr(item, name) != before[name]]
    if not changed:
        return item
    item.updated_by = actor
    item.full_clean()
    item.save(update_fields=[*changed, "updated_by", "updated_at"])
    audit_decision(
        actor=actor,
        target=item,
        action="missions.readiness.update",
        # The note is free text; its content is not copied to the audit trail.
        changes={
            name: (before[name], getattr(item, name)) if name != "note" else ("…", "…")
            for name in changed
        },
    )
    return item


# --- Reminders -------------------------------------------------------------------------------


def readiness_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind delegates of their open checklist items: :data:`REMINDER_DAYS_BEFORE` days
    before the due date (``before``) and once it has passed (``overdue``), each at most once
    per item (a :class:`ReadinessReminder` row written in the same transaction as the
    notification; the unique row makes a concurrent run lose quietly). Only included delegates
    of accepted applications of missions whose delegation is confirmed (``DELEGATION_TAG``).
    An item first seen already overdue gets only the overdue reminder. Returns how many were
    sent."""
    from notifications.services import notify

    today = today or _today()
    horizon = today + datetime.timedelta(days=REMINDER_DAYS_BEFORE)
    candidates = (
        ReadinessItem.objects.filter(
            due_on__lte=horizon,
            delegate__included=True,
            delegate__application__status=Application.Status.ACCEPTED,
            delegate__mission__status__in=MISSION.values_tagged(DELEGATION_TAG),
        )
        .exclude(status__in=checklist.DONE_STATUSES)
        .select_related("delegate__person", "delegate__mission")
        .prefetch_related("reminders")
        .order_by("due_on", "pk")
    )
    sent = 0
    for item in candidates:
        kind = (
            ReadinessReminder.Kind.OVERDUE if item.due_on < today else ReadinessReminder.Kind.BEFORE
        )
        if any(r.kind == kind for r in item.reminders.all()):
            continue
        delegate = item.delegate
        event = (
            "missions.readiness_overdue"
            if kind == ReadinessReminder.Kind.OVERDUE
            else "missions.readiness_due"
        )
        try:
            with transaction.atomic():
                ReadinessReminder.objects.create(item=item, kind=kind)
                notify(
                    recipients=[delegate.person],
                    event=event,
                    context={
                        "mission_id": delegate.mission_id,
                        "mission_title": delegate.mission.title,
                        "delegate_id": delegate.pk,
                        # Lazy: rendered in each recipient's language.
                        "item": ReadinessItem.Kind(item.kind).label,
                        "due_on": _date(item.due_on),
                    },
                    url=delegate_url(delegate),
                    idempotency_key=f"missions.readiness_reminder:{item.pk}:{kind}",
                )
        except IntegrityError:
            continue  # another run sent it meanwhile
        sent += 1
    return sent
