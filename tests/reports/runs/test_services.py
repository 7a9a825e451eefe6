"""Report runs services: asking (permission, filters, limit), generating (file, progress,
notifications), failing, trying again, the sweep, removing old files, the monthly KPI pack."""

from __future__ import annotations

import csv
import datetime
import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cluster_portal.core import roles
from cluster_portal.core.jobs import JobStatus
from notifications.models import Notification
from reports import catalogue
from reports.catalogue import ReportContent, ReportKindSpec
from reports.models import ReportKind, ReportRun
from reports.services import runs as services
from reports.spreadsheets import Column, Sheet
from tests.permission_matrix import staff_user
from tests.reports.factories import ReportRunFactory

from .kinds import FAKE_KIND, FakeFilters

pytestmark = pytest.mark.django_db


def _request(actor, *, format="xlsx", **filters):
    return services.run_request(
        actor=actor, kind=FAKE_KIND, format=format, filters={"rows": 3, **filters}
    )


def _stored_files(storage) -> list[str]:
    root = Path(storage.location)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _generated(actor, capture, **kwargs) -> ReportRun:
    with capture(execute=True):
        run = _request(actor, **kwargs)
    run.refresh_from_db()
    return run


# --- Asking --------------------------------------------------------------------------------


def test_request_writes_the_run_audits_and_queues_after_commit(
    fake_kind, officer, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        run = _request(officer, label="Lima", format="csv")
    assert len(callbacks) == 1  # generate_report, after commit only
    run.refresh_from_db()
    assert run.status == JobStatus.PENDING
    assert run.requester == officer
    assert run.language == "en"  # the requester's
    assert run.format == "csv"
    # The form's cleaned data, as JSON: never a list of ids.
    assert run.filters == {"rows": 3, "label": "Lima", "delay": None, "secret": False, "fail": ""}
    entry = LogEntry.objects.get(object_pk=str(run.pk), content_type__model="reportrun")
    assert entry.additional_data["decision"] == "report.request"
    assert entry.actor == officer


def test_request_refused_without_the_kinds_permission(fake_kind, db) -> None:
    nobody = staff_user()
    with pytest.raises(PermissionDenied, match="No puede generar este reporte"):
        _request(nobody)
    assert not ReportRun.objects.exists()


def test_request_refused_for_an_object_the_person_may_not_see(fake_kind, officer) -> None:
    with pytest.raises(PermissionDenied):
        _request(officer, secret=True)
    assert not ReportRun.objects.exists()


def test_request_unknown_kind_is_refused(officer) -> None:
    with pytest.raises(PermissionDenied, match="No existe ese reporte"):
        services.run_request(actor=officer, kind="nonsense", format="xlsx", filters={})


def test_bad_filters_are_refused_by_field_and_nothing_is_written(fake_kind, officer) -> None:
    with pytest.raises(ValidationError) as caught:
        services.run_request(actor=officer, kind=FAKE_KIND, format="xlsx", filters={"rows": -1})
    assert "rows" in caught.value.message_dict
    assert not ReportRun.objects.exists()
    assert not LogEntry.objects.filter(content_type__model="reportrun").exists()


def test_bad_format_is_refused(fake_kind, officer) -> None:
    with pytest.raises(ValidationError) as caught:
        _request(officer, format="pdf")
    assert "format" in caught.value.message_dict
    assert not ReportRun.objects.exists()


def test_at_most_three_runs_of_one_person_at_once(fake_kind, officer) -> None:
    runs = [_request(officer) for _ in range(services.MAX_ACTIVE_RUNS_PER_PERSON)]
    with pytest.raises(ValidationError) as caught:
        _request(officer)
    assert caught.value.code == "too_many_runs"
    assert "Ya tiene 3 reportes en generación" in caught.value.messages[0]
    assert ReportRun.objects.count() == 3
    # Someone else is not affected; a finished run frees a place.
    _request(staff_user(roles.REPORTING_OFFICER))
    ReportRun.objects.filter(pk=runs[0].pk).update(status=JobStatus.DONE)
    _request(officer)
    assert ReportRun.objects.filter(requester=officer).count() == 4


# --- Generating ------------------------------------------------------------------------------


def test_generated_xlsx_is_stored_named_and_announced(
    fake_kind, officer, settings, private_storage, django_capture_on_commit_callbacks
) -> None:
    settings.REPORT_FILE_TTL_HOURS = 48
    run = _generated(officer, django_capture_on_commit_callbacks, rows=5, label="Cusco")
    assert run.status == JobStatus.DONE
    assert run.last_error == ""
    assert run.rows_total == 6
    assert run.rows_done == 6
    assert run.started_at <= run.finished_at
    assert run.expires_at == run.finished_at + timedelta(hours=48)
    # A random stored name; the download name is the kind's stem and the time.
    assert re.fullmatch(r"reports/\d{4}/\d{2}/[0-9a-f]{32}\.xlsx", run.file.name)
    assert re.fullmatch(r"fake-report-\d{8}-\d{4}\.xlsx", run.file_name)
    assert run.file_size == private_storage.size(run.file.name)
    assert run.is_downloadable
    assert run.progress_percent == 100

    with private_storage.open(run.file.name, "rb") as handle:
        book = openpyxl.load_workbook(handle, read_only=True)
        assert book.sheetnames == ["Data", "Notes"]
        data = [list(row) for row in book["Data"].iter_rows(values_only=True)]
        assert data[0] == ["Number", "Text"]
        assert data[1] == [1, "'=row 1"]  # neutralized against formula injection
        assert len(data) == 6
        assert list(book["Notes"].iter_rows(values_only=True))[1] == ("Cusco",)
        book.close()

    notification = Notification.objects.get(recipient=officer, event="reports.ready")
    assert notification.url == f"/staff/reports/runs/{run.pk}/"
    with translation.override("en"):
        assert notification.title == "Your report is ready: Fake report"


def test_csv_holds_the_first_sheet_only(
    fake_kind, officer, private_storage, django_capture_on_commit_callbacks
) -> None:
    run = _generated(officer, django_capture_on_commit_callbacks, format="csv", rows=2)
    assert run.file_name.endswith(".csv")
    raw = private_storage.open(run.file.name, "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [["Number", "Text"], ["1", "'=row 1"], ["2", "'=row 2"]]


def test_progress_is_written_every_thousand_rows_while_generating(
    monkeypatch, officer, django_capture_on_commit_callbacks
) -> None:
    seen: list[tuple[str, int, int | None]] = []

    def rows():
        for n in range(1, 2601):
            if n in (1, 1001, 2001, 2600):
                run = ReportRun.objects.get()
                seen.append((run.status, run.rows_done, run.rows_total))
            yield {"n": n}

    def build(filters):
        return ReportContent(
            sheets=[Sheet("S", [Column("n", "N")], rows())], total_rows=2600, file_stem="progress"
        )

    spec = ReportKindSpec(
        code=FAKE_KIND,
        title="Progress",
        description="",
        form_class=FakeFilters,
        can_request=lambda user, filters: True,
        build=build,
    )
    catalogue._load_sources()
    monkeypatch.setitem(catalogue._KINDS, FAKE_KIND, spec)
    run = _generated(officer, django_capture_on_commit_callbacks)
    assert seen == [
        ("running", 0, 2600),
        ("running", 1000, 2600),
        ("running", 2000, 2600),
        ("running", 2000, 2600),
    ]
    assert run.rows_done == 2600


def test_a_transient_failure_is_retried_later_without_notifying(
    fake_kind, officer, django_capture_on_commit_callbacks
) -> None:
    run = _generated(officer, django_capture_on_commit_callbacks, fail="transient")
    assert run.status == JobStatus.PENDING
    assert run.attempts == 1
    assert run.last_error == "RuntimeError: the database hiccuped"
    assert run.next_attempt_at > timezone.now()
    assert not Notification.objects.filter(recipient=officer).exists()
    # The last attempt fails for good and tells the requester, once.
    ReportRun.objects.filter(pk=run.pk).update(
        attempts=services.MAX_ATTEMPTS - 1, next_attempt_at=timezone.now()
    )
    assert services.run_generate(run_id=run.pk) == JobStatus.FAILED
    assert services.run_generate(run_id=run.pk) == "skipped"
    notification = Notification.objects.get(recipient=officer, event="reports.failed")
    with translation.override("en"):
        assert notification.title == "Your report could not be generated: Fake report"


def test_a_permanent_failure_fails_at_once_and_no_file_is_left(
    fake_kind, officer, private_storage, django_capture_on_commit_callbacks
) -> None:
    run = _generated(officer, django_capture_on_commit_callbacks, fail="permanent")
    assert run.status == JobStatus.FAILED
    assert run.last_error == "ValueError: this report cannot be made"
    assert not run.file
    assert Notification.objects.filter(recipient=officer, event="reports.failed").count() == 1


def test_a_failure_midway_stores_nothing(
    fake_kind, officer, private_storage, django_capture_on_commit_callbacks
) -> None:
    run = _generated(officer, django_capture_on_commit_callbacks, fail="midway", rows=10)
    assert run.status == JobStatus.PENDING  # transient: tried again later
    assert not run.file
    assert run.file_name == ""
    assert _stored_files(private_storage) == []


def test_generate_twice_makes_one_file_and_one_notification(
    fake_kind, officer, private_storage, django_capture_on_commit_callbacks
) -> None:
    run = _generated(officer, django_capture_on_commit_callbacks)
    assert services.run_generate(run_id=run.pk) == "skipped"
    assert _stored_files(private_storage) == [run.file.name]
    assert Notification.objects.filter(event="reports.ready").count() == 1


# --- Trying again ----------------------------------------------------------------------------


def test_retry_of_a_failed_run_makes_a_new_run(
    fake_kind, officer, django_capture_on_commit_callbacks
) -> None:
    failed = ReportRunFactory(
        requester=officer,
        kind=FAKE_KIND,
        format="csv",
        filters={"rows": 2},
        status=JobStatus.FAILED,
        last_error="RuntimeError: x",
    )
    with django_capture_on_commit_callbacks(execute=True):
        new = services.run_retry(actor=officer, run=failed)
    assert new.pk != failed.pk
    new.refresh_from_db()
    failed.refresh_from_db()
    assert (new.kind, new.format, new.status) == (FAKE_KIND, "csv", JobStatus.DONE)
    assert new.filters["rows"] == 2
    assert failed.status == JobStatus.FAILED
    assert failed.last_error == "RuntimeError: x"
    assert LogEntry.objects.filter(
        object_pk=str(new.pk), additional_data__decision="report.retry"
    ).exists()


def test_retry_of_an_expired_run_is_allowed(fake_kind, officer) -> None:
    expired = ReportRunFactory(
        requester=officer,
        kind=FAKE_KIND,
        filters={"rows": 1},
        status=JobStatus.DONE,
        expired_at=timezone.now(),
    )
    assert services.run_retry(actor=officer, run=expired).pk != expired.pk


def test_retry_refused_for_a_run_in_progress_or_ready(fake_kind, officer) -> None:
    for status in (JobStatus.PENDING, JobStatus.RUNNING, JobStatus.DONE):
        run = ReportRunFactory(requester=officer, kind=FAKE_KIND, status=status)
        with pytest.raises(ValidationError) as caught:
            services.run_retry(actor=officer, run=run)
        assert caught.value.code == "invalid_transition"
    assert ReportRun.objects.count() == 3


def test_retry_refused_for_someone_elses_run(fake_kind, officer) -> None:
    run = ReportRunFactory(kind=FAKE_KIND, status=JobStatus.FAILED)
    with pytest.raises(PermissionDenied):
        services.run_retry(actor=officer, run=run)
    pack = ReportRunFactory(kind=FAKE_KIND, status=JobStatus.FAILED, requester=None)
    with pytest.raises(PermissionDenied):
        services.run_retry(actor=officer, run=pack)
    assert ReportRun.objects.count() == 2


def test_retry_checks_the_filters_and_permission_again(fake_kind, officer) -> None:
    run = ReportRunFactory(
        requester=officer,
        kind=FAKE_KIND,
        filters={"rows": 1, "secret": True},
        status=JobStatus.FAILED,
    )
    with pytest.raises(PermissionDenied):
        services.run_retry(actor=officer, run=run)
    assert ReportRun.objects.count() == 1


# --- Sweep and expiry ------------------------------------------------------------------------


def test_sweep_hands_back_a_dead_workers_run_and_generates_it(fake_kind, officer) -> None:
    long_ago = timezone.now() - services.STALE_AFTER - timedelta(minutes=1)
    stale = ReportRunFactory(
        requester=officer,
        kind=FAKE_KIND,
        filters={"rows": 2},
        status=JobStatus.RUNNING,
        attempts=1,
        claimed_at=long_ago,
        rows_done=1000,
    )
    alive = ReportRunFactory(
        requester=officer,
        kind=FAKE_KIND,
        filters={"rows": 2},
        status=JobStatus.RUNNING,
        attempts=1,
        claimed_at=timezone.now(),
    )
    assert services.runs_sweep() == 1  # tasks run eagerly in the tests
    stale.refresh_from_db()
    alive.refresh_from_db()
    assert stale.status == JobStatus.DONE
    assert stale.attempts == 2
    assert stale.rows_done == 3
    assert alive.status == JobStatus.RUNNING


def test_sweep_queues_pending_runs_the_broker_lost_but_not_fresh_ones(fake_kind, officer) -> None:
    lost = ReportRunFactory(requester=officer, kind=FAKE_KIND, filters={"rows": 1})
    ReportRun.objects.filter(pk=lost.pk).update(
        updated_at=timezone.now() - timedelta(minutes=5),
        next_attempt_at=timezone.now() - timedelta(minutes=5),
    )
    fresh = ReportRunFactory(requester=officer, kind=FAKE_KIND, filters={"rows": 1})
    later = ReportRunFactory(requester=officer, kind=FAKE_KIND, filters={"rows": 1})
    ReportRun.objects.filter(pk=later.pk).update(
        updated_at=timezone.now() - timedelta(minutes=5),
        next_attempt_at=timezone.now() + timedelta(minutes=5),
    )
    assert services.runs_sweep() == 1
    statuses = dict(ReportRun.objects.values_list("pk", "status"))
    assert statuses == {
        lost.pk: JobStatus.DONE,
        fresh.pk: JobStatus.PENDING,
        later.pk: JobStatus.PENDING,
    }


def test_expired_files_are_removed_and_the_rows_kept(
    fake_kind, officer, private_storage, django_capture_on_commit_callbacks
) -> None:
    old = _generated(officer, django_capture_on_commit_callbacks)
    current = _generated(officer, django_capture_on_commit_callbacks)
    name = old.file.name
    ReportRun.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert services.runs_remove_expired_files() == 1
    assert services.runs_remove_expired_files() == 0
    old.refresh_from_db()
    current.refresh_from_db()
    assert not private_storage.exists(name)
    assert old.expired_at is not None
    assert not old.file
    assert not old.is_downloadable
    assert old.file_name  # the history stays
    assert current.is_downloadable
    assert private_storage.exists(current.file.name)


# --- The monthly KPI pack --------------------------------------------------------------------


@pytest.fixture
def kpi_kind(monkeypatch):
    """The cluster_kpis kind with its real filter form and a small build."""
    from reports.sources import cluster_kpis

    def build(filters):
        rows = [{"figure": "Members", "value": 12}]
        return ReportContent(
            sheets=[Sheet("KPIs", [Column("figure", "Figure"), Column("value", "Value")], rows)],
            total_rows=1,
            file_stem=f"kpis-{filters['starts_on'][:7]}",
        )

    spec = ReportKindSpec(
        code=ReportKind.CLUSTER_KPIS,
        title="Cluster KPIs",
        description="",
        form_class=cluster_kpis.ClusterKpiFilters,
        can_request=cluster_kpis.can_request,
        build=build,
    )
    catalogue._load_sources()
    monkeypatch.setitem(catalogue._KINDS, ReportKind.CLUSTER_KPIS, spec)
    return spec


def test_kpi_pack_once_per_month_for_the_roles_that_receive_it(
    kpi_kind, django_capture_on_commit_callbacks
) -> None:
    officer_es = staff_user(roles.REPORTING_OFFICER, language="es")
    admin_en = staff_user(roles.ADMINISTRATOR, language="en")
    staff_user(roles.AUDITOR)  # reads the dashboard, does not receive the pack
    staff_user(roles.REPORTING_OFFICER, is_active=False)
    today = timezone.localdate()
    previous = (today.replace(day=1) - timedelta(days=1)).replace(day=1)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.kpi_pack_request(today=today)
    assert outcome.startswith("created:")
    assert services.kpi_pack_request(today=today) == f"exists:kpi-pack:{previous:%Y-%m}"
    run = ReportRun.objects.get()
    assert run.requester is None
    assert run.idempotency_key == f"kpi-pack:{previous:%Y-%m}"
    assert run.filters == {"period_kind": "month", "starts_on": previous.isoformat()}
    assert run.status == JobStatus.DONE
    assert run.file_name.startswith(f"kpis-{previous:%Y-%m}-")

    sent = Notification.objects.filter(event="reports.kpi_pack")
    assert set(sent.values_list("recipient_id", flat=True)) == {officer_es.pk, admin_en.pk}
    assert {n.url for n in sent} == {f"/staff/reports/runs/{run.pk}/"}
    with translation.override("en"):
        month = previous.strftime("%B %Y")
        assert sent.get(recipient=admin_en).title == f"Monthly KPI report: {month}"
    assert not Notification.objects.filter(event="reports.ready").exists()


def test_kpi_pack_made_on_a_later_day_covers_the_previous_month(kpi_kind) -> None:
    outcome = services.kpi_pack_request(today=datetime.date(2026, 3, 17))
    assert outcome.startswith("created:")
    assert ReportRun.objects.get().filters["starts_on"] == "2026-02-01"


def test_kpi_pack_without_the_kind_makes_nothing(monkeypatch) -> None:
    catalogue._load_sources()
    monkeypatch.delitem(catalogue._KINDS, ReportKind.CLUSTER_KPIS, raising=False)
    assert services.kpi_pack_request() == "no-kind"
    assert not ReportRun.objects.exists()
