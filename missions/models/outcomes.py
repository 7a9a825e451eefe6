"""What a mission achieved: each delegate's outcome (contacts, agreements, follow-ups, business
generated), and the agreements that became contracts, linkable to the impact ledger of a
project (``challenges.ImpactEntry``)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_field

from .applications import Delegate
from .missions import Mission


class Outcome(models.Model):
    delegate = models.OneToOneField(
        Delegate, verbose_name=_("delegate"), on_delete=models.CASCADE, related_name="outcome"
    )
    contacts_made = models.PositiveIntegerField(_("contacts made"), default=0)
    agreements = models.PositiveIntegerField(_("agreements reached"), default=0)
    follow_ups = models.TextField(_("follow-ups"), max_length=3000, blank=True)
    business_generated = money_field(_("business generated"), null=True)
    notes = models.TextField(_("notes"), max_length=3000, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Declared: django-money swaps the manager class at run time, which mypy cannot follow.
    objects: ClassVar[models.Manager[Outcome]] = models.Manager()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return str(self.delegate)


class OutcomeReminder(models.Model):
    """An outcome reminder sent to a delegate, once per ``kind`` (first, last)."""

    delegate = models.ForeignKey(
        Delegate, verbose_name=_("delegate"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("outcome reminder")
        verbose_name_plural = _("outcome reminders")
        constraints = [
            models.UniqueConstraint(fields=["delegate", "kind"], name="outcome_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.sent_at:%Y-%m-%d})"


class Agreement(models.Model):
    """An agreement reached on the mission (a memorandum, a contract). One that became a contract
    can be claimed in a project's impact ledger (``impact_entry``)."""

    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding")
        CONTRACT = "contract", _("Contract or purchase order")
        OTHER = "other", _("Other agreement")

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="agreements"
    )
    delegate = models.ForeignKey(
        Delegate, verbose_name=_("delegate"), on_delete=models.CASCADE, related_name="agreements"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    counterpart = models.CharField(_("counterpart"), max_length=200)
    description = models.CharField(_("description"), max_length=1000)
    value = money_field(_("value"), null=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    impact_entry = models.OneToOneField(
        "challenges.ImpactEntry",
        verbose_name=_("impact ledger entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mission_agreement",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects: ClassVar[models.Manager[Agreement]] = models.Manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ("mission", "-created_at", "pk")

    def __str__(self) -> str:
        return f"{self.counterpart}: {self.get_kind_display()}"
