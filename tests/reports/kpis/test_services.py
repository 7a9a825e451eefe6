"""Closing a reporting period (reports.services.kpis.period_close) and kpis_for_period."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cluster_portal.core.roles import ADMINISTRATOR, AUDITOR, REPORTING_OFFICER
from reports.kpis import current_period, previous_period
from reports.models import ClosedPeriod
from reports.selectors.kpis import kpis_compute, kpis_for_period
from reports.services.kpis import period_close
from tests.challenges.factories import ChallengeFactory
from tests.members.factories import UserFactory
from tests.reports.factories import ClosedPeriodFactory

pytestmark = pytest.mark.django_db


def last_month():
    return previous_period(current_period("month", timezone.localdate()))


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def officer():
    return UserFactory(is_staff=True, totp=True, roles=[REPORTING_OFFICER])


def test_closing_freezes_the_figures_and_is_audited(officer) -> None:
    period = last_month()
    ChallengeFactory(submitted_at=noon(period.starts_on))
    closed = period_close(
        actor=officer, kind="month", starts_on=period.starts_on, note="  Sent to CAF.  "
    )
    assert (closed.kind, closed.starts_on, closed.ends_on) == (
        "month",
        period.starts_on,
        period.ends_on,
    )
    assert closed.note == "Sent to CAF."
    assert closed.closed_by == officer
    assert closed.figures["funnel"]["challenges"] == 1
    assert closed.figures["period"]["ends_on"] == period.ends_on.isoformat()
    entry = LogEntry.objects.get_for_object(closed).get()
    assert entry.additional_data["decision"] == "reporting_period.close"
    assert entry.actor == officer


def test_a_closed_period_does_not_change_when_the_data_does(officer) -> None:
    period = last_month()
    ChallengeFactory(submitted_at=noon(period.starts_on))
    period_close(actor=officer, kind="month", starts_on=period.starts_on)
    ChallengeFactory(submitted_at=noon(period.ends_on))  # reported late, inside the period
    live = kpis_compute(starts_on=period.starts_on, ends_on=period.ends_on)
    view = kpis_for_period(kind="month", starts_on=period.starts_on)
    assert live["funnel"]["challenges"] == 2
    assert view.figures["funnel"]["challenges"] == 1
    assert (view.status, view.is_live, view.closed_by) == ("closed", False, officer)


def test_an_open_period_is_live() -> None:
    period = current_period("month", timezone.localdate())
    view = kpis_for_period(kind="month", starts_on=period.starts_on)
    assert view.is_live
    assert view.status == "open"
    assert view.closed_at is None


@pytest.mark.parametrize("kind", ["month", "quarter", "year"])
def test_a_period_that_has_not_ended_cannot_be_closed(officer, kind: str) -> None:
    period = current_period(kind, timezone.localdate())
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        period_close(actor=officer, kind=kind, starts_on=period.starts_on)
    assert raised.value.code == "not_ended"
    assert "has not ended yet" in raised.value.messages[0]
    assert not ClosedPeriod.objects.exists()


def test_a_closed_period_cannot_be_closed_again(officer) -> None:
    period = last_month()
    first = ClosedPeriodFactory(
        kind="month",
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        figures={"version": 1, "frozen": True},
        note="first",
    )
    with pytest.raises(ValidationError) as raised:
        period_close(actor=officer, kind="month", starts_on=period.starts_on, note="second")
    assert raised.value.code == "already_closed"
    assert list(ClosedPeriod.objects.values_list("pk", "note", "figures")) == [
        (first.pk, "first", {"version": 1, "frozen": True})
    ]
    assert not LogEntry.objects.filter(additional_data__decision="reporting_period.close")


@pytest.mark.parametrize(
    ("kind", "starts_on", "field"),
    [
        ("week", datetime.date(2025, 1, 1), "kind"),
        ("month", datetime.date(2025, 1, 2), "starts_on"),
        ("quarter", datetime.date(2025, 2, 1), "starts_on"),
    ],
)
def test_a_day_that_names_no_period_is_refused(officer, kind, starts_on, field) -> None:
    with pytest.raises(ValidationError) as raised:
        period_close(actor=officer, kind=kind, starts_on=starts_on)
    assert field in raised.value.message_dict
    assert not ClosedPeriod.objects.exists()


def test_a_note_too_long_is_refused(officer) -> None:
    with pytest.raises(ValidationError) as raised:
        period_close(actor=officer, kind="month", starts_on=last_month().starts_on, note="x" * 2001)
    assert "note" in raised.value.message_dict
    assert not ClosedPeriod.objects.exists()


@pytest.mark.parametrize("roles", [[AUDITOR], []])
def test_only_officers_and_administrators_close(roles) -> None:
    user = UserFactory(is_staff=True, totp=True, roles=roles)
    with pytest.raises(PermissionDenied):
        period_close(actor=user, kind="month", starts_on=last_month().starts_on)
    assert not ClosedPeriod.objects.exists()


def test_an_administrator_closes_a_quarter() -> None:
    admin = UserFactory(is_staff=True, totp=True, roles=[ADMINISTRATOR])
    quarter = previous_period(current_period("quarter", timezone.localdate()))
    closed = period_close(actor=admin, kind="quarter", starts_on=quarter.starts_on)
    assert closed.ends_on == quarter.ends_on
    assert len(closed.figures["members"]["monthly"]) == 3
