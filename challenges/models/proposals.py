"""Proposals: a lead member organization's answer to a call, alone or with consortium partners.

* :class:`Proposal` — the fixed fields, the call's answers (:class:`ProposalAnswer`) and
  attachments (``cluster_portal.files.Attachment``, purpose ``proposal_attachment``). Lifecycle
  draft → submitted (→ draft again by *unsubmit*, before the deadline) → withdrawn: the table
  ``PROPOSAL`` in ``challenges/workflows.py`` (later issues add the evaluation states).
  ``version`` grows by one at every save: an edit based on an older version is refused, so two
  people editing at once never silently overwrite each other.
* :class:`ProposalPartner` — a partner organization invited by the lead with a role and a
  budget share; its admins confirm (uploading a commitment letter, purpose
  ``commitment_letter``) or decline: the table ``PARTNER``.
* :class:`ProposalSubmission` — an immutable snapshot of what was submitted, with its SHA-256,
  one row per submission (a proposal unsubmitted and submitted again has two).
* :class:`ProposalReminder` — the reminders sent before the call closes, each at most once.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cluster_portal.core.money import money_field
from members.models import Organization

from .calls import Call, CallQuestion
from .surveys import Challenge

#: Prefix of proposal references: ``CMSP-2026-0042``.
PROPOSAL_REFERENCE_PREFIX = "CMSP"
#: ``purpose`` of a proposal's attachments and of a partner's commitment letter.
PROPOSAL_ATTACHMENT_PURPOSE = "proposal_attachment"
COMMITMENT_LETTER_PURPOSE = "commitment_letter"
#: ``purpose`` of the file answering a file question: ``answer_<question id>``.
ANSWER_FILE_PURPOSE_PREFIX = "answer_"

TRL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(9)]


class Proposal(models.Model):
    """A proposal to a call, led by a member organization."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("proposal status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("proposal status", "Submitted")
        WITHDRAWN = "withdrawn", pgettext_lazy("proposal status", "Withdrawn")
        # Set when the call's decisions are published (challenges.models.decisions).
        AWARDED = "awarded", pgettext_lazy("proposal status", "Awarded")
        NOT_SELECTED = "not_selected", pgettext_lazy("proposal status", "Not selected")

    # Which statuses a transition may leave is the lifecycle table's (challenges/workflows.py).

    reference = models.CharField(
        _("reference"), max_length=32, unique=True, null=True, blank=True, editable=False
    )
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="proposals"
    )
    lead_organization = models.ForeignKey(
        Organization,
        verbose_name=_("lead organization"),
        on_delete=models.PROTECT,
        related_name="led_proposals",
    )
    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("challenge addressed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=2000)
    technical_approach = models.TextField(_("technical approach"), blank=True)
    trl_start = models.PositiveSmallIntegerField(
        _("TRL now"), null=True, blank=True, validators=TRL_VALIDATORS
    )
    trl_end = models.PositiveSmallIntegerField(
        _("TRL at the end"), null=True, blank=True, validators=TRL_VALIDATORS
    )
    budget = money_field(_("budget"), null=True)
    co_funding = money_field(_("co-funding"), null=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    team = models.TextField(_("team"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects: ClassVar[models.Manager[Proposal]] = models.Manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ("-updated_at", "-pk")
        indexes = [
            models.Index(fields=["call", "status"], name="proposal_call_status_idx"),
            models.Index(fields=["lead_organization", "status"], name="proposal_lead_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trl_start__isnull=True)
                | models.Q(trl_end__isnull=True)
                | models.Q(trl_end__gte=models.F("trl_start")),
                name="proposal_trl_not_lower_at_end",
                violation_error_message=_("The TRL at the end cannot be lower than now."),
            )
        ]

    def __str__(self) -> str:
        return self.reference or self.title


class ProposalPartner(models.Model):
    """A consortium partner of a proposal, invited by the lead and confirmed by its admins."""

    class Status(models.TextChoices):
        INVITED = "invited", pgettext_lazy("partner status", "Invited")
        CONFIRMED = "confirmed", pgettext_lazy("partner status", "Confirmed")
        DECLINED = "declined", pgettext_lazy("partner status", "Declined")
        REMOVED = "removed", pgettext_lazy("partner status", "Removed")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="partners"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="proposal_partnerships",
    )
    role = models.CharField(_("role in the consortium"), max_length=200)
    budget_share = money_field(_("budget share"), null=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.INVITED, db_index=True
    )
    message = models.TextField(_("message to the partner"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    # Declared: django-money swaps the manager class at run time, which mypy cannot follow.
    objects: ClassVar[models.Manager[ProposalPartner]] = models.Manager()

    class Meta:
        verbose_name = _("consortium partner")
        verbose_name_plural = _("consortium partners")
        ordering = ("proposal", "invited_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organization"], name="proposal_partner_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_status_display()})"


class ProposalAnswer(models.Model):
    """The answer to one of the call's questions. ``value`` is a string (text, long text), a
    number as a string, a choice value, or a list of choice values; a file question's answer
    is an attachment with purpose ``answer_<question id>`` and ``value`` its attachment id."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        CallQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    value = models.JSONField(_("answer"), default=str, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "question"], name="proposal_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.question_id}"


class ProposalSubmission(models.Model):
    """What was submitted, frozen: a JSON snapshot and its SHA-256. Never changed."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="submissions"
    )
    number = models.PositiveSmallIntegerField(_("submission number"))
    snapshot = models.JSONField(_("snapshot"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ("proposal", "-number")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "number"], name="proposal_submission_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal} #{self.number}"


class ProposalReminder(models.Model):
    """A reminder sent for a draft before the call closes (``days_before``: 7 or 1), once."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField(_("days before closing"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "days_before"], name="proposal_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal} -{self.days_before}d"
