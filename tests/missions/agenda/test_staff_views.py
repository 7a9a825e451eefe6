"""The coordinators' agenda page: who reads it, who changes it, the local and Lima times of
each item (Perth 09:00 is 20:00 the day before in Lima, in both seasons), the item form with
daylight-saving changes (Sydney), and constant query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from missions.models import AgendaItem, Mission
from notifications.models import Notification
from tests.missions.agenda.world import AgendaWorld, agenda_world, coordinator, local
from tests.missions.factories import MissionFactory
from tests.permission_matrix import STAFF_NO_ROLE, STAFF_ROLES, staff_user
from tests.queries import run_counted

pytestmark = pytest.mark.django_db

#: Staff roles that change the agenda (``core.coordinate_missions``).
COORDINATORS = frozenset({"mission_coordinator", "administrator"})
READERS = frozenset(STAFF_ROLES) - {STAFF_NO_ROLE}
MINUS = "\u2212"
EN_DASH = "\u2013"


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def refused(response: Any) -> bool:
    return response.status_code in (302, 403, 404) and (
        response.status_code != 302 or "/accounts/login/" in response["Location"]
    )


def page_url(mission: Mission) -> str:
    return reverse("missions_staff:agenda", args=[mission.pk])


def form_data(**overrides: Any) -> dict[str, Any]:
    values = {
        "kind": AgendaItem.Kind.WORKSHOP,
        "title": "Taller de automatización",
        "title_en": "Automation workshop",
        "host": "METS Ignited",
        "address": "1 Mining St",
        "city": "Perth",
        "zone": "Australia/Perth",
        "start_date": "",
        "start_time": "09:00",
        "end_date": "",
        "end_time": "11:00",
        "description": "",
        "for_everyone": "on",
    }
    values.update(overrides)
    return values


def day(mission: Mission, offset: int = 1) -> str:
    return (mission.starts_on + datetime.timedelta(days=offset)).isoformat()


@pytest.fixture
def world() -> AgendaWorld:
    return agenda_world()


# --- Reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["visitor", "delegate", "org_admin", *STAFF_ROLES])
def test_reading_matrix(world: AgendaWorld, role: str) -> None:
    world.item(title="Visita a la mina", title_en="", attendees=[world.ana])
    people = {"visitor": None, "delegate": world.ana.person, "org_admin": world.accepted_admin}
    user = (
        people[role]
        if role in people
        else (staff_user() if role == STAFF_NO_ROLE else staff_user(role))
    )
    response = login(user).get(page_url(world.mission))
    if role not in READERS:
        assert refused(response), (role, response.status_code)
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert "Visita a la mina" in body
    assert "1 Mining St" in body  # staff see addresses
    assert world.ana.person.get_full_name() in body
    assert ('data-testid="agenda-item-form"' in body) == (role in COORDINATORS)
    assert ('data-testid="edit-item"' in body) == (role in COORDINATORS)


@pytest.mark.parametrize("month", [1, 7])
def test_perth_nine_is_eight_pm_the_day_before_in_lima(month: int) -> None:
    """Perth (UTC+8) and Lima (UTC-5) have no DST: 13 hours apart in January and July."""
    mission = MissionFactory(
        starts_on=datetime.date(2027, month, 10), ends_on=datetime.date(2027, month, 17)
    )
    response = login(coordinator()).post(
        reverse("missions_staff:agenda_item_add", args=[mission.pk]),
        form_data(start_date=f"2027-{month:02d}-12"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = AgendaItem.objects.get(mission=mission)
    assert item.starts_at == datetime.datetime(2027, month, 12, 1, tzinfo=datetime.UTC)
    body = login(coordinator()).get(page_url(mission)).content.decode()
    local_cell = body.split('data-testid="local-time">')[1].split("</td>")[0]
    lima_cell = body.split('data-testid="lima-time">')[1].split("</td>")[0]
    assert f"09:00{EN_DASH}11:00" in local_cell
    assert "UTC+8" in local_cell
    assert f"20:00{EN_DASH}22:00" in lima_cell
    assert f"{MINUS}1 day" in lima_cell
    with translation.override("en"):
        the_day_before = formats.date_format(datetime.date(2027, month, 11), "SHORT_DATE_FORMAT")
    assert the_day_before in lima_cell
    assert "12" in body.split('data-testid="agenda-day"')[1].split("</h3>")[0]  # local date


# --- Adding, with the time zone's traps ---------------------------------------------------------


def sydney_mission(start: datetime.date) -> Mission:
    return MissionFactory(
        time_zone="Australia/Sydney",
        cities="Sydney",
        starts_on=start,
        ends_on=start + datetime.timedelta(days=7),
    )


def test_a_time_the_clocks_skip_is_refused_with_the_gap() -> None:
    """Sydney skips 02:00-03:00 on the first Sunday of October (3 October 2027)."""
    mission = sydney_mission(datetime.date(2027, 10, 1))
    client = login(coordinator())
    response = client.post(
        reverse("missions_staff:agenda_item_add", args=[mission.pk]),
        form_data(
            zone="Australia/Sydney", start_date="2027-10-03", start_time="02:30", end_time="04:00"
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "does not exist in Australia/Sydney" in body
    assert "02:00" in body
    assert "03:00" in body
    assert not AgendaItem.objects.exists()


def test_a_time_that_happens_twice_asks_which_one() -> None:
    """Sydney's 02:00-03:00 happens twice on the first Sunday of April (4 April 2027)."""
    mission = sydney_mission(datetime.date(2027, 4, 1))
    client = login(coordinator())
    url = reverse("missions_staff:agenda_item_add", args=[mission.pk])
    data = form_data(
        zone="Australia/Sydney", start_date="2027-04-04", start_time="02:30", end_time="05:00"
    )
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "happens twice in Australia/Sydney" in body
    assert 'type="radio" name="fold" value="1"' in body
    assert "UTC+11" in body  # first reading (daylight time)
    assert "UTC+10" in body  # second reading (standard time)
    assert not AgendaItem.objects.exists()

    response = client.post(url, {**data, "fold": "1"})
    assert response.status_code == 302
    item = AgendaItem.objects.get()
    # The second 02:30 is on standard time (UTC+10): 16:30 UTC the day before.
    assert item.starts_at == datetime.datetime(2027, 4, 3, 16, 30, tzinfo=datetime.UTC)
    # Editing it offers the same choice, with the stored reading selected.
    edit = client.get(reverse("missions_staff:agenda_item_edit", args=[mission.pk, item.pk]))
    assert 'name="fold" value="1" id="id_fold_1" checked' in edit.content.decode()


def test_the_service_errors_land_on_the_form(world: AgendaWorld) -> None:
    response = login(world.coordinator).post(
        reverse("missions_staff:agenda_item_add", args=[world.mission.pk]),
        form_data(start_date=day(world.mission, -3)),  # before departure
    )
    assert response.status_code == 400
    assert "within the mission" in response.content.decode()
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("role", ["auditor", "org_admin", "delegate"])
def test_only_coordinators_post(world: AgendaWorld, role: str) -> None:
    user = {
        "auditor": staff_user("auditor"),
        "org_admin": world.accepted_admin,
        "delegate": world.ana.person,
    }[role]
    item = world.item()
    client = login(user)
    responses = [
        client.post(
            reverse("missions_staff:agenda_item_add", args=[world.mission.pk]),
            form_data(start_date=day(world.mission)),
        ),
        client.post(
            reverse("missions_staff:agenda_item_edit", args=[world.mission.pk, item.pk]),
            form_data(start_date=day(world.mission), city="Kalgoorlie"),
        ),
        client.post(reverse("missions_staff:agenda_item_cancel", args=[world.mission.pk, item.pk])),
    ]
    assert all(refused(r) for r in responses), [r.status_code for r in responses]
    item.refresh_from_db()
    assert (AgendaItem.objects.count(), item.city, item.cancelled) == (1, "Perth", False)


# --- Editing, cancelling, deleting -----------------------------------------------------------


def test_edit_moves_the_item_and_tells_the_delegation(world: AgendaWorld) -> None:
    item = world.item()
    client = login(world.coordinator)
    url = reverse("missions_staff:agenda_item_edit", args=[world.mission.pk, item.pk])
    form = client.get(url).content.decode()
    assert 'value="09:00"' in form  # the stored time, read in Perth
    response = client.post(
        url,
        form_data(
            start_date=day(world.mission), start_time="10:00", end_time="12:00", title=item.title
        ),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.starts_at == local(world.mission, 1, 10)
    assert item.sequence == 1
    assert Notification.objects.filter(event="missions.agenda_changed").count() == 3


def test_cancel_and_delete_from_the_page() -> None:
    world = agenda_world()
    item = world.item(attendees=[world.ana])
    client = login(world.coordinator)
    response = client.post(
        reverse("missions_staff:agenda_item_cancel", args=[world.mission.pk, item.pk]),
        {f"cancel-{item.pk}-reason": "Feriado local"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.cancelled
    body = client.get(page_url(world.mission)).content.decode()
    assert 'data-testid="cancelled"' in body
    # Published: no delete button, and a forged delete is refused.
    assert 'data-testid="delete-item"' not in body
    client.post(reverse("missions_staff:agenda_item_delete", args=[world.mission.pk, item.pk]))
    assert AgendaItem.objects.filter(pk=item.pk).exists()

    draft = agenda_world(status=Mission.Status.DRAFT, published_at=None)
    draft_item = draft.item()
    client = login(draft.coordinator)
    assert 'data-testid="delete-item"' in client.get(page_url(draft.mission)).content.decode()
    client.post(
        reverse("missions_staff:agenda_item_delete", args=[draft.mission.pk, draft_item.pk])
    )
    assert not AgendaItem.objects.filter(pk=draft_item.pk).exists()


def test_an_item_of_another_mission_is_not_found(world: AgendaWorld) -> None:
    other = agenda_world().item()
    response = login(world.coordinator).post(
        reverse("missions_staff:agenda_item_cancel", args=[world.mission.pk, other.pk])
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert not other.cancelled


# --- Query counts -------------------------------------------------------------------------------


def test_page_queries_do_not_grow_with_the_agenda() -> None:
    world = agenda_world()
    client = login(world.coordinator)
    for hour in (8, 10):
        world.item(
            title=f"Item {hour}",
            starts_at=local(world.mission, 1, hour),
            attendees=[world.ana, world.carla],
        )
    world.item(title="Item everyone", starts_at=local(world.mission, 2, 9))
    _, few = run_counted(
        30, client.get, page_url(world.mission), expect=["Item 8", "Item everyone"]
    )
    for offset in range(2, 7):
        for hour in (8, 11, 14):
            world.item(
                title=f"More {offset}-{hour}",
                starts_at=local(world.mission, offset, hour),
                attendees=[world.beto],
            )
    _, many = run_counted(few, client.get, page_url(world.mission), expect=["More 6-14"])
    assert many == few
    print(f"staff agenda page: {few} queries")


def test_no_attendees_and_not_for_everyone_is_shown_on_the_field(world: AgendaWorld) -> None:
    data = form_data(start_date=day(world.mission))
    del data["for_everyone"]
    response = login(world.coordinator).post(
        reverse("missions_staff:agenda_item_add", args=[world.mission.pk]), data
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_attendees_error"' in body
    assert "Choose the delegates who attend" in body
    assert not AgendaItem.objects.exists()
