"""A mission's agenda: workshops and visits, each in its own time zone, and who attends.

Times are stored as instants (UTC in the database) plus the IANA zone the item happens in;
:mod:`missions.calendars` renders them in that zone and in Lima's and writes the ICS files.
``sequence`` goes up at every change that matters to a calendar (time, place, cancellation), so
calendar apps replace their copy; ``uid`` never changes.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .missions import Mission


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        # The values are missions.calendars.AgendaItemKind's (checked in the tests).
        WORKSHOP = "workshop", _("Workshop")
        COMPANY_VISIT = "company_visit", _("Company visit")
        RND_CENTRE_VISIT = "rnd_centre_visit", _("Visit to an R&D centre")
        OTHER = "other", _("Other")

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="agenda"
    )
    uid = models.UUIDField(_("calendar id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    host = models.CharField(_("host"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100)
    zone = models.CharField(_("time zone"), max_length=64)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    description = models.TextField(_("description"), max_length=2000, blank=True)
    # Empty and ``for_everyone``: the whole delegation attends.
    for_everyone = models.BooleanField(_("the whole delegation attends"), default=True)
    attendees = models.ManyToManyField(
        "missions.Delegate", verbose_name=_("attendees"), related_name="agenda_items", blank=True
    )
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ("mission", "starts_at", "pk")
        indexes = [models.Index(fields=["mission", "starts_at"], name="agenda_mission_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="agenda_item_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title
