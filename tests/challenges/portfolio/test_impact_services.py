"""The impact ledger's services (challenges.services.impact): claim → confirm → verify, reject,
edit and withdraw a claim, corrections of frozen entries; who may do each; a confirmed entry
cannot be changed through the service; bad input changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from djmoney.money import Money

from challenges.models import ImpactEntry
from challenges.services.impact import (
    EVIDENCE_PURPOSE,
    impact_claim,
    impact_confirm,
    impact_correct,
    impact_reject,
    impact_update,
    impact_verify,
    impact_withdraw,
)
from cluster_portal.core.money import format_money
from cluster_portal.files.models import Attachment
from cluster_portal.files.permissions import can_download_attachment
from notifications.models import Notification
from tests.files.samples import EXE_BYTES

from .impact_world import ImpactWorld, contract, evidence, impact_world, jobs

pytestmark = pytest.mark.django_db

Status = ImpactEntry.Status
ROLES = (
    "lead_person",
    "partner_person",
    "sponsor_person",
    "other_member",
    "manager",
    "auditor",
    "call_manager",
)


@pytest.fixture
def world() -> ImpactWorld:
    return impact_world()


def _decisions(code: str) -> int:
    return LogEntry.objects.filter(additional_data__decision=code).count()


def _recipients(event: str) -> set[int]:
    return set(Notification.objects.filter(event=event).values_list("recipient_id", flat=True))


def _snapshot(entry: ImpactEntry) -> dict[str, Any]:
    row = ImpactEntry.objects.filter(pk=entry.pk).values().get()
    return row


# --- Claims ----------------------------------------------------------------------------------


def test_the_lead_claims_with_evidence_and_the_sponsor_is_told(world: ImpactWorld) -> None:
    entry = impact_claim(
        actor=world.lead_person,
        project=world.project,
        data=contract(counterpart=world.sponsor),
        files=[evidence()],
    )
    entry.refresh_from_db()
    assert entry.status == Status.CLAIMED
    assert entry.amount == Money(Decimal("120000.00"), "USD")
    assert entry.count is None
    assert entry.counterpart == world.sponsor
    assert entry.claimed_by == world.lead_person
    (attachment,) = Attachment.objects.filter(object_id=entry.pk, purpose=EVIDENCE_PURPOSE)
    assert attachment.original_name == "orden-de-compra.pdf"
    assert _decisions("impact.claim") == 1
    assert _recipients("challenges.impact_claimed") == {world.sponsor_person.pk}
    # Evidence: whoever sees the project downloads it; nobody else.
    assert can_download_attachment(world.sponsor_person, attachment)
    assert can_download_attachment(world.partner_person, attachment)
    assert can_download_attachment(world.auditor, attachment)
    assert not can_download_attachment(world.other_member, attachment)


def test_a_count_kind_takes_a_count(world: ImpactWorld) -> None:
    entry = impact_claim(actor=world.lead_person, project=world.project, data=jobs())
    assert (entry.kind, entry.count, entry.amount) == (ImpactEntry.Kind.JOBS, 4, None)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("lead_person", True),
        ("partner_person", False),
        ("sponsor_person", False),
        ("other_member", False),
        ("manager", True),
        ("auditor", False),
        ("call_manager", False),
    ],
)
def test_who_may_claim(world: ImpactWorld, role: str, allowed: bool) -> None:
    actor = world.person(role)
    if allowed:
        entry = impact_claim(actor=actor, project=world.project, data=jobs())
        assert ImpactEntry.objects.get().pk == entry.pk
        assert entry.claimed_by == actor
    else:
        with pytest.raises(PermissionDenied):
            impact_claim(actor=actor, project=world.project, data=jobs())
        assert not ImpactEntry.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (contract(amount=None), "amount"),
        (contract(count=3), "count"),
        (contract(amount=Money(Decimal("0.00"), "USD")), "amount"),
        (contract(amount=Money(Decimal("-5.00"), "USD")), "amount"),
        (contract(amount=Money(Decimal("10.00"), "EUR")), "amount"),
        (contract(amount=Money(Decimal("10.001"), "USD")), "amount"),
        (jobs(count=None), "count"),
        (jobs(count=0), "count"),
        (jobs(amount=Money(Decimal("10.00"), "PEN")), "amount"),
        (jobs(kind="lottery"), "kind"),
        (jobs(description="   "), "description"),
        (jobs(occurred_on=timezone.localdate() + datetime.timedelta(days=1)), "occurred_on"),
        (jobs(occurred_on=None), "occurred_on"),
    ],
    ids=[
        "money-kind-without-amount",
        "money-kind-with-count",
        "zero-amount",
        "negative-amount",
        "euros",
        "fractions-of-a-cent",
        "count-kind-without-count",
        "zero-count",
        "count-kind-with-amount",
        "unknown-kind",
        "blank-description",
        "future-date",
        "no-date",
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_is_created(
    world: ImpactWorld, data: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        impact_claim(actor=world.lead_person, project=world.project, data=data, files=[evidence()])
    assert field in error.value.message_dict
    assert all(message for message in error.value.message_dict[field])
    assert not ImpactEntry.objects.exists()
    assert not Attachment.objects.exists()
    assert not Notification.objects.exists()
    assert _decisions("impact.claim") == 0


def test_a_bad_evidence_file_creates_nothing(world: ImpactWorld) -> None:
    with pytest.raises(ValidationError):
        impact_claim(
            actor=world.lead_person,
            project=world.project,
            data=jobs(),
            files=[evidence("virus.pdf", EXE_BYTES)],
        )
    assert not ImpactEntry.objects.exists()
    assert not Attachment.objects.exists()


def test_an_unknown_field_is_a_programming_error(world: ImpactWorld) -> None:
    with pytest.raises(ValueError, match="status"):
        impact_claim(
            actor=world.lead_person, project=world.project, data=jobs(status=Status.VERIFIED)
        )
    assert not ImpactEntry.objects.exists()


# --- Editing and withdrawing a claim ---------------------------------------------------------


def test_the_lead_edits_a_claim_and_adds_evidence(world: ImpactWorld) -> None:
    entry = impact_claim(actor=world.lead_person, project=world.project, data=contract())
    impact_update(
        actor=world.lead_colleague,
        entry=entry,
        data={"amount": Money(Decimal("95000.00"), "PEN")},
        files=[evidence("factura.pdf")],
    )
    entry.refresh_from_db()
    assert entry.amount == Money(Decimal("95000.00"), "PEN")
    assert Attachment.objects.filter(object_id=entry.pk).count() == 1
    log = LogEntry.objects.get(additional_data__decision="impact.update")
    assert log.changes["amount"] == ["120000.00 USD", "95000.00 PEN"]
    assert log.changes["evidence"] == ["", "factura.pdf"]


def test_changing_the_kind_asks_for_the_new_kinds_value(world: ImpactWorld) -> None:
    entry = impact_claim(actor=world.lead_person, project=world.project, data=contract())
    with pytest.raises(ValidationError) as error:
        impact_update(actor=world.lead_person, entry=entry, data={"kind": ImpactEntry.Kind.JOBS})
    assert "count" in error.value.message_dict
    impact_update(
        actor=world.lead_person, entry=entry, data={"kind": ImpactEntry.Kind.JOBS, "count": 2}
    )
    entry.refresh_from_db()
    assert (entry.kind, entry.count, entry.amount) == (ImpactEntry.Kind.JOBS, 2, None)


def test_only_the_lead_or_a_manager_edits_or_withdraws_a_claim(world: ImpactWorld) -> None:
    entry = world.entry()
    before = _snapshot(entry)
    for actor in (world.sponsor_person, world.partner_person, world.auditor):
        with pytest.raises(PermissionDenied):
            impact_update(actor=actor, entry=entry, data={"description": "Otra"})
        with pytest.raises(PermissionDenied):
            impact_withdraw(actor=actor, entry=entry)
    assert _snapshot(entry) == before


def test_the_lead_withdraws_a_claim_with_its_evidence(world: ImpactWorld) -> None:
    entry = impact_claim(
        actor=world.lead_person, project=world.project, data=jobs(), files=[evidence()]
    )
    impact_withdraw(actor=world.lead_person, entry=entry)
    assert not ImpactEntry.objects.exists()
    assert not Attachment.objects.exists()
    assert _decisions("impact.withdraw") == 1


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.VERIFIED])
def test_a_frozen_entry_cannot_be_edited_or_withdrawn_through_the_service(
    world: ImpactWorld, status: str
) -> None:
    entry = world.entry(status)
    before = _snapshot(entry)
    for actor in (world.lead_person, world.manager):
        with translation.override("en"):
            with pytest.raises(ValidationError, match="Add a correction instead") as error:
                impact_update(actor=actor, entry=entry, data={"count": None, "kind": "jobs"})
            assert error.value.code == "frozen"
            with pytest.raises(ValidationError, match="Add a correction instead") as error:
                impact_withdraw(actor=actor, entry=entry)
            assert error.value.code == "frozen"
    assert _snapshot(entry) == before
    assert _decisions("impact.update") == _decisions("impact.withdraw") == 0


def test_a_rejected_entry_cannot_be_edited_or_withdrawn(world: ImpactWorld) -> None:
    entry = world.entry(Status.REJECTED, rejected_reason="Sin orden de compra.")
    with pytest.raises(ValidationError) as error:
        impact_update(actor=world.lead_person, entry=entry, data={"description": "Otra"})
    assert error.value.code == "invalid_transition"
    with pytest.raises(ValidationError):
        impact_withdraw(actor=world.lead_person, entry=entry)
    assert ImpactEntry.objects.get(pk=entry.pk).description == entry.description


# --- Confirm, verify, reject -----------------------------------------------------------------


def test_claim_confirm_verify(world: ImpactWorld) -> None:
    entry = impact_claim(actor=world.lead_person, project=world.project, data=contract())
    impact_confirm(actor=world.sponsor_person, entry=entry)
    entry.refresh_from_db()
    assert (entry.status, entry.confirmed_by) == (Status.CONFIRMED, world.sponsor_person)
    assert entry.confirmed_at is not None
    assert _recipients("challenges.impact_confirmed") == {
        world.lead_person.pk,
        world.lead_colleague.pk,
    }
    assert _recipients("challenges.impact_to_verify") == {
        world.manager.pk,
        world.second_manager.pk,
    }
    impact_verify(actor=world.manager, entry=entry)
    entry.refresh_from_db()
    assert (entry.status, entry.verified_by) == (Status.VERIFIED, world.manager)
    assert entry.verified_at is not None
    assert _recipients("challenges.impact_verified") == {
        world.lead_person.pk,
        world.lead_colleague.pk,
    }
    assert _decisions("impact.confirm") == _decisions("impact.verify") == 1
    # The notice names the project and the value.
    notice = Notification.objects.filter(event="challenges.impact_verified").first()
    assert notice is not None
    assert world.project.code in notice.title
    # (the kind is written in each reader's language, so the text is stored as sent: the
    # value is read from what the person sees)
    assert format_money(Money(Decimal("120000.00"), "USD")) in notice.body


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("lead_person", False),
        ("partner_person", False),
        ("sponsor_person", True),
        ("other_member", False),
        ("manager", True),
        ("auditor", False),
        ("call_manager", False),
    ],
)
def test_who_may_confirm(world: ImpactWorld, role: str, allowed: bool) -> None:
    entry = world.entry(claimed_by=world.lead_colleague)
    actor = world.person(role)
    if allowed:
        impact_confirm(actor=actor, entry=entry)
        assert ImpactEntry.objects.get(pk=entry.pk).confirmed_by == actor
    else:
        with pytest.raises(PermissionDenied):
            impact_confirm(actor=actor, entry=entry)
        assert ImpactEntry.objects.get(pk=entry.pk).status == Status.CLAIMED


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("lead_person", False),
        ("sponsor_person", False),
        ("other_member", False),
        ("manager", True),
        ("auditor", False),
        ("call_manager", False),
    ],
)
def test_who_may_verify(world: ImpactWorld, role: str, allowed: bool) -> None:
    entry = world.entry(Status.CONFIRMED)
    actor = world.person(role)
    if allowed:
        impact_verify(actor=actor, entry=entry)
        assert ImpactEntry.objects.get(pk=entry.pk).status == Status.VERIFIED
    else:
        with pytest.raises(PermissionDenied):
            impact_verify(actor=actor, entry=entry)
        assert ImpactEntry.objects.get(pk=entry.pk).status == Status.CONFIRMED


def test_four_eyes_the_claimant_does_not_confirm_nor_the_confirmer_verify(
    world: ImpactWorld,
) -> None:
    entry = impact_claim(actor=world.manager, project=world.project, data=jobs())
    with pytest.raises(ValidationError) as error:
        impact_confirm(actor=world.manager, entry=entry)
    assert error.value.code == "same_person"
    assert ImpactEntry.objects.get(pk=entry.pk).status == Status.CLAIMED
    impact_confirm(actor=world.second_manager, entry=entry)
    with pytest.raises(ValidationError) as error:
        impact_verify(actor=world.second_manager, entry=entry)
    assert error.value.code == "same_person"
    assert ImpactEntry.objects.get(pk=entry.pk).status == Status.CONFIRMED
    impact_verify(actor=world.manager, entry=entry)
    assert ImpactEntry.objects.get(pk=entry.pk).status == Status.VERIFIED


def test_verify_needs_a_confirmed_entry(world: ImpactWorld) -> None:
    entry = world.entry()
    with pytest.raises(ValidationError) as error:
        impact_verify(actor=world.manager, entry=entry)
    assert error.value.code == "invalid_transition"
    assert ImpactEntry.objects.get(pk=entry.pk).status == Status.CLAIMED


@pytest.mark.parametrize("role", ["sponsor_person", "manager"])
def test_a_sponsor_or_the_secretariat_rejects_a_claim_with_a_reason(
    world: ImpactWorld, role: str
) -> None:
    entry = world.entry()
    actor = world.person(role)
    with pytest.raises(ValidationError) as error:
        impact_reject(actor=actor, entry=entry, reason="  ")
    assert "reason" in error.value.message_dict
    assert ImpactEntry.objects.get(pk=entry.pk).status == Status.CLAIMED
    impact_reject(actor=actor, entry=entry, reason="La orden de compra no está firmada.")
    entry.refresh_from_db()
    assert entry.status == Status.REJECTED
    assert entry.rejected_reason == "La orden de compra no está firmada."
    assert _recipients("challenges.impact_rejected") == {
        world.lead_person.pk,
        world.lead_colleague.pk,
    }
    notice = Notification.objects.get(
        event="challenges.impact_rejected", recipient=world.lead_person
    )
    assert "La orden de compra no está firmada." in notice.body


@pytest.mark.parametrize("role", ["lead_person", "partner_person", "auditor", "other_member"])
def test_others_cannot_reject(world: ImpactWorld, role: str) -> None:
    entry = world.entry()
    with pytest.raises(PermissionDenied):
        impact_reject(actor=world.person(role), entry=entry, reason="No.")
    assert ImpactEntry.objects.get(pk=entry.pk).status == Status.CLAIMED


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.VERIFIED])
def test_a_frozen_entry_cannot_be_confirmed_again_rejected_or_verified_again(
    world: ImpactWorld, status: str
) -> None:
    entry = world.entry(status)
    before = _snapshot(entry)
    with pytest.raises(ValidationError) as error:
        impact_confirm(actor=world.sponsor_person, entry=entry)
    assert error.value.code == "invalid_transition"
    with pytest.raises(ValidationError):
        impact_reject(actor=world.sponsor_person, entry=entry, reason="Ya no.")
    if status == Status.VERIFIED:
        with pytest.raises(ValidationError):
            impact_verify(actor=world.manager, entry=entry)
    assert _snapshot(entry) == before


# --- Corrections -----------------------------------------------------------------------------


def test_a_claim_is_not_corrected_but_edited(world: ImpactWorld) -> None:
    entry = world.entry()
    with pytest.raises(ValidationError) as error:
        impact_correct(actor=world.lead_person, entry=entry, data={"count": 1}, reason="Error")
    assert error.value.code == "not_frozen"
    assert ImpactEntry.objects.count() == 1


def test_a_correction_needs_a_reason_and_a_change(world: ImpactWorld) -> None:
    entry = world.entry(Status.VERIFIED)
    with pytest.raises(ValidationError) as error:
        impact_correct(
            actor=world.lead_person,
            entry=entry,
            data={"amount": Money(Decimal("1.00"), "USD")},
            reason="",
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        impact_correct(
            actor=world.lead_person,
            entry=entry,
            data={"description": entry.description},
            reason="x",
        )
    assert error.value.code == "no_change"
    assert ImpactEntry.objects.count() == 1


@pytest.mark.parametrize("role", ["sponsor_person", "partner_person", "auditor"])
def test_only_the_lead_or_a_manager_corrects(world: ImpactWorld, role: str) -> None:
    entry = world.entry(Status.VERIFIED)
    with pytest.raises(PermissionDenied):
        impact_correct(
            actor=world.person(role),
            entry=entry,
            data={"amount": Money(Decimal("1.00"), "USD")},
            reason="Monto real",
        )
    assert ImpactEntry.objects.count() == 1


def test_correction_chain(world: ImpactWorld) -> None:
    original = world.entry(Status.VERIFIED)  # contract US$ 85,000.00
    before = _snapshot(original)
    first = impact_correct(
        actor=world.lead_person,
        entry=original,
        data={"amount": Money(Decimal("80000.00"), "USD")},
        reason="La orden final fue por US$ 80,000.",
        files=[evidence("orden-final.pdf")],
    )
    assert (first.status, first.corrects, first.project) == (
        Status.CLAIMED,
        original,
        world.project,
    )
    assert first.description == original.description  # not given: carried over
    assert first.kind == original.kind
    log = LogEntry.objects.get(additional_data__decision="impact.correct")
    assert log.additional_data["reason"] == "La orden final fue por US$ 80,000."
    assert log.changes["amount"] == ["85000.00 USD", "80000.00 USD"]
    assert _recipients("challenges.impact_claimed") == {world.sponsor_person.pk}

    # While the first correction is a claim, a second one is refused: edit the first.
    with pytest.raises(ValidationError) as error:
        impact_correct(
            actor=world.lead_person,
            entry=original,
            data={"amount": Money(Decimal("70000.00"), "USD")},
            reason="Otra",
        )
    assert error.value.code == "pending_correction"

    impact_confirm(actor=world.sponsor_person, entry=first)
    impact_verify(actor=world.manager, entry=first)
    # The corrected entry never changed.
    assert _snapshot(original) == before

    # A correction of the correction, down to zero: the contract fell through.
    second = impact_correct(
        actor=world.manager,
        entry=first,
        data={"amount": Money(Decimal("0.00"), "USD")},
        reason="El cliente anuló la orden.",
    )
    assert second.corrects == first
    assert second.amount == Money(Decimal("0.00"), "USD")
    assert list(original.corrections.all()) == [first]
    assert list(first.corrections.all()) == [second]


def test_a_correction_may_change_the_kind(world: ImpactWorld) -> None:
    original = world.entry(Status.CONFIRMED)
    correction = impact_correct(
        actor=world.lead_person,
        entry=original,
        data={"kind": ImpactEntry.Kind.SALES, "amount": Money(Decimal("85000.00"), "USD")},
        reason="Fue una venta, no un contrato.",
    )
    assert (correction.kind, correction.amount) == (
        ImpactEntry.Kind.SALES,
        Money(Decimal("85000.00"), "USD"),
    )
    with pytest.raises(ValidationError) as error:
        impact_update(actor=world.lead_person, entry=correction, data={"kind": "jobs"})
    assert "count" in error.value.message_dict


def test_emails_name_the_kind_in_each_recipients_language_under_projects(
    world: ImpactWorld,
) -> None:
    """A Spanish-speaking supplier claims; an English-speaking sponsor reads the kind in English,
    and the email belongs to the "Projects and impact" preferences, not to proposals'."""
    from notifications.models import OutboxEmail

    world.sponsor_person.language = "en"
    world.sponsor_person.save(update_fields=["language"])
    world.lead_person.language = "es"
    world.lead_person.save(update_fields=["language"])
    with translation.override("es"):
        entry = impact_claim(actor=world.lead_person, project=world.project, data=contract())
    to_sponsor = OutboxEmail.objects.get(
        event="challenges.impact_claimed", to_email=world.sponsor_person.email
    )
    assert to_sponsor.category == "projects"
    assert "Purchase order or contract signed" in to_sponsor.subject
    assert "Orden de compra o contrato" not in to_sponsor.subject
    with translation.override("en"):
        impact_confirm(actor=world.sponsor_person, entry=entry)
    to_lead = OutboxEmail.objects.filter(
        event="challenges.impact_confirmed", to_email=world.lead_person.email
    ).get()
    assert "Orden de compra o contrato firmado" in to_lead.body_text
