"""Closed reporting periods: the KPI figures of a month, quarter or year, frozen when closed.

Open periods have no row: the dashboard computes them live. Closing a period writes its figures
(``reports.selectors.kpis.kpis_compute``'s JSON) once; the row is never updated afterwards, so
what was sent to funders never changes silently (``reports.services.kpis.period_close``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class ClosedPeriod(models.Model):
    """A month, quarter or year whose KPI figures were frozen."""

    kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    #: ``kpis_compute(starts_on=…, ends_on=…)`` at closing time (its ``version`` inside).
    figures = models.JSONField(_("figures"))
    note = models.TextField(
        _("note"), blank=True, help_text=_("Why the period was closed, e.g. who it was sent to.")
    )
    closed_at = models.DateTimeField(_("closed"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("closed reporting period")
        verbose_name_plural = _("closed reporting periods")
        ordering = ("-starts_on", "kind")
        constraints = [
            models.UniqueConstraint(fields=["kind", "starts_on"], name="closed_period_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="closed_period_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on:%Y-%m-%d}"
