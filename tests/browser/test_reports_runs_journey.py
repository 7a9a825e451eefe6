"""Report runs in a real browser (issue 14): a reporting officer opens Reports, generates the
member directory, watches the progress bar reach "Ready" without reloading (htmx polling), and
downloads the file, which opens with openpyxl.

The worker is simulated: the task queued after commit is held back, so the page first shows
the run waiting and polling; the test then generates the run (what the worker would do) and the
page updates by itself. Screenshots at 1,280 and 320 px go to ``/tmp/shots/reports-*.png`` (or
``$REPORTS_SHOTS``). Texts are looked up in the Spanish catalogue, as a Spanish page shows them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

from cluster_portal.core import roles
from cluster_portal.files.storage import PrivateFileSystemStorage
from reports.models import ReportKind, ReportRun
from reports.services import runs as services
from tests.browser.helpers import (
    click_and_wait,
    goto,
    record_console_errors,
    serious_accessibility_violations,
)
from tests.browser.test_knowledge_journeys import sign_in
from tests.browser.test_reflow import DESKTOP, NARROW, OVERFLOW_JS
from tests.members.factories import OrganizationFactory
from tests.permission_matrix import staff_user

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("REPORTS_SHOTS", "/tmp/shots"))  # noqa: S108


def es(msgid: str) -> str:
    with translation.override("es"):
        return gettext(msgid)


def es_status(msgid: str) -> str:
    """A run's status as the Spanish badge shows it."""
    with translation.override("es"):
        return pgettext("report run", msgid)


@pytest.fixture
def private_storage(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> PrivateFileSystemStorage:
    storage = PrivateFileSystemStorage(location=str(tmp_path / "private"))
    monkeypatch.setattr(ReportRun._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def held_tasks(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The generate tasks queued after commit, held instead of run (the "worker" is the test)."""
    held: list[dict[str, Any]] = []
    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, **kwargs: held.append(kwargs))
    return held


def shoot(page: Any, name: str) -> list[str]:
    """Screenshots at 1,280 and 320 px; the problems found (axe, horizontal overflow)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for size in (DESKTOP, NARROW):
        page.set_viewport_size(size)
        found = [
            f
            for f in serious_accessibility_violations(page, targets=True)
            if not f.endswith("[['#userMenu']]")  # the navbar at 1,280 px is checked apart
        ]
        if found:
            problems.append(f"{name} at {size['width']}px: axe {found}")
        if size is NARROW:
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow["scrollWidth"] > overflow["innerWidth"]:
                problems.append(f"{name}: {overflow['scrollWidth']}px wide at 320px")
        page.screenshot(path=str(SHOTS / f"reports-{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    return problems


def test_officer_generates_the_member_directory_and_downloads_it(
    page: Any, private_storage, held_tasks, tmp_path: Path
) -> None:
    OrganizationFactory(legal_name="Minera Chachani S.A.", trade_name="Chachani")
    OrganizationFactory(legal_name="AndesTech Ingeniería S.A.C.", trade_name="AndesTech")
    officer = staff_user(roles.REPORTING_OFFICER, full_name="Rosa Quispe Condori")
    errors = record_console_errors(page)
    problems: list[str] = []

    sign_in(page, officer, totp_secret=officer.totp_secret)
    goto(page, "/staff/reports/runs/")
    expect(page.get_by_role("heading", name=es("Reports"), exact=True)).to_be_visible()
    problems += shoot(page, "runs")

    click_and_wait(page, page.get_by_test_id(f"generate-{ReportKind.MEMBER_DIRECTORY}"))
    problems += shoot(page, "new")
    page.get_by_label(es("Excel (XLSX)")).check()
    click_and_wait(page, page.locator("main form [type=submit]"))

    # The run's page: waiting, polling every second.
    run = ReportRun.objects.get()
    assert page.url.endswith(f"/staff/reports/runs/{run.pk}/")
    status = page.get_by_test_id("run-status")
    expect(status).to_have_text(es_status("Waiting"))
    assert held_tasks == [{"run_id": run.pk}]
    problems += shoot(page, "waiting")

    # The worker generates it; the page reaches "Ready" by itself, no reload.
    assert services.run_generate(run_id=run.pk) == "done"
    expect(status).to_have_text(es_status("Ready"), timeout=10_000)
    expect(page.get_by_test_id("run-progress-bar")).to_have_attribute("value", "100")
    expect(page.locator("#run-announcement")).to_have_text(es("The report is ready to download."))
    expect(page.get_by_test_id("run-progress")).not_to_have_attribute("hx-trigger", "every 1s")
    problems += shoot(page, "ready")

    with page.expect_download() as info:
        page.get_by_test_id("download").click()
    download = info.value
    run.refresh_from_db()
    assert download.suggested_filename == run.file_name
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = openpyxl.load_workbook(saved, read_only=True)
    values = {
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    }
    book.close()
    assert "Minera Chachani S.A." in values
    assert "AndesTech Ingeniería S.A.C." in values

    assert not problems, problems
    assert not errors, errors
