"""Time zones of a mission's agenda and its calendar files (pure: the agenda's rows live in
``missions.models.agenda``): the destination's time and Lima's, and ICS files.

Pure functions over plain dataclasses, no database: the caller turns its rows into
:class:`AgendaItem` values, so pages, the API, tasks and tests share one implementation.

**Time zones.** Every datetime here is *aware*. An item is stored as two instants
(``starts_at``/``ends_at``, whatever tzinfo they carry, e.g. UTC from the database) plus the IANA
name of the zone the item happens in (``zone``: Australia/Perth, America/Santiago...). A mission
to Australia may have items in Perth (UTC+8, no DST) and Brisbane (UTC+10, no DST), so the zone
belongs to each item, not only to the mission. :func:`local_and_lima` gives both renderings,
with the day shift of Lima's date against the local date as data (``-1``; shown "-1 day" by
:func:`day_shift_label`, with a real minus sign).

**Entering local times** (:func:`localize`). A coordinator types a wall-clock time in the
destination. Around a daylight-saving change that time may not exist (Sydney skips
02:00-03:00 on the first Sunday of October; Santiago skips 00:00-01:00 on the first Sunday of
September) or happen twice (Sydney's 02:00-03:00 on the first Sunday of April, Santiago's
23:00-24:00 on the Saturday before). Python would silently pick one reading (``fold=0``) and
shift a nonexistent time by an hour. We refuse instead, because an agenda item an hour off is
a delegation missing a company visit:

- a **nonexistent** time is always refused (:class:`NonexistentLocalTime`, which says where the
  gap is), since no reading of it is what the coordinator meant;
- an **ambiguous** time is refused (:class:`AmbiguousLocalTime`, which carries both candidate
  instants) unless the caller passes ``fold`` explicitly: ``0`` for the first occurrence (still
  on the offset before the change), ``1`` for the second. A form can offer the two candidates.

Zones without DST (Lima, Perth, Brisbane) never raise either.

**Calendar files** (:func:`mission_calendar`, :func:`delegate_calendar`) are built with
icalendar: one VTIMEZONE for each zone used (generated from zoneinfo, covering only the years of
the agenda), one VEVENT per item with DTSTART/DTEND in the item's zone (``TZID``; in UTC for
the second occurrence of an ambiguous local time, which RFC 5545 cannot say otherwise), a UID stable
per item (``<item uid>@cmsp.pe``, the same in the mission's and a delegate's calendar, so a
calendar app that imports both keeps one event), the item's SEQUENCE (the caller increments it
whenever the item changes, so calendar apps replace their copy), LOCATION, DESCRIPTION and
DTSTAMP. The output depends only on the arguments: events are sorted by start then UID,
time zones by name, and the clock is an argument (``now``, used only for DTSTAMP).
"""

from __future__ import annotations

import enum
import functools
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from icalendar import Calendar, Event, Timezone

LIMA_ZONE = "America/Lima"

#: Domain appended to an item's uid to make the calendar UID globally unique (RFC 5545 3.8.4.7).
UID_DOMAIN = "cmsp.pe"

#: U+2212 MINUS SIGN, used in offset and day-shift labels instead of a hyphen.
MINUS = "\u2212"


class AgendaItemKind(enum.StrEnum):
    WORKSHOP = "workshop"
    COMPANY_VISIT = "company_visit"
    RND_CENTRE_VISIT = "rnd_centre_visit"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    AgendaItemKind.WORKSHOP: gettext_lazy("Workshop"),
    AgendaItemKind.COMPANY_VISIT: gettext_lazy("Company visit"),
    AgendaItemKind.RND_CENTRE_VISIT: gettext_lazy("R&D centre visit"),
    AgendaItemKind.OTHER: gettext_lazy("Other"),
}


# --- Errors ----------------------------------------------------------------------------------


class InvalidZone(ValueError):
    """The name is not an IANA time zone known to the installed tzdata."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(_("“%(zone)s” is not a known time zone.") % {"zone": name})


class LocalTimeError(ValueError):
    """A local wall-clock time that cannot be turned into one instant without guessing."""

    def __init__(self, message: str, *, naive: datetime, zone: str) -> None:
        self.naive = naive
        self.zone = zone
        super().__init__(message)


class NonexistentLocalTime(LocalTimeError):
    """The clocks skip this local time (the start of daylight-saving time)."""

    def __init__(self, *, naive: datetime, zone: str, gap_start: datetime, gap_end: datetime):
        #: The skipped interval as local wall-clock times: [gap_start, gap_end).
        self.gap_start = gap_start
        self.gap_end = gap_end
        message = _(
            "%(time)s does not exist in %(zone)s: clocks jump from %(start)s to %(end)s that "
            "day. Choose a time outside that interval."
        ) % {
            "time": naive.strftime("%Y-%m-%d %H:%M"),
            "zone": zone,
            "start": gap_start.strftime("%H:%M"),
            "end": gap_end.strftime("%H:%M"),
        }
        super().__init__(message, naive=naive, zone=zone)


class AmbiguousLocalTime(LocalTimeError):
    """This local time happens twice (the end of daylight-saving time)."""

    def __init__(self, *, naive: datetime, zone: str, first: datetime, second: datetime):
        #: The two instants the time can mean, as aware datetimes (fold 0 and fold 1).
        self.first = first
        self.second = second
        message = _(
            "%(time)s happens twice in %(zone)s because clocks go back that day: first at "
            "%(first)s, then at %(second)s. Say which one is meant."
        ) % {
            "time": naive.strftime("%Y-%m-%d %H:%M"),
            "zone": zone,
            "first": offset_label(first.utcoffset() or timedelta()),
            "second": offset_label(second.utcoffset() or timedelta()),
        }
        super().__init__(message, naive=naive, zone=zone)


class InvalidAgendaItem(ValueError):
    """An agenda item that breaks a rule; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))


# --- Time zones ------------------------------------------------------------------------------


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def get_zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone called ``name``; :class:`InvalidZone` unless it is a known IANA zone."""
    if name not in _known_zones():
        raise InvalidZone(name)
    return zoneinfo.ZoneInfo(name)


def is_valid_zone(name: str) -> bool:
    return name in _known_zones()


def _zone(zone: str | tzinfo) -> tzinfo:
    return get_zone(zone) if isinstance(zone, str) else zone


def _require_aware(value: datetime, what: str = "datetime") -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value!r}")


def in_zone(value: datetime, zone: str | tzinfo) -> datetime:
    """The same instant as ``value`` (aware), read in ``zone``."""
    _require_aware(value)
    return value.astimezone(_zone(zone))


def lima(value: datetime) -> datetime:
    """The same instant as ``value`` (aware), read in Lima (UTC-5 all year, no DST)."""
    return in_zone(value, LIMA_ZONE)


def localize(naive: datetime, zone: str, *, fold: int | None = None) -> datetime:
    """Attach ``zone`` to a wall-clock time, refusing times a DST change makes unclear.

    Raises :class:`NonexistentLocalTime` for a time skipped by the clocks (whatever ``fold``
    says) and :class:`AmbiguousLocalTime` for a time that happens twice unless ``fold`` (0:
    first occurrence, 1: second) says which one. See the module docstring for why.
    """
    if naive.tzinfo is not None:
        raise ValueError(f"localize() takes a naive datetime, got {naive!r}")
    if fold not in (None, 0, 1):
        raise ValueError(f"fold must be None, 0 or 1, got {fold!r}")
    tz = get_zone(zone)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    # The two folds disagree: the time is in a gap or an overlap. A time that exists reads back
    # unchanged after a round trip through UTC; a time in the gap does not.
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        before = first.utcoffset() or timedelta()  # fold 0 uses the offset before the change
        after = second.utcoffset() or timedelta()
        transition_utc = _transition_near(first.astimezone(UTC), tz)
        gap_start = (transition_utc + before).replace(tzinfo=None)
        gap_end = (transition_utc + after).replace(tzinfo=None)
        raise NonexistentLocalTime(naive=naive, zone=zone, gap_start=gap_start, gap_end=gap_end)
    if fold is None:
        raise AmbiguousLocalTime(naive=naive, zone=zone, first=first, second=second)
    return naive.replace(tzinfo=tz, fold=fold)


def _transition_near(instant: datetime, tz: tzinfo) -> datetime:
    """The UTC instant (to the minute) of the offset change within a day around ``instant``."""
    low, high = instant - timedelta(hours=12), instant + timedelta(hours=12)
    offset_low = low.astimezone(tz).utcoffset()
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == offset_low:
            low = middle
        else:
            high = middle
    return high.replace(second=0, microsecond=0)


def offset_label(offset: timedelta) -> str:
    """``UTC-5``, ``UTC+8``, ``UTC+5:30``, with :data:`MINUS` for negative offsets."""
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else MINUS
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def day_shift_label(shift: int) -> str:
    """``""`` for 0, else ``"-1 day"``, ``"+1 day"``, ``"+2 days"`` (minus: :data:`MINUS`)."""
    if shift == 0:
        return ""
    return ngettext("%(sign)s%(count)d day", "%(sign)s%(count)d days", abs(shift)) % {
        "sign": "+" if shift > 0 else MINUS,
        "count": abs(shift),
    }


# --- Agenda items ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    """A delegate attending an item: an id the caller can filter by, and a name to show."""

    id: int
    name: str


@dataclass(frozen=True)
class AgendaItem:
    """One workshop or visit of a mission's agenda."""

    #: Stable for the item's life (e.g. a UUID or ``"mission-3-item-17"``); the calendar UID.
    uid: str
    title: str
    kind: AgendaItemKind
    starts_at: datetime
    ends_at: datetime
    #: IANA name of the zone the item happens in (the destination's).
    zone: str
    host: str = ""
    address: str = ""
    city: str = ""
    description: str = ""
    attendees: tuple[Attendee, ...] = ()
    #: Revision of the item, incremented by the caller whenever it changes (ICS SEQUENCE).
    sequence: int = 0
    cancelled: bool = False

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.host, self.address, self.city) if part.strip())

    @property
    def attendee_names(self) -> list[str]:
        return [attendee.name for attendee in self.attendees]

    def attended_by(self, delegate_id: int) -> bool:
        return any(attendee.id == delegate_id for attendee in self.attendees)


def item_errors(item: AgendaItem) -> dict[str, str]:
    """Each broken rule of ``item`` as field → message; empty when the item is valid."""
    errors: dict[str, str] = {}
    if not item.uid.strip():
        errors["uid"] = _("An agenda item needs an identifier.")
    if not item.title.strip():
        errors["title"] = _("Give the agenda item a title.")
    if not is_valid_zone(item.zone):
        errors["zone"] = _("“%(zone)s” is not a known time zone.") % {"zone": item.zone}
    for name, value in (("starts_at", item.starts_at), ("ends_at", item.ends_at)):
        if value.tzinfo is None or value.utcoffset() is None:
            errors[name] = _("The time must include its time zone.")
    if (
        "starts_at" not in errors
        and "ends_at" not in errors
        and (item.ends_at.astimezone(UTC) <= item.starts_at.astimezone(UTC))
    ):
        errors["ends_at"] = _("The end must be after the start.")
    if item.sequence < 0:
        errors["sequence"] = _("The revision number cannot be negative.")
    return errors


def validate_item(item: AgendaItem) -> None:
    """Raise :class:`InvalidAgendaItem` unless ``item`` is valid (see :func:`item_errors`)."""
    errors = item_errors(item)
    if errors:
        raise InvalidAgendaItem(errors)


@dataclass(frozen=True)
class ZonedSpan:
    """An item's start and end read in one zone, ready to show."""

    zone: str
    starts_at: datetime
    ends_at: datetime
    start_date: date
    start_time: time
    end_date: date
    end_time: time
    #: ``UTC-5``-style label of the offset in force at the start.
    offset: str
    #: Days between this rendering's start date and the item's local start date (0 locally).
    day_shift: int
    #: Days between this rendering's end date and the item's local end date.
    end_day_shift: int

    @property
    def day_shift_label(self) -> str:
        return day_shift_label(self.day_shift)


@dataclass(frozen=True)
class AgendaTimes:
    """An item in the destination's time (``local``) and in Lima's (``lima``)."""

    local: ZonedSpan
    lima: ZonedSpan


def _span(item: AgendaItem, zone: str) -> ZonedSpan:
    local_start = in_zone(item.starts_at, item.zone)
    local_end = in_zone(item.ends_at, item.zone)
    start = in_zone(item.starts_at, zone)
    end = in_zone(item.ends_at, zone)
    return ZonedSpan(
        zone=zone,
        starts_at=start,
        ends_at=end,
        start_date=start.date(),
        start_time=start.timetz().replace(tzinfo=None),
        end_date=end.date(),
        end_time=end.timetz().replace(tzinfo=None),
        offset=offset_label(start.utcoffset() or timedelta()),
        day_shift=(start.date() - local_start.date()).days,
        end_day_shift=(end.date() - local_end.date()).days,
    )


def local_and_lima(item: AgendaItem) -> AgendaTimes:
    """``item`` in its own zone and in Lima, with Lima's day shift (e.g. -1 from Perth)."""
    validate_item(item)
    return AgendaTimes(local=_span(item, item.zone), lima=_span(item, LIMA_ZONE))


# --- Calendar files --------------------------------------------------------------------------


def _vtimezone(zone: str, first_year: int, last_year: int) -> Timezone:
    # Only the agenda's years: the library's default (1970-2038) makes Sydney's VTIMEZONE
    # dozens of RDATEs long for nothing. last_date must be *after* everything in the calendar.
    return Timezone.from_tzinfo(
        get_zone(zone),
        tzid=zone,
        first_date=date(first_year, 1, 1),
        last_date=date(last_year + 1, 1, 1),
    )


def _ics_datetime(value: datetime, zone: str) -> datetime:
    """``value`` in ``zone`` for DTSTART/DTEND, or in UTC when local time cannot say it.

    RFC 5545 (3.3.5) reads an ambiguous local time as its *first* occurrence, so an item at
    the second 02:30 of Sydney's April change would move an hour earlier in every calendar
    app if written with its TZID; such an instant is written in UTC instead.
    """
    local = in_zone(value, zone)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return value.astimezone(UTC)
    return local


def _event(item: AgendaItem, *, now: datetime, url: str | None) -> Event:
    event = Event()
    event.add("uid", f"{item.uid}@{UID_DOMAIN}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("sequence", item.sequence)
    event.add("dtstart", _ics_datetime(item.starts_at, item.zone))
    event.add("dtend", _ics_datetime(item.ends_at, item.zone))
    event.add("summary", item.title)
    event.add("categories", [item.kind.label])
    if item.location:
        event.add("location", item.location)
    description = item.description.strip()
    if item.attendees:
        delegates = _("Delegates: %(names)s") % {"names": ", ".join(item.attendee_names)}
        description = f"{description}\n\n{delegates}" if description else delegates
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    if url:
        event.add("url", url)
    return event


def mission_calendar(
    mission_title: str,
    zone: str,
    items: Iterable[AgendaItem],
    *,
    prodid: str,
    now: datetime,
    url: str | None = None,
) -> bytes:
    """The agenda as an iCalendar file (UTF-8 bytes), every item in its own zone.

    ``zone`` is the mission's destination zone: always described by a VTIMEZONE and announced
    as the calendar's default (X-WR-TIMEZONE); items in other zones get their own VTIMEZONE.
    ``now`` (aware) is only used for DTSTAMP. Raises :class:`InvalidAgendaItem` for an invalid
    item and :class:`InvalidZone` for an unknown ``zone``.
    """
    get_zone(zone)
    _require_aware(now, "now")
    # Sort by UTC instants: Python compares aware datetimes in a DST fold oddly across zones.
    agenda = sorted(items, key=lambda item: (item.starts_at.astimezone(UTC), item.uid))
    for item in agenda:
        validate_item(item)

    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", mission_title)
    calendar.add("x-wr-calname", mission_title)
    calendar.add("x-wr-timezone", zone)
    if url:
        calendar.add("url", url)

    years = [in_zone(item.starts_at, item.zone).year for item in agenda]
    years += [in_zone(item.ends_at, item.zone).year for item in agenda]
    first_year, last_year = (min(years), max(years)) if years else (now.year, now.year)
    for name in sorted({zone, *(item.zone for item in agenda)}):
        calendar.add_component(_vtimezone(name, first_year, last_year))
    for item in agenda:
        calendar.add_component(_event(item, now=now, url=url))
    return calendar.to_ical()


def delegate_calendar(
    mission_title: str,
    zone: str,
    items: Sequence[AgendaItem],
    *,
    delegate: Attendee,
    prodid: str,
    now: datetime,
    url: str | None = None,
) -> bytes:
    """The calendar of one delegate: only the items ``delegate`` attends (same UIDs)."""
    return mission_calendar(
        f"{mission_title} — {delegate.name}",
        zone,
        [item for item in items if item.attended_by(delegate.id)],
        prodid=prodid,
        now=now,
        url=url,
    )
