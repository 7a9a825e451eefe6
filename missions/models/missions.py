"""A mission: a delegation of member organizations to a mining ecosystem abroad, with its
selection rules (capacity, eligibility, weighted criteria and quotas).

The lifecycle is ``missions.workflows.MISSION``. What the public sees of a mission (its page,
``public:read``) is everything but the selection's internals (criteria weights are public:
applicants should know how they are judged; scores and the waitlist are not).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_field
from missions.groups import Group

#: Prefix of mission codes: ``CMSP-MIS-2026-0003`` (cluster_portal.core.references).
MISSION_REFERENCE_PREFIX = "CMSP-MIS"

#: Hours an offered place is held for the organization by default (issue 12: "e.g. 72 hours").
DEFAULT_HOLD_HOURS = 72


class Mission(models.Model):
    """An international mission (Australia, Chile…) and the rules that select its delegation."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for applications")
        SELECTING = "selecting", _("Selecting")
        CONFIRMED = "confirmed", _("Delegation confirmed")
        TRAVELLING = "travelling", _("Travelling")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.CharField(_("code"), max_length=20, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=1000, blank=True)
    objectives = models.TextField(
        _("objectives"), max_length=5000, blank=True, help_text=_("Markdown is allowed.")
    )
    objectives_en = models.TextField(_("objectives (English)"), max_length=5000, blank=True)
    # ISO 3166-1 alpha-2 ("AU", "CL"); the name is shown in the reader's language (babel).
    country = models.CharField(_("destination country"), max_length=2)
    cities = models.CharField(
        _("destination cities"),
        max_length=200,
        help_text=_("Separated by commas, for example Perth, Brisbane."),
    )
    # IANA zone of the destination (the agenda's default; each item keeps its own zone).
    time_zone = models.CharField(_("destination time zone"), max_length=64)
    starts_on = models.DateField(_("departure"))
    ends_on = models.DateField(_("return"))
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"))
    capacity_organizations = models.PositiveSmallIntegerField(
        _("places (organizations)"), validators=[MinValueValidator(1)]
    )
    capacity_delegates = models.PositiveSmallIntegerField(
        _("places (delegates)"), validators=[MinValueValidator(1)]
    )
    max_delegates_per_organization = models.PositiveSmallIntegerField(
        _("delegates per organization (maximum)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    cost_per_delegate = money_field(_("cost per delegate"))
    co_funding_per_delegate = money_field(
        _("co-funding per delegate"),
        null=True,
        help_text=_("What the cluster and its sponsors pay for each delegate."),
    )
    co_funding_note = models.CharField(
        _("who co-funds"), max_length=300, blank=True, help_text=_("For example PROINNÓVATE.")
    )
    # Organization.Kind values; empty: every kind of member organization may apply.
    eligible_kinds = models.JSONField(_("eligible kinds of organization"), default=list, blank=True)
    # Region values; empty: every region.
    eligible_regions = models.JSONField(_("eligible regions"), default=list, blank=True)
    hold_hours = models.PositiveSmallIntegerField(
        _("hours an offered place is held"),
        default=DEFAULT_HOLD_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )
    visa_required = models.BooleanField(_("visa required"), default=False)
    vaccinations_required = models.BooleanField(_("vaccinations required"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The last selection run, as data (codes and numbers, see missions.selection): quotas met or
    # not and why, trims, capacity notices. Shown translated on the coordinator's page.
    selection_report = models.JSONField(_("selection report"), default=dict, blank=True)
    selection_run_at = models.DateTimeField(_("selection run"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
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

    objects: ClassVar[models.Manager[Mission]] = models.Manager()

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ("-starts_on", "pk")
        indexes = [models.Index(fields=["status", "starts_on"], name="mission_status_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="mission_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(applications_close_at__gt=models.F("applications_open_at")),
                name="mission_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SelectionCriterion(models.Model):
    """A weighted criterion applications are scored against (0 to ``max_score``)."""

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=200)
    name_en = models.CharField(_("criterion (English)"), max_length=200, blank=True)
    description = models.CharField(_("what is judged"), max_length=500, blank=True)
    description_en = models.CharField(_("what is judged (English)"), max_length=500, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        ordering = ("mission", "position", "pk")

    def __str__(self) -> str:
        return self.name


class MissionQuota(models.Model):
    """At least ``minimum`` places (organizations) for a group, when enough apply."""

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="quotas"
    )
    group = models.CharField(_("group"), max_length=30, choices=Group.choices)
    minimum = models.PositiveSmallIntegerField(
        _("minimum places"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ("mission", "group")
        constraints = [
            models.UniqueConstraint(fields=["mission", "group"], name="mission_quota_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} ≥ {self.minimum}"
