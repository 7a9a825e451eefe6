"""Writes of a mission's agenda: add, edit, cancel and (in a draft) delete workshops and visits,
and tell the delegates concerned when an item they attend changes.

Only mission coordinators write (``permissions.can_coordinate_missions``), asked before
anything else; a mission that is over (completed or cancelled: ``MISSION.is_open`` is false)
no longer changes. The mission's row is locked for each write, so two coordinators never
interleave on one item. Every write is audited (``audit_decision``).

Decisions taken here:

* **Times** arrive as aware instants (the form turns the coordinator's wall-clock time in the
  item's zone into one with ``calendars.localize``, refusing nonexistent and ambiguous times);
  an item falls within the mission's dates *read in the item's zone* and ends after it starts.
* **Attendees**: the whole delegation (``for_everyone``: the chosen list is then emptied) or
  chosen delegates of the delegation (included, of an application holding a place).
* **Sequence** (the ICS revision) goes up when the time (start, end, zone), the place (host,
  address, city), the title (either language) or the cancellation changes, so calendar apps
  replace their copy. Description and attendees alone do not bump it.
* **Change notices**: any change that bumps the sequence notifies the delegates attending
  the item *after* the change (the whole delegation for an item for everyone; nobody before
  the selection), each with a link to their own delegate page, in the same transaction,
  idempotent per item and sequence. A title change counts ("New title."): the delegates'
  calendars change, so they are told why.
* **Cancelling** keeps the item (``cancelled=True``: calendars get STATUS:CANCELLED and the
  pages strike it through); a cancelled item is no longer edited. **Deleting** is for drafts
  only (nobody outside has seen the agenda yet).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster_portal.audit.services import audit_decision
from members.models import User
from notifications.services import notify

from .. import calendars, permissions
from ..models import AgendaItem, Delegate, Mission
from ..notification_events import AGENDA_CHANGED
from ..permissions import PUBLISHED_TAG
from ..selectors.agenda import calendar_items, delegation_queryset
from ..workflows import MISSION

#: Keys of ``data`` for :func:`agenda_item_create` and :func:`agenda_item_update`.
AGENDA_FIELDS: tuple[str, ...] = (
    "kind",
    "title",
    "title_en",
    "host",
    "address",
    "city",
    "zone",
    "starts_at",
    "ends_at",
    "description",
    "for_everyone",
    "attendees",
)
TIME_FIELDS = frozenset({"starts_at", "ends_at", "zone"})
PLACE_FIELDS = frozenset({"host", "address", "city"})
TITLE_FIELDS = frozenset({"title", "title_en"})

NEW_TIME = gettext_lazy("New time.")
NEW_PLACE = gettext_lazy("New place.")
NEW_TITLE = gettext_lazy("New title.")
CANCELLED = gettext_lazy("Cancelled.")


# --- Helpers ---------------------------------------------------------------------------------


def _require_coordinator(actor: Any) -> None:
    if actor is None or not permissions.can_coordinate_missions(actor):
        raise PermissionDenied(_("Only a mission coordinator can change the agenda."))


def _lock_mission(mission: Mission | int) -> Mission:
    return Mission.objects.select_for_update().get(
        pk=mission if isinstance(mission, int) else mission.pk
    )


def _require_open(mission: Mission) -> None:
    if not MISSION.is_open(mission):
        raise ValidationError(
            _("This mission is %(state)s: its agenda can no longer change.")
            % {"state": str(MISSION.state_label(mission)).lower()},
            code="invalid_transition",
        )


def _check_fields(data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(AGENDA_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected agenda item fields: {sorted(unknown)}")


def _text(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "" if value is None else str(value)


def _check_times(mission: Mission, item: AgendaItem) -> None:
    """The zone is known, the end after the start, both within the mission's dates read in
    the item's zone."""
    if not calendars.is_valid_zone(item.zone):
        raise ValidationError(
            {"zone": _("“%(zone)s” is not a known time zone.") % {"zone": item.zone}},
            code="invalid",
        )
    for name in ("starts_at", "ends_at"):
        value = getattr(item, name)
        if value is None or value.tzinfo is None:
            raise ValidationError({name: _("Give the date and time.")}, code="required")
    if item.ends_at <= item.starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")}, code="invalid")
    first = calendars.in_zone(item.starts_at, item.zone).date()
    last = calendars.in_zone(item.ends_at, item.zone).date()
    if first < mission.starts_on or last > mission.ends_on:
        raise ValidationError(
            {
                "starts_at": _(
                    "The item must fall within the mission's dates, %(start)s to %(end)s "
                    "(in the item's time zone)."
                )
                % {
                    "start": mission.starts_on.strftime("%d/%m/%Y"),
                    "end": mission.ends_on.strftime("%d/%m/%Y"),
                }
            },
            code="invalid",
        )


def _attendees(mission: Mission, chosen: Iterable[Delegate | int]) -> list[Delegate]:
    """The chosen delegates, each of the mission's delegation; refuse anyone else."""
    ids = {d if isinstance(d, int) else d.pk for d in chosen}
    if not ids:
        return []
    found = list(delegation_queryset().filter(mission_id=mission.pk, pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError(
            {"attendees": _("Choose among the delegates of this mission's delegation.")},
            code="invalid",
        )
    return found


def _check_attendance(for_everyone: bool, attendees: Sequence[Delegate]) -> None:
    if not for_everyone and not attendees:
        raise ValidationError(
            {
                "attendees": _(
                    "Choose the delegates who attend, or mark the item for the whole delegation."
                )
            },
            code="required",
        )


def _assign(item: AgendaItem, data: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set the plain fields of ``data`` on ``item``; returns the changes (before, after)."""
    changes: dict[str, tuple[Any, Any]] = {}
    for name, value in data.items():
        if name == "attendees":
            continue
        if isinstance(value, str):
            value = value.strip()
        before = getattr(item, name)
        if before == value:
            continue
        setattr(item, name, value)
        changes[name] = (before, value)
    return changes


def _change_sentence(changed: Iterable[str]) -> Promise | str:
    names = set(changed)
    parts = [
        sentence
        for fields, sentence in (
            (TIME_FIELDS, NEW_TIME),
            (PLACE_FIELDS, NEW_PLACE),
            (TITLE_FIELDS, NEW_TITLE),
            (frozenset({"cancelled"}), CANCELLED),
        )
        if names & fields
    ]
    if not parts:
        return ""
    return format_lazy("{}" + " {}" * (len(parts) - 1), *parts)


#: U+2013 EN DASH between the start and the end of a span.
EN_DASH = "\u2013"


def _span_text(span: calendars.ZonedSpan, *, offset: bool) -> str:
    start = span.starts_at.strftime("%d/%m/%Y %H:%M")
    if span.end_date == span.start_date:
        end = span.ends_at.strftime("%H:%M")
        text = f"{start}{EN_DASH}{end}"
    else:
        text = f"{start} {EN_DASH} {span.ends_at.strftime('%d/%m/%Y %H:%M')}"
    return f"{text} ({span.offset})" if offset else text


def delegate_url(delegate: Delegate) -> str:
    """The delegate's page (``missions:delegate_detail``), or ``""`` before it exists, so a
    notice never fails for a missing route."""
    try:
        return reverse("missions:delegate_detail", kwargs={"delegate_id": delegate.pk})
    except NoReverseMatch:
        return ""


def _concerned(item: AgendaItem) -> list[Delegate]:
    """The delegates attending ``item`` now (the delegation for an item for everyone)."""
    people = delegation_queryset().filter(mission_id=item.mission_id)
    if not item.for_everyone:
        people = people.filter(agenda_items=item)
    return list(people)


def _notify_change(*, actor: Any, mission: Mission, item: AgendaItem, change: Promise | str) -> int:
    """Tell the delegates concerned that ``item`` changed; returns how many were notified."""
    delegates = _concerned(item)
    if not delegates:
        return 0
    [value] = calendar_items([item], include_addresses=False)
    times = calendars.local_and_lima(value)
    context: dict[str, Any] = {
        "mission_title": mission.title,
        "item_title": item.title,
        "change": change,
        "local_time": _span_text(times.local, offset=True),
        "city": item.city,
        "lima_time": _span_text(times.lima, offset=False),
    }
    actor_pk = getattr(actor, "pk", None)
    sent = 0
    for delegate in delegates:
        if delegate.person_id == actor_pk:
            continue
        sent += len(
            notify(
                recipients=[delegate.person],
                event=AGENDA_CHANGED.code,
                context=context,
                actor=actor,
                url=delegate_url(delegate),
                idempotency_key=f"missions.agenda_changed:{item.pk}:{item.sequence}",
            )
        )
    return sent


def _lock_item(item: AgendaItem) -> tuple[Mission, AgendaItem]:
    mission = _lock_mission(item.mission_id)
    return mission, AgendaItem.objects.select_for_update().get(pk=item.pk)


# --- Services --------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_create(*, actor: User, mission: Mission, data: Mapping[str, Any]) -> AgendaItem:
    """Add an item (``data``: keys of :data:`AGENDA_FIELDS`, times aware) to a mission that is
    not over. Coordinators only. Audited; nobody is notified (a new item is on the agenda the
    delegates download; the notices are for changes they may have planned around)."""
    _require_coordinator(actor)
    _check_fields(data)
    mission = _lock_mission(mission)
    _require_open(mission)
    item = AgendaItem(mission=mission)
    item.zone = mission.time_zone
    item.for_everyone = True
    _assign(item, data)
    _check_times(mission, item)
    attendees = [] if item.for_everyone else _attendees(mission, data.get("attendees") or [])
    _check_attendance(item.for_everyone, attendees)
    item.full_clean()
    item.save()
    item.attendees.set(attendees)
    audit_decision(
        actor=actor,
        target=item,
        action="agenda_item.create",
        changes={"item": ("", f"{item.title} · {_text(item.starts_at)} · {item.city}")},
    )
    return item


@transaction.atomic
def agenda_item_update(*, actor: User, item: AgendaItem, data: Mapping[str, Any]) -> AgendaItem:
    """Edit an item that is not cancelled, of a mission that is not over. Coordinators only.

    A change of time, place or title bumps ``sequence`` and notifies the delegates attending
    the item after the change (see the module docstring). Audited with the old and new values.
    """
    _require_coordinator(actor)
    _check_fields(data)
    mission, item = _lock_item(item)
    _require_open(mission)
    if item.cancelled:
        raise ValidationError(
            _("This item is cancelled: it can no longer be edited."), code="invalid_transition"
        )
    changes = _assign(item, data)
    _check_times(mission, item)
    before_attendees = sorted(item.attendees.values_list("pk", flat=True))
    if item.for_everyone:
        attendees: list[Delegate] = []
    elif "attendees" in data:
        attendees = _attendees(mission, data["attendees"] or [])
    else:
        attendees = list(delegation_queryset().filter(agenda_items=item))
    _check_attendance(item.for_everyone, attendees)
    after_attendees = sorted(d.pk for d in attendees)
    if after_attendees != before_attendees:
        changes["attendees"] = (before_attendees, after_attendees)
    if not changes:
        return item
    bumps = set(changes) & (TIME_FIELDS | PLACE_FIELDS | TITLE_FIELDS)
    if bumps:
        item.sequence += 1
    fields = [name for name in changes if name != "attendees"]
    if fields or bumps:
        item.full_clean()
        item.save(update_fields=[*fields, *(["sequence"] if bumps else []), "updated_at"])
    item.attendees.set(attendees)
    audit_decision(
        actor=actor,
        target=item,
        action="agenda_item.update",
        changes={name: (_text(a), _text(b)) for name, (a, b) in changes.items()},
    )
    if bumps:
        _notify_change(actor=actor, mission=mission, item=item, change=_change_sentence(bumps))
    return item


@transaction.atomic
def agenda_item_cancel(*, actor: User, item: AgendaItem, reason: str = "") -> AgendaItem:
    """Cancel an item: kept with ``cancelled=True`` (calendars get STATUS:CANCELLED), its
    sequence bumped, the delegates attending it told. Coordinators only; audited with the
    reason."""
    _require_coordinator(actor)
    mission, item = _lock_item(item)
    _require_open(mission)
    if item.cancelled:
        raise ValidationError(_("This item is already cancelled."), code="invalid_transition")
    item.cancelled = True
    item.sequence += 1
    item.save(update_fields=["cancelled", "sequence", "updated_at"])
    audit_decision(
        actor=actor,
        target=item,
        action="agenda_item.cancel",
        changes={"cancelled": (False, True)},
        reason=(reason or "").strip(),
    )
    _notify_change(actor=actor, mission=mission, item=item, change=CANCELLED)
    return item


@transaction.atomic
def agenda_item_delete(*, actor: User, item: AgendaItem) -> None:
    """Delete an item of a *draft* mission (nobody outside has seen it; a published agenda
    cancels instead). Coordinators only; audited on the mission."""
    _require_coordinator(actor)
    mission, item = _lock_item(item)
    if MISSION.has_tag(mission, PUBLISHED_TAG):
        raise ValidationError(
            _("The agenda is published: cancel the item instead of deleting it."),
            code="invalid_transition",
        )
    audit_decision(
        actor=actor,
        target=mission,
        action="agenda_item.delete",
        changes={"item": (f"{item.title} · {_text(item.starts_at)} · {item.city}", "")},
    )
    item.delete()
