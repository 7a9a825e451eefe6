"""The regulatory barrier register, shaped like a complaint to INDECOPI's commission on
bureaucratic barriers (Comisión de Eliminación de Barreras Burocráticas): the barrier, the
rule and article that create it, the authority responsible, how it shows up in practice, the
value-chain stage, its cost or delay, the evidence and the improvement proposal; its status
with a history, the case or resolution number, the member organizations that endorse it, and
the challenges it blocks and projects it affects.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_field
from members.models import Capability, Organization

from .articles import Visibility

#: Prefix of barrier codes: ``CMSP-BAR-2026-0004`` (cluster_portal.core.references).
BARRIER_REFERENCE_PREFIX = "CMSP-BAR"


class RegulatoryBarrier(models.Model):
    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        DOCUMENTED = "documented", _("Documented")
        PROPOSED = "proposed", _("Improvement proposed")
        IN_DIALOGUE = "in_dialogue", _("In dialogue with the authority")
        RESOLVED = "resolved", _("Resolved")
        DROPPED = "dropped", _("Dropped")

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("barrier"), max_length=250)
    description = models.TextField(
        _("description"), max_length=5000, help_text=_("Markdown is allowed.")
    )
    rule = models.CharField(
        _("rule"), max_length=300, help_text=_("The law, decree or ordinance that creates it.")
    )
    rule_article = models.CharField(_("article"), max_length=100, blank=True)
    authority = models.CharField(_("responsible authority"), max_length=250)
    manifestation = models.TextField(_("how it shows up in practice"), max_length=3000, blank=True)
    value_chain_stage = models.ForeignKey(
        Capability,
        verbose_name=_("value-chain stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"dimension": Capability.Dimension.VALUE_CHAIN},
        related_name="+",
    )
    estimated_cost = money_field(_("estimated cost per year"), null=True)
    estimated_delay_days = models.PositiveIntegerField(
        _("estimated delay (days)"), null=True, blank=True
    )
    improvement_proposal = models.TextField(_("improvement proposal"), max_length=5000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.IDENTIFIED,
        db_index=True,
    )
    case_number = models.CharField(
        _("case or resolution number"),
        max_length=100,
        blank=True,
        help_text=_("INDECOPI's file or resolution number, where one exists."),
    )
    visibility = models.CharField(
        _("who can read it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        db_index=True,
    )
    challenges = models.ManyToManyField(
        "challenges.Challenge",
        verbose_name=_("challenges it blocks"),
        related_name="regulatory_barriers",
        blank=True,
    )
    projects = models.ManyToManyField(
        "challenges.Project",
        verbose_name=_("projects it affects"),
        related_name="regulatory_barriers",
        blank=True,
    )
    attachments = GenericRelation("files.Attachment")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[models.Manager[RegulatoryBarrier]] = models.Manager()

    class Meta:
        verbose_name = _("regulatory barrier")
        verbose_name_plural = _("regulatory barriers")
        ordering = ("-updated_at", "-pk")

    def __str__(self) -> str:
        return self.title


class BarrierStatusChange(models.Model):
    """One step of a barrier's history (also its creation: ``from_status`` empty)."""

    barrier = models.ForeignKey(
        RegulatoryBarrier,
        verbose_name=_("barrier"),
        on_delete=models.CASCADE,
        related_name="history",
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=RegulatoryBarrier.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=RegulatoryBarrier.Status.choices)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("barrier status change")
        verbose_name_plural = _("barrier status changes")
        ordering = ("barrier", "changed_at", "pk")

    def __str__(self) -> str:
        return f"{self.barrier}: {self.from_status} → {self.to_status}"


class BarrierEndorsement(models.Model):
    """A member organization endorses a barrier (one click), optionally with a statement."""

    barrier = models.ForeignKey(
        RegulatoryBarrier,
        verbose_name=_("barrier"),
        on_delete=models.CASCADE,
        related_name="endorsements",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="barrier_endorsements",
    )
    statement = models.CharField(_("statement"), max_length=1000, blank=True)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("endorsed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("endorsed"), auto_now_add=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ("barrier", "created_at")
        constraints = [
            models.UniqueConstraint(
                fields=["barrier", "organization"], name="barrier_endorsement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.barrier}"
