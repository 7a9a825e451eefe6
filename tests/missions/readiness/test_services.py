"""missions.services.readiness: the checklist made at acceptance, attendance, item updates."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from djmoney.money import Money

from missions.models import Application, ReadinessItem
from missions.services.readiness import (
    delegate_confirm_attendance,
    looks_like_document_number,
    readiness_checklist_create,
    readiness_item_update,
)
from tests.missions.factories import ApplicationFactory, DelegateFactory

from .world import make_world

pytestmark = pytest.mark.django_db

Kind = ReadinessItem.Kind
Status = ReadinessItem.Status


def kinds(delegate: object) -> dict[str, datetime.date]:
    return dict(ReadinessItem.objects.filter(delegate=delegate).values_list("kind", "due_on"))


# --- readiness_checklist_create ---------------------------------------------------------------


def test_checklist_of_every_included_delegate_with_due_dates_before_departure() -> None:
    world = make_world(visa_required=True, vaccinations_required=False)
    left_out = DelegateFactory(application=world.application, position=3, included=False)
    readiness_checklist_create(application=world.application)
    start = world.mission.starts_on
    expected = {
        Kind.PASSPORT: start - datetime.timedelta(days=60),
        Kind.VISA: start - datetime.timedelta(days=30),
        Kind.INSURANCE: start - datetime.timedelta(days=14),
        Kind.COPAYMENT: start - datetime.timedelta(days=30),
    }
    assert kinds(world.delegate) == expected
    assert kinds(world.other_delegate) == expected
    assert kinds(left_out) == {}


def test_checklist_is_idempotent_and_keeps_what_the_delegate_recorded() -> None:
    world = make_world()
    item = ReadinessItem.objects.get(delegate=world.delegate, kind=Kind.INSURANCE)
    item.status = Status.DONE
    item.save()
    readiness_checklist_create(application=world.application)
    readiness_checklist_create(application=world.application)
    assert ReadinessItem.objects.filter(delegate=world.delegate).count() == 3
    item.refresh_from_db()
    assert item.status == Status.DONE


def test_no_copayment_when_co_funding_covers_the_cost() -> None:
    world = make_world(
        cost_per_delegate=Money(Decimal("9000"), "PEN"),
        co_funding_per_delegate=Money(Decimal("9000"), "PEN"),
        vaccinations_required=True,
    )
    assert set(kinds(world.delegate)) == {Kind.PASSPORT, Kind.INSURANCE, Kind.VACCINATIONS}


def test_late_acceptance_gets_a_week_for_items_already_due() -> None:
    world = make_world(starts_in=20)
    today = timezone.localdate()
    due = kinds(world.delegate)
    assert due[Kind.PASSPORT] == today + datetime.timedelta(days=7)
    assert due[Kind.COPAYMENT] == today + datetime.timedelta(days=7)
    assert due[Kind.INSURANCE] == world.mission.starts_on - datetime.timedelta(days=14)


# --- delegate_confirm_attendance --------------------------------------------------------------


def test_the_delegate_confirms_once_and_it_is_audited() -> None:
    world = make_world()
    delegate = delegate_confirm_attendance(actor=world.delegate.person, delegate=world.delegate)
    assert delegate.confirmed_at is not None
    first = delegate.confirmed_at
    again = delegate_confirm_attendance(actor=world.delegate.person, delegate=world.delegate)
    assert again.confirmed_at == first
    entries = LogEntry.objects.filter(
        object_pk=str(delegate.pk), additional_data__decision="missions.delegate.confirm_attendance"
    )
    assert entries.count() == 1


@pytest.mark.parametrize("who", ["other_delegate", "org_admin", "coordinator", "stranger"])
def test_only_the_delegate_confirms(who: str) -> None:
    world = make_world()
    with pytest.raises(PermissionDenied):
        delegate_confirm_attendance(actor=world.person(who), delegate=world.delegate)
    world.delegate.refresh_from_db()
    assert world.delegate.confirmed_at is None


@pytest.mark.parametrize("status", [Application.Status.OFFERED, Application.Status.WAITLISTED])
def test_no_confirmation_before_the_place_is_accepted(status: str) -> None:
    application = ApplicationFactory(status=status, delegates=1)
    delegate = application.delegates.get()
    with translation.override("en"), pytest.raises(PermissionDenied, match="accepts its place"):
        delegate_confirm_attendance(actor=delegate.person, delegate=delegate)
    delegate.refresh_from_db()
    assert delegate.confirmed_at is None


# --- readiness_item_update --------------------------------------------------------------------


def passport(world: object) -> ReadinessItem:
    return ReadinessItem.objects.get(delegate=world.delegate, kind=Kind.PASSPORT)  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", ["delegate", "org_admin", "coordinator"])
def test_passport_done_with_a_long_enough_validity(who: str) -> None:
    world = make_world()
    valid = world.mission.ends_on + datetime.timedelta(days=200)
    item = readiness_item_update(
        actor=world.person(who),
        item=passport(world),
        data={"status": Status.DONE, "valid_until": valid, "note": "Renovado en enero."},
    )
    item.refresh_from_db()
    assert (item.status, item.valid_until, item.done_on) == (
        Status.DONE,
        valid,
        timezone.localdate(),
    )
    assert item.note == "Renovado en enero."


@pytest.mark.parametrize("who", ["other_delegate", "org_member", "stranger", "auditor"])
def test_others_may_not_update_an_item(who: str) -> None:
    world = make_world()
    with pytest.raises(PermissionDenied):
        readiness_item_update(
            actor=world.person(who), item=passport(world), data={"status": Status.IN_PROGRESS}
        )
    assert passport(world).status == Status.PENDING


def test_passport_too_short_is_refused_with_the_date_it_needs() -> None:
    world = make_world()
    short = world.mission.ends_on + datetime.timedelta(days=120)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        readiness_item_update(
            actor=world.delegate.person,
            item=passport(world),
            data={"status": Status.DONE, "valid_until": short},
        )
    assert "valid_until" in error.value.message_dict
    assert "six months after the return" in error.value.message_dict["valid_until"][0]
    item = passport(world)
    assert (item.status, item.valid_until) == (Status.PENDING, None)


def test_passport_done_needs_its_expiry_date() -> None:
    world = make_world()
    with pytest.raises(ValidationError) as error:
        readiness_item_update(
            actor=world.delegate.person, item=passport(world), data={"status": Status.DONE}
        )
    assert "valid_until" in error.value.message_dict


@pytest.mark.parametrize(
    "note",
    ["Pasaporte AB123456", "nro 116123456", "P1234567 vence pronto", "ab-123-456", "DNI 45678912"],
)
def test_a_note_with_a_document_number_is_refused(note: str) -> None:
    world = make_world()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        readiness_item_update(
            actor=world.delegate.person, item=passport(world), data={"note": note}
        )
    assert "Ley 29733" in error.value.message_dict["note"][0]
    assert passport(world).note == ""


@pytest.mark.parametrize(
    "note",
    [
        "Cita en la embajada el 15/03/2026",
        "Pagado S/ 9,000 en 2026",
        "Seguro por 180000",
        "COVID-19",
        "Vence 2026-03-15",
        "Vuelo LA2464",
    ],
)
def test_ordinary_notes_are_not_taken_for_numbers(note: str) -> None:
    assert not looks_like_document_number(note)


def test_unknown_fields_and_bad_status_change_nothing() -> None:
    world = make_world()
    with pytest.raises(ValueError, match="Unexpected"):
        readiness_item_update(
            actor=world.delegate.person, item=passport(world), data={"due_on": "2020-01-01"}
        )
    with pytest.raises(ValidationError):
        readiness_item_update(
            actor=world.delegate.person, item=passport(world), data={"status": "lost"}
        )
    assert passport(world).status == Status.PENDING


def test_back_to_pending_clears_the_done_date() -> None:
    world = make_world()
    item = ReadinessItem.objects.get(delegate=world.delegate, kind=Kind.INSURANCE)
    readiness_item_update(actor=world.delegate.person, item=item, data={"status": Status.DONE})
    item = readiness_item_update(
        actor=world.delegate.person, item=item, data={"status": Status.PENDING}
    )
    assert item.done_on is None
