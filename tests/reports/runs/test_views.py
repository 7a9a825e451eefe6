"""The report runs pages: my runs and the kinds I may generate, asking for one, a run's page and
its polled progress, trying again, the download; query counts that do not grow."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cluster_portal.core.jobs import JobStatus
from reports.models import ReportRun
from reports.spreadsheets import CONTENT_TYPE_CSV, CONTENT_TYPE_XLSX
from tests.queries import run_counted
from tests.reports.factories import ReportRunFactory

from .kinds import FAKE_KIND

pytestmark = pytest.mark.django_db
LIST = reverse("reports_staff:run_list")
CREATE = reverse("reports_staff:run_create", args=[FAKE_KIND])


def url(name: str, run: Any) -> str:
    return reverse(f"reports_staff:{name}", args=[run.pk])


@pytest.fixture
def client(officer) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    return client


def _done(officer, client, django_capture_on_commit_callbacks, **data) -> ReportRun:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, {"rows": "4", "run-format": "xlsx", **data})
    assert response.status_code == 302
    return ReportRun.objects.filter(requester=officer).latest("pk")


# --- List ------------------------------------------------------------------------------------


def test_list_shows_my_runs_and_the_kinds_i_may_generate(fake_kind, officer, client) -> None:
    ReportRunFactory(requester=officer, kind=FAKE_KIND, status=JobStatus.RUNNING)
    ReportRunFactory(kind=FAKE_KIND)  # someone else's
    response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="run-row"') == 1
    assert "Being generated" in body
    assert f'href="{CREATE}"' in body
    assert "Fake report" in body


def test_list_pages_by_25_with_constant_queries(fake_kind, officer, client) -> None:
    ReportRunFactory.create_batch(3, requester=officer, kind=FAKE_KIND)
    _response, few = run_counted(30, client.get, LIST, expect=["run-row"])
    ReportRunFactory.create_batch(30, requester=officer, kind=FAKE_KIND, status=JobStatus.DONE)
    response, many = run_counted(30, client.get, LIST, expect=["run-row", "Page 1 of 2"])
    assert many == few
    assert response.content.decode().count('data-testid="run-row"') == 25


def test_list_shows_the_monthly_packs_to_dashboard_readers(fake_kind, officer, client) -> None:
    ReportRunFactory(
        requester=None,
        kind="cluster_kpis",
        filters={"starts_on": "2026-10-01"},
        idempotency_key="kpi-pack:2026-10",
    )
    body = client.get(LIST).content.decode()
    assert 'data-testid="kpi-packs"' in body
    assert "October 2026" in body


# --- Asking ----------------------------------------------------------------------------------


def test_create_page_shows_the_kinds_form_and_the_format(fake_kind, client) -> None:
    body = client.get(CREATE).content.decode()
    assert 'name="rows"' in body
    assert 'name="run-format"' in body
    assert "Generate: Fake report" in body


def test_create_page_takes_preset_filters_and_format_from_the_link(fake_kind, client) -> None:
    """The KPI dashboard links here with its period; only the form's own fields are taken, as
    initial values (nothing is validated or written on GET)."""
    response = client.get(CREATE, {"rows": "42", "run-format": "x", "format": "csv", "bogus": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="rows" value="42"' in body
    radios = {
        match.group(1): "checked" in match.group(0)
        for match in re.finditer(r'<input[^>]*name="run-format"[^>]*value="(\w+)"[^>]*>', body)
    }
    assert radios == {"xlsx": False, "csv": True}
    assert 'name="bogus"' not in body
    assert not ReportRun.objects.exists()


def test_create_posts_the_run_and_goes_to_its_page(
    fake_kind, officer, client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, {"rows": "4", "label": "Arequipa", "run-format": "csv"})
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("run_detail", run)
    assert run.requester == officer
    assert run.format == "csv"
    assert run.filters["label"] == "Arequipa"
    assert run.status == JobStatus.DONE


def test_create_with_bad_filters_shows_the_errors_and_writes_nothing(fake_kind, client) -> None:
    response = client.post(CREATE, {"rows": "-5", "run-format": "pdf"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "error-summary" in body
    assert "Ensure this value is greater than or equal to 0" in body
    assert "Select a valid choice" in body
    assert not ReportRun.objects.exists()


def test_create_over_the_limit_says_so(fake_kind, officer, client) -> None:
    ReportRunFactory.create_batch(3, requester=officer, kind=FAKE_KIND)
    response = client.post(CREATE, {"rows": "1", "run-format": "xlsx"}, follow=True)
    assert "You already have 3 reports being generated" in response.content.decode()
    assert ReportRun.objects.count() == 3


def test_create_unknown_kind_is_404(client) -> None:
    assert client.get(reverse("reports_staff:run_create", args=["nonsense"])).status_code == 404


# --- A run's page and its progress -----------------------------------------------------------


def test_detail_of_a_running_run_polls_its_progress(fake_kind, officer, client) -> None:
    run = ReportRunFactory(
        requester=officer,
        kind=FAKE_KIND,
        status=JobStatus.RUNNING,
        rows_done=1000,
        rows_total=4000,
        filters={"rows": 4000, "label": "Tacna", "fail": "midway"},
    )
    response, _count = run_counted(20, client.get, url("run_detail", run), expect=["Tacna"])
    body = response.content.decode()
    assert f'hx-get="{url("run_progress", run)}"' in body
    assert 'hx-trigger="every 1s"' in body
    assert 'value="25"' in body  # 1,000 of 4,000 rows
    # Filters shown readably, with the form's labels and choices' names.
    assert "Error after the first rows" in body
    assert "Label" in body
    assert "Download" not in body


def test_progress_partial_polls_until_finished_then_stops(fake_kind, officer, client) -> None:
    run = ReportRunFactory(
        requester=officer, kind=FAKE_KIND, status=JobStatus.RUNNING, rows_done=0, rows_total=10
    )
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = client.get(url("run_progress", run), **htmx)
    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in response.content.decode()
    ReportRun.objects.filter(pk=run.pk).update(status=JobStatus.FAILED, last_error="Boom: secret")
    response, _count = run_counted(10, client.get, url("run_progress", run), status=286, **htmx)
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' not in body
    assert 'hx-swap-oob="true"' in body  # the outcome is announced once
    assert "could not be generated" in body
    assert "Boom" not in body  # the technical error stays in last_error
    assert f'action="{url("run_retry", run)}"' in body


def test_detail_of_a_ready_run_offers_the_download(
    fake_kind, officer, client, django_capture_on_commit_callbacks
) -> None:
    run = _done(officer, client, django_capture_on_commit_callbacks)
    body = client.get(url("run_detail", run)).content.decode()
    assert 'hx-trigger="every 1s"' not in body
    assert f'href="{url("run_download", run)}"' in body
    assert "Available until" in body
    assert "Ready" in body


# --- Trying again ----------------------------------------------------------------------------


def test_retry_makes_a_new_run_and_goes_to_it(
    fake_kind, officer, client, django_capture_on_commit_callbacks
) -> None:
    failed = ReportRunFactory(
        requester=officer, kind=FAKE_KIND, filters={"rows": 1}, status=JobStatus.FAILED
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("run_retry", failed))
    new = ReportRun.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == url("run_detail", new)
    assert new.status == JobStatus.DONE


def test_retry_of_a_ready_run_is_refused_with_a_message(fake_kind, officer, client) -> None:
    run = ReportRunFactory(requester=officer, kind=FAKE_KIND, status=JobStatus.DONE)
    response = client.post(url("run_retry", run), follow=True)
    assert "Only a report that failed" in response.content.decode()
    assert ReportRun.objects.count() == 1


def test_retry_needs_post(fake_kind, officer, client) -> None:
    run = ReportRunFactory(requester=officer, kind=FAKE_KIND, status=JobStatus.FAILED)
    assert client.get(url("run_retry", run)).status_code == 405


# --- Download --------------------------------------------------------------------------------


def test_download_is_an_attachment_with_its_name_and_type(
    fake_kind,
    officer,
    client,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
    tmp_path,
) -> None:
    run = _done(officer, client, django_capture_on_commit_callbacks)
    client.get(url("run_download", run))  # warm the session
    with django_assert_max_num_queries(8):
        response = client.get(url("run_download", run))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE_XLSX
    assert response["Content-Disposition"].startswith(f'attachment; filename="{run.file_name}"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    path = tmp_path / "download.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["Data", "Notes"]
    book.close()


def test_download_of_a_csv(fake_kind, officer, client, django_capture_on_commit_callbacks) -> None:
    run = _done(officer, client, django_capture_on_commit_callbacks, **{"run-format": "csv"})
    response = client.get(url("run_download", run))
    assert response["Content-Type"] == CONTENT_TYPE_CSV
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbfNumber,Text")


def test_download_is_404_when_expired_missing_or_not_ready(
    fake_kind, officer, client, private_storage, django_capture_on_commit_callbacks
) -> None:
    run = _done(officer, client, django_capture_on_commit_callbacks)
    private_storage.delete(run.file.name)
    assert client.get(url("run_download", run)).status_code == 404
    expired = _done(officer, client, django_capture_on_commit_callbacks)
    ReportRun.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    from reports.services.runs import runs_remove_expired_files

    runs_remove_expired_files()
    assert client.get(url("run_download", expired)).status_code == 404
    body = client.get(url("run_detail", expired)).content.decode()
    assert "The file was removed" in body
    assert "Generate again" in body
    pending = ReportRunFactory(requester=officer, kind=FAKE_KIND)
    assert client.get(url("run_download", pending)).status_code == 404
