"""Report runs: asking for a report, generating it in the background, trying again, removing
files past their time, and the monthly KPI pack.

A run is a durable job (``cluster_portal.core.jobs``): :func:`run_request` writes the row and
queues ``reports.tasks.generate_report`` after commit; the worker claims the row (``RUNS``),
builds the kind's content from the filters (``reports.catalogue``) in the run's language and
streams it with ``reports.spreadsheets`` into a temporary file, updating ``rows_done`` with one
cheap ``UPDATE`` every 1,000 rows. Only a complete file is copied into the private storage,
under a fresh random name, and the row becomes ``done`` in the same transaction that notifies the
requester (``reports.ready``) — or, for the scheduled pack, the people holding a
``KPI_PACK_ROLES`` role (``reports.kpi_pack``) — so the notification is neither lost nor sent
twice. A run that fails for good tells its requester (``reports.failed``); the page shows a
short translated message and ``last_error`` keeps the technical one.

Decisions taken here:

* **Retry** makes a *new* run with the same kind, format and filters (checked again: the
  person's permissions or the data may have changed), so the failed run stays as it was, with
  its error, and every run has exactly one file and one notification.
* **At most** :data:`MAX_ACTIVE_RUNS_PER_PERSON` runs of one person wait or run at once.
* **Time limits**: a big report gets the longer limits of ``generate_report``
  (``reports.tasks``); :data:`STALE_AFTER` is longer than its hard limit, so a live worker is
  never robbed of its run. A dead worker's run is handed back by :func:`runs_sweep` and starts
  again from the beginning (a new temporary file, a new stored name).
* **The sweep queues, it does not generate**: the periodic task has the global (short) time
  limits, so it re-queues due runs as ``generate_report`` tasks (claiming makes a duplicate a
  no-op) instead of running reports inline the way ``JobQueue.sweep`` would.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cluster_portal.audit.services import audit_decision
from cluster_portal.core import roles
from cluster_portal.core.jobs import JobQueue, JobStatus, PermanentJobError
from cluster_portal.tasks import enqueue_on_commit, publish_safely
from members.models import User
from members.services._effects import staff_with_role
from notifications.services import notify, recipient_language

from .. import permissions
from ..catalogue import ReportContent, ReportKindSpec, get_kind
from ..models import ReportFormat, ReportKind, ReportRun
from ..models.runs import report_upload_to
from ..spreadsheets import PROGRESS_EVERY, write_csv, write_xlsx
from ..tasks import GENERATE_TIME_LIMIT, generate_report

logger = logging.getLogger(__name__)

Status = JobStatus

#: Runs of one person that may wait or run at the same time.
MAX_ACTIVE_RUNS_PER_PERSON = 3
#: Longer than ``generate_report``'s hard time limit: a run still ``running`` after this was
#: abandoned by a dead worker.
STALE_AFTER = timedelta(seconds=GENERATE_TIME_LIMIT) + timedelta(minutes=5)
#: A broken report does not get better: a few attempts, then it fails and the person is told.
MAX_ATTEMPTS = 3
#: The sweep re-queues a pending run only once it has waited this long (the task queued after
#: commit normally takes it first).
SWEEP_GRACE = timedelta(seconds=60)
SWEEP_MAX_RUNS = 100
#: The filters of the monthly KPI pack (the cluster_kpis kind's form fields).
KPI_PACK_PREFIX = "kpi-pack:"


# --- Asking for a report -----------------------------------------------------------------------


def _json_filters(data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's cleaned data as plain JSON (dates as ISO strings, decimals as strings)."""
    return json.loads(json.dumps(dict(data), cls=DjangoJSONEncoder, sort_keys=True))


def clean_filters(
    *, spec: ReportKindSpec, actor: User | None, filters: Mapping[str, Any]
) -> dict[str, Any]:
    """Validate ``filters`` with the kind's form; its cleaned data as JSON, or ValidationError
    (field-keyed, with the form's messages)."""
    form = spec.form_class(data=filters, user=actor)  # type: ignore[call-arg]
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return _json_filters(form.cleaned_data)


@transaction.atomic
def run_request(*, actor: User, kind: str, format: str, filters: Mapping[str, Any]) -> ReportRun:
    """Ask for a report of ``kind`` in ``format`` (xlsx or csv) with ``filters`` (the kind's
    form's data).

    Preconditions: the actor may generate this kind (``can_request_report``: PermissionDenied
    with the reason, before the input is looked at) and, once the filters are valid, for the
    object they name; fewer than :data:`MAX_ACTIVE_RUNS_PER_PERSON` of the actor's runs are
    waiting or running. Bad input raises ValidationError and writes nothing. Writes the run
    (in the actor's language), audits it and queues ``generate_report`` after commit.
    """
    verdict = permissions.can_request_report(actor, kind, {})
    if not verdict:
        raise PermissionDenied(verdict.reason)
    spec = get_kind(kind)
    if format not in ReportFormat.values:
        raise ValidationError({"format": _("Choose a file format: Excel (XLSX) or CSV.")})
    cleaned = clean_filters(spec=spec, actor=actor, filters=filters)
    verdict = permissions.can_request_report(actor, kind, cleaned)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    # One person's requests are counted one at a time (the row lock is a no-op on SQLite).
    User.objects.select_for_update().filter(pk=actor.pk).values_list("pk").first()
    active = ReportRun.objects.filter(
        requester=actor, status__in=(Status.PENDING, Status.RUNNING)
    ).count()
    if active >= MAX_ACTIVE_RUNS_PER_PERSON:
        raise ValidationError(
            ngettext(
                "You already have %(count)d report being generated. Wait until it is ready "
                "and try again.",
                "You already have %(count)d reports being generated. Wait until one of them "
                "is ready and try again.",
                active,
            )
            % {"count": active},
            code="too_many_runs",
        )
    run = ReportRun(
        kind=kind,
        format=format,
        filters=cleaned,
        language=recipient_language(actor),
        requester=actor,
    )
    run.full_clean()
    run.save()
    audit_decision(
        actor=actor,
        target=run,
        action="report.request",
        changes={
            "kind": ("", kind),
            "format": ("", format),
            "filters": ("", json.dumps(cleaned, sort_keys=True, ensure_ascii=False)),
        },
    )
    enqueue_on_commit(generate_report, run_id=run.pk)
    return run


@transaction.atomic
def run_retry(*, actor: User, run: ReportRun) -> ReportRun:
    """Generate again a run of the actor that failed, or whose file was removed: a NEW run with
    the same kind, format and filters (checked again, as in :func:`run_request`, including the
    limit of runs at once). The old run stays as it was. Audited; queues the new run."""
    if run.requester_id is None or run.requester_id != actor.pk:
        raise PermissionDenied(_("Only the person who asked for a report can generate it again."))
    if not (run.status == Status.FAILED or run.expired_at is not None):
        raise ValidationError(
            _("Only a report that failed, or whose file was removed, can be generated again."),
            code="invalid_transition",
        )
    new = run_request(actor=actor, kind=run.kind, format=run.format, filters=run.filters)
    audit_decision(
        actor=actor, target=new, action="report.retry", changes={"retry_of": ("", run.pk)}
    )
    return new


# --- Generating --------------------------------------------------------------------------------


def run_url(run: ReportRun | int) -> str:
    return reverse("reports_staff:run_detail", args=[getattr(run, "pk", run)])


def _lima(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def _month_label(starts_on: datetime.date) -> Any:
    """ "October 2026" in the language active when it is written (each recipient's)."""
    return lazy(lambda: formats.date_format(starts_on, "YEAR_MONTH_FORMAT"), str)()


def _progress(run_pk: int) -> Any:
    def update(done: int) -> None:
        ReportRun.objects.filter(pk=run_pk, status=Status.RUNNING).update(rows_done=done)

    return update


def _write(run: ReportRun, content: ReportContent, scratch: IO[bytes]) -> int:
    """Stream the content into ``scratch``: every sheet in XLSX, the first sheet in CSV."""
    progress = _progress(run.pk)
    if run.format == ReportFormat.CSV:
        if not content.sheets:
            return write_csv(scratch, [], [], progress)
        first = content.sheets[0]
        return write_csv(
            scratch, first.columns, first.rows, progress, progress_every=PROGRESS_EVERY
        )
    return write_xlsx(scratch, content.sheets, progress, progress_every=PROGRESS_EVERY)


def _generate(run: ReportRun) -> Mapping[str, Any] | None:
    """``perform`` of :data:`RUNS`: build, write to a temporary file, store, finish and notify.

    Starts from the beginning on every attempt. The row becomes ``done`` here, in the
    transaction that notifies, so the queue's own ``done`` update then finds nothing to do.
    """
    try:
        spec = get_kind(run.kind)
    except KeyError:
        raise PermanentJobError(f"no source registered for report kind {run.kind!r}") from None
    storage = ReportRun._meta.get_field("file").storage
    with translation.override(run.language):
        content = spec.build(run.filters)
        ReportRun.objects.filter(pk=run.pk, status=Status.RUNNING).update(
            rows_total=content.total_rows,
            rows_done=0,
            started_at=timezone.now(),
            updated_at=timezone.now(),
        )
        with tempfile.TemporaryFile(prefix="report-") as scratch:
            written = _write(run, content, scratch)
            scratch.seek(0, os.SEEK_END)
            size = scratch.tell()
            scratch.seek(0)
            stored = storage.save(report_upload_to(run, ""), File(scratch))
    finished = timezone.now()
    fields = {
        "status": Status.DONE,
        "last_error": "",
        "file": stored,
        "file_name": f"{content.file_stem}-{timezone.localtime(finished):%Y%m%d-%H%M}.{run.format}",
        "file_size": size,
        "rows_done": written,
        "finished_at": finished,
        "expires_at": finished + timedelta(hours=settings.REPORT_FILE_TTL_HOURS),
        "updated_at": finished,
    }
    with transaction.atomic():
        ours = ReportRun.objects.filter(
            pk=run.pk, status=Status.RUNNING, claimed_at=run.claimed_at
        ).update(**fields)
        if ours:
            for name, value in fields.items():
                setattr(run, name, value)
            _announce_ready(run, spec)
    if not ours:
        # Another worker took the run meanwhile (it can only happen when this one outlived
        # STALE_AFTER): this file is nobody's.
        logger.warning("report run %s was taken over; discarding %s", run.pk, stored)
        storage.delete(stored)
    return None


def _announce_ready(run: ReportRun, spec: ReportKindSpec) -> None:
    expires = _lima(run.expires_at) if run.expires_at else ""
    if run.requester_id is None:
        starts_on = datetime.date.fromisoformat(str(run.filters.get("starts_on")))
        notify(
            recipients=staff_with_role(roles.KPI_PACK_ROLES),
            event="reports.kpi_pack",
            context={"period": _month_label(starts_on), "expires_at": expires},
            url=run_url(run),
            idempotency_key=f"reports.kpi_pack:{run.pk}",
        )
        return
    notify(
        recipients=User.objects.filter(pk=run.requester_id),
        event="reports.ready",
        context={"report": spec.title, "expires_at": expires},
        url=run_url(run),
        idempotency_key=f"reports.ready:{run.pk}",
    )


def _announce_failure(run: ReportRun) -> None:
    if run.requester_id is None:
        logger.error("the scheduled report run %s (%s) failed for good", run.pk, run.kind)
        return
    try:
        title: Any = get_kind(run.kind).title
    except KeyError:
        title = ReportKind(run.kind).label
    notify(
        recipients=User.objects.filter(pk=run.requester_id),
        event="reports.failed",
        context={"report": title},
        url=run_url(run),
        idempotency_key=f"reports.failed:{run.pk}",
    )


class ReportRunQueue(JobQueue[ReportRun]):
    """The runs' queue: the shared claim/retry/recover logic, plus telling the requester when a
    run failed for good."""

    def run(self, row: ReportRun) -> str:
        outcome = super().run(row)
        if outcome == Status.FAILED:
            _announce_failure(row)
        return outcome


RUNS = ReportRunQueue(
    ReportRun,
    perform=_generate,
    max_attempts=MAX_ATTEMPTS,
    retry_base_seconds=60,
    retry_max_seconds=600,
    stale_after=STALE_AFTER,
)


def run_generate(*, run_id: int) -> str:
    """Generate run ``run_id`` if it is pending and due. Safe to call any number of times:
    returns the new status, or ``"skipped"`` (done, being generated, waiting for a retry)."""
    return RUNS.run_one(run_id)


def runs_sweep() -> int:
    """Hand back the runs a dead worker abandoned (``running`` for longer than
    :data:`STALE_AFTER`) and queue a ``generate_report`` task for each run that is due and was
    not taken (the broker never got its task, or a retry's time came). Returns how many tasks
    were queued."""
    now = timezone.now()
    stale = list(ReportRun.objects.filter(RUNS.stale(now)).values_list("pk", flat=True))
    if stale:
        ReportRun.objects.filter(RUNS.stale(now), pk__in=stale).update(
            status=Status.PENDING, next_attempt_at=now, updated_at=now
        )
        logger.warning("report runs abandoned by a dead worker, queued again: %s", stale)
    due = list(
        ReportRun.objects.filter(RUNS.due(now))
        .filter(Q(updated_at__lte=now - SWEEP_GRACE) | Q(pk__in=stale))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_MAX_RUNS]
    )
    for pk in due:
        publish_safely(generate_report, run_id=pk)
    return len(due)


def runs_remove_expired_files() -> int:
    """Delete the files of runs past their ``expires_at`` from the storage and mark the runs
    (``expired_at``; the row and its history stay). Returns how many files were removed."""
    now = timezone.now()
    storage = ReportRun._meta.get_field("file").storage
    removed = 0
    expired = ReportRun.objects.filter(
        status=Status.DONE, expires_at__lte=now, expired_at__isnull=True
    ).values_list("pk", "file")[:1000]
    for pk, name in expired:
        if name:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("could not delete the file of report run %s", pk)
                continue
        removed += ReportRun.objects.filter(pk=pk, expired_at__isnull=True).update(
            expired_at=now, file="", updated_at=now
        )
    return removed


# --- The monthly KPI pack ----------------------------------------------------------------------


def kpi_pack_filters(starts_on: datetime.date) -> dict[str, Any]:
    """The filters of the cluster_kpis kind for the month starting on ``starts_on``."""
    return {"period_kind": "month", "starts_on": starts_on.isoformat()}


def kpi_pack_request(*, today: datetime.date | None = None) -> str:
    """Ask for the KPI report of the month before ``today`` (Lima), once: the run's
    ``idempotency_key`` is ``kpi-pack:YYYY-MM``, so any number of ticks makes one run. No
    requester; when it is ready every active person holding a ``KPI_PACK_ROLES`` role is told
    (each in their language). Returns ``created:<pk>``, ``exists:<key>`` or why nothing was
    made."""
    today = today or timezone.localdate()
    starts_on = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    key = f"{KPI_PACK_PREFIX}{starts_on:%Y-%m}"
    if ReportRun.objects.filter(idempotency_key=key).exists():
        return f"exists:{key}"
    try:
        spec = get_kind(ReportKind.CLUSTER_KPIS)
    except KeyError:
        logger.error("the monthly KPI pack needs the cluster_kpis report kind")
        return "no-kind"
    try:
        with translation.override(settings.LANGUAGE_CODE):
            filters = clean_filters(spec=spec, actor=None, filters=kpi_pack_filters(starts_on))
    except ValidationError as exc:
        logger.error("the monthly KPI pack's filters were refused: %s", exc.messages)
        return "invalid-filters"
    try:
        with transaction.atomic():
            run = ReportRun(
                kind=ReportKind.CLUSTER_KPIS,
                format=ReportFormat.XLSX,
                filters=filters,
                language=settings.LANGUAGE_CODE,
                requester=None,
                idempotency_key=key,
            )
            run.full_clean(validate_unique=False)
            run.save()
            audit_decision(actor=None, target=run, action="report.kpi_pack", reason=key)
            enqueue_on_commit(generate_report, run_id=run.pk)
    except IntegrityError:
        return f"exists:{key}"
    return f"created:{run.pk}"
