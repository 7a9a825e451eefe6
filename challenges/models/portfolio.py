"""The project portfolio: what happened after the award.

A :class:`Project` comes from an awarded proposal (or is created directly by a portfolio
manager). Its organizations (:class:`ProjectOrganization`: the supplier lead, partners and
sponsors) decide who may do what; :class:`ProjectFunding` records budget and co-funding per
source; :class:`Milestone` (weighted, with evidence and the sponsor's acceptance) gives the
progress; :class:`Indicator` and :class:`Measurement` are the KPIs in the results → indicators
→ periods shape development banks report in (IATI); :class:`ProgressUpdate` and
:class:`ProgressComment` are the team's periodic report and the answers to it; and
:class:`ImpactEntry` is the append-only impact ledger (claimed by the supplier → confirmed by
the sponsor → verified by the secretariat). A confirmed or verified entry never changes: a
correction is a new entry that references it (the service refuses, and on PostgreSQL and
SQLite a trigger refuses too — see migration ``0005``).

What a project shows to the public is its own choice (``is_public``, ``public_amounts``,
``public_site``): the showcase and ``public:read`` clients read only those.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_field
from cluster_portal.core.peru import Region
from members.models import Capability, Organization

from .calls import Call
from .proposals import TRL_VALIDATORS, Proposal
from .surveys import Challenge

#: Prefix of project codes: ``CMSP-PRY-2026-0007`` (cluster_portal.core.references).
PROJECT_REFERENCE_PREFIX = "CMSP-PRY"


class Project(models.Model):
    """A pilot or development project of the portfolio."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        ON_HOLD = "on_hold", _("On hold")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=2000, blank=True)
    proposal = models.OneToOneField(
        Proposal,
        verbose_name=_("awarded proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project",
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("call"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    challenges = models.ManyToManyField(
        Challenge, verbose_name=_("challenges"), related_name="projects", blank=True
    )
    organizations = models.ManyToManyField(
        Organization,
        through="ProjectOrganization",
        verbose_name=_("organizations"),
        related_name="projects",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    status_reason = models.TextField(_("reason for the status"), blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    budget = money_field(_("budget"), null=True)
    trl_start = models.PositiveSmallIntegerField(
        _("TRL at the start"), null=True, blank=True, validators=TRL_VALIDATORS
    )
    trl_target = models.PositiveSmallIntegerField(
        _("target TRL"), null=True, blank=True, validators=TRL_VALIDATORS
    )
    trl_now = models.PositiveSmallIntegerField(
        _("TRL now"), null=True, blank=True, validators=TRL_VALIDATORS
    )
    region = models.CharField(
        _("region"), max_length=20, choices=Region.choices, blank=True, db_index=True
    )
    #: Where the pilot runs (a mine, a plant): often confidential.
    site = models.CharField(_("site"), max_length=200, blank=True)
    commodities = models.ManyToManyField(
        Capability,
        verbose_name=_("commodities"),
        related_name="commodity_projects",
        blank=True,
        limit_choices_to={"dimension": Capability.Dimension.COMMODITY},
    )
    service_areas = models.ManyToManyField(
        Capability,
        verbose_name=_("areas"),
        related_name="area_projects",
        blank=True,
        limit_choices_to={"dimension": Capability.Dimension.SERVICE_AREA},
    )
    # What the project consented to show in the public showcase and to ``public:read``.
    is_public = models.BooleanField(
        _("shown in the public showcase"),
        default=False,
        help_text=_("Title, summary, status, organizations, TRL and verified impact counts."),
    )
    public_amounts = models.BooleanField(
        _("amounts are public"),
        default=False,
        help_text=_("Budget, co-funding and money values of verified impact."),
    )
    public_site = models.BooleanField(_("site is public"), default=False)
    #: Progress updates are due every this many days (0: no schedule).
    update_every_days = models.PositiveSmallIntegerField(
        _("progress update every (days)"),
        default=30,
        validators=[MaxValueValidator(366)],
    )
    next_update_due = models.DateField(_("next progress update due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects: ClassVar[models.Manager[Project]] = models.Manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ("-starts_on", "-pk")
        indexes = [
            models.Index(fields=["is_public", "status"], name="project_showcase_idx"),
            models.Index(fields=["next_update_due"], name="project_update_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trl_start__isnull=True)
                | models.Q(trl_target__isnull=True)
                | models.Q(trl_target__gte=models.F("trl_start")),
                name="project_trl_target_not_lower",
                violation_error_message=_("The target TRL cannot be lower than at the start."),
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_start",
                violation_error_message=_("The project cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def display_title(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        english = (language or get_language() or "es").startswith("en")
        return (self.title_en if english else "") or self.title


class ProjectOrganization(models.Model):
    """An organization's part in a project: the supplier lead, a partner or a sponsor."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Supplier lead")
        PARTNER = "partner", _("Partner")
        SPONSOR = "sponsor", _("Sponsor")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="participants"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="project_roles",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    description = models.CharField(_("part in the project"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("project organization")
        verbose_name_plural = _("project organizations")
        ordering = ("project", "role", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organization", "role"], name="project_organization_unique"
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(role="lead"),
                name="project_one_lead",
                violation_error_message=_("A project has one supplier lead."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "role"], name="project_org_role_idx")]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.organization} ({self.get_role_display()})"


class ProjectFunding(models.Model):
    """Money put into the project by one source (the budget is their sum when complete)."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public (grant or programme)")
        PRIVATE = "private", _("Private (companies)")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="funding"
    )
    source = models.CharField(_("source"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_funding",
    )
    amount = money_field(_("amount"))
    in_kind = models.BooleanField(_("in kind"), default=False)

    objects: ClassVar[models.Manager[ProjectFunding]] = models.Manager()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ("project", "kind", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="project_funding_positive",
                violation_error_message=_("The amount must be positive."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.amount}"


class Milestone(models.Model):
    """A weighted step of the project; done when the sponsor accepts its evidence.

    Evidence files are attachments (``cluster_portal.files``) with purpose ``evidence``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUBMITTED = "submitted", _("Evidence submitted")
        ACCEPTED = "accepted", _("Accepted")
        CANCELLED = "cancelled", _("Cancelled")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("due"))
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Its share of the project's progress, relative to the other milestones."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    evidence_note = models.TextField(_("what the evidence shows"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted or returned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning it"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ("project", "due_on", "position", "pk")
        indexes = [models.Index(fields=["status", "due_on"], name="milestone_late_idx")]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """A KPI of the project: a result measured in a unit against a baseline and a target."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="indicators"
    )
    #: The result it measures (IATI's result title), e.g. "Less fresh water per tonne".
    result = models.CharField(_("result"), max_length=200)
    name = models.CharField(_("indicator"), max_length=200)
    name_en = models.CharField(_("indicator (English)"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=4)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4)
    #: False when lower is better (e.g. downtime hours).
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ("project", "position", "pk")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class Measurement(models.Model):
    """An indicator's value for one period: a history, never one overwritten number."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ("indicator", "period_start")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start"],
                name="measurement_one_per_period",
                violation_error_message=_("This period already has a value."),
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="measurement_period_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_start} - {self.period_end})"


class ProgressUpdate(models.Model):
    """The project team's periodic report."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="progress_updates",
    )
    period_end = models.DateField(_("period up to"))
    summary = models.TextField(_("what happened"))
    next_steps = models.TextField(_("next steps"), blank=True)
    risks = models.TextField(_("risks and help needed"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ("project", "-submitted_at")

    def __str__(self) -> str:
        return f"{self.project.code} {self.period_end}"


class ProgressComment(models.Model):
    """A comment of the sponsor or the secretariat on a progress update."""

    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("progress update"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ("update", "created_at")

    def __str__(self) -> str:
        return self.body[:60]


class ImpactEntry(models.Model):
    """One line of the append-only impact ledger.

    ``claimed`` (by the supplier lead) → ``confirmed`` (by a sponsor) → ``verified`` (by the
    secretariat); a claim may be ``rejected`` with a reason before it is confirmed. A confirmed
    or verified entry is never edited or deleted; a correction is a new entry with
    ``corrects`` pointing at it, whose value replaces the corrected one in the totals once it
    is itself verified. Evidence files are attachments with purpose ``evidence``.
    """

    class Kind(models.TextChoices):
        PILOT = "pilot", _("Pilot completed")
        CONTRACT = "contract", _("Purchase order or contract signed")
        SALES = "sales", _("Sales")
        JOBS = "jobs", _("Jobs created")
        PATENT = "patent", _("Patent")
        INVESTMENT = "investment", _("Follow-on investment")

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        CONFIRMED = "confirmed", _("Confirmed by the sponsor")
        VERIFIED = "verified", _("Verified by the secretariat")
        REJECTED = "rejected", _("Rejected")

    #: Kinds measured in money; the others are counts (jobs, patents, pilots).
    MONEY_KINDS: ClassVar[frozenset[str]] = frozenset({Kind.CONTRACT, Kind.SALES, Kind.INVESTMENT})
    #: The statuses in which an entry is frozen (the trigger of migration 0005 agrees).
    FROZEN: ClassVar[frozenset[str]] = frozenset({Status.CONFIRMED, Status.VERIFIED})

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="impact"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=2000)
    occurred_on = models.DateField(_("date"))
    amount = money_field(_("value"), null=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    #: The organization the contract, sale or investment came from (a sponsor, often).
    counterpart = models.ForeignKey(
        Organization,
        verbose_name=_("counterpart"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="impact_as_counterpart",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CLAIMED
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    rejected_reason = models.TextField(_("reason for rejecting"), blank=True)

    objects: ClassVar[models.Manager[ImpactEntry]] = models.Manager()

    class Meta:
        verbose_name = _("impact entry")
        verbose_name_plural = _("impact entries")
        ordering = ("project", "-occurred_on", "-pk")
        indexes = [
            models.Index(fields=["status", "kind"], name="impact_status_kind_idx"),
            models.Index(fields=["project", "status"], name="impact_project_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=False) | models.Q(count__isnull=False),
                name="impact_has_value",
                violation_error_message=_("Give the value: an amount or a count."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.get_kind_display()} ({self.occurred_on})"

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FROZEN


class ProgressReminder(models.Model):
    """A reminder sent to the project team about a progress update, each at most once.

    ``kind`` ``before``: the update is due soon; ``overdue``: its date passed. Keyed by the due
    date it was about, so a new due date (the team reported) gets its own reminders.
    """

    class Kind(models.TextChoices):
        BEFORE = "before", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="progress_reminders",
    )
    due_on = models.DateField(_("update due"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("progress reminder")
        verbose_name_plural = _("progress reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "due_on", "kind"], name="progress_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.due_on} {self.kind}"
