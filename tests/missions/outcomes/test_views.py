"""Outcomes on the delegate's page (record, agreements, a contract into the ledger) and the
coordinators' outcome page (rows, totals per currency, ledger links, constant queries)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from challenges.models import ImpactEntry, ProjectOrganization
from missions.models import Agreement, Application, Mission, Outcome
from tests.challenges.factories import ProjectFactory, ProjectOrganizationFactory
from tests.missions.factories import AgreementFactory, ApplicationFactory, OutcomeFactory
from tests.missions.readiness.world import PEOPLE, STAFF, World, coordinator, make_world
from tests.queries import run_counted

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def travelled(**kwargs: Any) -> World:
    return make_world(status=Mission.Status.COMPLETED, starts_in=-10, checklist=False, **kwargs)


def page(world: World) -> str:
    return reverse("missions:delegate_detail", args=[world.delegate.pk])


def test_no_outcome_section_before_the_mission_is_under_way() -> None:
    world = make_world()
    body = login(world.delegate.person).get(page(world)).content.decode()
    assert 'data-testid="outcome-form"' not in body


@pytest.mark.parametrize("who", ["delegate", "org_admin", "other_delegate", "coordinator"])
def test_recording_the_outcome_from_the_page(who: str) -> None:
    world = travelled()
    url = reverse("missions:outcome_record", args=[world.delegate.pk])
    response = login(world.person(who)).post(
        url,
        {
            "outcome-contacts_made": "9",
            "outcome-agreements": "1",
            "outcome-business_generated_0": "25000.00",
            "outcome-business_generated_1": "USD",
            "outcome-follow_ups": "Llamada en julio",
        },
    )
    outcome = Outcome.objects.filter(delegate=world.delegate).first()
    if who in {"delegate", "org_admin"}:
        assert response.status_code == 302
        assert outcome is not None
        assert outcome.business_generated == Money(Decimal("25000.00"), "USD")
    else:
        assert response.status_code in (302, 404)
        assert outcome is None


def test_bad_outcome_input_is_shown_on_the_form() -> None:
    world = travelled()
    url = reverse("missions:outcome_record", args=[world.delegate.pk])
    response = login(world.delegate.person).post(
        url, {"outcome-contacts_made": "-1", "outcome-agreements": "x"}
    )
    assert response.status_code == 400
    assert not Outcome.objects.exists()


def test_agreement_then_contract_into_the_ledger_from_the_page() -> None:
    world = travelled()
    client = login(world.delegate.person)
    response = client.post(
        reverse("missions:agreement_create", args=[world.delegate.pk]),
        {
            "agreement-kind": "contract",
            "agreement-counterpart": "Codelco Norte",
            "agreement-description": "Contrato de monitoreo",
            "agreement-value_0": "40000.00",
            "agreement-value_1": "USD",
            "agreement-signed_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    # No project led by the organization: the ledger is not offered.
    assert 'data-testid="impact-form"' not in client.get(page(world)).content.decode()
    project = ProjectFactory()
    ProjectOrganizationFactory(project=project, organization=world.application.organization)
    assert 'data-testid="impact-form"' in client.get(page(world)).content.decode()
    url = reverse("missions:agreement_impact", args=[world.delegate.pk, agreement.pk])
    response = client.post(url, {f"impact-{agreement.pk}-project": str(project.pk)})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.impact_entry is not None
    assert agreement.impact_entry.project_id == project.pk
    body = client.get(page(world)).content.decode()
    assert 'data-testid="impact-form"' not in body
    ledger = reverse("challenges:project_detail", args=[project.pk])
    assert f"{ledger}#entry-{agreement.impact_entry.pk}" in body


def test_a_project_of_another_organization_cannot_be_chosen() -> None:
    world = travelled()
    agreement = AgreementFactory(
        delegate=world.delegate,
        kind="contract",
        value=Money(Decimal("10"), "PEN"),
        signed_on=timezone.localdate(),
    )
    ProjectOrganizationFactory(organization=world.application.organization)
    other = ProjectFactory()
    ProjectOrganizationFactory(project=other)
    url = reverse("missions:agreement_impact", args=[world.delegate.pk, agreement.pk])
    response = login(world.delegate.person).post(url, {f"impact-{agreement.pk}-project": other.pk})
    assert response.status_code == 400
    assert not ImpactEntry.objects.exists()


# --- The coordinators' page -------------------------------------------------------------------


def outcomes_url(world: World) -> str:
    return reverse("missions_staff:outcomes", args=[world.mission.pk])


@pytest.mark.parametrize("who", PEOPLE + STAFF)
def test_who_reads_the_outcome_page(who: str) -> None:
    world = travelled()
    response = login(world.person(who)).get(outcomes_url(world))
    if who in {"coordinator", "auditor"}:
        assert response.status_code == 200
    elif who == "visitor":
        assert response.status_code == 302
    else:
        assert response.status_code in (403, 404)


def test_totals_per_currency_never_mixed() -> None:
    world = travelled()
    OutcomeFactory(
        delegate=world.delegate, contacts_made=5, business_generated=Money(Decimal("1000"), "USD")
    )
    OutcomeFactory(
        delegate=world.other_delegate,
        contacts_made=7,
        business_generated=Money(Decimal("3500.50"), "PEN"),
    )
    third = ApplicationFactory(
        mission=world.mission, status=Application.Status.ACCEPTED, delegates=1
    ).delegates.get()
    OutcomeFactory(delegate=third, contacts_made=1, business_generated=Money(Decimal("500"), "USD"))
    entry_project = ProjectFactory()
    ProjectOrganizationFactory(project=entry_project, role=ProjectOrganization.Role.LEAD)
    AgreementFactory(delegate=world.delegate, counterpart="Roy Hill")
    body = login(coordinator()).get(outcomes_url(world)).content.decode()
    assert 'data-testid="total-contacts">13<' in body
    assert "US$\xa01,500.00" in body
    assert "S/\xa03,500.50" in body
    assert "5,000" not in body  # never 1,500 + 3,500.50
    assert body.count('data-testid="outcome-row"') == 3
    assert "Roy Hill" in body


#: Measured: 7 (session, user, staff checks, the mission, delegates with people, organizations
#: and outcomes, their agreements with their ledger entries).
OUTCOME_QUERIES = 7


def test_outcome_page_queries_do_not_grow() -> None:
    world = travelled()
    OutcomeFactory(delegate=world.delegate)
    AgreementFactory(delegate=world.delegate, counterpart="Roy Hill")
    client = login(coordinator())
    _, small = run_counted(OUTCOME_QUERIES, client.get, outcomes_url(world), expect=["Roy Hill"])
    for n in range(4):
        delegate = ApplicationFactory(
            mission=world.mission, status=Application.Status.ACCEPTED, delegates=1
        ).delegates.get()
        OutcomeFactory(delegate=delegate)
        entry = AgreementFactory(delegate=delegate, counterpart=f"Counterpart {n}")
        assert entry.pk
    _, large = run_counted(OUTCOME_QUERIES, client.get, outcomes_url(world))
    assert large == small
