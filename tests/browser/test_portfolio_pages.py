"""The project pages of the team and the sponsors as a browser lays them out (issue 11): "Our
projects" and the project page (every collapsible form opened), as the supplier lead and as a
sponsor, at 1,280 and 320 CSS pixels: no serious axe finding, nothing makes the page scroll
sideways at 320 px, every action in view at 1,280 px. Screenshots go to
``test-artifacts/portfolio-<person>-<page>-<width>.png``.

The project carries what hurts most: a long title and organization name, a late milestone, a
submitted one with evidence (accept/return for the sponsor), a returned one, a KPI with periods,
a progress update with a comment and ledger entries in every state."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from djmoney.money import Money

from challenges.models import ImpactEntry, Milestone, ProgressComment, ProgressUpdate
from challenges.services.portfolio import milestone_submit
from members.models import OrganizationMember
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import goto, log_in, serious_accessibility_violations
from tests.browser.test_reflow import DESKTOP, HIDDEN_ACTIONS_JS, NARROW, OVERFLOW_JS
from tests.challenges.factories import (
    ImpactEntryFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    project_with_roles,
)
from tests.challenges.portfolio.portfolio_world import pdf
from tests.members.factories import OrganizationMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

OPEN_DETAILS_JS = "() => document.querySelectorAll('main details').forEach(d => { d.open = true })"


@pytest.fixture
def pages(db: None) -> dict[str, object]:
    today = timezone.localdate()
    project, lead, _partner, sponsor = project_with_roles(
        title="Electromecanotermografía: espesador de relaves con control en línea y sensores",
        code="CMSP-PRY-2026-0042",
        next_update_due=today - datetime.timedelta(days=2),
    )
    lead.legal_name = "Consorcio de Ingeniería y Servicios Electromecánicos del Altiplano S.A.C."
    lead.save()
    lead_person = OrganizationMemberFactory(
        organization=lead, role=OrganizationMember.Role.ADMIN, user__full_name="Ana Quispe"
    ).user
    sponsor_person = OrganizationMemberFactory(
        organization=sponsor, role=OrganizationMember.Role.ADMIN, user__full_name="Rosa Mamani"
    ).user
    MilestoneFactory(
        project=project,
        title="Ingeniería básica",
        status=Milestone.Status.ACCEPTED,
        weight=2,
        due_on=today - datetime.timedelta(days=60),
    )
    MilestoneFactory(
        project=project, title="Instalación en planta", due_on=today - datetime.timedelta(days=5)
    )
    submitted = MilestoneFactory(project=project, title="Prueba de carga", weight=3)
    milestone_submit(
        actor=lead_person,
        milestone=submitted,
        note="Acta de la prueba de carga firmada por el jefe de planta.",
        files=[pdf("acta-prueba-de-carga-firmada-por-el-jefe-de-planta.pdf")],
    )
    MilestoneFactory(
        project=project,
        title="Informe final",
        return_reason="Falta el anexo de mediciones.",
        due_on=today + datetime.timedelta(days=90),
    )
    indicator = IndicatorFactory(project=project)
    for n, value in enumerate(("0.74", "0.68", "0.61")):
        start = datetime.date(2026, 1 + 3 * n, 1)
        MeasurementFactory(
            indicator=indicator,
            period_start=start,
            period_end=start + datetime.timedelta(days=89),
            value=Decimal(value),
            comment="Medición con caudalímetro calibrado." if n == 2 else "",
        )
    update = ProgressUpdate.objects.create(
        project=project,
        period_end=today - datetime.timedelta(days=30),
        summary="Se instaló el espesador y se calibró el caudalímetro.",
        next_steps="Prueba de carga.",
        risks="Acceso a la planta en temporada de lluvias.",
        author=lead_person,
    )
    ProgressComment.objects.create(update=update, author=sponsor_person, body="Conforme.")
    for status, kind, value in (
        (ImpactEntry.Status.CLAIMED, ImpactEntry.Kind.CONTRACT, Money("120000.00", "USD")),
        (ImpactEntry.Status.CONFIRMED, ImpactEntry.Kind.SALES, Money("45000.00", "PEN")),
        (ImpactEntry.Status.VERIFIED, ImpactEntry.Kind.JOBS, 4),
        (ImpactEntry.Status.REJECTED, ImpactEntry.Kind.PATENT, 1),
    ):
        money = isinstance(value, Money)
        ImpactEntryFactory(
            project=project,
            status=status,
            kind=kind,
            amount=value if money else None,
            count=None if money else value,
            claimed_by=lead_person,
            confirmed_by=sponsor_person if status in ImpactEntry.FROZEN else None,
            rejected_reason="Sin evidencia." if status == ImpactEntry.Status.REJECTED else "",
        )
    return {
        "people": {"lead": lead_person, "sponsor": sponsor_person},
        "paths": {
            "list": "/challenges/projects/",
            "project": f"/challenges/projects/{project.pk}/",
        },
    }


def check(page, person: str, named_paths: dict[str, str]) -> list[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    for size in (DESKTOP, NARROW):
        page.set_viewport_size(size)
        width = size["width"]
        for name, path in named_paths.items():
            response = page.goto(path, wait_until="networkidle")
            if response is None or response.status != 200 or not page.url.endswith(path):
                problems.append(f"{path}: not shown ({response and response.status} at {page.url})")
                continue
            page.evaluate(OPEN_DETAILS_JS)
            if found := serious_accessibility_violations(page, targets=True):
                problems.append(f"{person} {path} at {width}px: axe {found}")
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow["scrollWidth"] > overflow["innerWidth"]:
                problems.append(
                    f"{person} {path}: {overflow['scrollWidth']}px wide at {width}px"
                    f" ({', '.join(overflow['culprits'])})"
                )
            if size is DESKTOP and (hidden := page.evaluate(HIDDEN_ACTIONS_JS)):
                problems.append(f"{person} {path}: actions outside the viewport: {hidden}")
            page.screenshot(
                path=str(ARTIFACTS / f"portfolio-{person}-{name}-{width}.png"), full_page=True
            )
    return problems


def test_project_pages_pass_axe_and_reflow_at_1280_and_320_px(page, pages) -> None:
    problems: list[str] = []
    for person, user in pages["people"].items():  # type: ignore[attr-defined]
        goto(page, "/")
        log_in(page, user)
        assert "/accounts/" not in page.url, page.url
        problems += check(page, person, pages["paths"])  # type: ignore[arg-type]
        page.context.clear_cookies()
    assert not problems, "\n".join(problems)
