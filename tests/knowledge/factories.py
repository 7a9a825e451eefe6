"""factory_boy factories for the knowledge base: topics, articles, barriers, opportunities."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone
from djmoney.money import Money

from knowledge.models import (
    Article,
    BarrierEndorsement,
    KnowledgeAuthor,
    OpportunityInterest,
    RegulatoryBarrier,
    Topic,
    ValueOpportunity,
)
from tests.members.factories import OrganizationFactory, UserFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tema-{n}")
    name_es = factory.Sequence(lambda n: f"Tema {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published public study unless told otherwise."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"articulo-{n}")
    kind = Article.Kind.STUDY
    title = factory.Sequence(lambda n: f"Estudio de relaves {n}")
    summary = "Resumen del estudio."
    body = "Texto del estudio sobre **relaves** y agua."
    status = Article.Status.PUBLISHED
    published_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def topics(self, create: bool, extracted: list[Topic] | None, **kwargs: object) -> None:
        if create and extracted:
            self.topics.set(extracted)


class KnowledgeAuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeAuthor

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)


class RegulatoryBarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegulatoryBarrier

    code = factory.Sequence(lambda n: f"CMSP-BAR-2026-{n + 1:04d}")
    title = factory.Sequence(lambda n: f"Plazo excesivo de permiso {n}")
    description = "El permiso de uso de agua tarda más que el plazo legal."
    rule = "Ley 29338, Ley de Recursos Hídricos"
    rule_article = "Art. 81"
    authority = "Autoridad Nacional del Agua (ANA)"
    manifestation = "Expedientes de más de 300 días."
    estimated_cost = Money(Decimal("250000.00"), "PEN")
    estimated_delay_days = 240
    improvement_proposal = "Silencio administrativo positivo a los 60 días."


class BarrierEndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BarrierEndorsement

    barrier = factory.SubFactory(RegulatoryBarrierFactory)
    organization = factory.SubFactory(OrganizationFactory)


class ValueOpportunityFactory(factory.django.DjangoModelFactory):
    """A published public opportunity unless told otherwise."""

    class Meta:
        model = ValueOpportunity
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"oportunidad-{n}")
    product = factory.Sequence(lambda n: f"Alambrón de cobre {n}")
    product_en = factory.Sequence(lambda n: f"Copper wire rod {n}")
    hs_code = "7408.11.00.00"
    stage = ValueOpportunity.Stage.MANUFACTURING
    summary = "Del cátodo al alambrón."
    import_value = Money(Decimal("120000000.00"), "USD")
    import_year = 2025
    economic_rating = 4
    economic_justification = "Demanda local de cables."
    financial_rating = 3
    financial_justification = "Inversión de colada continua."
    environmental_rating = 3
    environmental_justification = "Consumo de energía moderado."
    status = ValueOpportunity.Status.PUBLISHED


class OpportunityInterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpportunityInterest

    opportunity = factory.SubFactory(ValueOpportunityFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = OpportunityInterest.Role.SUPPLIER
