"""The KPI dashboard in a browser (issue 14): a reporting officer opens it, switches period,
sees a chart drawn beside its table, closes last month (answering the confirmation) and sees the
frozen banner. No serious or critical axe finding, no sideways scrolling at 320 px; screenshots
at 1,280 and 320 px go to ``/tmp/shots/reports/`` (or ``$REPORTS_SHOTS``)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from djmoney.money import Money
from playwright.sync_api import expect

from cluster_portal.core.roles import REPORTING_OFFICER
from reports.kpis import current_period, previous_period
from reports.models import ClosedPeriod
from tests.browser.helpers import (
    accept_confirmations,
    click_and_wait,
    goto,
    record_console_errors,
    serious_accessibility_violations,
    switch_to_english,
)
from tests.browser.test_knowledge_journeys import sign_in
from tests.browser.test_missions_pages import MAIN_OVERFLOW_JS, OPEN_DETAILS_JS
from tests.browser.test_reflow import DESKTOP, NARROW, OVERFLOW_JS
from tests.challenges.factories import ChallengeFactory, ProjectFactory, ProjectFundingFactory
from tests.members.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("REPORTS_SHOTS", "/tmp/shots/reports"))  # noqa: S108
CHART_DRAWN_JS = """(id) => {
  const c = document.querySelector(`canvas[data-kpi-chart="${id}"]`);
  return !!(c && window.Chart && window.Chart.getChart(c))
    && c.getBoundingClientRect().width > 0;
}"""


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def officer(db: None) -> Any:
    return UserFactory(
        is_staff=True,
        totp=True,
        roles=[REPORTING_OFFICER],
        full_name="Verónica Ccama Huanca",
        language="en",
    )


@pytest.fixture
def last_month(db: None) -> Any:
    """Last month with members of several kinds and regions, challenges and funding."""
    period = previous_period(current_period("month", timezone.localdate()))
    OrganizationFactory(
        kind="mining",
        mining_scale="large",
        region="moquegua",
        legal_name="Sociedad Minera de Responsabilidad Limitada del Sur Andino S.A.A.",
        member_since=period.starts_on,
    )
    OrganizationFactory(kind="academia", region="tacna", member_since=period.starts_on)
    OrganizationFactory(kind="government", region="puno", member_since=period.starts_on)
    for day in (1, 5, 9):
        ChallengeFactory(submitted_at=noon(period.starts_on.replace(day=day)))
    project = ProjectFactory(created_at=noon(period.starts_on))
    ProjectFundingFactory(project=project)
    ProjectFundingFactory(
        project=project,
        kind="private",
        source="Minera Candarave",
        amount=Money(65000, "USD"),
    )
    return period


def check_layout(page: Any, name: str) -> list[str]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for size in (DESKTOP, NARROW):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)  # Chart.js resizes on the next frame
        page.evaluate(OPEN_DETAILS_JS)
        found = [
            f
            for f in serious_accessibility_violations(page, targets=True)
            if not f.endswith("[['#userMenu']]")  # the navbar at 1,280 px is checked apart
        ]
        if found:
            problems.append(f"{name} at {size['width']}px: axe {found}")
        overflow = page.evaluate(OVERFLOW_JS if size is NARROW else MAIN_OVERFLOW_JS)
        if overflow["scrollWidth"] > overflow["innerWidth"]:
            problems.append(
                f"{name}: {overflow['scrollWidth']}px wide at {size['width']}px"
                f" ({', '.join(overflow['culprits'])})"
            )
        page.screenshot(path=str(SHOTS / f"{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    return problems


def test_a_reporting_officer_closes_last_month(page: Any, officer: Any, last_month: Any) -> None:
    errors = record_console_errors(page)
    questions = accept_confirmations(page)
    goto(page, "/")
    sign_in(page, officer, totp_secret=officer.totp_secret)
    goto(page, "/staff/reports/")
    switch_to_english(page)
    with translation.override("en"):
        label = last_month.label
    banner = page.get_by_test_id("kpi-banner")
    expect(banner).to_have_attribute("data-status", "open")
    problems = check_layout(page, "dashboard-current-month")

    # Switch to last month: choose it in the list and show it.
    page.locator("main select[name=starts_on]").select_option(last_month.starts_on.isoformat())
    click_and_wait(page, page.get_by_test_id("show-period"))
    expect(page.get_by_test_id("period-label")).to_have_text(label)
    # A chart drawn on its canvas, beside its table with the same figures.
    assert page.evaluate(CHART_DRAWN_JS, "kpi-chart-members-by-kind-data")
    kinds = page.get_by_test_id("table-members.by_kind")
    expect(kinds).to_be_visible()
    expect(kinds.get_by_test_id("row-mining")).to_contain_text("Mining company")
    funnel = page.get_by_test_id("table-funnel")
    expect(funnel.get_by_test_id("row-challenges")).to_contain_text("3")
    expect(page.get_by_test_id("figure-funding.by_source")).to_contain_text("US$")
    problems += check_layout(page, "dashboard-last-month-open")

    # Close it, answering the confirmation.
    page.get_by_label("Note").fill("Sent to CAF with the quarterly report.")
    click_and_wait(page, page.get_by_test_id("close-period"))
    assert questions
    assert label in questions[0]
    expect(banner).to_have_attribute("data-status", "closed")
    expect(banner).to_contain_text("these figures are frozen")
    expect(banner).to_contain_text("Verónica Ccama Huanca")
    expect(page.get_by_test_id("close-period-form")).to_have_count(0)
    expect(page.get_by_test_id("closed-period")).to_have_count(1)
    closed = ClosedPeriod.objects.get()
    assert (closed.starts_on, closed.closed_by_id) == (last_month.starts_on, officer.pk)
    assert page.evaluate(CHART_DRAWN_JS, "kpi-chart-funnel-data")
    problems += check_layout(page, "dashboard-last-month-closed")

    # Switch to quarters from the tabs.
    click_and_wait(page, page.get_by_test_id("period-kind-quarter"))
    expect(page.get_by_test_id("period-kind-quarter")).to_have_attribute("aria-current", "page")
    assert not errors, errors
    assert not problems, "\n".join(problems)
