"""The secretariat's portfolio pages in a browser (issue 11): the portfolio list (with its
totals panel), a project's staff page and the impact verification queue pass axe at 1,280 and
320 px and never scroll sideways at 320 px, with screenshots in test-artifacts/; a portfolio
manager verifies a confirmed entry from the queue, and the colleague who confirmed one sees
Verify disabled with the reason (four eyes)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from djmoney.money import Money
from playwright.sync_api import expect

from challenges.models import ImpactEntry, Milestone, Project
from cluster_portal.core import roles
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import click_and_wait, goto, log_in, serious_accessibility_violations
from tests.browser.test_reflow import DESKTOP, HIDDEN_ACTIONS_JS, NARROW, OVERFLOW_JS
from tests.challenges.factories import (
    ImpactEntryFactory,
    MilestoneFactory,
    ProjectFundingFactory,
    project_with_roles,
)
from tests.challenges.portfolio.portfolio_world import pdf
from tests.members.factories import OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portfolio(transactional_db) -> dict[str, object]:
    from cluster_portal.files.services import attachment_create

    manager = UserFactory(
        is_staff=True, totp=True, roles=[roles.PORTFOLIO_MANAGER], full_name="Gloria Cutipa"
    )
    colleague = UserFactory(is_staff=True, totp=True, roles=[roles.PORTFOLIO_MANAGER])
    project, lead, _partner, sponsor = project_with_roles(
        title="Espesador de relaves con control en línea y un título largo para el teléfono",
    )
    for n, status in enumerate([Project.Status.PLANNED, Project.Status.ON_HOLD]):
        project_with_roles(title=f"Sensores de vibración {n}", status=status)
    MilestoneFactory(project=project, weight=2, status=Milestone.Status.ACCEPTED)
    MilestoneFactory(project=project, weight=1)
    ProjectFundingFactory(project=project)
    ProjectFundingFactory(
        project=project, kind="private", source="Minera del Sur", amount=Money("90000", "PEN")
    )
    lead_person = OrganizationMemberFactory(organization=lead).user
    sponsor_person = OrganizationMemberFactory(organization=sponsor).user
    ImpactEntryFactory(
        project=project,
        kind=ImpactEntry.Kind.JOBS,
        amount=None,
        count=4,
        status=ImpactEntry.Status.VERIFIED,
        claimed_by=lead_person,
        confirmed_by=sponsor_person,
        verified_by=colleague,
    )
    waiting = ImpactEntryFactory(
        project=project,
        amount=Money(Decimal("85000.00"), "USD"),
        status=ImpactEntry.Status.CONFIRMED,
        claimed_by=lead_person,
        confirmed_by=sponsor_person,
        description="Orden de compra de 3 analizadores en línea para la planta concentradora.",
    )
    attachment_create(actor=lead_person, target=waiting, uploaded_file=pdf(), purpose="evidence")
    mine = ImpactEntryFactory(
        project=project,
        kind=ImpactEntry.Kind.SALES,
        status=ImpactEntry.Status.CONFIRMED,
        claimed_by=lead_person,
        confirmed_by=manager,
    )
    return {"manager": manager, "project": project, "waiting": waiting, "mine": mine}


def test_portfolio_pages_pass_axe_and_reflow_and_verify(page, portfolio) -> None:
    manager = portfolio["manager"]
    project = portfolio["project"]
    log_in(page, manager, totp_secret=manager.totp_secret)  # type: ignore[attr-defined]
    assert "/accounts/" not in page.url, page.url
    paths = {
        "list": "/staff/challenges/portfolio/",
        "project": f"/staff/challenges/portfolio/{project.pk}/",  # type: ignore[attr-defined]
        "queue": "/staff/challenges/portfolio/verification/",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    for size in (DESKTOP, NARROW):
        page.set_viewport_size(size)
        width = size["width"]
        for name, path in paths.items():
            response = page.goto(path, wait_until="networkidle")
            if response is None or response.status != 200:
                problems.append(f"{path}: not shown ({response and response.status})")
                continue
            if found := serious_accessibility_violations(page, targets=True):
                problems.append(f"{path} at {width}px: axe {found}")
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow["scrollWidth"] > overflow["innerWidth"]:
                problems.append(
                    f"{path}: {overflow['scrollWidth']}px wide at {width}px"
                    f" ({', '.join(overflow['culprits'])})"
                )
            if size is DESKTOP and (hidden := page.evaluate(HIDDEN_ACTIONS_JS)):
                problems.append(f"{path}: actions outside the viewport at 1280px: {hidden}")
            page.screenshot(
                path=str(ARTIFACTS / f"portfolio-staff-{name}-{width}.png"), full_page=True
            )
    assert not problems, "\n".join(problems)

    # Four eyes: the entry this manager confirmed cannot be verified by them; the other can.
    page.set_viewport_size(DESKTOP)
    goto(page, paths["queue"])
    entries = page.get_by_test_id("queue-entry")
    expect(entries).to_have_count(2)
    expect(page.get_by_test_id("verify-reason")).to_have_count(1)
    expect(page.get_by_test_id("evidence").first).to_contain_text("evidencia.pdf")
    enabled = page.locator("button[data-testid=verify]:not([disabled])")
    expect(enabled).to_have_count(1)
    click_and_wait(page, enabled)
    waiting = portfolio["waiting"]
    waiting.refresh_from_db()  # type: ignore[attr-defined]
    assert waiting.status == ImpactEntry.Status.VERIFIED  # type: ignore[attr-defined]
    mine = portfolio["mine"]
    mine.refresh_from_db()  # type: ignore[attr-defined]
    assert mine.status == ImpactEntry.Status.CONFIRMED  # type: ignore[attr-defined]
    expect(page.get_by_test_id("queue-entry")).to_have_count(1)
