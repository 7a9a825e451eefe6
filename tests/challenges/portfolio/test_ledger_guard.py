"""The impact ledger's database guard (migration 0005): a confirmed or verified entry cannot be
changed or deleted by any path that skips the service — ``QuerySet.update``, ``delete``, raw
saves — while moving it forward (confirmed → verified) and erasing a person still work."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from djmoney.money import Money

from challenges.models import ImpactEntry
from tests.challenges.factories import ImpactEntryFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

Status = ImpactEntry.Status


def _refused(action) -> None:  # type: ignore[no-untyped-def]
    # SQLite's RAISE(ABORT) and PostgreSQL's integrity_constraint_violation both surface as
    # IntegrityError through Django.
    with pytest.raises(IntegrityError, match="impact ledger"), transaction.atomic():
        action()


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.VERIFIED])
@pytest.mark.parametrize(
    "change",
    [
        {"description": "Otra cosa"},
        {"amount": Money(Decimal("1.00"), "USD")},
        {"amount_currency": "PEN"},
        {"kind": ImpactEntry.Kind.SALES},
        {"occurred_on": datetime.date(2020, 1, 1)},
        {"count": 3},
        {"claimed_at": timezone.now() - datetime.timedelta(days=400)},
    ],
    ids=["description", "amount", "currency", "kind", "date", "count", "claimed_at"],
)
def test_a_frozen_entry_refuses_any_change_of_content(status: str, change: dict) -> None:
    entry = ImpactEntryFactory(status=status, confirmed_at=timezone.now())
    _refused(lambda: ImpactEntry.objects.filter(pk=entry.pk).update(**change))
    entry.refresh_from_db()
    assert entry.description == "Orden de compra por 3 analizadores en línea."
    assert entry.amount == Money(Decimal("85000.00"), "USD")


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.VERIFIED])
def test_a_frozen_entry_cannot_be_deleted(status: str) -> None:
    entry = ImpactEntryFactory(status=status, confirmed_at=timezone.now())
    _refused(lambda: ImpactEntry.objects.filter(pk=entry.pk).delete())
    assert ImpactEntry.objects.filter(pk=entry.pk).exists()


def test_a_frozen_entry_cannot_move_back() -> None:
    verified = ImpactEntryFactory(status=Status.VERIFIED, confirmed_at=timezone.now())
    confirmed = ImpactEntryFactory(status=Status.CONFIRMED, confirmed_at=timezone.now())
    _refused(lambda: ImpactEntry.objects.filter(pk=verified.pk).update(status=Status.CONFIRMED))
    _refused(lambda: ImpactEntry.objects.filter(pk=confirmed.pk).update(status=Status.CLAIMED))
    _refused(lambda: ImpactEntry.objects.filter(pk=confirmed.pk).update(status=Status.REJECTED))
    # Nor be verified a second time (the verification's date is part of the record).
    _refused(lambda: ImpactEntry.objects.filter(pk=verified.pk).update(verified_at=timezone.now()))
    assert ImpactEntry.objects.get(pk=verified.pk).status == Status.VERIFIED
    assert ImpactEntry.objects.get(pk=confirmed.pk).status == Status.CONFIRMED


def test_verifying_a_confirmed_entry_and_erasing_people_still_work() -> None:
    person = UserFactory()
    entry = ImpactEntryFactory(
        status=Status.CONFIRMED, confirmed_at=timezone.now(), confirmed_by=person
    )
    ImpactEntry.objects.filter(pk=entry.pk).update(
        status=Status.VERIFIED, verified_at=timezone.now(), verified_by=person
    )
    person.delete()  # SET_NULL on confirmed_by and verified_by
    entry.refresh_from_db()
    assert entry.status == Status.VERIFIED
    assert entry.confirmed_by is None
    assert entry.verified_by is None


def test_a_claim_may_still_change_and_be_deleted() -> None:
    entry = ImpactEntryFactory(status=Status.CLAIMED)
    ImpactEntry.objects.filter(pk=entry.pk).update(description="Corregido antes de confirmar")
    assert ImpactEntry.objects.get(pk=entry.pk).description == "Corregido antes de confirmar"
    ImpactEntry.objects.filter(pk=entry.pk).delete()
    assert not ImpactEntry.objects.filter(pk=entry.pk).exists()
