"""Membership dues: the service's permission matrix and validation (a refusal changes nothing),
the secretariat's form on the staff organization page, the read-only view of the
organization's admins, and the demo data."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from djmoney.money import Money

from cluster_portal.core import roles as staff_roles
from cluster_portal.files.models import Attachment
from cluster_portal.files.storage import PrivateFileSystemStorage
from members.models import Organization
from members.services.dues import (
    DUES_PAID_UNTIL_MAX_DAYS_BACK,
    dues_paid_until_bounds,
    organization_dues_record,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory
from tests.permission_matrix import STAFF_ROLES, client_for, staff_user, user_for

pytestmark = pytest.mark.django_db

NBSP = "\xa0"
TODAY = timezone.localdate()
YEAR_END = datetime.date(TODAY.year, 12, 31)

#: Who may record dues: whoever may decide memberships.
ALLOWED = {staff_roles.MEMBERSHIP_OFFICER, staff_roles.ADMINISTRATOR}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def organization() -> Organization:
    return OrganizationFactory(
        membership_status=Organization.MembershipStatus.ACTIVE, trade_name="Cuotas Andinas"
    )


def dues_of(organization: Organization) -> tuple[object, ...]:
    organization.refresh_from_db()
    return (organization.annual_dues, organization.dues_paid_until)


def dues_decisions(organization: Organization) -> list[str]:
    return [
        entry.additional_data["decision"]
        for entry in LogEntry.objects.get_for_object(organization)
        if entry.additional_data and "decision" in entry.additional_data
    ]


# --- Service -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*STAFF_ROLES, "org_admin", "org_member", "other_member"])
def test_service_permission_matrix(role: str, organization: Organization) -> None:
    actor = user_for(role, organization)
    assert actor is not None
    if role in ALLOWED:
        organization_dues_record(
            actor=actor,
            organization=organization,
            amount=Money("2500.00", "PEN"),
            paid_until=YEAR_END,
        )
        assert dues_of(organization) == (Money("2500.00", "PEN"), YEAR_END)
        assert dues_decisions(organization) == ["organization.dues_record"]
    else:
        with pytest.raises(PermissionDenied):
            organization_dues_record(
                actor=actor,
                organization=organization,
                amount=Money("2500.00", "PEN"),
                paid_until=YEAR_END,
            )
        assert dues_of(organization) == (None, None)
        assert dues_decisions(organization) == []


def test_a_superuser_may_record_dues(organization: Organization) -> None:
    organization_dues_record(
        actor=UserFactory(is_staff=True, is_superuser=True),
        organization=organization,
        amount=Money("100", "USD"),
        paid_until=TODAY,
    )
    assert dues_of(organization) == (Money("100.00", "USD"), TODAY)


def test_recording_again_replaces_the_dues_and_audits_both(organization: Organization) -> None:
    officer = staff_user(staff_roles.MEMBERSHIP_OFFICER)
    organization_dues_record(
        actor=officer, organization=organization, amount=Money("2500", "PEN"), paid_until=TODAY
    )
    organization_dues_record(
        actor=officer, organization=organization, amount=Money("900", "USD"), paid_until=YEAR_END
    )
    assert dues_of(organization) == (Money("900.00", "USD"), YEAR_END)
    entries = [
        e
        for e in LogEntry.objects.get_for_object(organization).order_by("pk")
        if e.additional_data and e.additional_data.get("decision") == "organization.dues_record"
    ]
    assert [e.changes_dict["annual_dues"] for e in entries] == [
        ["None", "PEN 2500.00"],
        ["PEN 2500.00", "USD 900.00"],
    ]


EARLIEST, LATEST = dues_paid_until_bounds(TODAY)


@pytest.mark.parametrize(
    ("amount", "paid_until", "field", "code"),
    [
        (Money("0", "PEN"), YEAR_END, "amount", "min_value"),
        (Money("-10", "PEN"), YEAR_END, "amount", "min_value"),
        (Money("10.001", "PEN"), YEAR_END, "amount", "cents"),
        (Money("10", "EUR"), YEAR_END, "amount", "currency"),
        (Money("10", "PEN"), EARLIEST - datetime.timedelta(days=1), "paid_until", None),
        (Money("10", "PEN"), LATEST + datetime.timedelta(days=1), "paid_until", None),
        (Money("10", "PEN"), datetime.date(1900, 1, 1), "paid_until", None),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    organization: Organization,
    amount: Money,
    paid_until: datetime.date,
    field: str,
    code: str | None,
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        organization_dues_record(
            actor=staff_user(staff_roles.MEMBERSHIP_OFFICER),
            organization=organization,
            amount=amount,
            paid_until=paid_until,
        )
    assert field in excinfo.value.message_dict
    if code:
        assert code in {e.code for e in excinfo.value.error_dict[field]}
    assert dues_of(organization) == (None, None)
    assert dues_decisions(organization) == []


def test_the_date_range_is_about_a_year_back_and_three_ahead() -> None:
    assert (TODAY - EARLIEST).days == DUES_PAID_UNTIL_MAX_DAYS_BACK
    assert LATEST.year == TODAY.year + 3
    leap_day = datetime.date(2028, 2, 29)
    assert dues_paid_until_bounds(leap_day)[1] == datetime.date(2031, 2, 28)


def test_an_organization_outside_the_cluster_has_no_dues() -> None:
    outsider = OrganizationFactory(membership_status=Organization.MembershipStatus.NONE)
    with pytest.raises(ValidationError) as excinfo:
        organization_dues_record(
            actor=staff_user(staff_roles.MEMBERSHIP_OFFICER),
            organization=outsider,
            amount=Money("10", "PEN"),
            paid_until=YEAR_END,
        )
    assert excinfo.value.code == "not_member"
    assert dues_of(outsider) == (None, None)


# --- Pages -------------------------------------------------------------------------------------


def detail_url(organization: Organization) -> str:
    return reverse("members_staff:organization_detail", args=[organization.pk])


def dues_url(organization: Organization) -> str:
    return reverse("members_staff:organization_dues", args=[organization.pk])


def post_data(amount: str = "2500.50", currency: str = "PEN", paid_until: object = YEAR_END):
    return {"amount_0": amount, "amount_1": currency, "paid_until": str(paid_until)}


def test_officer_sees_the_form_and_records_dues(organization: Organization) -> None:
    client = client_for(staff_roles.MEMBERSHIP_OFFICER)
    page = client.get(detail_url(organization)).content.decode()
    assert 'data-testid="dues-panel"' in page
    assert 'data-testid="dues-form"' in page
    response = client.post(dues_url(organization), post_data())
    assert response.status_code == 302
    assert response["Location"] == detail_url(organization)
    assert dues_of(organization) == (Money("2500.50", "PEN"), YEAR_END)
    page = client.get(detail_url(organization)).content.decode()
    assert f"S/{NBSP}2,500.50" in page
    assert "have been recorded" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (post_data(currency="EUR"), "Select a valid choice"),
        (post_data(amount="0"), "greater than or equal to 0.01"),
        (post_data(amount="10.555"), "2 decimal places"),
        (post_data(paid_until=datetime.date(1999, 1, 1)), "Choose a date between"),
    ],
)
def test_bad_input_shows_the_form_again_and_changes_nothing(
    organization: Organization, data: dict[str, str], message: str
) -> None:
    client = client_for(staff_roles.MEMBERSHIP_OFFICER)
    response = client.post(dues_url(organization), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert dues_of(organization) == (None, None)


@pytest.mark.parametrize("role", [staff_roles.AUDITOR, "staff_no_role", "org_admin"])
def test_others_cannot_record_dues(role: str, organization: Organization) -> None:
    client = client_for(role, organization)
    assert client.post(dues_url(organization), post_data()).status_code in (403, 404)
    assert client.get(dues_url(organization)).status_code in (403, 404)
    assert dues_of(organization) == (None, None)


def test_auditor_reads_the_dues_without_a_form(organization: Organization) -> None:
    organization_dues_record(
        actor=staff_user(staff_roles.MEMBERSHIP_OFFICER),
        organization=organization,
        amount=Money("1200", "USD"),
        paid_until=TODAY - datetime.timedelta(days=10),
    )
    page = client_for(staff_roles.AUDITOR).get(detail_url(organization)).content.decode()
    assert f"US${NBSP}1,200.00" in page
    assert "Overdue" in page
    assert 'data-testid="dues-form"' not in page


@pytest.mark.parametrize(("role", "sees"), [("org_admin", True), ("org_member", False)])
def test_team_page_shows_dues_to_the_organization_s_admins(
    role: str, sees: bool, organization: Organization
) -> None:
    organization_dues_record(
        actor=staff_user(staff_roles.MEMBERSHIP_OFFICER),
        organization=organization,
        amount=Money("3500", "PEN"),
        paid_until=YEAR_END,
    )
    client = client_for(role, organization)
    page = client.get(reverse("members:team", args=[organization.pk])).content.decode()
    assert (f"S/{NBSP}3,500.00" in page) is sees
    assert ('data-testid="dues-summary"' in page) is sees


def test_organization_page_query_count(organization: Organization, max_queries) -> None:
    OrganizationMemberFactory(organization=organization)
    organization_dues_record(
        actor=staff_user(staff_roles.MEMBERSHIP_OFFICER),
        organization=organization,
        amount=Money("3500", "PEN"),
        paid_until=YEAR_END,
    )
    client = client_for(staff_roles.MEMBERSHIP_OFFICER)
    max_queries(15, client.get, detail_url(organization), expect=[f"S/{NBSP}3,500.00"])


# --- Demo --------------------------------------------------------------------------------------


def test_demo_dues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from members import demo
    from members.demo import dues as demo_dues
    from members.demo.organizations import demo_ruc

    field = Attachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", PrivateFileSystemStorage(location=str(tmp_path)))
    demo.seed(stdout=io.StringIO())
    recorded = Organization.objects.filter(annual_dues__isnull=False)
    assert recorded.count() == len(demo_dues.DUES)
    logichili = Organization.objects.get(ruc=demo_ruc("logichili"))
    assert logichili.dues_paid_until is not None
    assert logichili.dues_paid_until < TODAY
    assert Organization.objects.get(ruc=demo_ruc("atacama")).annual_dues.currency.code == "USD"
    entries = LogEntry.objects.count()
    demo.seed(stdout=io.StringIO())  # idempotent: nothing recorded twice
    assert LogEntry.objects.count() == entries
