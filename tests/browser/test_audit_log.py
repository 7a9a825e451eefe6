"""The audit log in a real browser: a member of staff (password + authenticator code) opens it
from the staff area and narrows it down by who acted and by the kind of record."""

from __future__ import annotations

import re

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import expect

from members.models import Organization
from tests.browser.helpers import (
    click_and_wait,
    goto,
    log_in,
    record_console_errors,
    serious_accessibility_violations,
    switch_to_english,
)
from tests.members.factories import CapabilityFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def entries_count(page) -> int:
    return int(re.match(r"\d+", page.get_by_test_id("audit-count").inner_text().strip()).group())


def column(page, index: int) -> list[str]:
    """One part of every audit entry (1 who, 3 record) as shown under its sentence."""
    test_id = {1: "audit-who", 3: "audit-record"}[index]
    rows = page.get_by_test_id("audit-row")
    return [rows.nth(i).get_by_test_id(test_id).inner_text() for i in range(rows.count())]


def test_staff_filters_the_audit_log_by_actor_and_record_type(page) -> None:
    staff = UserFactory(email="secretaria@clusterminero.pe", totp=True, roles=["auditor"])
    alicia = UserFactory(
        email="alicia@clusterminero.pe", full_name="Alicia Ramos Tito", is_staff=True
    )
    beto = UserFactory(email="beto@andestech.pe", full_name="Beto Condori Huanca")
    # Who did it: the person's name, with the address for the staff reading the log.
    beto_shown = "Beto Condori Huanca (beto@andestech.pe)"
    with set_actor(alicia):
        OrganizationFactory(legal_name="Alfa Minera S.A.", trade_name="Alfa Minera")
        CapabilityFactory(dimension="service_area", slug="drones", name_en="Drone surveys")
    with set_actor(beto):
        organization = OrganizationFactory(
            legal_name="Beta Servicios S.A.C.", trade_name="Beta Servicios"
        )
        organization.legal_name = "Beta Servicios Mineros S.A.C."
        organization.save()
        CapabilityFactory(dimension="service_area", slug="relaves", name_en="Tailings")
    console_errors = record_console_errors(page)

    goto(page, "/")
    switch_to_english(page)
    log_in(page, staff, totp_secret=staff.totp_secret)
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name="Staff area"))
    click_and_wait(page, page.get_by_role("main").get_by_role("link", name="Audit log"))
    expect(page).to_have_url(re.compile(r"/staff/audit/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    assert entries_count(page) == LogEntry.objects.count()
    assert serious_accessibility_violations(page) == []

    # Who: only Beto's entries (the organization created and renamed, the capability).
    filters = page.get_by_test_id("audit-filters")
    filters.get_by_label("Actor email").fill("beto@")
    click_and_wait(page, filters.get_by_role("button", name="Filter"))
    expect(page.get_by_test_id("audit-row")).to_have_count(3)
    assert entries_count(page) == 3
    assert set(column(page, 1)) == {beto_shown}
    records = " ".join(column(page, 3))
    assert "Beta Servicios" in records
    assert "Alfa Minera" not in records

    # ...and of those, the capabilities only.
    filters = page.get_by_test_id("audit-filters")
    filters.get_by_label("Record type").select_option(label="Capability")
    click_and_wait(page, filters.get_by_role("button", name="Filter"))
    expect(page.get_by_test_id("audit-row")).to_have_count(1)
    assert column(page, 1) == [beto_shown]
    assert column(page, 3)[0].startswith("Capability")
    # The filters stay filled in.
    expect(page.get_by_test_id("audit-filters").get_by_label("Actor email")).to_have_value("beto@")

    # Record type alone: every organization entry, whoever made it.
    click_and_wait(page, page.get_by_test_id("audit-filters").get_by_role("link", name="Clear"))
    expect(page.get_by_test_id("audit-filters").get_by_label("Actor email")).to_have_value("")
    filters = page.get_by_test_id("audit-filters")
    filters.get_by_label("Record type").select_option(label="Organization")
    click_and_wait(page, filters.get_by_role("button", name="Filter"))
    organization_type = ContentType.objects.get_for_model(Organization)
    expected = LogEntry.objects.filter(content_type=organization_type).count()
    assert expected >= 3
    expect(page.get_by_test_id("audit-row")).to_have_count(expected)
    assert all(record.startswith("Organization") for record in column(page, 3))
    assert {"Alicia Ramos Tito (alicia@clusterminero.pe)", beto_shown} <= set(column(page, 1))
    assert console_errors == []
