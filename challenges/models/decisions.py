"""Decisions on a call's proposals, published in one batch.

A :class:`Decision` (award / not selected, with feedback to the applicant) stays pending —
invisible to applicants, the API and notifications — until the coordinator publishes the
call's decisions in one :class:`DecisionBatch`: every applicant and partner is notified, the
ranking as it stood is recorded (an immutable snapshot with its rationale and SHA-256), the
proposals move to *awarded* / *not selected* and the call to *decided*.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .calls import Call
from .proposals import Proposal


class DecisionBatch(models.Model):
    """The publication of a call's decisions: what the ranking was and why."""

    call = models.OneToOneField(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="decision_batch"
    )
    #: The ranking when published (both raw and calibrated views, reviews per proposal, ties).
    ranking = models.JSONField(_("ranking as published"))
    rationale = models.TextField(_("rationale"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("decision batch")
        verbose_name_plural = _("decision batches")

    def __str__(self) -> str:
        return f"{self.call} ({self.published_at:%Y-%m-%d})"


class Decision(models.Model):
    """The coordinator's decision on one proposal; pending until its batch is published."""

    class Outcome(models.TextChoices):
        AWARD = "award", _("Award")
        NOT_SELECTED = "not_selected", _("Not selected")

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("decision"), max_length=12, choices=Outcome.choices)
    feedback = models.TextField(_("feedback to the applicant"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    batch = models.ForeignKey(
        DecisionBatch,
        verbose_name=_("published in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_outcome_display()}"

    @property
    def is_published(self) -> bool:
        return self.batch_id is not None
