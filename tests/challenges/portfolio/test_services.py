"""challenges.services.portfolio: projects from awards (hooked into decisions_publish) and
created directly, edits and consent, the lifecycle, organizations and funding, milestones with
evidence and acceptance, KPIs with corrections, progress updates, comments and reminders."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from djmoney.money import Money

from challenges.models import (
    Call,
    Decision,
    Measurement,
    Milestone,
    ProgressReminder,
    Project,
    ProjectFunding,
    ProjectOrganization,
    Proposal,
    ProposalPartner,
)
from challenges.selectors.portfolio import milestone_evidence
from challenges.services import decisions as decision_services
from challenges.services import portfolio as services
from cluster_portal.files.permissions import can_download_attachment
from members.models import Capability, Organization
from notifications.models import Notification
from tests.challenges.factories import (
    CallFactory,
    ChallengeFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    MiningCompanyFactory,
    ProjectFactory,
    ProposalFactory,
    ProposalPartnerFactory,
)
from tests.challenges.portfolio.portfolio_world import PortfolioWorld, pdf, portfolio_world
from tests.members.factories import CapabilityFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _english_at_noon() -> Iterator[None]:
    with (
        time_machine.travel(datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)),
        translation.override("en"),
    ):
        yield


@pytest.fixture
def world() -> PortfolioWorld:
    return portfolio_world(next_update_due=TODAY + datetime.timedelta(days=10))


def notified(user, event: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, event=event))


def decisions(action: str) -> list[LogEntry]:
    return list(LogEntry.objects.filter(additional_data__decision=action))


# --- From an award -------------------------------------------------------------------------------


@pytest.fixture
def award() -> dict:
    """A call in evaluation with a mining sponsor and a commodity, two submitted proposals
    (the first with a confirmed and an invited partner) and a coordinator."""
    copper = CapabilityFactory(dimension=Capability.Dimension.COMMODITY, slug="cobre-test")
    area = CapabilityFactory(dimension=Capability.Dimension.SERVICE_AREA, slug="fajas-test")
    company = MiningCompanyFactory(legal_name="Minera Sur S.A.A.")
    company.capabilities.add(copper)
    challenge = ChallengeFactory(organization=company, region="moquegua", site="Concentradora Sur")
    challenge.service_areas.add(area)
    call = CallFactory(
        status=Call.Status.IN_EVALUATION,
        challenges=[challenge],
        sponsors=[company],
        funding_per_project=Money(Decimal("80000.00"), "PEN"),
    )
    lead = OrganizationFactory(legal_name="Andes Sensores S.A.C.", trade_name="AndesTech")
    first = ProposalFactory(
        call=call,
        lead_organization=lead,
        status=Proposal.Status.SUBMITTED,
        reference="CMSP-2026-0001",
        title="Polines inteligentes",
        summary="Polines con sensores.",
        budget=Money(Decimal("120000.00"), "PEN"),
        co_funding=Money(Decimal("30000.00"), "PEN"),
        trl_start=4,
        trl_end=7,
    )
    confirmed = ProposalPartnerFactory(
        proposal=first,
        status=ProposalPartner.Status.CONFIRMED,
        role="Validación en laboratorio",
    )
    ProposalPartnerFactory(proposal=first, status=ProposalPartner.Status.INVITED)
    second = ProposalFactory(
        call=call, status=Proposal.Status.SUBMITTED, reference="CMSP-2026-0002"
    )
    coordinator = UserFactory(is_staff=True, totp=True, roles=["evaluation_coordinator"])
    return {
        "call": call,
        "company": company,
        "copper": copper,
        "area": area,
        "challenge": challenge,
        "lead": lead,
        "first": first,
        "second": second,
        "partner": confirmed.organization,
        "coordinator": coordinator,
    }


def publish(award: dict, first: str = "award", second: str = "not_selected") -> None:
    for proposal, outcome in ((award["first"], first), (award["second"], second)):
        decision_services.decision_set(
            actor=award["coordinator"], proposal=proposal, outcome=outcome, feedback="Bien."
        )
    decision_services.decisions_publish(
        actor=award["coordinator"], call=award["call"], rationale="Un cupo."
    )


def test_publishing_decisions_turns_each_award_into_a_planned_project(award) -> None:
    publish(award)
    project = Project.objects.get()
    assert project.proposal == award["first"]
    assert project.code.startswith("CMSP-PRY-2026-")
    assert (project.title, project.summary) == ("Polines inteligentes", "Polines con sensores.")
    assert project.status == Project.Status.PLANNED
    assert project.call == award["call"]
    assert list(project.challenges.all()) == [award["challenge"]]
    assert (project.region, project.site) == ("moquegua", "Concentradora Sur")
    assert (project.trl_start, project.trl_target, project.trl_now) == (4, 7, 4)
    assert project.budget == Money(Decimal("120000.00"), "PEN")
    assert project.next_update_due == TODAY + datetime.timedelta(days=30)
    assert list(project.commodities.all()) == [award["copper"]]
    assert list(project.service_areas.all()) == [award["area"]]
    roles = {(p.organization_id, p.role) for p in project.participants.all()}
    assert roles == {
        (award["lead"].pk, "lead"),
        (award["partner"].pk, "partner"),  # the invited partner is not part of it
        (award["company"].pk, "sponsor"),
    }
    partner = project.participants.get(role="partner")
    assert partner.description == "Validación en laboratorio"
    assert decisions("project.create_from_award")[0].actor == award["coordinator"]
    assert not Project.objects.filter(proposal=award["second"]).exists()


def test_an_award_s_funding_is_the_call_s_private_money_and_the_lead_s_co_funding(award) -> None:
    publish(award)
    rows = {
        (f.kind, f.organization_id, f.amount)
        for f in ProjectFunding.objects.filter(project__proposal=award["first"])
    }
    # Asked from the call: 120,000 - 30,000 = 90,000, capped at 80,000 per project; the sponsor
    # is a mining company (private money). The METS lead's co-funding is private too.
    assert rows == {
        ("private", award["company"].pk, Money(Decimal("80000.00"), "PEN")),
        ("private", award["lead"].pk, Money(Decimal("30000.00"), "PEN")),
    }


def test_a_call_funded_by_a_public_body_gives_public_money(award) -> None:
    ministry = OrganizationFactory(kind=Organization.Kind.GOVERNMENT)
    award["call"].sponsors.set([ministry])
    award["first"].co_funding = None
    award["first"].save()
    publish(award)
    funding = ProjectFunding.objects.get(project__proposal=award["first"])
    assert (funding.kind, funding.organization, funding.amount) == (
        "public",
        ministry,
        Money(Decimal("80000.00"), "PEN"),
    )
    project = Project.objects.get(proposal=award["first"])
    assert set(project.participants.filter(role="sponsor").values_list("organization", flat=True))
    assert project.participants.get(role="sponsor").organization == ministry


def test_currencies_are_never_mixed_in_the_funding(award) -> None:
    award["first"].budget = Money(Decimal("50000.00"), "USD")
    award["first"].save()
    publish(award)
    rows = {
        (f.organization_id, f.amount)
        for f in ProjectFunding.objects.filter(project__proposal=award["first"])
    }
    # The PEN co-funding is not taken from the USD budget, nor the PEN cap applied to it.
    assert rows == {
        (award["company"].pk, Money(Decimal("50000.00"), "USD")),
        (award["lead"].pk, Money(Decimal("30000.00"), "PEN")),
    }


def test_creation_from_an_award_is_idempotent_and_needs_a_published_award(award) -> None:
    with pytest.raises(ValidationError) as error:
        services.project_create_from_award(actor=award["coordinator"], proposal=award["first"])
    assert error.value.code == "not_awarded"
    publish(award)
    project = Project.objects.get()
    again = services.project_create_from_award(actor=None, proposal=award["first"])
    assert again == project
    assert Project.objects.count() == 1
    assert ProjectFunding.objects.count() == 2
    with pytest.raises(ValidationError):
        services.project_create_from_award(actor=None, proposal=award["second"])


def test_only_portfolio_managers_and_the_coordinator_create_from_an_award(award) -> None:
    publish(award)
    with pytest.raises(PermissionDenied):
        services.project_create_from_award(
            actor=UserFactory(is_staff=True, totp=True, roles=["call_manager"]),
            proposal=award["first"],
        )


def test_a_failing_project_creation_rolls_the_publication_back(award, monkeypatch) -> None:
    def boom(**kwargs):
        raise ValidationError("no")

    monkeypatch.setattr(services, "project_create_from_award", boom)
    with pytest.raises(ValidationError):
        publish(award)
    assert not Project.objects.exists()
    award["first"].refresh_from_db()
    assert award["first"].status == Proposal.Status.SUBMITTED
    assert not Decision.objects.filter(batch__isnull=False).exists()


def test_the_participants_admins_are_told_of_the_new_project(award) -> None:
    from tests.members.factories import OrganizationMemberFactory

    lead_admin = OrganizationMemberFactory(organization=award["lead"], role="admin").user
    sponsor_admin = OrganizationMemberFactory(organization=award["company"], role="admin").user
    publish(award)
    project = Project.objects.get()
    for person in (lead_admin, sponsor_admin):
        (note,) = notified(person, "challenges.project_created")
        assert project.code in note.title


# --- Direct creation, edits, consent -------------------------------------------------------------


def test_a_portfolio_manager_creates_a_project_directly(world) -> None:
    lead = OrganizationFactory()
    sponsor = MiningCompanyFactory()
    partner = OrganizationFactory(kind=Organization.Kind.ACADEMIA)
    challenge = ChallengeFactory()
    project = services.project_create(
        actor=world.manager,
        data={"title": " Relaves secos ", "budget": Money(Decimal("5000"), "USD"), "trl_start": 3},
        lead=lead,
        partners=[(partner, "Laboratorio")],
        sponsors=[sponsor],
        challenges=[challenge],
    )
    assert project.title == "Relaves secos"
    assert project.budget == Money(Decimal("5000"), "USD")
    assert project.status == "planned"
    assert project.created_by == world.manager
    assert project.next_update_due == TODAY + datetime.timedelta(days=30)
    assert {(p.organization, p.role, p.description) for p in project.participants.all()} == {
        (lead, "lead", ""),
        (partner, "partner", "Laboratorio"),
        (sponsor, "sponsor", ""),
    }
    assert list(project.challenges.all()) == [challenge]
    with pytest.raises(PermissionDenied):
        services.project_create(actor=world.lead_admin, data={"title": "X"}, lead=lead)
    with pytest.raises(ValidationError):
        services.project_create(
            actor=world.manager, data={"title": "X", "trl_start": 7, "trl_target": 3}, lead=lead
        )
    assert Project.objects.count() == 2


def test_manager_fields_are_the_portfolio_manager_s_and_trl_now_the_team_s(world) -> None:
    with pytest.raises(PermissionDenied):
        services.project_update(actor=world.lead_admin, project=world.project, data={"title": "Y"})
    with pytest.raises(PermissionDenied):
        services.project_update(
            actor=world.sponsor_admin, project=world.project, data={"trl_now": 6}
        )
    services.project_update(actor=world.partner_member, project=world.project, data={"trl_now": 6})
    world.project.refresh_from_db()
    assert world.project.trl_now == 6
    (entry,) = decisions("project.update")
    assert entry.changes == {"trl_now": ["5", "6"]}
    services.project_update(
        actor=world.manager,
        project=world.project,
        data={"title": "Nuevo título", "budget": Money(Decimal("99.50"), "USD")},
    )
    world.project.refresh_from_db()
    assert world.project.title == "Nuevo título"
    assert world.project.budget == Money(Decimal("99.50"), "USD")


def test_a_new_schedule_moves_the_next_update_due(world) -> None:
    services.project_update(
        actor=world.manager, project=world.project, data={"update_every_days": 14}
    )
    world.project.refresh_from_db()
    assert world.project.next_update_due == TODAY + datetime.timedelta(days=14)
    services.project_update(
        actor=world.manager, project=world.project, data={"update_every_days": 0}
    )
    world.project.refresh_from_db()
    assert world.project.next_update_due is None


def test_public_consent_is_granted_by_the_lead_s_admins_and_withdrawn_by_any_party(world) -> None:
    for person in (world.lead_member, world.partner_member, world.sponsor_admin):
        with pytest.raises(PermissionDenied):
            services.project_update(actor=person, project=world.project, data={"is_public": True})
    services.project_update(
        actor=world.lead_admin,
        project=world.project,
        data={"is_public": True, "public_site": True, "public_amounts": True},
    )
    world.project.refresh_from_db()
    assert (world.project.is_public, world.project.public_site) == (True, True)
    # The sponsor takes its site back; a sponsor's member cannot.
    with pytest.raises(PermissionDenied):
        services.project_update(
            actor=world.sponsor_member, project=world.project, data={"public_site": False}
        )
    services.project_update(
        actor=world.sponsor_admin, project=world.project, data={"public_site": False}
    )
    world.project.refresh_from_db()
    assert (world.project.is_public, world.project.public_site) == (True, False)
    services.project_update(
        actor=world.manager, project=world.project, data={"public_amounts": False}
    )
    world.project.refresh_from_db()
    assert world.project.public_amounts is False
    assert len(decisions("project.update")) == 3


def test_unknown_fields_are_a_programming_error(world) -> None:
    with pytest.raises(ValueError, match="Unexpected project fields"):
        services.project_update(actor=world.manager, project=world.project, data={"code": "X"})


# --- Lifecycle -----------------------------------------------------------------------------------


def test_the_lifecycle_with_reasons_and_dates(world) -> None:
    project = ProjectFactory(status="planned", starts_on=None, next_update_due=None)
    with pytest.raises(PermissionDenied):
        services.project_transition(actor=world.lead_admin, project=project, name="start")
    project = services.project_transition(actor=world.manager, project=project, name="start")
    assert (project.status, project.starts_on) == ("active", TODAY)
    assert project.next_update_due == TODAY + datetime.timedelta(days=30)
    with pytest.raises(ValidationError) as error:
        services.project_transition(actor=world.manager, project=project, name="hold")
    assert "reason" in error.value.message_dict
    project = services.project_transition(
        actor=world.manager, project=project, name="hold", reason="Parada de planta"
    )
    assert (project.status, project.status_reason) == ("on_hold", "Parada de planta")
    project = services.project_transition(actor=world.manager, project=project, name="resume")
    project = services.project_transition(actor=world.manager, project=project, name="complete")
    assert (project.status, project.next_update_due) == ("completed", None)
    with pytest.raises(ValidationError) as error:
        services.project_transition(actor=world.manager, project=project, name="start")
    assert error.value.code == "invalid_transition"
    actions = [
        e.additional_data["decision"]
        for e in LogEntry.objects.filter(additional_data__decision__startswith="project.")
        .filter(object_pk=str(project.pk))
        .order_by("pk")
    ]
    assert actions[-4:] == ["project.start", "project.hold", "project.resume", "project.complete"]


# --- Organizations and funding -------------------------------------------------------------------


def test_participants_and_funding_are_managed_by_portfolio_managers(world) -> None:
    other_sponsor = MiningCompanyFactory()
    with pytest.raises(PermissionDenied):
        services.project_participant_add(
            actor=world.lead_admin,
            project=world.project,
            organization=other_sponsor,
            role="sponsor",
        )
    participant = services.project_participant_add(
        actor=world.manager, project=world.project, organization=other_sponsor, role="sponsor"
    )
    with pytest.raises(ValidationError):  # one lead only
        services.project_participant_add(
            actor=world.manager, project=world.project, organization=other_sponsor, role="lead"
        )
    services.project_participant_remove(actor=world.manager, participant=participant)
    lead = world.project.participants.get(role="lead")
    with pytest.raises(ValidationError):
        services.project_participant_remove(actor=world.manager, participant=lead)
    assert world.project.participants.count() == 3

    funding = services.project_funding_add(
        actor=world.manager,
        project=world.project,
        source="ProInnóvate",
        kind="public",
        amount=Money(Decimal("50000"), "PEN"),
    )
    with pytest.raises(ValidationError):
        services.project_funding_add(
            actor=world.manager,
            project=world.project,
            source="Nada",
            kind="public",
            amount=Money(Decimal("0"), "PEN"),
        )
    with pytest.raises(PermissionDenied):
        services.project_funding_remove(actor=world.sponsor_admin, funding=funding)
    services.project_funding_remove(actor=world.manager, funding=funding)
    assert not ProjectFunding.objects.exists()
    assert len(decisions("project.funding_add")) == 1
    assert len(decisions("project.funding_remove")) == 1


# --- Milestones ----------------------------------------------------------------------------------


def test_the_team_adds_and_edits_milestones_with_weights_1_to_100(world) -> None:
    milestone = services.milestone_add(
        actor=world.lead_member,
        project=world.project,
        title="Instalación",
        due_on=TODAY + datetime.timedelta(days=20),
        weight=40,
    )
    for weight in (0, 101, "5"):
        with pytest.raises(ValidationError):
            services.milestone_add(
                actor=world.lead_member,
                project=world.project,
                title="Malo",
                due_on=TODAY,
                weight=weight,
            )
    with pytest.raises(PermissionDenied):
        services.milestone_add(
            actor=world.sponsor_admin, project=world.project, title="X", due_on=TODAY
        )
    services.milestone_update(
        actor=world.partner_member, milestone=milestone, data={"weight": 60, "title": "Montaje"}
    )
    milestone.refresh_from_db()
    assert (milestone.title, milestone.weight) == ("Montaje", 60)
    assert decisions("milestone.update")[0].changes["weight"] == ["40", "60"]


def test_a_late_milestone_s_date_is_moved_only_by_a_portfolio_manager(world) -> None:
    late = MilestoneFactory(project=world.project, due_on=TODAY - datetime.timedelta(days=3))
    with pytest.raises(PermissionDenied):
        services.milestone_update(
            actor=world.lead_admin, milestone=late, data={"due_on": TODAY + datetime.timedelta(30)}
        )
    services.milestone_update(
        actor=world.manager, milestone=late, data={"due_on": TODAY + datetime.timedelta(days=30)}
    )
    late.refresh_from_db()
    assert late.due_on == TODAY + datetime.timedelta(days=30)


def test_evidence_is_submitted_accepted_and_the_right_people_told(world) -> None:
    milestone = MilestoneFactory(project=world.project, title="Piloto", weight=2)
    MilestoneFactory(project=world.project, weight=2)
    with pytest.raises(ValidationError) as error:
        services.milestone_submit(actor=world.lead_member, milestone=milestone, note="", files=[])
    assert "note" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.milestone_submit(actor=world.lead_member, milestone=milestone, note="Ok")
    assert "files" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.milestone_submit(
            actor=world.sponsor_admin, milestone=milestone, note="x", files=[pdf()]
        )
    services.milestone_submit(
        actor=world.lead_member, milestone=milestone, note="Acta firmada", files=[pdf()]
    )
    milestone.refresh_from_db()
    assert (milestone.status, milestone.submitted_by) == ("submitted", world.lead_member)
    (evidence,) = milestone_evidence(milestone)
    assert evidence.purpose == "evidence"
    assert can_download_attachment(world.sponsor_member, evidence)
    assert can_download_attachment(world.auditor, evidence)
    assert not can_download_attachment(world.other_member, evidence)
    (note,) = notified(world.sponsor_admin, "challenges.milestone_submitted")
    assert "Piloto" in note.title
    assert not notified(world.lead_member, "challenges.milestone_submitted")

    with pytest.raises(PermissionDenied):
        services.milestone_accept(actor=world.lead_admin, milestone=milestone)
    services.milestone_accept(actor=world.sponsor_member, milestone=milestone)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.decided_by) == ("accepted", world.sponsor_member)
    assert milestone.accepted_at is not None
    (note,) = notified(world.lead_member, "challenges.milestone_accepted")  # the submitter
    assert "50.0 %" in note.body
    assert notified(world.lead_admin, "challenges.milestone_accepted")
    assert notified(world.partner_admin, "challenges.milestone_accepted")
    assert not notified(world.sponsor_member, "challenges.milestone_accepted")


def test_returned_evidence_needs_a_reason_and_keeps_its_files(world) -> None:
    milestone = MilestoneFactory(project=world.project)
    services.milestone_submit(
        actor=world.lead_admin, milestone=milestone, note="Fotos", files=[pdf()]
    )
    with pytest.raises(ValidationError):
        services.milestone_return(actor=world.sponsor_admin, milestone=milestone, reason=" ")
    services.milestone_return(actor=world.sponsor_admin, milestone=milestone, reason="Falta acta")
    milestone.refresh_from_db()
    assert (milestone.status, milestone.return_reason) == ("pending", "Falta acta")
    (note,) = notified(world.lead_admin, "challenges.milestone_returned")
    assert "Falta acta" in note.body
    # Submitted again with the file kept from the first time.
    services.milestone_submit(actor=world.lead_admin, milestone=milestone, note="Con acta")
    milestone.refresh_from_db()
    assert (milestone.status, milestone.return_reason) == ("submitted", "")
    assert len(notified(world.sponsor_admin, "challenges.milestone_submitted")) == 2


def test_only_a_portfolio_manager_cancels_a_milestone(world) -> None:
    milestone = MilestoneFactory(project=world.project)
    with pytest.raises(PermissionDenied):
        services.milestone_cancel(actor=world.sponsor_admin, milestone=milestone)
    services.milestone_cancel(actor=world.manager, milestone=milestone, reason="Fuera de alcance")
    milestone.refresh_from_db()
    assert milestone.status == "cancelled"
    with pytest.raises(ValidationError):
        services.milestone_submit(actor=world.lead_admin, milestone=milestone, note="x")


def test_milestones_of_a_closed_project_do_not_move(world) -> None:
    milestone = MilestoneFactory(project=world.project, status=Milestone.Status.SUBMITTED)
    Project.objects.filter(pk=world.project.pk).update(status="completed")
    with pytest.raises(ValidationError):
        services.milestone_accept(actor=world.sponsor_admin, milestone=milestone)
    with pytest.raises(ValidationError):
        services.milestone_add(actor=world.manager, project=world.project, title="X", due_on=TODAY)


# --- KPIs ----------------------------------------------------------------------------------------


def test_indicators_are_added_by_the_team(world) -> None:
    indicator = services.indicator_add(
        actor=world.lead_member,
        project=world.project,
        data={
            "result": "Menos agua",
            "name": "Agua fresca",
            "unit": "m³/t",
            "baseline": "0.80",
            "target": Decimal("0.55"),
            "higher_is_better": False,
        },
    )
    assert (indicator.baseline, indicator.target) == (Decimal("0.80"), Decimal("0.55"))
    with pytest.raises(PermissionDenied):
        services.indicator_add(
            actor=world.sponsor_admin, project=world.project, data={"result": "x"}
        )
    with pytest.raises(ValueError, match="float"):
        services.indicator_add(
            actor=world.lead_member,
            project=world.project,
            data={"result": "x", "name": "y", "unit": "u", "baseline": 0.1, "target": 1},
        )


def test_an_indicator_s_meaning_changes_only_by_a_manager_once_measured(world) -> None:
    indicator = IndicatorFactory(project=world.project)
    services.indicator_update(actor=world.lead_admin, indicator=indicator, data={"target": "0.5"})
    MeasurementFactory(indicator=indicator)
    with pytest.raises(PermissionDenied):
        services.indicator_update(actor=world.lead_admin, indicator=indicator, data={"unit": "l"})
    services.indicator_update(actor=world.lead_admin, indicator=indicator, data={"name": "Agua"})
    services.indicator_update(actor=world.manager, indicator=indicator, data={"unit": "l/t"})
    indicator.refresh_from_db()
    assert (indicator.target, indicator.name, indicator.unit) == (Decimal("0.5"), "Agua", "l/t")


def test_measurements_are_a_history_and_corrections_keep_the_old_value(world) -> None:
    indicator = IndicatorFactory(project=world.project)
    q1 = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    q2 = (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    services.measurement_record(
        actor=world.lead_member,
        indicator=indicator,
        period_start=q1[0],
        period_end=q1[1],
        value="0.74",
    )
    services.measurement_record(
        actor=world.partner_member,
        indicator=indicator,
        period_start=q2[0],
        period_end=q2[1],
        value=Decimal("0.70"),
        comment="Segundo trimestre",
    )
    assert list(indicator.measurements.values_list("value", flat=True)) == [
        Decimal("0.7400"),
        Decimal("0.7000"),
    ]
    corrected = services.measurement_record(
        actor=world.lead_admin,
        indicator=indicator,
        period_start=q1[0],
        period_end=q1[1],
        value="0.76",
        comment="Error de lectura del caudalímetro",
    )
    assert corrected.value == Decimal("0.76")
    assert Measurement.objects.filter(indicator=indicator).count() == 2
    (entry,) = decisions("measurement.correct")
    assert entry.changes["value"] == ["0.7400", "0.76"]
    assert entry.additional_data["reason"] == "Error de lectura del caudalímetro"
    assert entry.actor == world.lead_admin
    with pytest.raises(ValidationError) as error:  # overlaps the first quarter
        services.measurement_record(
            actor=world.lead_admin,
            indicator=indicator,
            period_start=datetime.date(2026, 3, 1),
            period_end=datetime.date(2026, 3, 31),
            value="1",
        )
    assert "period_start" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.measurement_record(
            actor=world.lead_admin,
            indicator=indicator,
            period_start=q2[1],
            period_end=q2[0],
            value="1",
        )
    with pytest.raises(PermissionDenied):
        services.measurement_record(
            actor=world.sponsor_admin,
            indicator=indicator,
            period_start=q2[0],
            period_end=q2[1],
            value="1",
        )
    assert Measurement.objects.filter(indicator=indicator).count() == 2


# --- Progress updates and comments ---------------------------------------------------------------


def test_a_progress_update_moves_the_due_date_and_tells_the_sponsors(world) -> None:
    update = services.progress_update_submit(
        actor=world.lead_member,
        project=world.project,
        period_end=TODAY,
        summary="Instalamos los sensores.",
        risks="Lluvias",
    )
    world.project.refresh_from_db()
    assert world.project.next_update_due == TODAY + datetime.timedelta(days=30)
    assert update.author == world.lead_member
    (note,) = notified(world.sponsor_admin, "challenges.progress_update_submitted")
    assert "Instalamos los sensores." in note.body
    with pytest.raises(ValidationError):
        services.progress_update_submit(
            actor=world.lead_member,
            project=world.project,
            period_end=TODAY + datetime.timedelta(days=1),
            summary="Futuro",
        )
    with pytest.raises(PermissionDenied):
        services.progress_update_submit(
            actor=world.sponsor_admin, project=world.project, period_end=TODAY, summary="x"
        )


def test_sponsors_team_and_staff_comment_and_the_author_is_told(world) -> None:
    update = services.progress_update_submit(
        actor=world.lead_member, project=world.project, period_end=TODAY, summary="Avance"
    )
    for person in (world.sponsor_member, world.partner_member, world.auditor, world.manager):
        services.progress_comment_add(actor=person, update=update, body=f"Visto {person.pk}")
    assert update.comments.count() == 4
    for person in (world.other_member, None):
        with pytest.raises(PermissionDenied):
            services.progress_comment_add(actor=person, update=update, body="Hola")
    with pytest.raises(ValidationError):
        services.progress_comment_add(actor=world.sponsor_member, update=update, body="  ")
    assert len(notified(world.lead_member, "challenges.progress_comment_added")) == 4


# --- Reminders -----------------------------------------------------------------------------------


def test_reminders_go_once_before_the_date_and_once_overdue(world) -> None:
    quiet = ProjectFactory(status="on_hold", next_update_due=TODAY + datetime.timedelta(days=2))
    ProjectFactory(status="completed", next_update_due=TODAY - datetime.timedelta(days=2))
    assert quiet.pk
    # Due in 10 days: nothing yet.
    assert services.progress_reminders_send(today=TODAY) == 0
    in_a_week = world.project.next_update_due - datetime.timedelta(days=7)
    assert services.progress_reminders_send(today=in_a_week) == 1
    assert services.progress_reminders_send(today=in_a_week + datetime.timedelta(days=1)) == 0
    (note,) = notified(world.lead_admin, "challenges.progress_update_due")
    assert world.project.code in note.title
    assert not notified(world.sponsor_admin, "challenges.progress_update_due")
    overdue = world.project.next_update_due + datetime.timedelta(days=1)
    assert services.progress_reminders_send(today=overdue) == 1
    assert services.progress_reminders_send(today=overdue + datetime.timedelta(days=5)) == 0
    assert notified(world.lead_admin, "challenges.progress_update_overdue")
    assert sorted(ProgressReminder.objects.values_list("kind", flat=True)) == ["before", "overdue"]


def test_reporting_gives_a_new_due_date_and_new_reminders(world) -> None:
    Project.objects.filter(pk=world.project.pk).update(
        next_update_due=TODAY - datetime.timedelta(days=1)
    )
    assert services.progress_reminders_send(today=TODAY) == 1
    services.progress_update_submit(
        actor=world.lead_member, project=world.project, period_end=TODAY, summary="Al día"
    )
    assert services.progress_reminders_send(today=TODAY) == 0
    assert services.progress_reminders_send(today=TODAY + datetime.timedelta(days=23)) == 1
    # The author of the last update is reminded too.
    assert notified(world.lead_member, "challenges.progress_update_due")


def test_the_reminder_task_runs_the_service_and_is_scheduled(world) -> None:
    from challenges.tasks import send_progress_reminders
    from cluster_portal.celery import BEAT_SCHEDULE

    Project.objects.filter(pk=world.project.pk).update(next_update_due=timezone.localdate())
    assert send_progress_reminders() == 1
    assert send_progress_reminders() == 0
    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert "challenges.tasks.send_progress_reminders" in tasks


def test_participant_roles_are_unique_per_project(world) -> None:
    with pytest.raises(ValidationError):
        services.project_participant_add(
            actor=world.manager, project=world.project, organization=world.sponsor, role="sponsor"
        )
    assert ProjectOrganization.objects.filter(project=world.project).count() == 3


def test_photo_evidence_loses_its_gps_metadata_and_other_files_are_refused(world) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    image = Image.new("RGB", (40, 30), "orange")
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (16.0, 24.0, 0.0)}  # GPS: where the mine is
    exif[0x010F] = "Cámara del sitio"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    assert b"Exif" in buffer.getvalue()
    photo = SimpleUploadedFile("planta.jpg", buffer.getvalue(), content_type="image/jpeg")
    milestone = MilestoneFactory(project=world.project)
    services.milestone_submit(
        actor=world.lead_admin, milestone=milestone, note="Foto", files=[photo]
    )
    (stored,) = milestone_evidence(milestone)
    stored.file.open("rb")
    content = stored.file.read()
    stored.file.close()
    assert b"Exif" not in content
    assert "Cámara".encode() not in content
    other = MilestoneFactory(project=world.project)
    with pytest.raises(ValidationError):
        services.milestone_submit(
            actor=world.lead_admin,
            milestone=other,
            note="Programa",
            files=[SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 64)],
        )
    other.refresh_from_db()
    assert other.status == "pending"
    assert not milestone_evidence(other)
