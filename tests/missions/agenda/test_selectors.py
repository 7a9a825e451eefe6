"""The agenda's selectors: rows in local and Lima time, what the public reads (no addresses, no
names), who attends (the delegation for an item for everyone), a delegate's agenda, and
constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from missions.calendars import MINUS
from missions.models import AgendaItem
from missions.permissions import can_see_agenda_addresses
from missions.selectors.agenda import (
    agenda_days,
    agenda_for_display,
    calendar_items,
    delegate_agenda,
)
from tests.missions.agenda.world import AgendaWorld, agenda_world, local
from tests.permission_matrix import staff_user
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> AgendaWorld:
    return agenda_world()


def test_rows_in_local_and_lima_time(world: AgendaWorld) -> None:
    world.item(title="Perth", starts_at=local(world.mission, 1, 9))
    world.item(
        title="Brisbane",
        zone="Australia/Brisbane",
        city="Brisbane",
        starts_at=local(world.mission, 3, 9, zone="Australia/Brisbane"),
    )
    perth, brisbane = agenda_for_display(world.mission, include_addresses=False)
    assert perth.times.local.start_time == datetime.time(9)
    assert perth.times.local.offset == "UTC+8"
    assert perth.times.lima.start_time == datetime.time(20)
    assert perth.times.lima.day_shift == -1
    with translation.override("en"):
        assert perth.times.lima.day_shift_label == f"{MINUS}1 day"
    assert perth.zone_abbreviation == "AWST"
    assert brisbane.times.local.offset == "UTC+10"
    assert brisbane.times.lima.start_time == datetime.time(18)
    days = agenda_days([perth, brisbane])
    assert [d.date for d in days] == [
        world.mission.starts_on + datetime.timedelta(days=1),
        world.mission.starts_on + datetime.timedelta(days=3),
    ]


def test_the_public_reads_no_address_and_no_names(world: AgendaWorld) -> None:
    world.item(address="1 Mining St")
    world.item(address="2 Mining St", attendees=[world.ana], starts_at=local(world.mission, 2, 9))
    public = agenda_for_display(world.mission, include_addresses=False)
    assert [(r.address, r.attendee_names) for r in public] == [("", []), ("", [])]
    inside = agenda_for_display(world.mission, include_addresses=True)
    assert [r.address for r in inside] == ["1 Mining St", "2 Mining St"]
    # For everyone: the delegation (not the waitlisted, not the one left out).
    assert {a.id for a in inside[0].item.attendees} == {d.pk for d in world.delegation}
    assert inside[1].attendee_names == [world.ana.person.get_full_name()]


def test_who_sees_addresses(world: AgendaWorld) -> None:
    yes = [
        world.coordinator,
        staff_user("auditor"),
        world.accepted_admin,
        world.beto.person,
        world.carla.person,
    ]
    no = [world.outsider, world.waitlisted_admin, world.dario.person, staff_user()]
    assert all(can_see_agenda_addresses(u, world.mission) for u in yes)
    assert not any(can_see_agenda_addresses(u, world.mission) for u in no)
    from django.contrib.auth.models import AnonymousUser

    assert not can_see_agenda_addresses(AnonymousUser(), world.mission)
    # Holding a place in another mission is not enough.
    assert not can_see_agenda_addresses(world.accepted_admin, agenda_world().mission)


def test_a_withdrawn_delegate_attends_nothing(world: AgendaWorld) -> None:
    world.item(attendees=[world.ana, world.carla])
    world.offered.status = "withdrawn"
    world.offered.save(update_fields=["status"])
    [row] = agenda_for_display(world.mission, include_addresses=True)
    assert [a.id for a in row.item.attendees] == [world.ana.pk]
    assert delegate_agenda(world.carla) == []


def test_delegate_agenda(world: AgendaWorld) -> None:
    everyone = world.item(title="Todos")
    world.item(title="Solo Beto", attendees=[world.beto], starts_at=local(world.mission, 2, 9))
    assert [r.pk for r in delegate_agenda(world.ana)] == [everyone.pk]
    assert [r.title for r in delegate_agenda(world.beto)] == ["Todos", "Solo Beto"]
    assert delegate_agenda(world.excluded) == []
    assert delegate_agenda(world.dario) == []


def test_titles_in_the_readers_language(world: AgendaWorld) -> None:
    world.item(title="Taller", title_en="Workshop")
    with translation.override("en"):
        [row] = agenda_for_display(world.mission, include_addresses=False)
    assert (row.title, row.title_lang) == ("Workshop", "")
    [row] = agenda_for_display(world.mission, include_addresses=False)
    assert row.title == "Taller"


def test_calendar_items_of_unprefetched_rows(world: AgendaWorld) -> None:
    item = world.item(attendees=[world.beto])
    [value] = calendar_items(AgendaItem.objects.filter(pk=item.pk), include_addresses=True)
    assert [a.id for a in value.attendees] == [world.beto.pk]


def test_queries_are_constant(world: AgendaWorld) -> None:
    def grow(n: int) -> None:
        for day in range(1, 7):
            for hour in range(7, 7 + n):
                world.item(starts_at=local(world.mission, day, hour), attendees=[world.ana])
                world.item(starts_at=local(world.mission, day, hour, 30))

    grow(1)
    _, few = count_queries(3, lambda: agenda_for_display(world.mission, include_addresses=True))
    _, public = count_queries(2, lambda: agenda_for_display(world.mission, include_addresses=False))
    grow(3)
    rows, many = count_queries(
        few, lambda: agenda_for_display(world.mission, include_addresses=True)
    )
    assert (len(rows), many) == (48, few)
    assert public == 2  # items and their attendees; no delegation without names
