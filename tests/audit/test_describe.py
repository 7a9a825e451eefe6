"""The audit log written as sentences: labels instead of field names, choice labels instead of
codes, record names instead of ids, "empty" instead of None, Lima time to the minute."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.test import Client
from django.utils import translation

from cluster_portal.audit.describe import describe_entries
from members.models import GoverningBody, Organization, User
from tests.members.factories import GoverningBodyFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/staff/audit/"
# 14:14:12.345678 UTC is 09:14 in Lima (UTC-5, no daylight saving time).
MOMENT = datetime.datetime(2026, 12, 1, 14, 14, 12, 345678, tzinfo=datetime.UTC)


def _change_kind(actor: User) -> Organization:
    with set_actor(actor):
        organization = OrganizationFactory(
            legal_name="AndesTech S.A.C.",
            trade_name="AndesTech",
            kind=Organization.Kind.MINING_COMPANY,
        )
    with time_machine.travel(MOMENT, tick=False), set_actor(actor):
        organization.kind = Organization.Kind.METS_SUPPLIER
        organization.save()
    return organization


def test_a_change_is_one_sentence_with_labels_and_lima_time() -> None:
    lucia = UserFactory(full_name="Lucía Quispe", is_staff=True)
    organization = _change_kind(lucia)
    entry = LogEntry.objects.get_for_object(organization).filter(action=1).get()
    with translation.override("en"):
        [described] = describe_entries([entry])
    text = str(described.sentence)
    assert text == (
        "Lucía Quispe changed the kind of <strong>AndesTech</strong> from "
        "<del>Mining company</del> to <ins>METS supplier</ins> on 1 Dec 2026, 09:14."
    )
    assert described.changes == []  # said in the sentence, not listed again


def test_creation_values_are_labels_names_and_local_time_without_microseconds() -> None:
    ana = UserFactory(full_name="Ana Torres")
    with time_machine.travel(MOMENT, tick=False):
        body = GoverningBodyFactory(
            name="Mesa de agua", kind=GoverningBody.Kind.WORKING_GROUP, coordinator=ana
        )
    entry = LogEntry.objects.get_for_object(body).get()
    assert "14:14:12.345678" in str(entry.changes)  # what auditlog stores: UTC, microseconds
    with translation.override("en"):
        [described] = describe_entries([entry])
    changes = {c.field: c.after for c in described.changes}
    assert changes["kind"] == "Technical working group"
    assert changes["coordinator"] == "Ana Torres"  # the id resolved to the person's name
    assert changes["created"] == "1 Dec 2026, 09:14"
    assert changes["public page"] == "yes"
    assert "None" not in str(described.sentence)
    assert ".345678" not in str(described.sentence) + str(changes)


def test_empty_values_and_deleted_records_are_named() -> None:
    ana = UserFactory(full_name="Ana Torres")
    body = GoverningBodyFactory(coordinator=None)
    with set_actor(ana):
        body.coordinator = ana
        body.save()
    entry = LogEntry.objects.get_for_object(body).filter(action=1).get()
    with translation.override("en"):
        [described] = describe_entries([entry])
    assert "from <del>empty</del> to <ins>Ana Torres</ins>" in str(described.sentence)
    ana_pk = ana.pk
    body.coordinator = None
    body.save()
    ana.delete()
    with translation.override("en"):
        [described] = describe_entries([entry])
    assert f"#{ana_pk} (deleted)" in str(described.sentence)


def test_spanish_dates_are_day_month_year() -> None:
    lucia = UserFactory(full_name="Lucía Quispe", is_staff=True)
    organization = _change_kind(lucia)
    entry = LogEntry.objects.get_for_object(organization).filter(action=1).get()
    with translation.override("es"):
        [described] = describe_entries([entry])
    assert "01/12/2026 09:14" in str(described.sentence)


def test_audit_page_shows_sentences_with_constant_queries(
    staff_client: Client, max_queries
) -> None:
    lucia = UserFactory(full_name="Lucía Quispe", is_staff=True)
    people = [UserFactory(full_name=f"Persona {n}") for n in range(6)]

    def coordinators_change(count: int) -> None:
        for person in people[:count]:
            body = GoverningBodyFactory(coordinator=None)
            with set_actor(lucia):
                body.coordinator = person
                body.save()

    coordinators_change(1)
    few = max_queries(
        12, staff_client.get, URL, {"action": "update"}, expect=["Persona 0", "Lucía Quispe"]
    )
    coordinators_change(6)
    many = max_queries(
        12, staff_client.get, URL, {"action": "update"}, expect=["Persona 5", "Persona 1"]
    )
    body = many.content.decode()
    assert "changed the coordinator of" in body
    assert "None" not in body
    assert few.status_code == many.status_code == 200
