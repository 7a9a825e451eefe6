"""Calendar files: the mission's (anyone who sees the mission; addresses and attendees only for
coordinators and the delegation) and a delegate's (the delegate, their organization's admins
and staff; 404 for anyone else signed in)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from missions.models import Mission
from missions.services.agenda import agenda_item_cancel, agenda_item_update
from tests.missions.agenda.world import AgendaWorld, agenda_world, local
from tests.permission_matrix import staff_user
from tests.queries import run_counted

pytestmark = pytest.mark.django_db

ADDRESS = "152-158 St Georges Terrace"


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def events(response: Any) -> dict[str, Any]:
    """The VEVENTs of a calendar response, by summary."""
    calendar = Calendar.from_ical(response.content)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def world() -> AgendaWorld:
    world = agenda_world()
    world.item(title="Taller para todos", address=ADDRESS)
    world.item(title="Visita de Ana", starts_at=local(world.mission, 2, 9), attendees=[world.ana])
    world.item(
        title="Visita de Carla", starts_at=local(world.mission, 3, 9), attendees=[world.carla]
    )
    return world


def person(world: AgendaWorld, role: str) -> Any:
    return {
        "visitor": lambda: None,
        "outsider": lambda: world.outsider,
        "waitlisted_admin": lambda: world.waitlisted_admin,
        "accepted_admin": lambda: world.accepted_admin,
        "delegate": lambda: world.ana.person,
        "colleague": lambda: world.beto.person,
        "offered_delegate": lambda: world.carla.person,
        "coordinator": lambda: world.coordinator,
        "auditor": lambda: staff_user("auditor"),
    }[role]()


# --- The mission's calendar ---------------------------------------------------------------------

#: Who reads addresses and attendees in the mission's calendar.
INSIDERS = {
    "accepted_admin",
    "delegate",
    "colleague",
    "offered_delegate",
    "coordinator",
    "auditor",
}


@pytest.mark.parametrize(
    "role",
    [
        "visitor",
        "outsider",
        "waitlisted_admin",
        "accepted_admin",
        "delegate",
        "colleague",
        "offered_delegate",
        "coordinator",
        "auditor",
    ],
)
def test_mission_calendar_matrix(world: AgendaWorld, role: str) -> None:
    response = login(person(world, role)).get(
        reverse("missions:mission_calendar", args=[world.mission.slug])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{world.mission.slug}.ics"'
    assert "private" in response["Cache-Control"]
    found = events(response)
    assert set(found) == {"Taller para todos", "Visita de Ana", "Visita de Carla"}
    text = response.content.decode()
    insider = role in INSIDERS
    assert (ADDRESS in text) == insider
    assert (world.ana.person.get_full_name() in text) == insider
    assert "METS Ignited" in text  # host and city are public
    assert "Perth" in str(found["Taller para todos"]["LOCATION"])


def test_mission_calendar_content(world: AgendaWorld) -> None:
    item = world.mission.agenda.get(title="Taller para todos")
    agenda_item_update(actor=world.coordinator, item=item, data={"city": "Fremantle"})
    agenda_item_cancel(actor=world.coordinator, item=item)
    response = login(None).get(reverse("missions:mission_calendar", args=[world.mission.slug]))
    text = response.content.decode()
    assert "BEGIN:VTIMEZONE" in text
    assert "TZID:Australia/Perth" in text
    assert "X-WR-TIMEZONE:Australia/Perth" in text
    event = events(response)["Taller para todos"]
    assert str(event["UID"]) == f"{item.uid}@cmsp.pe"
    assert event["SEQUENCE"] == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["DTSTART"].dt.tzinfo is not None
    assert "DTSTART;TZID=Australia/Perth:" in text
    assert event["DTSTART"].dt.hour == 9  # local time in Perth
    mission_page = reverse("missions:mission_detail", args=[world.mission.slug])
    assert str(event["URL"]).endswith(mission_page)


def test_a_draft_mission_calendar_is_for_staff_only() -> None:
    world = agenda_world(status=Mission.Status.DRAFT, published_at=None)
    world.item()
    url = reverse("missions:mission_calendar", args=[world.mission.slug])
    for role in ("visitor", "outsider", "accepted_admin"):
        assert login(person(world, role)).get(url).status_code == 404, role
    assert login(world.coordinator).get(url).status_code == 200
    assert login(None).get("/missions/no-such-mission/calendar.ics").status_code == 404


# --- A delegate's calendar ----------------------------------------------------------------------

#: Who downloads Ana's calendar: Ana, her organization's admin, staff readers.
ALLOWED = {"delegate", "accepted_admin", "coordinator", "auditor"}


@pytest.mark.parametrize(
    "role",
    [
        "visitor",
        "outsider",
        "waitlisted_admin",
        "accepted_admin",
        "delegate",
        "colleague",
        "offered_delegate",
        "coordinator",
        "auditor",
    ],
)
def test_delegate_calendar_matrix(world: AgendaWorld, role: str) -> None:
    url = reverse("missions:delegate_calendar", args=[world.ana.pk])
    response = login(person(world, role)).get(url)
    if role == "visitor":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        return
    if role not in ALLOWED:
        assert response.status_code == 404
        # The same answer as for a delegate that does not exist: nothing leaks.
        missing = reverse("missions:delegate_calendar", args=[world.ana.pk + 1000])
        assert login(person(world, role)).get(missing).status_code == 404
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{world.mission.slug}-{world.ana.pk}.ics"'
    )
    # Ana's items: the one for everyone and her visit, not Carla's; with the address.
    assert set(events(response)) == {"Taller para todos", "Visita de Ana"}
    assert ADDRESS in response.content.decode()


def test_same_uid_in_both_calendars(world: AgendaWorld) -> None:
    client = login(world.ana.person)
    mission = events(client.get(reverse("missions:mission_calendar", args=[world.mission.slug])))
    mine = events(client.get(reverse("missions:delegate_calendar", args=[world.ana.pk])))
    assert mission["Visita de Ana"]["UID"] == mine["Visita de Ana"]["UID"]


def test_a_delegate_out_of_the_delegation_gets_an_empty_calendar(world: AgendaWorld) -> None:
    response = login(world.dario.person).get(
        reverse("missions:delegate_calendar", args=[world.dario.pk])
    )
    assert response.status_code == 200
    assert events(response) == {}


def test_calendar_queries_do_not_grow(world: AgendaWorld) -> None:
    client = login(world.ana.person)
    urls = (
        reverse("missions:mission_calendar", args=[world.mission.slug]),
        reverse("missions:delegate_calendar", args=[world.ana.pk]),
    )
    bounds = (8, 6)  # measured: session, user, memberships, mission or delegate, items...
    counts = [
        run_counted(bound, client.get, url, expect=["Visita de Ana"])[1]
        for bound, url in zip(bounds, urls, strict=True)
    ]
    for day in range(1, 7):
        for hour in (7, 13, 17):
            world.item(
                title=f"Extra {day}-{hour}",
                starts_at=local(world.mission, day, hour),
                attendees=[world.ana, world.beto],
            )
    again = [
        run_counted(bound, client.get, url, expect=["Extra 6-17"])[1]
        for bound, url in zip(bounds, urls, strict=True)
    ]
    assert again == counts
    print(f"calendar downloads (mission, delegate): {counts} queries")
