"""Organizations and the capability taxonomy that describes what they do."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_field
from cluster_portal.core.peru import Region

from ..validators import RUC_PATTERN, validate_ruc


class Capability(models.Model):
    """A term of the controlled capability taxonomy, managed by staff.

    Terms carry their own Spanish and English names because staff add them at run time, where
    gettext catalogues cannot reach.
    """

    class Dimension(models.TextChoices):
        VALUE_CHAIN = "value_chain", _("Value-chain stage")
        SERVICE_AREA = "service_area", _("Service area")
        COMMODITY = "commodity", _("Commodity")

    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    slug = models.SlugField(_("code"), max_length=60)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        ordering = ("dimension", "position", "slug")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "slug"], name="capability_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "es").startswith("en") else self.name_es


class Organization(models.Model):
    """A legal entity taking part in the cluster: member, applicant or former member."""

    class Kind(models.TextChoices):
        MINING_COMPANY = "mining", _("Mining company")
        METS_SUPPLIER = "mets", _("METS supplier")
        ACADEMIA = "academia", _("Academia")
        ASSOCIATION = "association", _("Association or guild")
        GOVERNMENT = "government", _("Government")
        FINANCIAL = "financial", _("Financial or multilateral institution")
        CHAMBER = "chamber", _("Chamber of commerce")
        OTHER = "other", _("Other")

    class MiningScale(models.TextChoices):
        LARGE = "large", _("Large-scale mining")
        MEDIUM = "medium", _("Medium-scale mining")
        SMALL = "small", _("Small-scale mining")
        ARTISANAL = "artisanal", _("Artisanal mining")

    class GovernmentLevel(models.TextChoices):
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Regional")
        LOCAL = "local", _("Local")

    class EmployeeBand(models.TextChoices):
        MICRO = "1-10", _("1 to 10 employees")
        SMALL = "11-50", _("11 to 50 employees")
        MEDIUM = "51-200", _("51 to 200 employees")
        LARGE = "201-1000", _("201 to 1,000 employees")
        XLARGE = "1000+", _("More than 1,000 employees")

    class MembershipStatus(models.TextChoices):
        NONE = "none", _("Not a member")
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active member")
        SUSPENDED = "suspended", _("Suspended")
        LAPSED = "lapsed", _("Lapsed")

    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    ruc = models.CharField(
        _("RUC"),
        max_length=11,
        unique=True,
        validators=[validate_ruc],
        error_messages={"unique": _("An organization with this RUC is already registered.")},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    mining_scale = models.CharField(
        _("mining scale"), max_length=20, choices=MiningScale.choices, blank=True, db_index=True
    )
    government_level = models.CharField(
        _("government level"), max_length=20, choices=GovernmentLevel.choices, blank=True
    )
    region = models.CharField(
        _("region"), max_length=20, choices=Region.choices, default=Region.AREQUIPA, db_index=True
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown is allowed.")
    )
    employee_band = models.CharField(
        _("employees"), max_length=10, choices=EmployeeBand.choices, blank=True
    )
    certifications = models.CharField(
        _("certifications"),
        max_length=300,
        blank=True,
        help_text=_("For example ISO 9001, ISO 14001, ISO 45001."),
    )
    capabilities = models.ManyToManyField(
        Capability, verbose_name=_("capabilities"), related_name="organizations", blank=True
    )
    reference_clients = models.ManyToManyField(
        "self",
        verbose_name=_("reference clients"),
        symmetrical=False,
        related_name="suppliers",
        blank=True,
        help_text=_("Organizations of the cluster this organization has worked for."),
    )
    other_reference_clients = models.CharField(
        _("other reference clients"), max_length=300, blank=True
    )
    # The corporate group: conflicts of interest in evaluation treat organizations of one
    # group (a parent and its subsidiaries, or siblings) as one party.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("corporate group (parent organization)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
        help_text=_("The organization at the head of its corporate group, if any."),
    )
    # The logo is an attachment (purpose "logo") of the private-files platform. No
    # related_query_name: Django prepares a reverse generic lookup's value with Attachment's
    # UUID primary key, so ``Attachment.objects.filter(organization=...)`` would match wrongly;
    # use ``organization.attachments`` instead.
    attachments = GenericRelation("files.Attachment")
    is_public = models.BooleanField(_("public profile"), default=True, db_index=True)
    membership_status = models.CharField(
        _("membership status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.NONE,
        db_index=True,
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    membership_status_reason = models.CharField(
        _("reason for the membership status"), max_length=300, blank=True
    )
    # Membership dues, recorded by the secretariat (members.services.dues).
    annual_dues = money_field(
        _("annual dues"),
        null=True,
        help_text=_("The yearly membership fee of the organization, in soles or US dollars."),
    )
    dues_paid_until = models.DateField(_("dues paid until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Declared: django-money swaps the manager class at run time, which mypy cannot follow.
    objects: ClassVar[models.Manager[Organization]] = models.Manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ("legal_name",)
        indexes = [
            models.Index(fields=["membership_status", "is_public"], name="org_directory_idx"),
        ]
        constraints = [
            # Eleven ASCII digits, whatever wrote the row (a raw save, the admin, a bulk
            # import): the check digit stays in ``validate_ruc``. ``__regex`` is ``~`` on
            # PostgreSQL and Django's REGEXP function on SQLite.
            models.CheckConstraint(
                condition=models.Q(ruc__regex=RUC_PATTERN),
                name="organization_ruc_ascii_digits",
                violation_error_message=_("A RUC has exactly 11 digits."),
            ),
        ]

    def __str__(self) -> str:
        return self.trade_name or self.legal_name

    def clean(self) -> None:
        """Kind-dependent fields: a mining scale only for mining companies (and then required),
        a government level only for governments (and then required)."""
        super().clean()
        errors: dict[str, ValidationError] = {}
        if self.kind == self.Kind.MINING_COMPANY:
            if not self.mining_scale:
                errors["mining_scale"] = ValidationError(
                    _("Choose the mining scale of a mining company."), code="scale_required"
                )
        elif self.mining_scale:
            errors["mining_scale"] = ValidationError(
                _("Only mining companies have a mining scale."), code="scale_not_allowed"
            )
        if self.kind == self.Kind.GOVERNMENT:
            if not self.government_level:
                errors["government_level"] = ValidationError(
                    _("Choose the level of a government institution."), code="level_required"
                )
        elif self.government_level:
            errors["government_level"] = ValidationError(
                _("Only government institutions have a government level."),
                code="level_not_allowed",
            )
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def is_active_member(self) -> bool:
        return self.membership_status == self.MembershipStatus.ACTIVE
