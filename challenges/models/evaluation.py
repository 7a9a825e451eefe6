"""Evaluation of proposals: the evaluator pool, assignments with conflict-of-interest
declarations and overrides, reviews scored per criterion, redacted texts for blind review.

* :class:`Evaluator` — a person the evaluation coordinator added to the pool (a member's
  person, staff, or an outside expert invited by email who gets nothing but this), with
  expertise (capability taxonomy), languages, sector (for mix rules) and a maximum load per
  call.
* :class:`Assignment` — one evaluator for one proposal. Lifecycle (``ASSIGNMENT`` in
  ``challenges/workflows.py``): pending (the evaluator sees only the title) → declared
  no conflict (accepted) → review submitted; or → conflict declared (the assignment ends and
  the coordinator is told); or removed by the coordinator. ``rationale`` says why the solver
  or the coordinator chose this evaluator.
* :class:`ConflictOverride` — the coordinator's written reason to assign despite a detected
  conflict. Kept and audited; a later recomputation of conflicts never undoes it.
* :class:`Review` + :class:`CriterionScore` — scores on the call's criteria (or "not
  applicable"), comments and confidence; editable until the evaluation phase ends.
* :class:`RedactedText` — a text field of a proposal rewritten by the coordinator for blind
  review (shown to evaluators instead of the original).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import Capability

from .calls import Call, CallCriterion
from .proposals import Proposal


class Evaluator(models.Model):
    """A person in the evaluator pool."""

    class Sector(models.TextChoices):
        INDUSTRY = "industry", _("Industry")
        ACADEMIA = "academia", _("Academia")
        GOVERNMENT = "government", _("Government")
        INDEPENDENT = "independent", _("Independent")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="evaluator_profile",
    )
    expertise = models.ManyToManyField(
        Capability, verbose_name=_("expertise"), blank=True, related_name="evaluators"
    )
    #: Languages the evaluator reviews in: ``["es", "en"]``.
    languages = models.JSONField(_("languages"), default=list, blank=True)
    sector = models.CharField(
        _("sector"), max_length=12, choices=Sector.choices, default=Sector.INDEPENDENT
    )
    max_load = models.PositiveSmallIntegerField(
        _("most proposals per call"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluator")
        verbose_name_plural = _("evaluators")
        ordering = ("user__full_name", "pk")

    def __str__(self) -> str:
        return str(self.user)


class ConflictOverride(models.Model):
    """The coordinator assigns ``evaluator`` to ``proposal`` despite the detected conflicts."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="conflict_overrides",
    )
    evaluator = models.ForeignKey(
        Evaluator,
        verbose_name=_("evaluator"),
        on_delete=models.CASCADE,
        related_name="conflict_overrides",
    )
    #: The conflicts detected when the override was written: ``[{"code": …, "reason": …}]``.
    flags = models.JSONField(_("conflicts overridden"), default=list)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict override")
        verbose_name_plural = _("conflict overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "evaluator"], name="conflict_override_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} / {self.proposal}"


class Assignment(models.Model):
    """One evaluator reviewing one proposal of a call."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("assignment status", "Waiting for the declaration")
        ACCEPTED = "accepted", pgettext_lazy("assignment status", "In review")
        SUBMITTED = "submitted", pgettext_lazy("assignment status", "Review submitted")
        CONFLICT = "conflict", pgettext_lazy("assignment status", "Conflict declared")
        REMOVED = "removed", pgettext_lazy("assignment status", "Removed")

    class Method(models.TextChoices):
        MANUAL = "manual", _("By the coordinator")
        AUTOMATIC = "automatic", _("Automatic")

    class ConflictType(models.TextChoices):
        SAME_ORGANIZATION = "same_organization", _("I work for the lead or a partner")
        CORPORATE_GROUP = "corporate_group", _("Same corporate group")
        COMMERCIAL = "commercial", _("Client, supplier or commercial relationship")
        COLLABORATION = "collaboration", _("Recent joint proposal, project or publication")
        PERSONAL = "personal", _("Family or close personal relationship")
        FINANCIAL = "financial", _("Financial interest")
        OTHER = "other", _("Other")

    # Which statuses a transition may leave is the lifecycle table's (challenges/workflows.py).

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="assignments"
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="assignments"
    )
    evaluator = models.ForeignKey(
        Evaluator,
        verbose_name=_("evaluator"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    method = models.CharField(
        _("assigned"), max_length=10, choices=Method.choices, default=Method.MANUAL
    )
    #: Expertise match in [0, 1] used by the solver (0 for a manual assignment without one).
    affinity = models.DecimalField(_("affinity"), max_digits=5, decimal_places=4, default=0)
    #: Why this evaluator: ``[{"code": "expertise", "detail": "Chancado"}, …]``.
    rationale = models.JSONField(_("why"), default=list, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    override = models.ForeignKey(
        ConflictOverride,
        verbose_name=_("conflict override"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    conflict_type = models.CharField(
        _("conflict declared"), max_length=20, choices=ConflictType.choices, blank=True
    )
    conflict_note = models.TextField(_("about the conflict"), blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ("call", "proposal", "pk")
        indexes = [
            models.Index(fields=["evaluator", "status"], name="assignment_evaluator_idx"),
            models.Index(fields=["call", "status"], name="assignment_call_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "evaluator"], name="assignment_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.proposal}"


class AssignmentReminder(models.Model):
    """A reminder sent before an assignment's due date (``days_before``), once."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    days_before = models.PositiveSmallIntegerField(_("days before the due date"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation reminder")
        verbose_name_plural = _("evaluation reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "days_before"], name="assignment_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment} -{self.days_before}d"


class Review(models.Model):
    """An evaluator's review of the assigned proposal."""

    class Confidence(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="review"
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), choices=Confidence.choices, null=True, blank=True
    )
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.assignment}"


class CriterionScore(models.Model):
    """The score of one criterion in a review: a value on the criterion's scale, or "not
    applicable"."""

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        CallCriterion,
        verbose_name=_("criterion"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="criterion_score_once"),
            models.CheckConstraint(
                condition=models.Q(not_applicable=False) | models.Q(score__isnull=True),
                name="criterion_score_na_has_no_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class RedactedText(models.Model):
    """A proposal's text field rewritten for blind review; evaluators read it instead."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="redacted_texts",
    )
    #: ``title``, ``summary``, ``technical_approach``, ``team`` or ``answer_<question id>``.
    field = models.CharField(_("field"), max_length=40)
    text = models.TextField(_("redacted text"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("redacted text")
        verbose_name_plural = _("redacted texts")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "field"], name="redacted_text_once")
        ]

    def __str__(self) -> str:
        return f"{self.proposal} / {self.field}"
