"""factory_boy factories for missions, agenda, applications, readiness and outcomes.

``MissionFactory()`` is an *open* mission to Australia (Perth), published, whose window is open
now, with two places for organizations and four for delegates; ``MissionFactory(status="draft",
published_at=None)`` for a draft. ``ApplicationFactory(delegates=2)`` nominates two people of
the organization (made admins or members of it as needed).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from djmoney.money import Money

from missions.models import (
    AgendaItem,
    Agreement,
    Application,
    ApplicationScore,
    Delegate,
    Mission,
    MissionQuota,
    Outcome,
    ReadinessItem,
    SelectionCriterion,
)
from tests.members.factories import (
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"CMSP-MIS-2026-{n + 1:04d}")
    slug = factory.Sequence(lambda n: f"mision-{n + 1}")
    title = factory.Sequence(lambda n: f"Misión tecnológica {n + 1}")
    title_en = factory.Sequence(lambda n: f"Technology mission {n + 1}")
    summary = "Talleres y visitas a proveedores y centros de I+D."
    objectives = "Conocer el ecosistema minero de destino."
    country = "AU"
    cities = "Perth, Brisbane"
    time_zone = "Australia/Perth"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=7))
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=5))
    applications_close_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=20)
    )
    capacity_organizations = 2
    capacity_delegates = 4
    max_delegates_per_organization = 2
    cost_per_delegate = Money(Decimal("18000.00"), "PEN")
    co_funding_per_delegate = Money(Decimal("9000.00"), "PEN")
    status = Mission.Status.OPEN
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=5))

    @factory.post_generation
    def criteria(self, create: bool, extracted: int | None, **kwargs: object) -> None:
        """Two criteria (60 / 40) unless ``criteria=0`` or another number."""
        count = 2 if extracted is None else extracted
        if not create:
            return
        weights = [60, 40] if count == 2 else [100 // max(count, 1)] * count
        for index, weight in enumerate(weights[:count]):
            SelectionCriterionFactory(mission=self, weight=weight, position=index)


class SelectionCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelectionCriterion

    mission = factory.SubFactory(MissionFactory, criteria=0)
    name = factory.Sequence(lambda n: f"Criterio {n}")
    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 50
    max_score = 5


class MissionQuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionQuota

    mission = factory.SubFactory(MissionFactory)
    group = "small_company"
    minimum = 1


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    mission = factory.SubFactory(MissionFactory)
    kind = AgendaItem.Kind.WORKSHOP
    title = factory.Sequence(lambda n: f"Taller {n}")
    title_en = factory.Sequence(lambda n: f"Workshop {n}")
    host = "METS Ignited"
    address = "1 Mining St"
    city = "Perth"
    zone = "Australia/Perth"
    starts_at = factory.LazyAttribute(
        lambda o: (
            datetime.datetime.combine(o.mission.starts_on, datetime.time(9, 0), tzinfo=datetime.UTC)
            - datetime.timedelta(hours=8)
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    mission = factory.SubFactory(MissionFactory)
    organization = factory.SubFactory(OrganizationFactory)
    motivation = "Queremos conocer proveedores de automatización y relaves."
    submitted_by = factory.LazyAttribute(
        lambda o: OrganizationMemberFactory(organization=o.organization, role="admin").user
    )

    @factory.post_generation
    def delegates(self, create: bool, extracted: int | None, **kwargs: object) -> None:
        """``delegates=N`` nominates N people of the organization (1 by default)."""
        if not create:
            return
        for position in range(1, (1 if extracted is None else extracted) + 1):
            person = OrganizationMemberFactory(organization=self.organization).user
            DelegateFactory(application=self, person=person, position=position)


class DelegateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegate

    application = factory.SubFactory(ApplicationFactory, delegates=0)
    mission = factory.LazyAttribute(lambda o: o.application.mission)
    person = factory.SubFactory(UserFactory)
    position = 1


class ApplicationScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationScore

    application = factory.SubFactory(ApplicationFactory)
    criterion = factory.SubFactory(SelectionCriterionFactory)
    value = Decimal("4")


class ReadinessItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadinessItem

    delegate = factory.SubFactory(DelegateFactory)
    kind = ReadinessItem.Kind.PASSPORT
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    delegate = factory.SubFactory(DelegateFactory)
    contacts_made = 8
    agreements = 1
    follow_ups = "Visita de seguimiento en marzo."
    business_generated = Money(Decimal("120000.00"), "USD")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    delegate = factory.SubFactory(DelegateFactory)
    mission = factory.LazyAttribute(lambda o: o.delegate.mission)
    kind = Agreement.Kind.MOU
    counterpart = "CSIRO Mineral Resources"
    description = "Memorando para un piloto de sensores en relaves."
