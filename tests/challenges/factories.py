"""factory_boy factories for the open-innovation funnel (shared by every sub-domain's tests).

Defaults give a consistent picture: an accepted members-only challenge of a mining company in a
running survey round; an *open* call (opened yesterday, closing in 14 days) around one challenge
with two criteria summing to 100; a draft proposal led by an active member METS supplier.
Factories write rows directly (no services): use the services in tests of behaviour.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from djmoney.money import Money

from challenges.models import (
    Assignment,
    Call,
    CallClarification,
    CallCriterion,
    CallQuestion,
    Challenge,
    DeadlineExtension,
    Evaluator,
    ImpactEntry,
    Indicator,
    Measurement,
    Milestone,
    Project,
    ProjectFunding,
    ProjectOrganization,
    Proposal,
    ProposalAnswer,
    ProposalPartner,
    Review,
    SurveyRound,
)
from members.models import Organization
from tests.members.factories import OrganizationFactory, UserFactory


def _now() -> datetime.datetime:
    return timezone.now()


class MiningCompanyFactory(OrganizationFactory):
    kind = Organization.Kind.MINING_COMPANY
    legal_name = factory.Sequence(lambda n: f"Minera Demo {n} S.A.A.")
    trade_name = factory.Sequence(lambda n: f"Minera {n}")


class SurveyRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyRound

    title = factory.Sequence(lambda n: f"Encuesta de desafíos {n}")
    title_en = factory.Sequence(lambda n: f"Challenge survey {n}")
    opens_at = factory.LazyFunction(lambda: _now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: _now() + datetime.timedelta(days=20))


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    survey_round = factory.SubFactory(SurveyRoundFactory)
    organization = factory.SubFactory(MiningCompanyFactory)
    submitted_by = None
    status = Challenge.Status.ACCEPTED
    title = factory.Sequence(lambda n: f"Desafío operativo {n}")
    problem = "Las fajas transportadoras se detienen por desgaste prematuro de polines."
    operational_area = Challenge.OperationalArea.LOADING_HAULING
    site = "Unidad minera Cerro Verde"
    region = "arequipa"
    altitude_band = Challenge.AltitudeBand.FROM_2500
    impact_cost = Challenge.Impact.HIGH
    desired_outcome = "Reducir en 30 % las paradas no programadas."
    confidentiality = Challenge.Confidentiality.MEMBERS
    submitted_at = factory.LazyFunction(_now)
    queued_at = factory.LazyFunction(_now)


class CallFactory(factory.django.DjangoModelFactory):
    """An open call; ``CallFactory(status="draft", opens_at=None, ...)`` for others.

    ``CallFactory(challenges=[c1, c2])`` / ``sponsors=[...]`` set the many-to-many relations;
    by default the call has one accepted challenge (its company as sponsor) and two criteria
    (60 + 40)."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"convocatoria-{n}")
    title = factory.Sequence(lambda n: f"Convocatoria de innovación {n}")
    title_en = factory.Sequence(lambda n: f"Innovation call {n}")
    summary = "Soluciones para reducir las paradas de fajas transportadoras."
    summary_en = "Solutions to reduce conveyor belt stoppages."
    status = Call.Status.OPEN
    members_only = True
    opens_at = factory.LazyFunction(lambda: _now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: _now() + datetime.timedelta(days=14))
    evaluation_ends_at = factory.LazyFunction(lambda: _now() + datetime.timedelta(days=44))
    results_at = factory.LazyFunction(lambda: _now() + datetime.timedelta(days=50))
    funding_per_project = factory.LazyFunction(lambda: Money(Decimal("150000.00"), "PEN"))
    total_funding = factory.LazyFunction(lambda: Money(Decimal("450000.00"), "PEN"))
    max_awards = 3
    published_at = factory.LazyFunction(_now)

    @factory.post_generation
    def challenges(self, create: bool, extracted: list[Challenge] | None, **kwargs: object) -> None:
        if not create:
            return
        chosen = extracted if extracted is not None else [ChallengeFactory()]
        self.challenges.set(chosen)

    @factory.post_generation
    def sponsors(
        self, create: bool, extracted: list[Organization] | None, **kwargs: object
    ) -> None:
        if not create:
            return
        if extracted is None:
            extracted = list({c.organization for c in self.challenges.all()})
        self.sponsors.set(extracted)

    @factory.post_generation
    def criteria(self, create: bool, extracted: list[int] | None, **kwargs: object) -> None:
        """Criteria with these weights (default ``[60, 40]``; ``criteria=[]`` for none)."""
        if not create:
            return
        weights = [60, 40] if extracted is None else extracted
        for position, weight in enumerate(weights):
            CallCriterionFactory(call=self, weight=weight, position=position)


class CallQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallQuestion

    call = factory.SubFactory(CallFactory)
    kind = CallQuestion.Kind.LONG_TEXT
    label = factory.Sequence(lambda n: f"Pregunta {n}")
    label_en = factory.Sequence(lambda n: f"Question {n}")
    required = True
    position = factory.Sequence(lambda n: n)


class CallCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallCriterion

    call = factory.SubFactory(CallFactory, criteria=[])
    name = factory.Sequence(lambda n: f"Criterio {n}")
    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    description = "Qué tan bien responde al desafío."
    weight = 50
    scale_min = 0
    scale_max = 5


class CallClarificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallClarification

    call = factory.SubFactory(CallFactory)
    asked_by = factory.SubFactory(UserFactory)
    question = "¿Pueden participar universidades como líderes?"


class DeadlineExtensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeadlineExtension

    call = factory.SubFactory(CallFactory)
    organization = factory.SubFactory(OrganizationFactory)
    closes_at = factory.LazyAttribute(lambda o: o.call.closes_at + datetime.timedelta(days=2))
    reason = "Corte de energía documentado el día del cierre."


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    call = factory.SubFactory(CallFactory)
    lead_organization = factory.SubFactory(OrganizationFactory)
    challenge = factory.LazyAttribute(lambda o: o.call.challenges.first())
    status = Proposal.Status.DRAFT
    title = factory.Sequence(lambda n: f"Propuesta {n}: polines con sensores")
    summary = "Polines instrumentados que anticipan fallas."
    technical_approach = "Sensores de vibración y temperatura con analítica en el borde."
    trl_start = 4
    trl_end = 7
    budget = factory.LazyFunction(lambda: Money(Decimal("120000.00"), "PEN"))
    co_funding = factory.LazyFunction(lambda: Money(Decimal("30000.00"), "PEN"))
    duration_months = 12
    team = "Ingeniera de confiabilidad, científico de datos, técnico electricista."


class ProposalPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalPartner

    proposal = factory.SubFactory(ProposalFactory)
    organization = factory.SubFactory(
        OrganizationFactory, kind=Organization.Kind.ACADEMIA, legal_name="Universidad Demo"
    )
    role = "Validación en laboratorio"
    budget_share = factory.LazyFunction(lambda: Money(Decimal("20000.00"), "PEN"))
    status = ProposalPartner.Status.INVITED


class ProposalAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalAnswer

    proposal = factory.SubFactory(ProposalFactory)
    question = factory.SubFactory(CallQuestionFactory)
    value = "Respuesta de prueba."


# --- Evaluation (issue 10) -----------------------------------------------------------------------


class EvaluatorFactory(factory.django.DjangoModelFactory):
    """An evaluator of the pool: by default an outside expert (a person of no organization)."""

    class Meta:
        model = Evaluator

    user = factory.SubFactory(UserFactory)
    languages = factory.LazyFunction(lambda: ["es"])
    sector = Evaluator.Sector.INDEPENDENT
    max_load = 8


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A pending assignment of a submitted proposal of a call in evaluation."""

    class Meta:
        model = Assignment

    proposal = factory.SubFactory(
        ProposalFactory,
        status=Proposal.Status.SUBMITTED,
        call__status=Call.Status.IN_EVALUATION,
    )
    call = factory.LazyAttribute(lambda o: o.proposal.call)
    evaluator = factory.SubFactory(EvaluatorFactory)
    status = Assignment.Status.PENDING


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    assignment = factory.SubFactory(AssignmentFactory, status=Assignment.Status.ACCEPTED)
    confidence = Review.Confidence.MEDIUM
    comment = "Propuesta sólida; el piloto debe medir la línea base."


# --- Portfolio -----------------------------------------------------------------------------------


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project with no organizations: add them with :func:`project_with_roles` or
    ``ProjectOrganizationFactory``."""

    class Meta:
        model = Project

    # A year no real reference takes, so services' next_reference() never collides with it.
    code = factory.Sequence(lambda n: f"CMSP-PRY-1999-{n + 1:04d}")
    title = factory.Sequence(lambda n: f"Proyecto {n}: espesador con control en línea")
    summary = "Piloto de recuperación de agua en el espesador de relaves."
    status = Project.Status.ACTIVE
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=270))
    budget = factory.LazyFunction(lambda: Money(Decimal("150000.00"), "PEN"))
    trl_start = 4
    trl_target = 7
    trl_now = 5
    region = "moquegua"
    site = "Planta concentradora, sector espesadores"


class ProjectOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectOrganization

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = ProjectOrganization.Role.LEAD


def project_with_roles(
    **kwargs: object,
) -> tuple[Project, Organization, Organization, Organization]:
    """A project with a supplier lead, a university partner and a mining sponsor."""
    project = ProjectFactory(**kwargs)
    lead = OrganizationFactory(kind=Organization.Kind.METS_SUPPLIER)
    partner = OrganizationFactory(kind=Organization.Kind.ACADEMIA)
    sponsor = MiningCompanyFactory()
    for organization, role in (
        (lead, ProjectOrganization.Role.LEAD),
        (partner, ProjectOrganization.Role.PARTNER),
        (sponsor, ProjectOrganization.Role.SPONSOR),
    ):
        ProjectOrganizationFactory(project=project, organization=organization, role=role)
    return project, lead, partner, sponsor


class ProjectFundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectFunding

    project = factory.SubFactory(ProjectFactory)
    source = "Programa Nacional de Innovación Minera"
    kind = ProjectFunding.Kind.PUBLIC
    amount = factory.LazyFunction(lambda: Money(Decimal("100000.00"), "PEN"))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Hito {n}: instalación en planta")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    weight = 1


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    project = factory.SubFactory(ProjectFactory)
    result = "Menos agua fresca por tonelada procesada"
    name = "Consumo de agua fresca"
    unit = "m³/t"
    baseline = Decimal("0.80")
    target = Decimal("0.55")
    higher_is_better = False


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 3, 31)
    value = Decimal("0.74")


class ImpactEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImpactEntry

    project = factory.SubFactory(ProjectFactory)
    kind = ImpactEntry.Kind.CONTRACT
    description = "Orden de compra por 3 analizadores en línea."
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    amount = factory.LazyFunction(lambda: Money(Decimal("85000.00"), "USD"))
    status = ImpactEntry.Status.CLAIMED
