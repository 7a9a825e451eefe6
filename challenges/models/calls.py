"""Challenge calls (*convocatorias*): built by call managers around accepted challenges.

A :class:`Call` has its challenges and sponsor companies, eligibility rules, a timeline, funding,
custom :class:`CallQuestion` s, weighted :class:`CallCriterion` s (frozen once the call opens), a
public FAQ of :class:`CallClarification` s and per-organization :class:`DeadlineExtension` s.
Its lifecycle draft → scheduled → open → closed → in evaluation → decided → archived is the
table ``CALL`` in ``challenges/workflows.py``; opening and closing happen on time through the
periodic ``core-time-transitions`` job.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cluster_portal.core.bilingual import bilingual_property
from cluster_portal.core.money import money_field
from members.models import Organization

from .surveys import Challenge


class Call(models.Model):
    """A call for proposals that answer one or more challenges."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("call status", "Draft")
        SCHEDULED = "scheduled", pgettext_lazy("call status", "Scheduled")
        OPEN = "open", pgettext_lazy("call status", "Open")
        CLOSED = "closed", pgettext_lazy("call status", "Closed")
        IN_EVALUATION = "in_evaluation", pgettext_lazy("call status", "In evaluation")
        DECIDED = "decided", pgettext_lazy("call status", "Decided")
        ARCHIVED = "archived", pgettext_lazy("call status", "Archived")

    # Which statuses a transition may leave is the lifecycle table's (challenges/workflows.py).

    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("Short name used in the call's address, e.g. 2026-relaves."),
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=600)
    summary_en = models.TextField(_("summary (English)"), max_length=600, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_en = models.TextField(
        _("description (English)"), blank=True, help_text=_("Markdown.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    challenges = models.ManyToManyField(
        Challenge, verbose_name=_("challenges"), related_name="calls", blank=True
    )
    sponsors = models.ManyToManyField(
        Organization,
        verbose_name=_("sponsor companies"),
        related_name="sponsored_calls",
        blank=True,
    )
    # Eligibility: lists of codes, empty meaning "any".
    eligible_kinds = models.JSONField(
        _("organization kinds that may lead"),
        default=list,
        blank=True,
        help_text=_("Codes of Organization.Kind; empty: any kind."),
    )
    eligible_regions = models.JSONField(
        _("regions"), default=list, blank=True, help_text=_("Region codes; empty: any region.")
    )
    members_only = models.BooleanField(_("members only"), default=True)
    required_partner_kinds = models.JSONField(
        _("required partner kinds"),
        default=list,
        blank=True,
        help_text=_("Each listed kind needs at least one confirmed consortium partner."),
    )
    max_proposals_per_organization = models.PositiveSmallIntegerField(
        _("proposals per organization"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Most proposals an organization may lead; empty: no limit."),
    )
    # Timeline (shown in Lima time).
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True, db_index=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True, db_index=True)
    evaluation_ends_at = models.DateTimeField(_("evaluation ends"), null=True, blank=True)
    results_at = models.DateTimeField(_("results announced"), null=True, blank=True)
    # Funding.
    funding_per_project = money_field(_("funding per project"), null=True)
    total_funding = money_field(_("total funding"), null=True)
    max_awards = models.PositiveSmallIntegerField(_("maximum awards"), null=True, blank=True)
    # Evaluation (issue 10).
    blind_review = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_("Evaluators never see who applies: organizations, people, files' names."),
    )
    reviews_visible = models.CharField(
        _("evaluators see each other's reviews"),
        max_length=12,
        choices=[("never", _("Never")), ("after_own", _("After submitting their own"))],
        default="never",
    )
    reviews_per_proposal = models.PositiveSmallIntegerField(
        _("evaluators per proposal"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    require_sector_mix = models.BooleanField(
        _("at least one evaluator from industry and one from academia"), default=False
    )
    disagreement_measure = models.CharField(
        _("disagreement measured by"),
        max_length=8,
        choices=[("std", _("Standard deviation")), ("range", _("Range (highest - lowest)"))],
        default="std",
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold"),
        max_digits=6,
        decimal_places=2,
        default=1,
        help_text=_("On the call's scale: above it, a proposal is flagged for discussion."),
    )
    aggregation = models.CharField(
        _("aggregate reviews by"),
        max_length=8,
        choices=[("mean", _("Mean")), ("median", _("Median"))],
        default="mean",
    )
    show_scores_to_applicants = models.BooleanField(
        _("applicants see their scores per criterion"), default=False
    )
    cloned_from = models.ForeignKey(
        "self",
        verbose_name=_("cloned from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clones",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    localized_title, localized_title_lang = bilingual_property("title")
    localized_summary, localized_summary_lang = bilingual_property("summary")
    localized_description, localized_description_lang = bilingual_property("description")

    objects: ClassVar[models.Manager[Call]] = models.Manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ("-opens_at", "-pk")
        indexes = [models.Index(fields=["status", "closes_at"], name="call_status_closes_idx")]

    def __str__(self) -> str:
        return self.localized_title


class CallQuestion(models.Model):
    """A question of the call's proposal form, answered in :class:`ProposalAnswer`."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        FILE = "file", _("File")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("question"), max_length=300)
    label_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    help_text_en = models.CharField(_("help text (English)"), max_length=500, blank=True)
    #: For choice questions: ``[{"value": "a", "label": "…", "label_en": "…"}, …]``.
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    visible_to_evaluators = models.BooleanField(_("visible to evaluators"), default=True)
    personal_data = models.BooleanField(
        _("contains personal data"),
        default=False,
        help_text=_("Answers are hidden from evaluators and left out of exports."),
    )

    localized_label, localized_label_lang = bilingual_property("label")
    localized_help_text, localized_help_text_lang = bilingual_property("help_text")

    class Meta:
        verbose_name = _("call question")
        verbose_name_plural = _("call questions")
        ordering = ("call", "position", "pk")

    def __str__(self) -> str:
        return self.localized_label


class CallCriterion(models.Model):
    """A weighted evaluation criterion; the weights of a call sum to 100."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    localized_name, localized_name_lang = bilingual_property("name")
    localized_description, localized_description_lang = bilingual_property("description")

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ("call", "position", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")),
                name="criterion_scale_in_order",
                violation_error_message=_("The highest score must be above the lowest."),
            )
        ]

    def __str__(self) -> str:
        return self.localized_name


class CallClarification(models.Model):
    """A question an applicant asks privately; the call manager may publish it anonymised, with
    an answer, in the call's public FAQ (subscribers are notified)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        PUBLISHED = "published", _("Published")
        ANSWERED_PRIVATELY = "answered", _("Answered privately")
        DISMISSED = "dismissed", _("Dismissed")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="clarifications"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    question = models.TextField(_("question"), max_length=2000)
    #: The question as published: rewritten by the call manager so that nobody is identified.
    public_question = models.TextField(_("published question"), blank=True)
    public_question_en = models.TextField(_("published question (English)"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answer_en = models.TextField(_("answer (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    localized_public_question, localized_public_question_lang = bilingual_property(
        "public_question"
    )
    localized_answer, localized_answer_lang = bilingual_property("answer")

    class Meta:
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        ordering = ("call", "-published_at", "-asked_at")

    def __str__(self) -> str:
        return self.public_question or self.question[:60]


class CallSubscription(models.Model):
    """A person who wants to hear about the call's clarifications and deadlines."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="call_subscriptions",
    )
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now)

    class Meta:
        verbose_name = _("call subscription")
        verbose_name_plural = _("call subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="call_subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.call}"


class DeadlineExtension(models.Model):
    """A later closing time for one organization, granted for a documented incident."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="extensions"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="deadline_extensions",
    )
    closes_at = models.DateTimeField(_("new closing time"))
    reason = models.TextField(_("incident"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organization"], name="deadline_extension_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.closes_at:%Y-%m-%d %H:%M}"
