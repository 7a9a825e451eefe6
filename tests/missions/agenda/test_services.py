"""The agenda's services: who may write, the rules on times and attendees, the sequence (ICS
revision) and the change notices to the delegates concerned, and only to them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from missions.models import AgendaItem, Mission
from missions.services.agenda import (
    agenda_item_cancel,
    agenda_item_create,
    agenda_item_delete,
    agenda_item_update,
    delegate_url,
)
from notifications.models import Notification
from tests.members.factories import UserFactory
from tests.missions.agenda.world import AgendaWorld, agenda_world, local
from tests.permission_matrix import staff_user

pytestmark = pytest.mark.django_db

EVENT = "missions.agenda_changed"


@pytest.fixture
def world() -> AgendaWorld:
    return agenda_world()


def data(world: AgendaWorld, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": AgendaItem.Kind.COMPANY_VISIT,
        "title": "Visita a una mina autónoma",
        "title_en": "Visit to an autonomous mine",
        "host": "Rio Tinto",
        "address": "152-158 St Georges Terrace",
        "city": "Perth",
        "zone": "Australia/Perth",
        "starts_at": local(world.mission, 1, 9),
        "ends_at": local(world.mission, 1, 12),
        "description": "",
        "for_everyone": True,
        "attendees": [],
    }
    values.update(overrides)
    return values


def notified(event: str = EVENT) -> set[int]:
    return set(Notification.objects.filter(event=event).values_list("recipient_id", flat=True))


# --- Create ------------------------------------------------------------------------------------


def test_coordinator_adds_an_item_for_everyone(world: AgendaWorld) -> None:
    item = agenda_item_create(actor=world.coordinator, mission=world.mission, data=data(world))
    item.refresh_from_db()
    assert item.starts_at == datetime.datetime(
        *(world.mission.starts_on + datetime.timedelta(days=1)).timetuple()[:3],
        1,
        0,
        tzinfo=datetime.UTC,
    )
    assert (item.sequence, item.cancelled, item.for_everyone) == (0, False, True)
    assert list(item.attendees.all()) == []
    assert LogEntry.objects.filter(additional_data__decision="agenda_item.create").count() == 1
    assert notified() == set()  # a new item is no change of plans


def test_chosen_attendees_must_be_of_the_delegation(world: AgendaWorld) -> None:
    item = agenda_item_create(
        actor=world.coordinator,
        mission=world.mission,
        data=data(world, for_everyone=False, attendees=[world.ana, world.carla]),
    )
    assert set(item.attendees.all()) == {world.ana, world.carla}
    for outsider in (world.dario, world.excluded):  # waitlisted; left out by the maximum
        with pytest.raises(ValidationError) as error:
            agenda_item_create(
                actor=world.coordinator,
                mission=world.mission,
                data=data(world, for_everyone=False, attendees=[world.ana, outsider]),
            )
        assert "attendees" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        agenda_item_create(
            actor=world.coordinator,
            mission=world.mission,
            data=data(world, for_everyone=False, attendees=[]),
        )
    assert "attendees" in error.value.error_dict
    assert AgendaItem.objects.count() == 1


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        ((-1, 9), (-1, 11), "starts_at"),  # the day before departure (Perth)
        ((7, 22), (8, 1), "starts_at"),  # ends the day after return
        ((1, 11), (1, 9), "ends_at"),  # ends before it starts
        ((1, 9), (1, 9), "ends_at"),
    ],
)
def test_times_out_of_the_mission_or_backwards_are_refused(
    world: AgendaWorld, starts: tuple[int, int], ends: tuple[int, int], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        agenda_item_create(
            actor=world.coordinator,
            mission=world.mission,
            data=data(
                world, starts_at=local(world.mission, *starts), ends_at=local(world.mission, *ends)
            ),
        )
    assert field in error.value.error_dict
    assert not AgendaItem.objects.exists()


def test_the_mission_dates_are_read_in_the_items_zone(world: AgendaWorld) -> None:
    """00:30 of departure day in Perth is still the day before in UTC and in Lima: allowed."""
    item = agenda_item_create(
        actor=world.coordinator,
        mission=world.mission,
        data=data(
            world, starts_at=local(world.mission, 0, 0, 30), ends_at=local(world.mission, 0, 2)
        ),
    )
    assert item.starts_at.astimezone(datetime.UTC).date() < world.mission.starts_on


@pytest.mark.parametrize(
    "actor",
    ["member", "org_admin", "auditor", "staff_no_role", "none"],
)
def test_only_coordinators_write(world: AgendaWorld, actor: str) -> None:
    people = {
        "member": lambda: world.ana.person,
        "org_admin": lambda: world.accepted_admin,
        "auditor": lambda: staff_user("auditor"),
        "staff_no_role": lambda: staff_user(),
        "none": lambda: None,
    }
    user = people[actor]()
    item = world.item()
    with pytest.raises(PermissionDenied):
        agenda_item_create(actor=user, mission=world.mission, data=data(world))
    with pytest.raises(PermissionDenied):
        agenda_item_update(actor=user, item=item, data={"city": "Kalgoorlie"})
    with pytest.raises(PermissionDenied):
        agenda_item_cancel(actor=user, item=item)
    item.refresh_from_db()
    assert (item.city, item.cancelled, AgendaItem.objects.count()) == ("Perth", False, 1)


def test_administrators_write_too() -> None:
    world = agenda_world()
    admin = staff_user("administrator")
    agenda_item_create(actor=admin, mission=world.mission, data=data(world))
    assert AgendaItem.objects.count() == 1


@pytest.mark.parametrize("status", [Mission.Status.COMPLETED, Mission.Status.CANCELLED])
def test_a_mission_that_is_over_keeps_its_agenda(status: str) -> None:
    world = agenda_world(status=status)
    item = world.item()
    with pytest.raises(ValidationError):
        agenda_item_create(actor=world.coordinator, mission=world.mission, data=data(world))
    with pytest.raises(ValidationError):
        agenda_item_update(actor=world.coordinator, item=item, data={"city": "Kalgoorlie"})
    with pytest.raises(ValidationError):
        agenda_item_cancel(actor=world.coordinator, item=item)
    item.refresh_from_db()
    assert (item.city, item.cancelled, item.sequence) == ("Perth", False, 0)


# --- Update, sequence and notices ---------------------------------------------------------------


def test_new_time_bumps_the_sequence_and_tells_the_whole_delegation(world: AgendaWorld) -> None:
    item = world.item()
    agenda_item_update(
        actor=world.coordinator,
        item=item,
        data={"starts_at": local(world.mission, 1, 14), "ends_at": local(world.mission, 1, 16)},
    )
    item.refresh_from_db()
    assert item.sequence == 1
    # The delegation: included delegates of the accepted and offered applications; not the
    # waitlisted one, not the one left out, not the coordinator or the admins.
    assert notified() == {d.person_id for d in world.delegation}
    notice = Notification.objects.get(recipient=world.ana.person, event=EVENT)
    assert notice.url == delegate_url(world.ana)
    # In the recipient's language (Spanish): the change sentence is rendered for each person.
    body = notice.body
    assert "Nuevo horario." in body
    assert "14:00" in body  # local (Perth)
    assert "16:00" in body
    assert "01:00" in body  # Lima: 14:00 UTC+8 is 01:00 UTC-5
    assert "03:00" in body
    assert "UTC+8" in body


def test_notices_go_only_to_the_chosen_attendees(world: AgendaWorld) -> None:
    item = world.item(attendees=[world.beto])
    agenda_item_update(actor=world.coordinator, item=item, data={"address": "Otra calle 5"})
    assert notified() == {world.beto.person_id}
    assert "Nuevo lugar." in Notification.objects.get(event=EVENT).body


def test_a_description_change_does_not_bump_or_notify(world: AgendaWorld) -> None:
    item = world.item()
    agenda_item_update(actor=world.coordinator, item=item, data={"description": "Llevar EPP."})
    item.refresh_from_db()
    assert (item.description, item.sequence) == ("Llevar EPP.", 0)
    assert notified() == set()


def test_saving_without_changes_is_a_no_op(world: AgendaWorld) -> None:
    item = world.item()
    agenda_item_update(actor=world.coordinator, item=item, data={"city": "Perth"})
    item.refresh_from_db()
    assert item.sequence == 0
    assert not LogEntry.objects.filter(additional_data__decision="agenda_item.update").exists()


def test_a_title_change_bumps_and_notifies(world: AgendaWorld) -> None:
    item = world.item()
    agenda_item_update(actor=world.coordinator, item=item, data={"title": "Taller de relaves"})
    item.refresh_from_db()
    assert item.sequence == 1
    assert notified() == {d.person_id for d in world.delegation}


def test_each_change_is_notified_once(world: AgendaWorld) -> None:
    item = world.item(attendees=[world.ana])
    agenda_item_update(actor=world.coordinator, item=item, data={"city": "Fremantle"})
    agenda_item_update(actor=world.coordinator, item=item, data={"city": "Perth"})
    assert Notification.objects.filter(event=EVENT, recipient=world.ana.person).count() == 2


def test_before_the_selection_nobody_is_told() -> None:
    world = agenda_world(status=Mission.Status.OPEN)
    for application in (world.accepted, world.offered):
        application.status = "submitted"
        application.save(update_fields=["status"])
    item = world.item()
    agenda_item_update(actor=world.coordinator, item=item, data={"city": "Fremantle"})
    item.refresh_from_db()
    assert item.sequence == 1
    assert notified() == set()


def test_update_refuses_bad_input_and_changes_nothing(world: AgendaWorld) -> None:
    item = world.item()
    with pytest.raises(ValidationError):
        agenda_item_update(
            actor=world.coordinator, item=item, data={"ends_at": local(world.mission, 1, 8)}
        )
    with pytest.raises(ValidationError):
        agenda_item_update(actor=world.coordinator, item=item, data={"zone": "Mars/Olympus"})
    item.refresh_from_db()
    assert (item.sequence, item.zone) == (0, "Australia/Perth")
    assert notified() == set()


# --- Cancel and delete --------------------------------------------------------------------------


def test_cancel_keeps_the_item_and_tells_the_attendees(world: AgendaWorld) -> None:
    item = world.item(attendees=[world.ana, world.carla])
    agenda_item_cancel(actor=world.coordinator, item=item, reason="El anfitrión no puede.")
    item.refresh_from_db()
    assert (item.cancelled, item.sequence) == (True, 1)
    assert notified() == {world.ana.person_id, world.carla.person_id}
    assert "Cancelado." in Notification.objects.filter(event=EVENT).first().body
    entry = LogEntry.objects.get(additional_data__decision="agenda_item.cancel")
    assert entry.additional_data["reason"] == "El anfitrión no puede."
    with pytest.raises(ValidationError):
        agenda_item_cancel(actor=world.coordinator, item=item)
    with pytest.raises(ValidationError):
        agenda_item_update(actor=world.coordinator, item=item, data={"city": "Fremantle"})


def test_delete_only_in_a_draft() -> None:
    draft = agenda_world(status=Mission.Status.DRAFT, published_at=None)
    item = draft.item()
    agenda_item_delete(actor=draft.coordinator, item=item)
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert LogEntry.objects.filter(additional_data__decision="agenda_item.delete").count() == 1

    published = agenda_world()
    item = published.item()
    with pytest.raises(ValidationError):
        agenda_item_delete(actor=published.coordinator, item=item)
    with pytest.raises(PermissionDenied):
        agenda_item_delete(actor=UserFactory(), item=item)
    assert AgendaItem.objects.filter(pk=item.pk).exists()
