"""The Django admin cannot change or delete a confirmed or verified impact entry (issue 11: "cannot
be changed through form, API, admin or service"), not even for a superuser; a claim stays
editable there, and nothing is added through the admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from challenges.models import ImpactEntry
from tests.challenges.factories import ImpactEntryFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

Status = ImpactEntry.Status


@pytest.fixture
def admin_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, totp=True))
    return client


def _form(entry: ImpactEntry, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "project": entry.project_id,
        "kind": entry.kind,
        "description": entry.description,
        "occurred_on": entry.occurred_on.isoformat(),
        "amount_0": str(entry.amount.amount),
        "amount_1": str(entry.amount.currency),
        "count": "",
        "counterpart": "",
        "corrects": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.VERIFIED])
def test_the_admin_cannot_change_or_delete_a_frozen_entry(
    admin_client: Client, status: str
) -> None:
    entry = ImpactEntryFactory(status=status)
    change_url = reverse("admin:challenges_impactentry_change", args=[entry.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200  # read only
    assert not page.context["has_change_permission"]
    assert not page.context["has_delete_permission"]
    posted = admin_client.post(change_url, _form(entry, description="Cambiado en el admin"))
    assert posted.status_code == 403
    deleted = admin_client.post(
        reverse("admin:challenges_impactentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    bulk = admin_client.post(
        reverse("admin:challenges_impactentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    stored = ImpactEntry.objects.get(pk=entry.pk)
    assert stored.description == entry.description
    assert stored.status == status


def test_a_claim_is_editable_in_the_admin_but_entries_are_not_added_there(
    admin_client: Client,
) -> None:
    entry = ImpactEntryFactory(status=Status.CLAIMED)
    change_url = reverse("admin:challenges_impactentry_change", args=[entry.pk])
    assert admin_client.get(change_url).context["has_change_permission"]
    response = admin_client.post(change_url, _form(entry, description="Descripción corregida"))
    assert response.status_code == 302
    assert ImpactEntry.objects.get(pk=entry.pk).description == "Descripción corregida"
    assert admin_client.get(reverse("admin:challenges_impactentry_add")).status_code == 403
