"""Delegate readiness: a checklist per delegate with due dates, and the reminders sent.

Only each item's status and dates are kept, never a passport's number or a scan of it (Ley
29733, Peru's personal data protection law): the passport item records until when it is valid,
which is all the "valid six months after return" rule needs. The form says so.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Delegate


class ReadinessItem(models.Model):
    class Kind(models.TextChoices):
        PASSPORT = "passport", _("Passport valid six months after return")
        VISA = "visa", _("Visa")
        INSURANCE = "insurance", _("Travel insurance")
        COPAYMENT = "copayment", _("Co-payment")
        VACCINATIONS = "vaccinations", _("Vaccinations")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NOT_NEEDED = "not_needed", _("Not needed")

    delegate = models.ForeignKey(
        Delegate, verbose_name=_("delegate"), on_delete=models.CASCADE, related_name="readiness"
    )
    kind = models.CharField(_("item"), max_length=14, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # The passport's expiry date (the only passport fact kept); a visa's or insurance's end.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("Do not write passport or document numbers here."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("readiness item")
        verbose_name_plural = _("readiness items")
        ordering = ("delegate", "due_on", "kind")
        constraints = [
            models.UniqueConstraint(fields=["delegate", "kind"], name="readiness_item_unique")
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="readiness_due_idx")]

    def __str__(self) -> str:
        return f"{self.delegate}: {self.get_kind_display()}"


class ReadinessReminder(models.Model):
    """A reminder sent for an item: one row per (item, kind), so each is sent once."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the due date")
        OVERDUE = "overdue", _("Overdue")

    item = models.ForeignKey(
        ReadinessItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("readiness reminder")
        verbose_name_plural = _("readiness reminders")
        constraints = [
            models.UniqueConstraint(fields=["item", "kind"], name="readiness_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.sent_at:%Y-%m-%d})"
