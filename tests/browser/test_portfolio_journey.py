"""The portfolio in a real browser, end to end (issue 11): an award becomes a project → the
supplier submits a milestone's evidence and claims impact → the sponsor accepts the milestone
and confirms the claim → the secretariat verifies it → the public showcase's totals count it.

The award is published through ``decisions_publish`` (which opens the project); the portfolio
manager starts it and the supplier lead's admin makes it public with its amounts (services:
their pages are not part of this journey). Then four people, each in their own browser: the
supplier lead's admin and the sponsor's admin in Spanish (the portal's default language; texts
looked up in the Spanish catalogue, so the test reads what they read whether or not a string is
translated yet), the portfolio manager in English (staff pages, as in the other journeys), and
a visitor reading the showcase before and after.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from djmoney.money import Money
from playwright.sync_api import expect

from challenges.models import Call, ImpactEntry, Milestone, Project, Proposal
from challenges.services import decisions as decision_services
from challenges.services import impact as impact_services
from challenges.services import portfolio as portfolio_services
from members.models import OrganizationMember
from tests.browser.helpers import (
    accept_confirmations,
    click_and_wait,
    goto,
    log_in,
    record_console_errors,
    serious_accessibility_violations,
)
from tests.challenges.factories import (
    CallFactory,
    ChallengeFactory,
    ImpactEntryFactory,
    MiningCompanyFactory,
    ProposalFactory,
    project_with_roles,
)
from tests.files.samples import PDF_BYTES
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Acta de instalación de los sensores en las doce bombas del nivel 4 370."
CLAIM = "Orden de compra de Minera Sur por el servicio de monitoreo del segundo año."
STOOD_IN = "Tres técnicos de instrumentación contratados en Moquegua."


def es(msgid: str, context: str | None = None) -> str:
    """``msgid`` as the Spanish page shows it (the English text until it is translated)."""
    with translation.override("es"):
        return pgettext(context, msgid) if context else gettext(msgid)


def es_field(name: str) -> str:
    """The Spanish label of an impact entry's model field (the claim form uses them)."""
    with translation.override("es"):
        return str(capfirst(ImpactEntry._meta.get_field(name).verbose_name))


def axe(page) -> list[str]:
    return serious_accessibility_violations(page, targets=True)


def pdf(name: str) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


@pytest.fixture
def new_page(chromium, live_server):
    """``new_page(locale)``: another browser context (own cookies) for one more person."""
    contexts = []

    def _new(locale: str = "es-PE"):
        context = chromium.new_context(
            base_url=live_server.url, locale=locale, reduced_motion="reduce"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def world(transactional_db) -> dict[str, object]:
    """A call of a mining company whose decisions are published with one award: the project
    it opened, started by the portfolio manager, public with its amounts (the lead's admin
    agreed), with one pending milestone; and another public project that already has verified
    jobs in the showcase."""
    now = timezone.now()
    company = MiningCompanyFactory(legal_name="Minera Sur S.A.A.", trade_name="Minera Sur")
    sponsor_admin = OrganizationMemberFactory(
        organization=company,
        role=OrganizationMember.Role.ADMIN,
        user__email="rosa.mamani@minerasur.pe",
        user__full_name="Rosa Mamani",
    ).user
    challenge = ChallengeFactory(organization=company, region="moquegua", site="Nivel 4 370")
    call = CallFactory(
        status=Call.Status.IN_EVALUATION,
        title="Monitoreo de bombas de pulpa",
        challenges=[challenge],
        sponsors=[company],
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=20),
        evaluation_ends_at=now + datetime.timedelta(days=5),
        funding_per_project=Money(Decimal("90000.00"), "PEN"),
    )
    lead = OrganizationFactory(
        legal_name="Andes Sensores S.A.C.", trade_name="AndesTech", kind="mets"
    )
    lead_admin = OrganizationMemberFactory(
        organization=lead,
        role=OrganizationMember.Role.ADMIN,
        user__email="jorge.huaman@andestech.pe",
        user__full_name="Jorge Huamán",
    ).user
    proposal = ProposalFactory(
        call=call,
        lead_organization=lead,
        status=Proposal.Status.SUBMITTED,
        reference="CMSP-2026-0201",
        title="Vibraciones y sellos de bombas de pulpa",
        budget=Money(Decimal("110000.00"), "PEN"),
        co_funding=Money(Decimal("20000.00"), "PEN"),
        trl_start=5,
        trl_end=7,
    )
    coordinator = UserFactory(is_staff=True, totp=True, roles=["evaluation_coordinator"])
    decision_services.decision_set(
        actor=coordinator, proposal=proposal, outcome="award", feedback="Seleccionada."
    )
    decision_services.decisions_publish(
        actor=coordinator, call=call, rationale="Una propuesta seleccionada."
    )
    project = Project.objects.get(proposal=proposal)
    manager = UserFactory(
        is_staff=True, totp=True, roles=["portfolio_manager"], full_name="Gloria Cutipa"
    )
    project = portfolio_services.project_transition(actor=manager, project=project, name="start")
    portfolio_services.project_update(
        actor=lead_admin, project=project, data={"is_public": True, "public_amounts": True}
    )
    milestone = portfolio_services.milestone_add(
        actor=lead_admin,
        project=project,
        title="Sensores instalados en doce bombas",
        due_on=timezone.localdate() + datetime.timedelta(days=20),
        weight=2,
    )
    portfolio_services.milestone_add(
        actor=lead_admin,
        project=project,
        title="Alarmas validadas con mantenimiento",
        due_on=timezone.localdate() + datetime.timedelta(days=80),
        weight=2,
    )
    # The portfolio manager confirmed this one standing in for the sponsor: four eyes keep
    # them from verifying it too.
    stood_in = impact_services.impact_claim(
        actor=lead_admin,
        project=project,
        data={
            "kind": ImpactEntry.Kind.JOBS,
            "description": STOOD_IN,
            "occurred_on": timezone.localdate() - datetime.timedelta(days=8),
            "count": 3,
        },
    )
    impact_services.impact_confirm(actor=manager, entry=stood_in)
    other, *_ = project_with_roles(title="Espesador con control en línea", is_public=True)
    ImpactEntryFactory(
        project=other,
        kind=ImpactEntry.Kind.JOBS,
        amount=None,
        count=2,
        status=ImpactEntry.Status.VERIFIED,
    )
    return {
        "project": project,
        "milestone": milestone,
        "company": company,
        "lead_admin": lead_admin,
        "sponsor_admin": sponsor_admin,
        "manager": manager,
    }


def showcase_totals(page) -> dict[str, str]:
    """The showcase's totals strip: each kind's quantity and amounts as shown."""
    goto(page, "/challenges/showcase/")
    totals = page.get_by_test_id("showcase-totals")
    expect(totals).to_be_visible()
    shown = {}
    for kind in ImpactEntry.Kind.values:
        line = totals.get_by_test_id(f"total-{kind}")
        if line.count():
            amounts = line.get_by_test_id("total-amount").all_inner_texts()
            quantity = line.get_by_test_id("total-quantity").inner_text()
            shown[kind] = " ".join([quantity, *amounts]).replace("\xa0", " ")
    return shown


def the_award_is_a_project(page, world) -> None:
    """The supplier lead's admin finds the project of the award among their projects."""
    project: Project = world["project"]
    goto(page, "/")
    log_in(page, world["lead_admin"])
    goto(page, "/challenges/projects/")
    row = page.get_by_role("link", name=project.title)
    expect(row).to_be_visible()
    click_and_wait(page, row)
    expect(page.get_by_test_id("project-title")).to_have_text(project.title)
    expect(page.get_by_test_id("project-status")).to_have_text(es("Active"))
    expect(page.get_by_test_id("project-sponsors")).to_contain_text("Minera Sur")
    expect(page.get_by_test_id("project-lead")).to_contain_text("AndesTech")
    assert axe(page) == []


def supplier_submits_evidence_and_claims(page, world) -> None:
    """The supplier sends the first milestone's evidence (a note and a PDF) and claims a
    purchase order with its evidence; the claim waits for the sponsor."""
    milestone: Milestone = world["milestone"]
    card = page.get_by_test_id("milestone").filter(has_text=milestone.title)
    form = card.get_by_test_id(f"milestone-{milestone.pk}-submit-form")
    form.get_by_label(es("What the evidence shows")).fill(NOTE)
    form.get_by_label(es("Evidence files")).set_input_files([pdf("acta-de-instalacion.pdf")])
    click_and_wait(page, form.get_by_role("button", name=es("Submit the evidence")))
    card = page.get_by_test_id("milestone").filter(has_text=milestone.title)
    expect(card.get_by_test_id("milestone-status")).to_have_text(es("Evidence submitted"))
    expect(card.get_by_test_id("milestone-evidence")).to_contain_text("acta-de-instalacion.pdf")
    expect(card).to_contain_text(NOTE)

    page.get_by_text(es("Claim impact"), exact=True).click()
    claim = page.get_by_test_id("impact-claim-form")
    claim.get_by_label(es("What happened")).select_option(
        label=es("Purchase order or contract signed")
    )
    claim.get_by_label(es_field("description")).fill(CLAIM)
    occurred = timezone.localdate() - datetime.timedelta(days=3)
    claim.get_by_label(es_field("occurred_on")).fill(occurred.isoformat())
    claim.get_by_label(es("Amount"), exact=True).fill("85000")
    claim.get_by_label(es_field("counterpart")).select_option(label="Minera Sur")
    claim.get_by_label(es("Evidence files")).set_input_files([pdf("orden-de-compra.pdf")])
    assert axe(page) == []
    click_and_wait(page, claim.get_by_role("button", name=es("Send the claim")))
    entry = page.get_by_test_id("impact-entry").filter(has_text=CLAIM)
    expect(entry.get_by_test_id("impact-status")).to_have_text(es("Claimed"))
    expect(entry.get_by_test_id("impact-value")).to_have_text("S/ 85,000.00")
    expect(entry.get_by_test_id("impact-evidence")).to_contain_text("orden-de-compra.pdf")
    # The supplier cannot confirm their own claim: no sponsor action is offered to them.
    expect(entry.get_by_role("button", name=es("Confirm"))).to_have_count(0)
    assert axe(page) == []


def sponsor_accepts_and_confirms(page, world) -> ImpactEntry:
    """The sponsor's admin accepts the milestone (progress moves) and confirms the claim."""
    project: Project = world["project"]
    milestone: Milestone = world["milestone"]
    goto(page, "/")
    log_in(page, world["sponsor_admin"])
    goto(page, f"/challenges/projects/{project.pk}/")
    expect(page.get_by_test_id("project-title")).to_have_text(project.title)
    card = page.get_by_test_id("milestone").filter(has_text=milestone.title)
    expect(card).to_contain_text(NOTE)
    click_and_wait(page, card.get_by_role("button", name=es("Accept")))
    card = page.get_by_test_id("milestone").filter(has_text=milestone.title)
    expect(card.get_by_test_id("milestone-status")).to_have_text(es("Accepted"))
    expect(page.get_by_test_id("project-progress")).to_contain_text("50 %")

    questions = accept_confirmations(page)
    entry = page.get_by_test_id("impact-entry").filter(has_text=CLAIM)
    expect(entry.get_by_test_id("impact-status")).to_have_text(es("Claimed"))
    click_and_wait(page, entry.get_by_role("button", name=es("Confirm")))
    assert questions == [es("Confirm this entry? Once confirmed it can no longer be changed.")]
    entry = page.get_by_test_id("impact-entry").filter(has_text=CLAIM)
    expect(entry.get_by_test_id("impact-status")).to_have_text(
        re.compile(re.escape(es("Confirmed by the sponsor")))
    )
    expect(entry).to_contain_text("Rosa Mamani")
    assert axe(page) == []
    claimed = ImpactEntry.objects.get(description=CLAIM)
    assert claimed.status == ImpactEntry.Status.CONFIRMED
    assert claimed.confirmed_by == world["sponsor_admin"]
    return claimed


def secretariat_verifies(page, world, entry: ImpactEntry) -> None:
    """The portfolio manager finds the confirmed entry in the verification queue, with its
    evidence and who confirmed it, and verifies it; the entry they confirmed themselves
    (standing in for the sponsor) cannot be verified by them."""
    project: Project = world["project"]
    manager = world["manager"]
    goto(page, "/staff/challenges/portfolio/verification/")
    log_in(page, manager, totp_secret=manager.totp_secret)
    expect(page).to_have_url(re.compile(r"/staff/challenges/portfolio/verification/"))
    queue = page.get_by_test_id("queue-entry").filter(has_text=project.code)
    expect(queue).to_have_count(2)
    own = queue.filter(has_text=STOOD_IN)
    expect(own.get_by_test_id("verify")).to_be_disabled()
    expect(own.get_by_test_id("verify-reason")).to_have_text(
        "You confirmed this entry: a colleague must verify it."
    )
    queued = queue.filter(has_text=CLAIM)
    expect(queued).to_have_count(1)
    expect(queued.get_by_test_id("entry-value")).to_have_text("S/ 85,000.00")
    expect(queued.get_by_test_id("confirmed-by")).to_contain_text("Rosa Mamani")
    expect(queued.get_by_test_id("evidence")).to_contain_text("orden-de-compra.pdf")
    assert axe(page) == []
    click_and_wait(page, queued.get_by_role("button", name=re.compile(r"^Verify")))
    expect(page.get_by_test_id("queue-entry").filter(has_text=CLAIM)).to_have_count(0)
    expect(page.get_by_test_id("queue-entry").filter(has_text=STOOD_IN)).to_have_count(1)
    entry.refresh_from_db()
    assert entry.status == ImpactEntry.Status.VERIFIED
    assert entry.verified_by == manager
    assert axe(page) == []


def test_an_award_becomes_a_project_whose_verified_impact_reaches_the_showcase(
    page, new_page, world
) -> None:
    sponsor_page = new_page("es-PE")
    staff_page = new_page("en-US")
    visitor_page = new_page("es-PE")
    errors = [record_console_errors(p) for p in (page, sponsor_page, staff_page, visitor_page)]

    before = showcase_totals(visitor_page)
    assert before == {"jobs": "2"}  # the other public project's verified jobs
    the_award_is_a_project(page, world)
    supplier_submits_evidence_and_claims(page, world)
    # A claim is not in the totals.
    assert showcase_totals(visitor_page) == before
    entry = sponsor_accepts_and_confirms(sponsor_page, world)
    # Confirmed is not verified: still not in the totals.
    assert showcase_totals(visitor_page) == before
    secretariat_verifies(staff_page, world, entry)

    after = showcase_totals(visitor_page)
    # The purchase order counts; the jobs the manager confirmed wait for another verifier.
    assert after == {"contract": "1 S/ 85,000.00", "jobs": "2"}
    card = visitor_page.locator(
        f'[data-testid="showcase-card"][data-code="{world["project"].code}"]'
    )
    expect(card).to_be_visible()
    assert axe(visitor_page) == []

    # The supplier sees the entry verified and counted on the project page.
    goto(page, f"/challenges/projects/{world['project'].pk}/")
    line = page.get_by_test_id("impact-entry").filter(has_text=CLAIM)
    expect(line.get_by_test_id("impact-status")).to_contain_text(es("Verified by the secretariat"))
    expect(line.get_by_test_id("impact-counts")).to_be_visible()
    assert errors == [[], [], [], []]
