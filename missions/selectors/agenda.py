"""Reads of a mission's agenda: rows for pages and the API (each item in its own zone and in
Lima's), items for calendar files, and the items a delegate attends.

Who attends an item: its chosen ``attendees``, or, for an item ``for_everyone``, the whole
*delegation* (the included delegates of applications holding a place, ``HOLDS_PLACE_TAG``).
Delegates of an application that left (withdrawn, declined, lapsed) attend nothing.

Addresses (company premises) and attendees' names are for insiders only
(``permissions.can_see_agenda_addresses``): with ``include_addresses=False`` both are left
out, so the public reads title, kind, host, city and times.

Query counts are constant: items, their attendees (prefetched) and the delegation (only when
an item is for everyone and names are included): three queries at most, whatever the rows.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from cluster_portal.core.bilingual import localized, localized_lang

from .. import calendars
from ..models import AgendaItem, Delegate, Mission
from ..permissions import HOLDS_PLACE_TAG


def delegation_queryset() -> QuerySet[Delegate]:
    """Delegates travelling or offered a place: included, of an application holding a place."""
    from ..workflows import APPLICATION

    return (
        Delegate.objects.filter(
            included=True, application__status__in=APPLICATION.values_tagged(HOLDS_PLACE_TAG)
        )
        .select_related("person")
        .order_by("application_id", "position", "pk")
    )


def agenda_items(mission: Mission | int) -> QuerySet[AgendaItem]:
    """The mission's items by start, with their attendees of the delegation prefetched."""
    mission_id = mission if isinstance(mission, int) else mission.pk
    return (
        AgendaItem.objects.filter(mission_id=mission_id)
        .prefetch_related(
            Prefetch("attendees", queryset=delegation_queryset(), to_attr="delegation_attendees")
        )
        .order_by("starts_at", "pk")
    )


def delegate_name(delegate: Delegate) -> str:
    person = delegate.person
    return person.get_full_name() or str(person)


def _attendees(
    row: AgendaItem, delegation: dict[int, list[Delegate]]
) -> tuple[calendars.Attendee, ...]:
    if row.for_everyone:
        people = delegation.get(row.mission_id, [])
    else:
        prefetched: list[Delegate] | None = getattr(row, "delegation_attendees", None)
        # Not prefetched by agenda_items(): read them now.
        people = (
            prefetched
            if prefetched is not None
            else list(delegation_queryset().filter(agenda_items=row))
        )
    return tuple(calendars.Attendee(d.pk, delegate_name(d)) for d in people)


def _delegations(rows: Sequence[AgendaItem]) -> dict[int, list[Delegate]]:
    mission_ids = {row.mission_id for row in rows if row.for_everyone}
    if not mission_ids:
        return {}
    found: dict[int, list[Delegate]] = {}
    for delegate in delegation_queryset().filter(mission_id__in=mission_ids):
        found.setdefault(delegate.mission_id, []).append(delegate)
    return found


def _calendar_item(
    row: AgendaItem, *, include_addresses: bool, delegation: dict[int, list[Delegate]]
) -> calendars.AgendaItem:
    return calendars.AgendaItem(
        uid=str(row.uid),
        title=localized(row, "title"),
        kind=calendars.AgendaItemKind(row.kind),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        zone=row.zone,
        host=row.host,
        address=row.address if include_addresses else "",
        city=row.city,
        description=row.description,
        attendees=_attendees(row, delegation) if include_addresses else (),
        sequence=row.sequence,
        cancelled=row.cancelled,
    )


def calendar_items(
    items: Iterable[AgendaItem], *, include_addresses: bool
) -> list[calendars.AgendaItem]:
    """Rows (best from :func:`agenda_items`) as :class:`missions.calendars.AgendaItem` values,
    titles in the reader's language; addresses and attendees only with ``include_addresses``
    (an item for everyone lists the whole delegation)."""
    rows = list(items)
    delegation = _delegations(rows) if include_addresses else {}
    return [
        _calendar_item(row, include_addresses=include_addresses, delegation=delegation)
        for row in rows
    ]


@dataclass(frozen=True)
class AgendaRow:
    """One item ready to show: ``item`` (the calendar value) and ``times`` (local and Lima)."""

    pk: int
    item: calendars.AgendaItem
    times: calendars.AgendaTimes
    for_everyone: bool
    #: ``"es"`` when an English page shows the Spanish title (for ``lang=""``).
    title_lang: str

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def kind_label(self) -> str:
        return self.item.kind.label

    @property
    def host(self) -> str:
        return self.item.host

    @property
    def city(self) -> str:
        return self.item.city

    @property
    def address(self) -> str:
        return self.item.address

    @property
    def cancelled(self) -> bool:
        return self.item.cancelled

    @property
    def attendee_names(self) -> list[str]:
        return self.item.attendee_names

    @property
    def zone_abbreviation(self) -> str:
        """``AWST``, ``AEST``… where the zone has a letter abbreviation, else ``""``."""
        name = self.times.local.starts_at.tzname() or ""
        return name if name.isalpha() else ""

    @property
    def local_date(self) -> datetime.date:
        return self.times.local.start_date


@dataclass(frozen=True)
class AgendaDay:
    """The rows starting on one local date (the destination's calendar day)."""

    date: datetime.date
    rows: list[AgendaRow]


def _rows(rows: Sequence[AgendaItem], items: Sequence[calendars.AgendaItem]) -> list[AgendaRow]:
    return [
        AgendaRow(
            pk=row.pk,
            item=item,
            times=calendars.local_and_lima(item),
            for_everyone=row.for_everyone,
            title_lang=localized_lang(row, "title"),
        )
        for row, item in zip(rows, items, strict=True)
    ]


def agenda_for_display(mission: Mission | int, *, include_addresses: bool) -> list[AgendaRow]:
    """The mission's agenda by start, each row with ``.times`` (``local_and_lima``);
    cancelled items included (shown struck through). Three queries at most."""
    rows = list(agenda_items(mission))
    return _rows(rows, calendar_items(rows, include_addresses=include_addresses))


def agenda_days(rows: Iterable[AgendaRow]) -> list[AgendaDay]:
    """Rows grouped by their local start date, in order (rows come sorted by start)."""
    return [
        AgendaDay(date=day, rows=list(group))
        for day, group in itertools.groupby(rows, key=lambda row: row.local_date)
    ]


def delegate_agenda(delegate: Delegate) -> list[AgendaRow]:
    """The items ``delegate`` attends (addresses included), or none unless the delegate is in
    the delegation (included, application holding a place). Three queries at most."""
    from ..workflows import APPLICATION

    if not delegate.included or not APPLICATION.has_tag(delegate.application, HOLDS_PLACE_TAG):
        return []
    return [
        row
        for row in agenda_for_display(delegate.mission_id, include_addresses=True)
        if row.item.attended_by(delegate.pk)
    ]
