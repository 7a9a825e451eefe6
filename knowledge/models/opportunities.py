"""Value-added (industrialization) opportunities: moving from cathodes and ingots to wire rod,
wire and moulds. Each is a product with its customs tariff code, the value-chain stage, the
market, imports and local capability, and an economic, financial and environmental assessment
(a rating with its justification and sources each); linked studies; and the member
organizations that register their interest and role.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_field
from members.models import Organization

from .articles import Article, Visibility

#: Peru's national tariff subheading (subpartida nacional): ten digits written
#: ``7408.11.00.00``; the first six are the Harmonized System's (``7408.11``).
HS_CODE_VALIDATOR = RegexValidator(
    r"^\d{4}(\.\d{2}){1,3}$",
    _("Write the tariff code as 7408.11 or 7408.11.00.00."),
)

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class ValueOpportunity(models.Model):
    class Stage(models.TextChoices):
        SMELTING = "smelting", _("Smelting")
        REFINING = "refining", _("Refining")
        MANUFACTURING = "manufacturing", _("Manufacturing")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    product = models.CharField(_("product"), max_length=200)
    product_en = models.CharField(_("product (English)"), max_length=200, blank=True)
    hs_code = models.CharField(
        _("customs tariff code"), max_length=13, validators=[HS_CODE_VALIDATOR], db_index=True
    )
    stage = models.CharField(_("value-chain stage"), max_length=14, choices=Stage.choices)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    market_notes = models.TextField(
        _("market"), max_length=5000, blank=True, help_text=_("Markdown is allowed.")
    )
    import_value = money_field(_("yearly imports"), null=True)
    import_year = models.PositiveSmallIntegerField(
        _("year of the import figure"), null=True, blank=True
    )
    local_capability = models.TextField(_("local capability"), max_length=3000, blank=True)
    economic_rating = models.PositiveSmallIntegerField(
        _("economic assessment (1-5)"), validators=RATING_VALIDATORS
    )
    economic_justification = models.TextField(_("economic justification"), max_length=3000)
    economic_sources = models.TextField(_("economic sources"), max_length=2000, blank=True)
    financial_rating = models.PositiveSmallIntegerField(
        _("financial assessment (1-5)"), validators=RATING_VALIDATORS
    )
    financial_justification = models.TextField(_("financial justification"), max_length=3000)
    financial_sources = models.TextField(_("financial sources"), max_length=2000, blank=True)
    environmental_rating = models.PositiveSmallIntegerField(
        _("environmental assessment (1-5)"), validators=RATING_VALIDATORS
    )
    environmental_justification = models.TextField(
        _("environmental justification"), max_length=3000
    )
    environmental_sources = models.TextField(
        _("environmental sources"), max_length=2000, blank=True
    )
    studies = models.ManyToManyField(
        Article, verbose_name=_("studies"), related_name="opportunities", blank=True
    )
    visibility = models.CharField(
        _("who can read it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        db_index=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[models.Manager[ValueOpportunity]] = models.Manager()

    class Meta:
        verbose_name = _("value-added opportunity")
        verbose_name_plural = _("value-added opportunities")
        ordering = ("stage", "product")

    def __str__(self) -> str:
        return self.product


class OpportunityInterest(models.Model):
    """A member organization's interest in an opportunity, in one role."""

    class Role(models.TextChoices):
        SUPPLIER = "supplier", _("Supplier")
        BUYER = "buyer", _("Buyer")
        INVESTOR = "investor", _("Investor")

    opportunity = models.ForeignKey(
        ValueOpportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="interests",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="opportunity_interests",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ("opportunity", "created_at")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "organization", "role"], name="opportunity_interest_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.get_role_display()}"
