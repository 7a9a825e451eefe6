"""Knowledge-base pages as a browser lays them out (issue 13), at 1,280 and 320 CSS pixels: no
serious or critical axe finding, nothing makes the page scroll sideways at 320 px, every action in
view at 1,280 px (every collapsible section opened first).

- a visitor: the knowledge home, the articles list and an article, the barriers list and a
  barrier, the opportunities list and an opportunity, the ecosystem map (its charts drawn on a
  canvas beside their tables), the relations of an organization and the search results;
- an organization's admin: the barrier with the endorse form and the opportunity with the
  interest form;
- a designated author: the new-article form and the edit form of their draft;
- an editor (MFA): the review queue and a barrier's edit page.

The data carries what hurts most: long titles, rules and authority names, organizations with long
legal names, endorsements with statements, interests in every role, members-only records.
Screenshots go to ``/tmp/shots/k/<person>-<page>-<width>.png`` (or ``$KNOWLEDGE_SHOTS``).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from djmoney.money import Money

from challenges.models import Proposal, ProposalPartner
from knowledge.models import (
    Article,
    BarrierEndorsement,
    BarrierStatusChange,
    OpportunityInterest,
    RegulatoryBarrier,
    Visibility,
)
from knowledge.search_sources import rebuild
from members.models import Capability, OrganizationMember
from tests.browser.helpers import goto, serious_accessibility_violations
from tests.browser.test_knowledge_journeys import sign_in
from tests.browser.test_missions_pages import MAIN_OVERFLOW_JS, OPEN_DETAILS_JS
from tests.browser.test_reflow import DESKTOP, HIDDEN_ACTIONS_JS, NARROW, OVERFLOW_JS
from tests.challenges.factories import (
    ProjectFactory,
    ProjectOrganizationFactory,
    ProposalFactory,
    ProposalPartnerFactory,
)
from tests.knowledge.factories import (
    ArticleFactory,
    KnowledgeAuthorFactory,
    OpportunityInterestFactory,
    RegulatoryBarrierFactory,
    TopicFactory,
    ValueOpportunityFactory,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("KNOWLEDGE_SHOTS", "/tmp/shots/k"))  # noqa: S108
LONG_ORGANIZATION = "Consorcio de Ingeniería y Servicios Electromecánicos del Altiplano S.A.C."
LONG_BARRIER = (
    "Exigencia de un segundo informe técnico favorable de la Autoridad Administrativa del Agua "
    "para renovar licencias de uso de agua en depósitos de relaves ya aprobados"
)
LONG_RULE = (
    "Decreto Supremo N.° 001-2010-AG, Reglamento de la Ley N.° 29338, Ley de Recursos "
    "Hídricos, y Resolución Jefatural N.° 007-2015-ANA"
)
CHARTS_DRAWN_JS = """() => Array.from(document.querySelectorAll('canvas[data-chart-source]'))
  .map(c => ({drawn: !!(window.Chart && window.Chart.getChart(c)),
              width: c.getBoundingClientRect().width}))"""


@dataclass
class Visit:
    """Who looks (``user`` None: a visitor; ``totp``: a staff member's secret) and at what."""

    user: Any
    paths: dict[str, str]
    totp: str | None = None


def _taxonomy() -> None:
    """Transactional tests flush the database: put back the taxonomy its migration seeds."""
    importlib.import_module("members.migrations.0004_seed_capabilities").seed_taxonomy(apps, None)


@pytest.fixture
def visits(db: None) -> dict[str, Visit]:
    _taxonomy()
    stages = list(
        Capability.objects.filter(dimension=Capability.Dimension.VALUE_CHAIN).order_by("position")
    )
    services = list(
        Capability.objects.filter(dimension=Capability.Dimension.SERVICE_AREA).order_by("position")[
            :4
        ]
    )
    editor: Any = UserFactory(
        is_staff=True, totp=True, roles=["editor"], full_name="Carmen Llerena Zegarra"
    )

    # Members of the ecosystem: long names, several regions and kinds, capabilities.
    centre: Any = OrganizationFactory(
        legal_name=LONG_ORGANIZATION,
        trade_name="",
        region="moquegua",
        capabilities=[*stages[:2], *services[:2]],
    )
    partner: Any = OrganizationFactory(
        legal_name="Fundición y Laminación del Sur S.A.C.",
        trade_name="Fundisur",
        region="tacna",
        capabilities=[*stages[1:3], *services[2:]],
    )
    mine: Any = OrganizationFactory(
        legal_name="Compañía Minera Cuajone del Sur S.A.A.",
        trade_name="Minera Cuajone",
        kind="mining",
        region="moquegua",
        capabilities=stages[:1],
    )
    private: Any = OrganizationFactory(
        legal_name="Laboratorio Metalúrgico Privado S.A.C.", is_public=False
    )
    admin: Any = OrganizationMemberFactory(
        organization=partner,
        role=OrganizationMember.Role.ADMIN,
        user__full_name="Rosa Quispe Condori",
    ).user
    author_membership: Any = OrganizationMemberFactory(
        organization=centre, user__full_name="Luis Apaza Mamani"
    )
    author = author_membership.user
    KnowledgeAuthorFactory(user=author, organization=centre, designated_by=editor)

    # Relations: a joint proposal, a public project, a client.
    proposal: Any = ProposalFactory(
        lead_organization=centre,
        status=Proposal.Status.SUBMITTED,
        title="Secado solar de relaves filtrados con monitoreo en línea",
    )
    ProposalPartnerFactory(
        proposal=proposal, organization=partner, status=ProposalPartner.Status.CONFIRMED
    )
    project: Any = ProjectFactory(
        is_public=True, title="Planta piloto de alambrón de cobre por colada continua en Ilo"
    )
    ProjectOrganizationFactory(project=project, organization=centre, role="lead")
    ProjectOrganizationFactory(project=project, organization=partner, role="partner")
    ProjectOrganizationFactory(project=project, organization=mine, role="sponsor")
    centre.reference_clients.add(mine)

    # Articles: a public study with topics, documents and a long title; a members-only one;
    # three in review for the queue; the author's draft.
    topics = [
        TopicFactory(slug="relaves", name_es="Relaves", name_en="Tailings"),
        TopicFactory(slug="agua", name_es="Agua", name_en="Water"),
        TopicFactory(slug="regulacion", name_es="Regulación minera", name_en="Mining regulation"),
    ]
    study: Any = ArticleFactory(
        title="Relaves filtrados y apilados en seco en el sur del Perú: costos, riesgos y "
        "regulación aplicable a la mediana minería",
        summary="Comparación de tecnologías de disposición de relaves para Moquegua y Tacna.",
        body=(
            "## Contexto\n\nLos **relaves** filtrados reducen el consumo de agua fresca.\n\n"
            "| Tecnología | Agua recuperada | Costo (USD/t) |\n|---|---|---|\n"
            "| Espesado | 60 % | 1,2 |\n| Filtrado | 85 % | 2,8 |\n\n"
            "Ver https://www.gob.pe/ana/una-direccion-muy-larga-para-probar-el-ajuste-de-linea"
        ),
        author_organization=centre,
        topics=topics,
    )
    ArticleFactory(
        title="Posición común sobre la renovación de licencias de agua",
        visibility=Visibility.MEMBERS,
        kind=Article.Kind.REPORT,
        author_organization=partner,
        topics=topics[1:],
    )
    for n in range(3):
        ArticleFactory(
            title=f"Guía de chancado y molienda eficiente en energía, volumen {n + 1}",
            status=Article.Status.IN_REVIEW,
            published_on=None,
            kind=Article.Kind.GUIDE,
            author_organization=centre if n % 2 else partner,
            created_by=author,
        )
    draft: Any = ArticleFactory(
        title="Borrador: lixiviación de cobre en pilas en el altiplano",
        status=Article.Status.DRAFT,
        published_on=None,
        author_organization=centre,
        created_by=author,
    )

    # Barriers: a long one being documented, endorsed with statements, linked; others in every
    # state so the list has its badges.
    barrier: Any = RegulatoryBarrierFactory(
        title=LONG_BARRIER,
        rule=LONG_RULE,
        rule_article="Art. 81, numeral 81.3, literal b",
        authority="Autoridad Nacional del Agua (ANA), Autoridad Administrativa del Agua Caplina-"
        "Ocoña",
        value_chain_stage=stages[0],
        status=RegulatoryBarrier.Status.DOCUMENTED,
        estimated_cost=Money(Decimal("1250000.00"), "PEN"),
        case_number="Expediente N.° 000123-2026/CEB-INDECOPI",
    )
    barrier.projects.set([project])
    BarrierStatusChange.objects.create(
        barrier=barrier,
        from_status=RegulatoryBarrier.Status.IDENTIFIED,
        to_status=RegulatoryBarrier.Status.DOCUMENTED,
        note="Documentada con tres expedientes de asociados y el informe de la ANA.",
        actor=editor,
    )
    BarrierEndorsement.objects.create(
        barrier=barrier,
        organization=centre,
        statement="Nuestros expedientes superan los 300 días; el segundo informe no añade nada "
        "que el primero no haya evaluado.",
    )
    BarrierEndorsement.objects.create(barrier=barrier, organization=private, statement="")
    for status in RegulatoryBarrier.Status.values:
        if status != RegulatoryBarrier.Status.DOCUMENTED:
            RegulatoryBarrierFactory(status=status, value_chain_stage=stages[-1])

    # Opportunities: one with every field, interests in every role.
    opportunity: Any = ValueOpportunityFactory(
        product="Alambrón de cobre de 8 mm para conductores eléctricos",
        product_en="8 mm copper wire rod for electrical conductors",
        market_notes="El Perú importa alambrón pese a producir cátodos: **oportunidad** clara.",
        local_capability="Dos fundiciones con capacidad de colada continua en Ilo y Arequipa.",
        economic_sources="SUNAT, partida 7408.11; https://www.trademap.org/una/consulta/larga",
    )
    opportunity.studies.set([study])
    for organization, role in (
        (centre, OpportunityInterest.Role.SUPPLIER),
        (mine, OpportunityInterest.Role.BUYER),
        (private, OpportunityInterest.Role.INVESTOR),
    ):
        OpportunityInterestFactory(
            opportunity=opportunity,
            organization=organization,
            role=role,
            note="Podemos aportar la colada continua y el laboratorio de ensayos.",
        )
    ValueOpportunityFactory(stage="refining")
    rebuild()

    public = {
        "home": "/knowledge/",
        "articles": "/knowledge/articles/",
        "article": f"/knowledge/articles/{study.slug}/",
        "barriers": "/knowledge/barriers/",
        "barrier": f"/knowledge/barriers/{barrier.code}/",
        "opportunities": "/knowledge/opportunities/",
        "opportunity": f"/knowledge/opportunities/{opportunity.slug}/",
        "ecosystem": "/knowledge/ecosystem/",
        "relations": f"/knowledge/ecosystem/relations/?organization={centre.pk}",
        "search": "/search/?q=relaves",
    }
    return {
        "visitor": Visit(None, public),
        "admin": Visit(
            admin,
            {
                "barrier": public["barrier"],
                "opportunity": public["opportunity"],
                "search": public["search"],
            },
        ),
        "author": Visit(
            author,
            {
                "article-new": "/knowledge/articles/new/",
                "article-edit": f"/knowledge/articles/{draft.slug}/edit/",
                "my-articles": "/knowledge/articles/mine/",
            },
        ),
        "editor": Visit(
            editor,
            {
                "review-queue": "/staff/knowledge/articles/review/",
                "barrier-edit": f"/staff/knowledge/barriers/{barrier.pk}/edit/",
            },
            totp=editor.totp_secret,
        ),
    }


def check(page: Any, person: str, visit: Visit) -> list[str]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for size in (DESKTOP, NARROW):
        page.set_viewport_size(size)
        width = size["width"]
        for name, path in visit.paths.items():
            response = page.goto(path, wait_until="networkidle")
            if response is None or response.status != 200 or not page.url.endswith(path):
                problems.append(f"{path}: not shown ({response and response.status} at {page.url})")
                continue
            page.evaluate(OPEN_DETAILS_JS)
            found = serious_accessibility_violations(page, targets=True)
            if size is DESKTOP:
                # The navbar's user menu, cut by the 1,280 px overflow, is checked apart
                # (test_missions_pages.test_the_staff_navbar_fits_at_1280_px).
                found = [f for f in found if not f.endswith("[['#userMenu']]")]
            if found:
                problems.append(f"{person} {path} at {width}px: axe {found}")
            overflow = page.evaluate(OVERFLOW_JS if size is NARROW else MAIN_OVERFLOW_JS)
            if overflow["scrollWidth"] > overflow["innerWidth"]:
                problems.append(
                    f"{person} {path}: {overflow['scrollWidth']}px wide at {width}px"
                    f" ({', '.join(overflow['culprits'])})"
                )
            if size is DESKTOP and (hidden := page.evaluate(HIDDEN_ACTIONS_JS)):
                problems.append(f"{person} {path}: actions outside the viewport: {hidden}")
            if name == "ecosystem":
                problems += charts(page, width)
            page.screenshot(path=str(SHOTS / f"{person}-{name}-{width}.png"), full_page=True)
    return problems


def charts(page: Any, width: int) -> list[str]:
    """Four breakdowns, each a drawn chart (a Chart.js instance on its canvas) and a table."""
    drawn = page.evaluate(CHARTS_DRAWN_JS)
    tables = page.locator("main table").count()
    problems = []
    if len(drawn) != 4 or tables != 4:
        problems.append(f"ecosystem at {width}px: {len(drawn)} charts, {tables} tables (4 each)")
    if not all(c["drawn"] and c["width"] > 0 for c in drawn):
        problems.append(f"ecosystem at {width}px: charts not drawn: {drawn}")
    return problems


def test_knowledge_pages_pass_axe_and_reflow_at_1280_and_320_px(
    page: Any, visits: dict[str, Visit]
) -> None:
    problems: list[str] = []
    for person, visit in visits.items():
        if visit.user is not None:
            goto(page, "/")
            sign_in(page, visit.user, totp_secret=visit.totp)
            assert "/accounts/" not in page.url, page.url
        problems += check(page, person, visit)
        page.context.clear_cookies()
    assert not problems, "\n".join(problems)
