"""missions.services.outcomes: outcomes, agreements, a contract into the impact ledger, and the
outcome reminders."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from djmoney.money import Money

from challenges.models import ImpactEntry, ProjectOrganization
from missions.models import Agreement, Mission, Outcome, OutcomeReminder
from missions.services.outcomes import (
    agreement_record,
    agreement_to_impact,
    outcome_record,
    outcome_reminders_send,
)
from notifications.models import Notification
from tests.challenges.factories import ProjectFactory, ProjectOrganizationFactory
from tests.missions.factories import OutcomeFactory
from tests.missions.readiness.world import World, make_world

pytestmark = pytest.mark.django_db


def travelled(status: str = Mission.Status.COMPLETED, returned_days_ago: int = 3) -> World:
    """A mission back ``returned_days_ago`` days ago."""
    return make_world(status=status, starts_in=-7 - returned_days_ago, checklist=False)


OUTCOME = {
    "contacts_made": 12,
    "agreements": 2,
    "follow_ups": "Visita técnica en mayo.",
    "business_generated": Money(Decimal("50000.00"), "USD"),
}


@pytest.mark.parametrize("who", ["delegate", "org_admin"])
def test_outcome_created_then_updated(who: str) -> None:
    world = travelled()
    actor = world.person(who)
    outcome = outcome_record(actor=actor, delegate=world.delegate, data=OUTCOME)
    assert outcome.pk
    assert outcome.business_generated == Money(Decimal("50000.00"), "USD")
    again = outcome_record(actor=actor, delegate=world.delegate, data={"contacts_made": 15})
    assert again.pk == outcome.pk
    assert Outcome.objects.get(delegate=world.delegate).contacts_made == 15


@pytest.mark.parametrize("who", ["other_delegate", "org_member", "coordinator", "stranger"])
def test_others_may_not_record_an_outcome(who: str) -> None:
    world = travelled()
    with pytest.raises(PermissionDenied):
        outcome_record(actor=world.person(who), delegate=world.delegate, data=OUTCOME)
    assert not Outcome.objects.exists()


def test_no_outcome_before_the_mission_is_under_way() -> None:
    world = make_world()  # confirmed, departs in 90 days
    with pytest.raises(PermissionDenied):
        outcome_record(actor=world.delegate.person, delegate=world.delegate, data=OUTCOME)


def test_bad_outcome_input_changes_nothing() -> None:
    world = travelled()
    with pytest.raises(ValidationError) as error:
        outcome_record(
            actor=world.delegate.person,
            delegate=world.delegate,
            data={"business_generated": Money(Decimal("-1"), "PEN")},
        )
    assert "business_generated" in error.value.message_dict
    with pytest.raises(ValidationError):
        outcome_record(
            actor=world.delegate.person, delegate=world.delegate, data={"contacts_made": -3}
        )
    with pytest.raises(ValueError, match="Unexpected"):
        outcome_record(actor=world.delegate.person, delegate=world.delegate, data={"x": 1})
    assert not Outcome.objects.exists()


def contract(world: World, **kwargs: object) -> Agreement:
    data = {
        "kind": Agreement.Kind.CONTRACT,
        "counterpart": "BHP Nickel West",
        "description": "Orden de compra de sensores.",
        "value": Money(Decimal("80000.00"), "USD"),
        "signed_on": timezone.localdate() - datetime.timedelta(days=1),
        **kwargs,
    }
    return agreement_record(actor=world.delegate.person, delegate=world.delegate, data=data)


def test_agreement_recorded_and_a_future_date_refused() -> None:
    world = travelled()
    agreement = contract(world)
    assert agreement.mission_id == world.mission.pk
    assert agreement.created_by == world.delegate.person
    with pytest.raises(ValidationError) as error:
        contract(world, signed_on=timezone.localdate() + datetime.timedelta(days=2))
    assert "signed_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        contract(world, counterpart="")
    assert Agreement.objects.count() == 1


def lead_project(world: World) -> object:
    project = ProjectFactory()
    ProjectOrganizationFactory(project=project, organization=world.application.organization)
    ProjectOrganizationFactory(project=project, role=ProjectOrganization.Role.SPONSOR)
    return project


def test_a_contract_goes_to_the_ledger_of_a_project_the_organization_leads() -> None:
    world = travelled()
    agreement = contract(world)
    project = lead_project(world)
    linked = agreement_to_impact(actor=world.delegate.person, agreement=agreement, project=project)
    entry = ImpactEntry.objects.get(pk=linked.impact_entry_id)
    assert (entry.project_id, entry.kind, entry.status) == (project.pk, "contract", "claimed")  # type: ignore[attr-defined]
    assert entry.amount == Money(Decimal("80000.00"), "USD")
    assert "BHP Nickel West" in entry.description
    with pytest.raises(ValidationError):  # only once
        agreement_to_impact(actor=world.delegate.person, agreement=agreement, project=project)
    assert ImpactEntry.objects.count() == 1


def test_no_ledger_entry_for_an_mou_or_another_organizations_project() -> None:
    world = travelled()
    mou = contract(world, kind=Agreement.Kind.MOU)
    project = lead_project(world)
    with pytest.raises(ValidationError) as error:
        agreement_to_impact(actor=world.delegate.person, agreement=mou, project=project)
    assert "kind" in error.value.message_dict
    other = ProjectFactory()
    ProjectOrganizationFactory(project=other)
    with pytest.raises(ValidationError) as error:
        agreement_to_impact(actor=world.delegate.person, agreement=contract(world), project=other)
    assert "project" in error.value.message_dict
    # The organization is a partner, not the lead, of a third project.
    partner = ProjectFactory()
    ProjectOrganizationFactory(
        project=partner,
        organization=world.application.organization,
        role=ProjectOrganization.Role.PARTNER,
    )
    with pytest.raises(ValidationError):
        agreement_to_impact(actor=world.delegate.person, agreement=contract(world), project=partner)
    assert not ImpactEntry.objects.exists()


def test_a_delegate_not_of_the_lead_may_not_claim() -> None:
    world = travelled()
    agreement = contract(world)
    project = lead_project(world)
    with pytest.raises(PermissionDenied):
        agreement_to_impact(actor=world.org_member, agreement=agreement, project=project)
    assert not ImpactEntry.objects.exists()


# --- Reminders -------------------------------------------------------------------------------


def test_outcome_reminders_first_after_return_then_last_each_once() -> None:
    world = travelled(Mission.Status.TRAVELLING, returned_days_ago=0)
    ends = world.mission.ends_on
    assert outcome_reminders_send(today=ends) == 0  # not back yet
    day_after = ends + datetime.timedelta(days=1)
    assert outcome_reminders_send(today=day_after) == 2
    assert outcome_reminders_send(today=day_after) == 0
    assert outcome_reminders_send(today=day_after + datetime.timedelta(days=5)) == 0
    OutcomeFactory(delegate=world.other_delegate)  # recorded: no last reminder
    last = ends + datetime.timedelta(days=14)
    assert outcome_reminders_send(today=last) == 1
    assert outcome_reminders_send(today=last) == 0
    assert sorted(
        OutcomeReminder.objects.filter(delegate=world.delegate).values_list("kind", flat=True)
    ) == ["first", "last"]
    notes = Notification.objects.filter(
        recipient=world.delegate.person, event="missions.outcome_reminder"
    )
    assert notes.count() == 2
    assert notes.first().url == f"/missions/delegates/{world.delegate.pk}/"  # type: ignore[union-attr]


def test_no_outcome_reminder_for_old_or_cancelled_missions() -> None:
    old = travelled(returned_days_ago=90)
    assert outcome_reminders_send() == 0
    cancelled = make_world(status=Mission.Status.CANCELLED, starts_in=-10, checklist=False)
    assert outcome_reminders_send() == 0
    assert old.delegate.pk
    assert cancelled.delegate.pk


def test_the_outcome_task_sends_once() -> None:
    from missions.tasks import send_outcome_reminders

    travelled(returned_days_ago=2)
    assert send_outcome_reminders() == 2
    assert send_outcome_reminders() == 0
