"""Membership application references (``CMSP-MEM-<year>-<n>``): taken at submission, gapless
under rollback, numbered for existing rows by the data migration, shown to staff and applicants."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from sequences import get_last_value

from cluster_portal.core.roles import MEMBERSHIP_OFFICER
from members.models import MembershipApplication, Organization
from members.services import membership as services
from tests.members.factories import (
    MembershipApplicationFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
    make_ruc,
)
from tests.permission_matrix import staff_user

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")
YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def organization_data(n: int) -> dict[str, object]:
    return {
        "legal_name": f"Servicios Referencia {n} S.A.C.",
        "trade_name": "",
        "ruc": make_ruc(66_000_000 + n),
        "kind": Organization.Kind.METS_SUPPLIER,
        "mining_scale": "",
        "government_level": "",
        "region": "arequipa",
        "city": "Arequipa",
        "website": "",
    }


def submit(n: int) -> MembershipApplication:
    return services.membership_application_submit(
        actor=UserFactory(), organization_data=organization_data(n), motivation="Queremos innovar."
    )


def test_submission_takes_the_next_reference_of_the_year() -> None:
    first, second = submit(1), submit(2)
    assert first.reference == f"CMSP-MEM-{YEAR}-0001"
    assert second.reference == f"CMSP-MEM-{YEAR}-0002"
    first.refresh_from_db()
    assert first.reference == f"CMSP-MEM-{YEAR}-0001"


def test_applying_again_gets_a_new_reference() -> None:
    organization = OrganizationFactory(membership_status=Organization.MembershipStatus.LAPSED)
    admin = OrganizationMemberFactory(organization=organization, role="admin").user
    submit(1)
    application = services.membership_application_resubmit(
        actor=admin, organization=organization, motivation="Volvemos."
    )
    assert application.reference == f"CMSP-MEM-{YEAR}-0002"


def test_the_year_changes_at_midnight_in_lima() -> None:
    with time_machine.travel(datetime.datetime(2030, 12, 31, 23, 50, tzinfo=LIMA), tick=False):
        assert submit(1).reference == "CMSP-MEM-2030-0001"
    with time_machine.travel(datetime.datetime(2031, 1, 1, 0, 10, tzinfo=LIMA), tick=False):
        assert submit(2).reference == "CMSP-MEM-2031-0001"


def test_a_submission_that_fails_after_taking_a_number_gives_it_back(monkeypatch) -> None:
    def broken_notify(**kwargs: Any) -> None:
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(services, "notify", broken_notify)
    with pytest.raises(RuntimeError):
        submit(1)
    assert not MembershipApplication.objects.exists()
    monkeypatch.undo()
    assert submit(2).reference == f"CMSP-MEM-{YEAR}-0001"


def test_a_refused_submission_takes_no_number() -> None:
    submit(1)
    with pytest.raises(Exception):  # noqa: B017, PT011 - the RUC is taken: any refusal will do
        submit(1)
    assert submit(2).reference == f"CMSP-MEM-{YEAR}-0002"


def test_notifications_get_the_reference(monkeypatch) -> None:
    contexts: list[dict[str, Any]] = []
    original = services.notify

    def recording_notify(**kwargs: Any) -> Any:
        contexts.append(dict(kwargs["context"]))
        return original(**kwargs)

    monkeypatch.setattr(services, "notify", recording_notify)
    officer = staff_user(MEMBERSHIP_OFFICER)
    application = submit(1)
    services.membership_application_approve(actor=officer, application=application)
    assert [c["reference"] for c in contexts] == [application.reference] * 2


def test_the_data_migration_numbers_existing_rows_per_year_in_submission_order() -> None:
    def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
        return datetime.datetime(year, month, day, hour, tzinfo=LIMA)

    made = {
        "b2025": MembershipApplicationFactory(submitted_at=at(2025, 6, 1)),
        "a2025": MembershipApplicationFactory(submitted_at=at(2025, 2, 1)),
        # 23:00 in Lima on Dec 31st is 2026 in UTC: still 2025's.
        "c2025": MembershipApplicationFactory(submitted_at=at(2025, 12, 31, 23)),
        "a2026": MembershipApplicationFactory(submitted_at=at(2026, 1, 1, 1)),
        "kept": MembershipApplicationFactory(
            submitted_at=at(2026, 3, 1), reference="CMSP-MEM-2026-0001"
        ),
    }
    migration = importlib.import_module("members.migrations.0006_number_membership_applications")
    # As if the counter already stood at 1 for 2026 (the application that has a reference).
    apps.get_model("sequences", "Sequence").objects.create(name="CMSP-MEM-2026", last=1)

    migration.number_applications(apps, SimpleNamespace(connection=connection))

    references = {
        key: MembershipApplication.objects.get(pk=a.pk).reference for key, a in made.items()
    }
    assert references == {
        "a2025": "CMSP-MEM-2025-0001",
        "b2025": "CMSP-MEM-2025-0002",
        "c2025": "CMSP-MEM-2025-0003",
        "kept": "CMSP-MEM-2026-0001",
        "a2026": "CMSP-MEM-2026-0002",
    }
    assert get_last_value("CMSP-MEM-2025") == 3
    assert get_last_value("CMSP-MEM-2026") == 2


# --- Pages -------------------------------------------------------------------------------------


def staff_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_user(MEMBERSHIP_OFFICER))
    return client


def test_staff_queue_shows_and_finds_the_reference() -> None:
    application, other = submit(1), submit(2)
    client = staff_client()
    response = client.get(reverse("members_staff:application_list"))
    assert application.reference in response.content.decode()
    response = client.get(
        reverse("members_staff:application_list"), {"q": application.reference.lower()}
    )
    body = response.content.decode()
    assert application.reference in body
    assert other.reference not in body


def test_staff_detail_shows_the_reference() -> None:
    application = submit(1)
    response = staff_client().get(
        reverse("members_staff:application_detail", args=[application.pk])
    )
    assert application.reference in response.content.decode()


def test_the_applicant_sees_the_reference() -> None:
    application = submit(1)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(application.applicant)
    team = client.get(reverse("members:team", args=[application.organization_id]))
    assert f"Reference {application.reference}" in team.content.decode()
    apply_page = client.get(reverse("members:membership_apply"))
    assert application.reference in apply_page.content.decode()
