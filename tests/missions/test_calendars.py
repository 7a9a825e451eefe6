"""The agenda's time zones and calendar files (missions/calendars.py), with real tzdata."""

# Naive datetimes here are wall-clock times typed in the destination: what localize() takes.
# ruff: noqa: DTZ001

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from icalendar import Calendar

from missions.calendars import (
    LIMA_ZONE,
    AgendaItem,
    AgendaItemKind,
    AmbiguousLocalTime,
    Attendee,
    InvalidAgendaItem,
    InvalidZone,
    NonexistentLocalTime,
    day_shift_label,
    delegate_calendar,
    get_zone,
    in_zone,
    item_errors,
    lima,
    local_and_lima,
    localize,
    mission_calendar,
)

PRODID = "-//Clúster Minero del Sur//Portal//ES"
NOW = datetime(2025, 11, 3, 14, 30, tzinfo=UTC)
ANA = Attendee(id=1, name="Ana Quispe Ñahui")
LUIS = Attendee(id=2, name="Luis Pérez")


def item(
    uid: str = "m1-i1",
    *,
    zone: str = "Australia/Perth",
    start: datetime = datetime(2026, 1, 12, 9, 0),
    hours: float = 2,
    **kwargs: object,
) -> AgendaItem:
    """An agenda item starting at the naive wall-clock ``start`` in ``zone``."""
    starts_at = localize(start, zone)
    values: dict[str, object] = {
        "uid": uid,
        "title": "Taller de relaves",
        "kind": AgendaItemKind.WORKSHOP,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=hours),
        "zone": zone,
        "host": "Curtin University",
        "address": "Kent St",
        "city": "Perth",
        "attendees": (ANA, LUIS),
    }
    values.update(kwargs)
    return AgendaItem(**values)  # type: ignore[arg-type]


def parse(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


# --- Local time and Lima time ---------------------------------------------------------------


@pytest.mark.parametrize("month", [1, 7], ids=["january", "july"])
def test_nine_in_perth_is_eight_pm_the_day_before_in_lima(month):
    """Perth (UTC+8) and Lima (UTC-5) keep no DST: 13 hours apart in both seasons."""
    times = local_and_lima(item(start=datetime(2026, month, 14, 9, 0)))

    assert (times.local.start_date, times.local.start_time) == (date(2026, month, 14), time(9))
    assert times.local.offset == "UTC+8"
    assert times.local.day_shift == 0
    assert (times.lima.start_date, times.lima.start_time) == (date(2026, month, 13), time(20))
    assert times.lima.end_time == time(22)
    assert times.lima.offset == "UTC\u22125"
    assert times.lima.day_shift == -1
    assert times.lima.end_day_shift == -1
    assert times.lima.starts_at == times.local.starts_at  # the same instant
    with translation.override("en"):
        assert times.lima.day_shift_label == "\u22121 day"


@pytest.mark.parametrize(
    ("month", "local_offset", "lima_time"),
    [(1, "UTC\u22123", time(7)), (7, "UTC\u22124", time(8))],
    ids=["chilean-summer", "chilean-winter"],
)
def test_santiago_follows_chilean_dst_against_lima(month, local_offset, lima_time):
    times = local_and_lima(item(zone="America/Santiago", start=datetime(2026, month, 14, 9)))

    assert times.local.offset == local_offset
    assert times.lima.start_time == lima_time
    assert times.lima.start_date == date(2026, month, 14)
    assert times.lima.day_shift == 0
    assert times.lima.day_shift_label == ""


@pytest.mark.parametrize(
    ("month", "local_offset", "lima_time"),
    [(1, "UTC+11", time(17)), (7, "UTC+10", time(18))],
    ids=["sydney-summer", "sydney-winter"],
)
def test_sydney_follows_australian_dst_against_lima(month, local_offset, lima_time):
    times = local_and_lima(item(zone="Australia/Sydney", start=datetime(2026, month, 14, 9)))

    assert times.local.offset == local_offset
    assert (times.lima.start_date, times.lima.start_time) == (date(2026, month, 13), lima_time)
    assert times.lima.day_shift == -1


def test_brisbane_keeps_one_offset_while_sydney_changes():
    for month in (1, 7):
        times = local_and_lima(item(zone="Australia/Brisbane", start=datetime(2026, month, 1, 9)))
        assert times.local.offset == "UTC+10"
        assert times.lima.start_time == time(18)


def test_an_evening_in_lima_can_end_on_the_next_local_day():
    """The start and the end each carry their own shift: Lima's midnight can fall inside."""
    times = local_and_lima(item(zone="Australia/Perth", start=datetime(2026, 3, 2, 12), hours=2))
    # 12:00-14:00 Perth = 23:00-01:00 Lima: the start is the day before, the end the same day.
    assert (times.lima.start_date, times.lima.start_time) == (date(2026, 3, 1), time(23))
    assert (times.lima.end_date, times.lima.end_time) == (date(2026, 3, 2), time(1))
    assert (times.lima.day_shift, times.lima.end_day_shift) == (-1, 0)


def test_in_zone_and_lima_keep_the_instant_and_refuse_naive_datetimes():
    instant = datetime(2026, 1, 14, 1, 0, tzinfo=UTC)
    assert in_zone(instant, "Australia/Perth").hour == 9
    assert lima(instant) == instant
    assert lima(instant).tzinfo == ZoneInfo(LIMA_ZONE)
    assert lima(instant).hour == 20
    with pytest.raises(ValueError, match="timezone-aware"):
        lima(datetime(2026, 1, 14, 1, 0))


def test_day_shift_labels():
    with translation.override("en"):
        assert [day_shift_label(n) for n in (-2, -1, 0, 1)] == [
            "\u22122 days",
            "\u22121 day",
            "",
            "+1 day",
        ]


# --- Entering local times around DST changes ------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "naive", "gap"),
    [
        # Sydney: first Sunday of October, 02:00 AEST -> 03:00 AEDT.
        ("Australia/Sydney", datetime(2025, 10, 5, 2, 30), ("02:00", "03:00")),
        # Santiago: first Sunday of September, 00:00 -04 -> 01:00 -03.
        ("America/Santiago", datetime(2025, 9, 7, 0, 30), ("00:00", "01:00")),
    ],
)
def test_a_nonexistent_local_time_is_refused_whatever_the_fold(zone, naive, gap):
    for fold in (None, 0, 1):
        with pytest.raises(NonexistentLocalTime) as raised:
            localize(naive, zone, fold=fold)
        error = raised.value
        assert (error.gap_start.strftime("%H:%M"), error.gap_end.strftime("%H:%M")) == gap
        assert error.gap_start.date() == naive.date()
        # The message is built when raised: check it in English from an English raise.
        with (
            translation.override("en"),
            pytest.raises(NonexistentLocalTime, match=f"jump from {gap[0]} to {gap[1]}"),
        ):
            localize(naive, zone, fold=fold)


@pytest.mark.parametrize(
    ("zone", "naive", "offsets"),
    [
        # Sydney: first Sunday of April, 03:00 AEDT -> 02:00 AEST.
        ("Australia/Sydney", datetime(2025, 4, 6, 2, 30), (11, 10)),
        # Santiago: Saturday night before the first Sunday of April, 24:00 -03 -> 23:00 -04.
        ("America/Santiago", datetime(2025, 4, 5, 23, 30), (-3, -4)),
    ],
)
def test_an_ambiguous_local_time_is_refused_unless_the_fold_is_explicit(zone, naive, offsets):
    with pytest.raises(AmbiguousLocalTime) as raised:
        localize(naive, zone)
    error = raised.value
    assert error.first.utcoffset() == timedelta(hours=offsets[0])
    assert error.second.utcoffset() == timedelta(hours=offsets[1])
    assert error.second.astimezone(UTC) - error.first.astimezone(UTC) == timedelta(hours=1)

    first, second = localize(naive, zone, fold=0), localize(naive, zone, fold=1)
    assert first.astimezone(UTC) == error.first.astimezone(UTC)
    assert second.astimezone(UTC) == first.astimezone(UTC) + timedelta(hours=1)
    with translation.override("en"), pytest.raises(AmbiguousLocalTime, match="happens twice"):
        localize(naive, zone)


@pytest.mark.parametrize("zone", ["America/Lima", "Australia/Perth", "Australia/Brisbane"])
def test_zones_without_dst_never_refuse(zone):
    # Around the dates Sydney and Santiago change their clocks, any minute exists once here.
    for naive in (datetime(2025, 4, 6, 2, 30), datetime(2025, 10, 5, 2, 30)):
        value = localize(naive, zone)
        assert value.replace(tzinfo=None) == naive
        assert value.tzinfo == ZoneInfo(zone)


def test_localize_rejects_aware_input_and_unknown_zones():
    with pytest.raises(ValueError, match="naive"):
        localize(datetime(2026, 1, 1, 9, tzinfo=UTC), "Australia/Perth")
    with pytest.raises(InvalidZone):
        localize(datetime(2026, 1, 1, 9), "Australia/Atlantis")


@pytest.mark.parametrize("name", ["", "Perth", "australia/perth", "../etc/passwd", "UTC+8"])
def test_only_iana_zones_are_valid(name):
    with pytest.raises(InvalidZone):
        get_zone(name)


# --- Item validation ------------------------------------------------------------------------


def test_item_validation_reports_each_broken_rule():
    valid = item()
    assert item_errors(valid) == {}

    naive_start = datetime(2026, 1, 12, 9)
    backwards = item(uid="x", hours=-1)
    assert set(item_errors(backwards)) == {"ends_at"}
    empty = item(hours=0)
    assert set(item_errors(empty)) == {"ends_at"}
    broken = AgendaItem(
        uid=" ",
        title="",
        kind=AgendaItemKind.OTHER,
        starts_at=naive_start,
        ends_at=valid.ends_at,
        zone="Mars/Olympus_Mons",
        sequence=-1,
    )
    assert set(item_errors(broken)) == {"uid", "title", "zone", "starts_at", "sequence"}
    with pytest.raises(InvalidAgendaItem) as raised:
        local_and_lima(broken)
    assert set(raised.value.errors) == {"uid", "title", "zone", "starts_at", "sequence"}


# --- Calendar files -------------------------------------------------------------------------


def australia_agenda() -> list[AgendaItem]:
    return [
        item("m1-i2", start=datetime(2026, 3, 10, 14), kind=AgendaItemKind.COMPANY_VISIT,
             title="Visita a BHP", attendees=(LUIS,), sequence=3),
        item("m1-i1", start=datetime(2026, 3, 10, 9)),
        item("m1-i3", zone="Australia/Brisbane", start=datetime(2026, 3, 12, 9),
             kind=AgendaItemKind.RND_CENTRE_VISIT, title="CSIRO", city="Brisbane",
             attendees=(ANA,)),
    ]  # fmt: skip


def test_mission_calendar_round_trips_with_time_zones_and_stable_uids():
    agenda = australia_agenda()
    ics = mission_calendar(
        "Misión Australia 2026", "Australia/Perth", agenda, prodid=PRODID, now=NOW,
        url="https://portal.cmsp.pe/misiones/1/",
    )  # fmt: skip
    calendar = parse(ics)

    assert str(calendar["PRODID"]) == PRODID
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-TIMEZONE"]) == "Australia/Perth"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [
        "Australia/Brisbane",
        "Australia/Perth",
    ]
    events = calendar.walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [
        "m1-i1@cmsp.pe",
        "m1-i2@cmsp.pe",
        "m1-i3@cmsp.pe",
    ]
    by_uid = {item.uid: item for item in agenda}
    for event in events:
        source = by_uid[str(event["UID"]).removesuffix("@cmsp.pe")]
        assert event["DTSTART"].params["TZID"] == source.zone
        assert event["DTEND"].params["TZID"] == source.zone
        assert event.start == source.starts_at  # same instant
        assert event.end == source.ends_at
        assert event.start.replace(tzinfo=None) == in_zone(source.starts_at, source.zone).replace(
            tzinfo=None
        )
        assert event["SEQUENCE"] == source.sequence
        assert event["DTSTAMP"].dt == NOW
        assert str(event["URL"]) == "https://portal.cmsp.pe/misiones/1/"
    assert b"DTSTART;TZID=Australia/Perth:20260310T090000" in ics
    assert events[1]["SEQUENCE"] == 3
    assert str(events[0]["LOCATION"]) == "Curtin University, Kent St, Perth"


def test_the_calendar_depends_only_on_its_arguments_apart_from_dtstamp():
    agenda = australia_agenda()
    first = mission_calendar("M", "Australia/Perth", agenda, prodid=PRODID, now=NOW)
    again = mission_calendar("M", "Australia/Perth", agenda[::-1], prodid=PRODID, now=NOW)
    later = mission_calendar(
        "M", "Australia/Perth", agenda, prodid=PRODID, now=NOW + timedelta(days=2)
    )
    assert first == again
    assert first != later
    assert first.replace(b"DTSTAMP:20251103T143000Z", b"") == later.replace(
        b"DTSTAMP:20251105T143000Z", b""
    )


def test_a_changed_item_keeps_its_uid_and_carries_the_new_sequence():
    before = item(sequence=0)
    after = item(sequence=1, start=datetime(2026, 1, 12, 10), title="Taller (nuevo horario)")
    events = [
        parse(mission_calendar("M", "Australia/Perth", [version], prodid=PRODID, now=NOW)).walk(
            "VEVENT"
        )[0]
        for version in (before, after)
    ]
    assert str(events[0]["UID"]) == str(events[1]["UID"])
    assert (events[0]["SEQUENCE"], events[1]["SEQUENCE"]) == (0, 1)
    assert events[1].start.hour == 10


def test_a_cancelled_item_stays_in_the_calendar_as_cancelled():
    calendar = parse(
        mission_calendar("M", "Australia/Perth", [item(cancelled=True, sequence=4)],
                         prodid=PRODID, now=NOW)
    )  # fmt: skip
    event = calendar.walk("VEVENT")[0]
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 4)


def test_delegate_calendar_holds_only_the_items_the_delegate_attends():
    agenda = australia_agenda()
    mission_uids = {
        str(event["UID"])
        for event in parse(
            mission_calendar("M", "Australia/Perth", agenda, prodid=PRODID, now=NOW)
        ).walk("VEVENT")
    }
    for delegate, expected in ((ANA, ["m1-i1", "m1-i3"]), (LUIS, ["m1-i1", "m1-i2"])):
        calendar = parse(
            delegate_calendar("M", "Australia/Perth", agenda, delegate=delegate,
                              prodid=PRODID, now=NOW)
        )  # fmt: skip
        uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
        assert uids == [f"{uid}@cmsp.pe" for uid in expected]
        assert set(uids) <= mission_uids  # the same UIDs as in the mission's calendar
        assert delegate.name in str(calendar["X-WR-CALNAME"])
    nobody = parse(
        delegate_calendar("M", "Australia/Perth", agenda, delegate=Attendee(99, "X"),
                          prodid=PRODID, now=NOW)
    )  # fmt: skip
    assert nobody.walk("VEVENT") == []
    assert [str(tz["TZID"]) for tz in nobody.walk("VTIMEZONE")] == ["Australia/Perth"]


def test_special_characters_survive_the_round_trip():
    title = "Taller: minería, relaves; “buenas prácticas” — año 2026"
    description = "Primera línea; con coma, y punto y coma\nSegunda línea: Ñandú \\ barra\n" * 4
    host = "Universidad Católica del Norte; Centro I+D, Sede “Angamos”"
    tricky = item(
        zone="America/Santiago", start=datetime(2026, 5, 4, 9), title=title,
        description=description, host=host, address="Av. Angamos 0610", city="Antofagasta",
        attendees=(Attendee(3, "José Ñique, Jr."),),
    )  # fmt: skip
    ics = mission_calendar(
        "Misión Chile: Antofagasta, Santiago", "America/Santiago", [tricky], prodid=PRODID,
        now=NOW,
    )  # fmt: skip
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))  # folded by octets
    ics.decode("utf-8")  # folding never splits a multi-byte character
    calendar = parse(ics)
    event = calendar.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]).startswith(description.strip())
    assert "José Ñique, Jr." in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == f"{host}, Av. Angamos 0610, Antofagasta"
    assert str(calendar["X-WR-CALNAME"]) == "Misión Chile: Antofagasta, Santiago"


def test_the_second_occurrence_of_an_ambiguous_time_is_written_in_utc():
    """RFC 5545 reads an ambiguous TZID time as the first occurrence; the second needs UTC."""
    naive = datetime(2025, 4, 6, 2, 30)
    ends_at = localize(datetime(2025, 4, 6, 4), "Australia/Sydney")
    first, second = (
        item(f"occurrence-{fold}", zone="Australia/Sydney", ends_at=ends_at,
             starts_at=localize(naive, "Australia/Sydney", fold=fold))
        for fold in (0, 1)
    )  # fmt: skip
    calendar = parse(
        mission_calendar("M", "Australia/Sydney", [first, second], prodid=PRODID, now=NOW)
    )
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert events["occurrence-0@cmsp.pe"]["DTSTART"].params["TZID"] == "Australia/Sydney"
    # Compare instants in UTC: Python's == is always False across zones for a time in a fold.
    assert events["occurrence-0@cmsp.pe"].start.astimezone(UTC) == first.starts_at.astimezone(UTC)
    assert "TZID" not in events["occurrence-1@cmsp.pe"]["DTSTART"].params
    assert events["occurrence-1@cmsp.pe"].start == second.starts_at.astimezone(UTC)
    assert events["occurrence-1@cmsp.pe"].start - events["occurrence-0@cmsp.pe"].start == timedelta(
        hours=1
    )


def test_the_calendar_refuses_invalid_items_zones_and_naive_clocks():
    with pytest.raises(InvalidAgendaItem):
        mission_calendar("M", "Australia/Perth", [item(hours=-2)], prodid=PRODID, now=NOW)
    with pytest.raises(InvalidZone):
        mission_calendar("M", "Perth", [item()], prodid=PRODID, now=NOW)
    with pytest.raises(ValueError, match="aware"):
        mission_calendar(
            "M", "Australia/Perth", [item()], prodid=PRODID, now=NOW.replace(tzinfo=None)
        )


@pytest.mark.parametrize("zone", ["America/Santiago", "Australia/Sydney"])
def test_the_vtimezone_alone_gives_the_right_offsets_in_both_seasons(zone):
    """Some calendar apps read the VTIMEZONE rules rather than the TZID name: rebuild the zone
    from the file only (no lookup by name) and read each event's local time with it."""
    agenda = [
        item(f"{zone}-{month}", zone=zone, start=datetime(2026, month, 14, 9)) for month in (1, 7)
    ]
    calendar = parse(mission_calendar("M", zone, agenda, prodid=PRODID, now=NOW))
    (vtimezone,) = calendar.walk("VTIMEZONE")
    from_file = vtimezone.to_tz(lookup_tzid=False)
    for source in agenda:
        wall_clock = in_zone(source.starts_at, zone).replace(tzinfo=None)
        read_back = wall_clock.replace(tzinfo=from_file)
        assert read_back.utcoffset() == in_zone(source.starts_at, zone).utcoffset()
        assert read_back.astimezone(UTC) == source.starts_at.astimezone(UTC)
