"""The challenge survey: rounds in which mining companies report operational challenges.

A :class:`Challenge` belongs to a mining company (``organization``) and is written by one of its
people (``submitted_by``). Its lifecycle (draft → submitted → accepted / detail requested /
declined / merged) is the table ``CHALLENGE`` in ``challenges/workflows.py``; the secretariat's
triage queue is built from it.

Confidentiality decides who reads the original words (``challenges.permissions``):

* ``public`` — everybody, the API's ``public:read`` callers included;
* ``members`` — signed-in people of active member organizations, staff, partner tokens with
  ``challenges:read``;
* ``restricted`` — only the company's people and the secretariat. Everybody else sees the
  **sanitized public version** (``public_title``/``public_summary``) when one was written, and
  nothing at all otherwise.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cluster_portal.core.bilingual import bilingual_property
from cluster_portal.core.money import money_field
from cluster_portal.core.peru import Region
from members.models import Capability, Organization

#: Prefix of challenge references: ``CMSP-RET-2026-0007`` ("reto").
CHALLENGE_REFERENCE_PREFIX = "CMSP-RET"


class SurveyRound(models.Model):
    """A period in which mining companies are asked for their operational challenges."""

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_en = models.TextField(
        _("description (English)"), blank=True, help_text=_("Markdown.")
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    localized_title, localized_title_lang = bilingual_property("title")
    localized_description, localized_description_lang = bilingual_property("description")

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ("-opens_at",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="survey_round_dates_in_order",
                violation_error_message=_("The round must close after it opens."),
            )
        ]

    def __str__(self) -> str:
        return self.localized_title

    def is_open_at(self, when: object = None) -> bool:
        now = when or timezone.now()
        return self.opens_at <= now < self.closes_at  # type: ignore[operator]

    @property
    def is_open(self) -> bool:
        return self.is_open_at()


class Challenge(models.Model):
    """An operational problem a mining company reports, triaged by the secretariat."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("challenge status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("challenge status", "Submitted")
        DETAIL_REQUESTED = (
            "detail_requested",
            pgettext_lazy("challenge status", "More detail requested"),
        )
        ACCEPTED = "accepted", pgettext_lazy("challenge status", "Accepted")
        DECLINED = "declined", pgettext_lazy("challenge status", "Declined")
        MERGED = "merged", pgettext_lazy("challenge status", "Merged")

    class Confidentiality(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members only")
        RESTRICTED = "restricted", _("Restricted to the company and the secretariat")

    class OperationalArea(models.TextChoices):
        EXPLORATION = "exploration", _("Exploration and geology")
        MINE_PLANNING = "planning", _("Mine planning")
        DRILLING_BLASTING = "drilling", _("Drilling and blasting")
        LOADING_HAULING = "hauling", _("Loading and hauling")
        PROCESSING = "processing", _("Processing and concentration")
        HYDROMETALLURGY = "hydrometallurgy", _("Leaching and hydrometallurgy")
        SMELTING_REFINING = "smelting", _("Smelting and refining")
        MAINTENANCE = "maintenance", _("Maintenance")
        TAILINGS = "tailings", _("Tailings and mine waste")
        WATER = "water", _("Water")
        ENERGY = "energy", _("Energy")
        SAFETY = "safety", _("Occupational health and safety")
        ENVIRONMENT = "environment", _("Environment")
        COMMUNITIES = "communities", _("Community relations")
        LOGISTICS = "logistics", _("Logistics and supply")
        DIGITAL = "digital", _("Digitalization and data")
        OTHER = "other", _("Other")

    class AltitudeBand(models.TextChoices):
        BELOW_1000 = "0-1000", _("Below 1,000 m")
        FROM_1000 = "1000-2500", _("1,000 to 2,500 m")
        FROM_2500 = "2500-3500", _("2,500 to 3,500 m")
        FROM_3500 = "3500-4500", _("3,500 to 4,500 m")
        ABOVE_4500 = "4500+", _("Above 4,500 m")

    class Impact(models.TextChoices):
        NONE = "none", _("None")
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    # Which statuses a transition may leave is the lifecycle table's (challenges/workflows.py).

    reference = models.CharField(
        _("reference"), max_length=32, unique=True, null=True, blank=True, editable=False
    )
    survey_round = models.ForeignKey(
        SurveyRound,
        verbose_name=_("survey round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_challenges",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    operational_area = models.CharField(
        _("operational area"), max_length=20, choices=OperationalArea.choices, db_index=True
    )
    site = models.CharField(_("site"), max_length=200, blank=True)
    region = models.CharField(
        _("region"), max_length=20, choices=Region.choices, default=Region.AREQUIPA, db_index=True
    )
    altitude_band = models.CharField(
        _("altitude"), max_length=12, choices=AltitudeBand.choices, blank=True
    )
    impact_cost = models.CharField(
        _("impact on cost"), max_length=10, choices=Impact.choices, default=Impact.NONE
    )
    impact_safety = models.CharField(
        _("impact on safety"), max_length=10, choices=Impact.choices, default=Impact.NONE
    )
    impact_environment = models.CharField(
        _("impact on the environment"), max_length=10, choices=Impact.choices, default=Impact.NONE
    )
    impact_production = models.CharField(
        _("impact on production"), max_length=10, choices=Impact.choices, default=Impact.NONE
    )
    estimated_annual_cost = money_field(_("estimated annual cost"), null=True, blank=True)
    impact_notes = models.TextField(_("impact in detail"), blank=True)
    desired_outcome = models.TextField(_("desired outcome"))
    constraints = models.TextField(_("constraints"), blank=True)
    value_chain_stages = models.ManyToManyField(
        Capability,
        verbose_name=_("value-chain stages"),
        blank=True,
        related_name="challenges_by_stage",
        limit_choices_to={"dimension": Capability.Dimension.VALUE_CHAIN},
    )
    service_areas = models.ManyToManyField(
        Capability,
        verbose_name=_("service areas"),
        blank=True,
        related_name="challenges_by_service",
        limit_choices_to={"dimension": Capability.Dimension.SERVICE_AREA},
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.MEMBERS,
        db_index=True,
    )
    # The sanitized public version of a restricted challenge ("a copper mine in Moquegua at
    # 3,500 m"), shown instead of the original to everyone but the company and the secretariat.
    public_title = models.CharField(_("public title"), max_length=200, blank=True)
    public_summary = models.TextField(_("public summary"), blank=True)
    public_version_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("public version written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Triage.
    detail_checklist = models.JSONField(
        _("detail requested"),
        default=list,
        blank=True,
        help_text=_("Codes of the items the secretariat asked for (challenges.surveys)."),
    )
    detail_message = models.TextField(_("message from the secretariat"), blank=True)
    detail_answer = models.TextField(_("answer to the secretariat"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_challenges",
    )
    #: The status a merged challenge returns to when the merge is undone.
    status_before_merge = models.CharField(
        _("status before the merge"), max_length=20, choices=Status.choices, blank=True
    )
    # Similar challenges of different companies that can be sponsored together in one call.
    shared_with = models.ManyToManyField(
        "self", verbose_name=_("shared with"), blank=True, symmetrical=True
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    #: Since when the challenge waits in the triage queue (submission, or the answer to a
    #: request for detail): the queue's clock.
    queued_at = models.DateTimeField(_("waiting since"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Declared: django-money swaps the manager class at run time, which mypy cannot follow.
    objects: ClassVar[models.Manager[Challenge]] = models.Manager()

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ("-submitted_at", "-pk")
        indexes = [
            models.Index(fields=["status", "queued_at"], name="challenge_queue_idx"),
            models.Index(fields=["confidentiality", "status"], name="challenge_visibility_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="merged") | models.Q(merged_into__isnull=False),
                name="challenge_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")),
                name="challenge_not_merged_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or self.title

    @property
    def is_restricted(self) -> bool:
        return self.confidentiality == self.Confidentiality.RESTRICTED

    @property
    def has_public_version(self) -> bool:
        return bool(self.public_title.strip())

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.organization_id and self.organization.kind != Organization.Kind.MINING_COMPANY:
            errors["organization"] = _("Only mining companies report challenges.")
        if self.public_summary.strip() and not self.public_title.strip():
            errors["public_title"] = _("Give the public version a title.")
        if errors:
            raise ValidationError(errors)
