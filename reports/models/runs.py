"""A report run: one export asked for by a person (or the monthly schedule), made by a worker.

A durable job (``cluster_portal.core.jobs``): the row is written when the person asks, a task
queued after commit generates the file, and the periodic sweep picks up what the broker never
got or a dead worker abandoned (the run starts again from the beginning: the file is written
to a new name, so a half-written one is never served). ``filters`` is what the person asked
with (the kind's form's cleaned data, JSON): the rows are selected when the run is made, never
frozen as a list of ids.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.jobs import DurableJob, JobStatus, job_indexes
from cluster_portal.files.storage import get_private_storage


class ReportKind(models.TextChoices):
    """What a run exports (each has a source in ``reports.catalogue``)."""

    CLUSTER_KPIS = "cluster_kpis", _("Cluster KPIs")
    CALL_RANKING = "call_ranking", _("Call ranking")
    CALL_PROPOSALS = "call_proposals", _("Proposals of a call")
    PORTFOLIO = "portfolio", _("Project portfolio with milestones and KPIs")
    IMPACT_LEDGER = "impact_ledger", _("Impact ledger")
    RESULTS_FRAMEWORK = "results_framework", _("Results framework (results, indicators, periods)")
    MISSION_DELEGATION = "mission_delegation", _("Mission delegation")
    MEMBER_DIRECTORY = "member_directory", _("Member directory")


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (XLSX)")
    CSV = "csv", _("CSV")


def report_upload_to(instance: ReportRun, filename: str) -> str:
    """A random path: the download name is ``file_name``, never part of the path."""
    now = timezone.now()
    return f"reports/{now:%Y/%m}/{secrets.token_hex(16)}.{instance.format}"


class ReportRun(DurableJob):
    """One export: what was asked, how far it got, the file, and when the file goes away."""

    Status = JobStatus

    kind = models.CharField(_("report"), max_length=30, choices=ReportKind.choices)
    format = models.CharField(
        _("format"), max_length=4, choices=ReportFormat.choices, default=ReportFormat.XLSX
    )
    #: The kind's form's cleaned data (JSON): filters, never a list of ids.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    #: Headers, sheet names and texts are written in this language.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_runs",
        verbose_name=_("requested by"),
        help_text=_("Empty for the scheduled monthly KPI report."),
    )
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows expected"), null=True, blank=True)
    file = models.FileField(
        _("file"),
        storage=get_private_storage,
        upload_to=report_upload_to,
        max_length=255,
        blank=True,
    )
    #: The name the download is offered under (``kpis-cluster-2026-11.xlsx``).
    file_name = models.CharField(_("file name"), max_length=150, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    #: When the file is removed (``settings.REPORT_FILE_TTL``); set when the run completes.
    expires_at = models.DateTimeField(_("file available until"), null=True, blank=True)
    #: Set when the file was removed after ``expires_at``.
    expired_at = models.DateTimeField(_("file removed"), null=True, blank=True)
    #: Set for scheduled runs (``kpi-pack:2026-11``): the schedule never makes one twice.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=100, unique=True, null=True, blank=True
    )

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ("-created_at", "-pk")
        indexes = [
            *job_indexes("report"),
            models.Index(fields=["requester", "-created_at"], name="report_requester_idx"),
            models.Index(fields=["expires_at"], name="report_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_format_display()})"

    @property
    def progress_percent(self) -> int | None:
        """0-100 while running with a known total; None when the total is unknown."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def is_downloadable(self) -> bool:
        return self.status == JobStatus.DONE and bool(self.file) and self.expired_at is None
