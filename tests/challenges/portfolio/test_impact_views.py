"""The impact ledger on the project page (challenges.views.portfolio): the supplier lead claims
with evidence, edits or withdraws a claim and corrects a frozen entry; a sponsor confirms or
rejects with a reason; badges; refusals per role change nothing; a confirmed entry cannot be
changed or withdrawn through the forms (the POST is refused and the row stays as it was)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from djmoney.money import Money

from challenges.models import ImpactEntry
from cluster_portal.files.models import Attachment

from .impact_world import ImpactWorld, evidence, impact_world

pytestmark = pytest.mark.django_db

Status = ImpactEntry.Status
Kind = ImpactEntry.Kind


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def world() -> ImpactWorld:
    return impact_world()


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def page(world: ImpactWorld) -> str:
    return reverse("challenges:project_detail", kwargs={"project_id": world.project.pk})


def entry_url(name: str, entry: ImpactEntry) -> str:
    return reverse(
        f"challenges:project_impact_{name}",
        kwargs={"project_id": entry.project_id, "entry_id": entry.pk},
    )


def flashed(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def claim_data(prefix: str = "claim-", **changes) -> dict:
    data = {
        "kind": Kind.CONTRACT,
        "description": "Orden de compra de 2 espesadores.",
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=5)).isoformat(),
        "amount_0": "120000.00",
        "amount_1": "USD",
        "count": "",
        "counterpart": "",
    }
    data.update(changes)
    return {f"{prefix}{key}": value for key, value in data.items()}


def snapshot(entry: ImpactEntry) -> tuple:
    entry.refresh_from_db()
    return (
        entry.status,
        entry.kind,
        entry.description,
        entry.amount,
        entry.count,
        entry.occurred_on,
    )


# --- Claims ----------------------------------------------------------------------------------


def test_lead_claims_with_evidence(world) -> None:
    client = login(world.lead_person)
    data = claim_data(counterpart=str(world.sponsor.pk))
    data["claim-files"] = [evidence("orden.pdf"), evidence("factura.pdf")]
    response = client.post(
        reverse("challenges:project_impact_claim", kwargs={"project_id": world.project.pk}), data
    )
    assert response.status_code == 302
    entry = ImpactEntry.objects.get()
    assert (entry.status, entry.amount, entry.counterpart, entry.claimed_by) == (
        Status.CLAIMED,
        Money(Decimal("120000.00"), "USD"),
        world.sponsor,
        world.lead_person,
    )
    names = set(
        Attachment.objects.filter(object_id=entry.pk).values_list("original_name", flat=True)
    )
    assert names == {"orden.pdf", "factura.pdf"}
    body = login(world.sponsor_person).get(page(world)).content.decode()
    assert "orden.pdf" in body
    assert 'data-testid="impact-status">Claimed<' in body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount_0": ""}, "amount", "Give the amount."),
        ({"count": "3"}, "count", "This kind is measured in money"),
        ({"kind": Kind.JOBS, "amount_0": ""}, "count", "Give the number."),
        ({"description": ""}, "description", "This field is required."),
        (
            {"occurred_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
            "occurred_on",
            "The date cannot be in the future.",
        ),
    ],
)
def test_bad_claims_are_shown_on_the_form_and_nothing_is_saved(
    world, changes, field, message
) -> None:
    response = login(world.lead_person).post(
        reverse("challenges:project_impact_claim", kwargs={"project_id": world.project.pk}),
        claim_data(**changes),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'id="id_claim-{field}' in body
    assert 'data-testid="error-summary"' in body
    assert not ImpactEntry.objects.exists()


@pytest.mark.parametrize("role", ["partner_person", "sponsor_person", "auditor"])
def test_only_the_lead_claims(world, role) -> None:
    response = login(world.person(role)).post(
        reverse("challenges:project_impact_claim", kwargs={"project_id": world.project.pk}),
        claim_data(),
        follow=True,
    )
    assert "Only the supplier lead can claim impact." in flashed(response)
    assert not ImpactEntry.objects.exists()
    assert b'data-testid="impact-claim-form"' not in response.content


def test_outsider_cannot_claim(world) -> None:
    response = login(world.other_member).post(
        reverse("challenges:project_impact_claim", kwargs={"project_id": world.project.pk}),
        claim_data(),
    )
    assert response.status_code == 404
    assert not ImpactEntry.objects.exists()


def test_lead_edits_a_claim(world) -> None:
    entry = world.entry()
    client = login(world.lead_colleague)
    response = client.get(entry_url("edit", entry))
    assert response.status_code == 200
    assert entry.description in response.content.decode()
    data = claim_data("", description="Orden corregida por el proveedor.", amount_0="90000.00")
    response = client.post(entry_url("edit", entry), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.description == "Orden corregida por el proveedor."
    assert entry.amount == Money(Decimal("90000.00"), "USD")
    bad = client.post(entry_url("edit", entry), claim_data("", amount_0=""))
    assert bad.status_code == 400
    entry.refresh_from_db()
    assert entry.amount == Money(Decimal("90000.00"), "USD")


def test_lead_withdraws_a_claim(world) -> None:
    entry = world.entry()
    response = login(world.lead_person).post(entry_url("withdraw", entry))
    assert response.status_code == 302
    assert not ImpactEntry.objects.filter(pk=entry.pk).exists()


def test_sponsor_cannot_edit_or_withdraw_a_claim(world) -> None:
    entry = world.entry()
    before = snapshot(entry)
    client = login(world.sponsor_person)
    assert client.get(entry_url("edit", entry)).status_code == 404
    response = client.post(entry_url("edit", entry), claim_data("", description="Otra"))
    assert "Only the supplier lead can claim impact." in flashed(response)
    client.post(entry_url("withdraw", entry))
    assert snapshot(entry) == before


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.VERIFIED])
def test_a_frozen_entry_cannot_be_changed_through_the_form(world, status) -> None:
    entry = world.entry(status)
    before = snapshot(entry)
    client = login(world.lead_person)
    # The page offers a correction, not an edit.
    body = client.get(page(world)).content.decode()
    assert f'data-testid="impact-{entry.pk}-correct"' in body
    assert f'data-testid="impact-{entry.pk}-edit"' not in body
    assert f'data-testid="impact-{entry.pk}-withdraw"' not in body
    # The edit address sends back to the entry and says so.
    response = client.get(entry_url("edit", entry), follow=True)
    assert "Add a correction instead." in flashed(response)
    # Posting the form anyway is refused; the entry is as it was.
    response = client.post(
        entry_url("edit", entry),
        claim_data("", description="Otra cosa", amount_0="1.00"),
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(f"#entry-{entry.pk}")
    assert "it can no longer be changed or withdrawn" in flashed(response)
    assert snapshot(entry) == before
    # So is withdrawing it, by the lead or by a portfolio manager.
    for person in (world.lead_person, world.manager):
        response = login(person).post(entry_url("withdraw", entry), follow=True)
        assert "Add a correction instead." in flashed(response)
    assert snapshot(entry) == before


def test_lead_corrects_a_confirmed_entry(world) -> None:
    entry = world.entry(Status.CONFIRMED)
    before = snapshot(entry)
    client = login(world.lead_person)
    response = client.get(entry_url("correct", entry))
    assert response.status_code == 200
    assert "The entry above stays as it is." in response.content.decode()
    # Nothing changed: refused on the form.
    data = claim_data(
        "",
        kind=entry.kind,
        description=entry.description,
        occurred_on=entry.occurred_on.isoformat(),
        amount_0=str(entry.amount.amount),
        amount_1=str(entry.amount.currency),
        reason="Revisión",
    )
    response = client.post(entry_url("correct", entry), data)
    assert response.status_code == 400
    assert b"The correction changes nothing" in response.content
    # No reason: refused.
    response = client.post(entry_url("correct", entry), {**data, "amount_0": "0", "reason": ""})
    assert response.status_code == 400
    assert ImpactEntry.objects.count() == 1
    # A correction to zero: the contract fell through.
    response = client.post(
        entry_url("correct", entry), {**data, "amount_0": "0", "reason": "Se anuló la orden."}
    )
    assert response.status_code == 302
    correction = ImpactEntry.objects.exclude(pk=entry.pk).get()
    assert (correction.corrects, correction.status, correction.amount.amount) == (
        entry,
        Status.CLAIMED,
        Decimal("0"),
    )
    assert snapshot(entry) == before
    body = client.get(page(world)).content.decode()
    assert f'data-testid="impact-{entry.pk}-correct"' not in body  # one pending at a time
    assert 'data-testid="impact-pending-correction"' in body
    assert 'data-testid="impact-corrects"' in body


def test_a_claim_is_not_corrected_but_edited(world) -> None:
    entry = world.entry()
    response = login(world.lead_person).get(entry_url("correct", entry))
    assert response.status_code == 302
    response = login(world.lead_person).post(
        entry_url("correct", entry), claim_data("", amount_0="5.00", reason="x"), follow=True
    )
    assert "edit or withdraw a claim" in flashed(response)
    assert ImpactEntry.objects.count() == 1


# --- Confirm and reject ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("sponsor_person", True),
        ("manager", True),
        ("lead_person", False),
        ("partner_person", False),
        ("auditor", False),
    ],
)
def test_confirm_by_role(world, role, allowed) -> None:
    entry = world.entry(claimed_by=world.lead_colleague)
    response = login(world.person(role)).post(entry_url("confirm", entry), follow=True)
    entry.refresh_from_db()
    if allowed:
        assert entry.status == Status.CONFIRMED
        assert entry.confirmed_by == world.person(role)
    else:
        assert entry.status == Status.CLAIMED
        assert "Only a sponsor of the project can do this." in flashed(response)


def test_the_claimant_cannot_confirm_and_the_button_says_so(world) -> None:
    entry = world.entry(claimed_by=world.manager)
    client = login(world.manager)
    body = client.get(page(world)).content.decode()
    assert f'data-testid="impact-{entry.pk}-confirm-reason"' in body
    assert "Someone other than the person who claimed it must confirm." in body
    response = client.post(entry_url("confirm", entry), follow=True)
    assert "Someone other than the person who claimed it must confirm." in flashed(response)
    entry.refresh_from_db()
    assert entry.status == Status.CLAIMED


def test_sponsor_rejects_with_a_reason(world) -> None:
    entry = world.entry()
    client = login(world.sponsor_person)
    key = f"impact-{entry.pk}-reject"
    response = client.post(entry_url("reject", entry), {f"{key}-reason": ""})
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.status == Status.CLAIMED
    response = client.post(entry_url("reject", entry), {f"{key}-reason": "No hay orden firmada."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.rejected_reason) == (Status.REJECTED, "No hay orden firmada.")
    body = login(world.lead_person).get(page(world)).content.decode()
    assert "No hay orden firmada." in body
    assert f'data-testid="impact-{entry.pk}-edit"' not in body


def test_confirming_a_confirmed_entry_is_refused(world) -> None:
    entry = world.entry(Status.CONFIRMED)
    before = snapshot(entry)
    response = login(world.sponsor_person).post(entry_url("confirm", entry), follow=True)
    assert "can no longer change" in flashed(response)
    assert snapshot(entry) == before


def test_entry_of_another_project_is_404(world) -> None:
    other = impact_world()
    entry = other.entry()
    response = login(world.sponsor_person).post(
        reverse(
            "challenges:project_impact_confirm",
            kwargs={"project_id": world.project.pk, "entry_id": entry.pk},
        )
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == Status.CLAIMED


def test_badges_of_the_ledger(world) -> None:
    verified = world.entry(Status.VERIFIED, description="Contrato verificado")
    confirmed = world.entry(Status.CONFIRMED, description="Contrato confirmado")
    world.entry(Status.REJECTED, description="Rechazado", rejected_reason="Sin evidencia")
    body = login(world.partner_person).get(page(world)).content.decode()
    assert body.count('data-testid="impact-entry"') == 3
    assert body.count('data-testid="impact-counts"') == 1
    assert f'id="entry-{verified.pk}"' in body
    assert f'id="entry-{confirmed.pk}"' in body
    assert "Verified by the secretariat" in body
    assert "Confirmed by the sponsor" in body
    assert "Sin evidencia" in body
    # The partner sees the ledger but has no buttons on it.
    assert "-correct" not in body
    assert "-confirm" not in body
