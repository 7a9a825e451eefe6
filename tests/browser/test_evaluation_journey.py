"""The evaluation in a real browser, end to end (issue 10, "What it must show").

The evaluation coordinator sets one evaluator per proposal and assigns the pool automatically;
an evaluator finds the assignment in the inbox, declares no conflict of interest, scores (the
weighted total follows every score) and submits; the coordinator reads the calibrated ranking,
decides each proposal with feedback drafted from the reviews, and publishes with a rationale
(refused without one); the applicant's admin reads the result and the feedback on the proposal.

Three people in three browsers: the coordinator in English (staff pages, as in
test_challenges_journey), the evaluator and the applicant in Spanish, the portal's default
language, their texts looked up in the Spanish catalogue (``es``) so the test reads what a
Spanish speaker reads whether or not a string has been translated yet.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

from challenges.models import Assignment, Call, DecisionBatch, Evaluator, Proposal
from challenges.selectors.ranking import call_ranking
from challenges.services.evaluation import (
    ScoreInput,
    assignment_declare_no_conflict,
    review_save,
)
from challenges.templatetags.challenge_ranking import score
from members.models import OrganizationMember
from tests.browser.helpers import (
    accept_confirmations,
    click_and_wait,
    goto,
    log_in,
    record_console_errors,
    serious_accessibility_violations,
)
from tests.challenges.evaluation.assignment_world import evaluator
from tests.challenges.evaluation.evaluator_world import coordinator_user
from tests.challenges.factories import CallFactory, ProposalFactory
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

COMMENT = "El piloto en la faja 3 es creíble; falta medir la línea base de paradas."


def axe(page) -> list[str]:
    return serious_accessibility_violations(page, targets=True)


def es(msgid: str, context: str | None = None) -> str:
    """``msgid`` as the Spanish page shows it (the English text until it is translated)."""
    with translation.override("es"):
        return pgettext(context, msgid) if context else gettext(msgid)


@pytest.fixture
def applicant_page(chromium, live_server):
    """A third browser (own cookies, Spanish) for the applicant's admin."""
    context = chromium.new_context(
        base_url=live_server.url, locale="es-PE", reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def world(db: None) -> dict[str, object]:
    """A closed call in evaluation (criteria 60 + 40 on 0-5, one award at most), three submitted
    proposals, and a pool of two: the evaluator of the journey (load 1) and another (load 2)."""
    now = timezone.now()
    call = CallFactory(
        status=Call.Status.IN_EVALUATION,
        title="Monitoreo de polines en fajas de relaves",
        title_en="Idler monitoring on tailings belts",
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=1),
        evaluation_ends_at=now + datetime.timedelta(days=20),
        max_awards=1,
    )
    applicant = OrganizationFactory(
        legal_name="Andes Sensores S.A.C.", trade_name="AndesTech", kind="mets"
    )
    applicant_admin = OrganizationMemberFactory(
        organization=applicant,
        role=OrganizationMember.Role.ADMIN,
        user__email="jorge.huaman@andestech.pe",
        user__full_name="Jorge Huamán",
    ).user
    proposals = [
        ProposalFactory(
            call=call,
            lead_organization=applicant,
            status=Proposal.Status.SUBMITTED,
            reference="CMSP-2026-0101",
            title="Polines con sensores de vibración para relaves",
        ),
        *(
            ProposalFactory(
                call=call,
                lead_organization=OrganizationFactory(legal_name=name, trade_name=trade),
                status=Proposal.Status.SUBMITTED,
                reference=reference,
                title=title,
            )
            for name, trade, reference, title in (
                (
                    "Termografía del Sur S.A.C.",
                    "TermoSur",
                    "CMSP-2026-0102",
                    "Termografía de fajas",
                ),
                ("Datos Mineros S.A.C.", "DataMin", "CMSP-2026-0103", "Gemelo digital de fajas"),
            )
        ),
    ]
    return {
        "call": call,
        "proposals": proposals,
        "applicant_admin": applicant_admin,
        "coordinator": coordinator_user(),
        "evaluator": evaluator(
            name="Lucía Paredes", email="lucia@paredes-consultora.pe", max_load=1
        ),
        "other": evaluator(name="Marco Salas", email="marco@salas-ingenieria.pe", max_load=2),
    }


def assign_automatically(staff_page, world) -> None:
    """The coordinator opens the call, sets one evaluator per proposal and runs the solver."""
    call, coordinator = world["call"], world["coordinator"]
    goto(staff_page, f"/staff/challenges/calls/{call.pk}/")
    log_in(staff_page, coordinator, totp_secret=coordinator.totp_secret)
    expect(staff_page).to_have_url(re.compile(rf"/staff/challenges/calls/{call.pk}/$"))
    click_and_wait(staff_page, staff_page.get_by_role("link", name="Evaluator assignments"))
    settings = staff_page.get_by_test_id("settings-form")
    settings.get_by_label("Evaluators per proposal").fill("1")
    click_and_wait(staff_page, settings.get_by_role("button", name="Save the settings"))
    expect(staff_page.get_by_text("The evaluation settings were saved.")).to_be_visible()
    cards = staff_page.get_by_test_id("assignment-proposal")
    expect(cards).to_have_count(3)
    expect(cards.filter(has_text="0 of 1 evaluators")).to_have_count(3)

    click_and_wait(staff_page, staff_page.get_by_role("button", name="Assign automatically"))
    expect(staff_page.get_by_text(re.compile(r"3 assignments made \(0 kept\)"))).to_be_visible()
    expect(cards.filter(has_text="1 of 1 evaluators")).to_have_count(3)
    # Why each evaluator got each proposal is shown beside the assignment.
    expect(staff_page.get_by_test_id("assignment-row")).to_have_count(3)
    expect(staff_page.get_by_test_id("assignment-row").first).to_contain_text("Load in this call")
    assert axe(staff_page) == []
    assert Assignment.objects.filter(call=call, status=Assignment.Status.PENDING).count() == 3


def other_evaluator_reviews(world) -> None:
    """Meanwhile the other evaluator (two proposals) declares and submits far apart totals, so
    calibration moves their scores."""
    other: Evaluator = world["other"]
    criteria = list(world["call"].criteria.order_by("position"))
    theirs = Assignment.objects.filter(evaluator=other).order_by("pk")
    assert theirs.count() == 2
    for assignment, given in zip(theirs, (Decimal(5), Decimal(1)), strict=True):
        assignment = assignment_declare_no_conflict(actor=other.user, assignment=assignment)
        review_save(
            actor=other.user,
            assignment=assignment,
            scores={c.pk: ScoreInput(score=given, comment="Revisión de Marco.") for c in criteria},
            confidence=2,
            comment="Comentario general de Marco.",
            submit=True,
        )


def declare_score_and_submit(page, world) -> Assignment:
    """The evaluator opens the assignment from the inbox, declares no conflict, scores and
    submits; the weighted total changes with every score."""
    goto(page, "/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    log_in(page, world["evaluator"].user)
    assignment = Assignment.objects.get(evaluator=world["evaluator"])
    title = assignment.proposal.title
    goto(page, "/challenges/evaluations/")
    row = page.get_by_test_id("evaluation-row").filter(has_text=title)
    expect(row).to_have_count(1)
    assert axe(page) == []
    click_and_wait(page, row.get_by_role("link", name=es("Declare")))

    expect(page.get_by_test_id("declare-title")).to_have_text(title)
    assert axe(page) == []
    form = page.get_by_test_id("declaration-form")
    form.get_by_label(es("I have no conflict of interest with this proposal")).check()
    click_and_wait(page, form.get_by_role("button", name=es("Send my declaration")))
    expect(
        page.get_by_text(es("Thank you. You can now read the proposal and score it."))
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    click_and_wait(page, page.get_by_test_id("score-link"))
    total = page.get_by_test_id("review-total")
    expect(total).to_have_text(es("Weighted total: —"))
    first, second = list(world["call"].criteria.order_by("position"))
    form = page.get_by_test_id("review-form")
    form.get_by_role("spinbutton", name=first.name).fill("4")
    # 60 % at 4/5 alone: 4.00 on the 0-5 scale; then 40 % at 2/5: 0.6*4 + 0.4*2 = 3.20.
    expect(total).to_contain_text("4.00")
    form.get_by_role("spinbutton", name=second.name).fill("2")
    expect(total).to_contain_text("3.20")
    form.get_by_label(es("Comment on %(criterion)s") % {"criterion": first.name}).fill(COMMENT)
    form.get_by_label(es("Your confidence in this review")).select_option(label=str(es("High")))
    assert axe(page) == []
    click_and_wait(page, form.get_by_role("button", name=es("Submit the review")))
    expect(page.get_by_test_id("review-submitted")).to_be_visible()
    expect(total).to_contain_text("3.20")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED
    return assignment


def read_the_calibrated_ranking(staff_page, world) -> None:
    """The coordinator reads the ranking: both views, calibrated first and as the sort key."""
    call = world["call"]
    goto(staff_page, f"/staff/challenges/calls/{call.pk}/")
    click_and_wait(staff_page, staff_page.get_by_test_id("call-ranking"))
    table = staff_page.get_by_test_id("ranking-table")
    expect(table.get_by_role("columnheader", name="Calibrated score")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Raw score")).to_be_visible()
    rows = staff_page.get_by_test_id("ranking-row")
    expect(rows).to_have_count(3)
    ranking = call_ranking(call)
    for position, expected in enumerate(ranking.rows):
        row = rows.nth(position)
        expect(row).to_contain_text(expected.title)
        expect(row.get_by_test_id("ranking-reviews")).to_have_text("1")
        expect(row.get_by_test_id("ranking-calibrated")).to_have_text(score(expected.calibrated))
        expect(row.get_by_test_id("ranking-raw")).to_have_text(score(expected.raw))
    # The other evaluator's far-apart totals are pulled together: calibration shows.
    assert any(score(r.calibrated) != score(r.raw) for r in ranking.rows)
    # The journey's evaluator reviewed once: their proposal keeps the total they saw.
    mine = next(r for r in ranking.rows if r.proposal_id == world["reviewed"].proposal_id)
    assert score(mine.raw) == score(mine.calibrated) == "3.20"
    assert axe(staff_page) == []


def decide_and_publish(staff_page, world) -> DecisionBatch:
    """The coordinator awards the applicant's proposal, declines the others with the drafted
    feedback, tries to publish without a rationale, then publishes with one."""
    call, proposals = world["call"], world["proposals"]
    click_and_wait(staff_page, staff_page.get_by_role("link", name="Decisions"))
    expect(staff_page.get_by_test_id("publication-errors")).to_be_visible()
    for proposal in proposals:
        row = staff_page.get_by_test_id("decision-row").filter(has_text=proposal.title)
        form = row.get_by_test_id("decision-form")
        feedback = form.get_by_label("Feedback to the applicant")
        reviewed_by_lucia = proposal.assignments.filter(evaluator=world["evaluator"]).exists()
        if reviewed_by_lucia:
            # The draft quotes the evaluators' comments, never their names.
            expect(feedback).to_have_value(re.compile(re.escape(COMMENT)))
            expect(feedback).not_to_have_value(re.compile("Lucía|Paredes"))
        award = proposal == proposals[0]
        form.get_by_role("combobox", name="Decision").select_option(
            label="Award" if award else "Not selected"
        )
        if award:
            feedback.fill(f"Propuesta seleccionada. {COMMENT}")
        click_and_wait(staff_page, form.get_by_role("button", name="Save the decision"))
        expect(staff_page.get_by_text(f"Decision saved for {proposal.reference}")).to_be_visible()
    expect(staff_page.get_by_test_id("pending-badge")).to_have_count(3)
    expect(staff_page.get_by_test_id("publication-errors")).to_have_count(0)
    assert axe(staff_page) == []

    questions = accept_confirmations(staff_page)
    publish = staff_page.get_by_test_id("publish-form")
    click_and_wait(staff_page, publish.get_by_role("button", name="Publish decisions"))
    expect(staff_page.get_by_test_id("publish-form").get_by_label("Rationale")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert not DecisionBatch.objects.filter(call=call).exists()
    publish = staff_page.get_by_test_id("publish-form")
    publish.get_by_label("Rationale").fill(
        "Se premia la propuesta mejor calibrada; el presupuesto alcanza para una."
    )
    click_and_wait(staff_page, publish.get_by_role("button", name="Publish decisions"))
    assert questions
    assert questions[-1].startswith("Publish every decision of this call now?")
    batch_section = staff_page.get_by_test_id("decision-batch")
    expect(batch_section).to_be_visible()
    batch = DecisionBatch.objects.get(call=call)
    expect(batch_section.get_by_test_id("batch-sha256")).to_have_text(batch.sha256)
    expect(staff_page.get_by_test_id("decision-form")).to_have_count(0)
    assert axe(staff_page) == []
    return batch


def applicant_reads_the_result(applicant_page, world) -> None:
    proposal = world["proposals"][0]
    goto(applicant_page, "/")
    log_in(applicant_page, world["applicant_admin"])
    goto(applicant_page, f"/challenges/proposals/{proposal.pk}/")
    result = applicant_page.get_by_test_id("proposal-result")
    expect(result.get_by_role("heading", name=es("Result"))).to_be_visible()
    expect(result.get_by_test_id("result-outcome")).to_have_text(
        es("Your proposal was selected for funding.")
    )
    expect(result.get_by_test_id("result-feedback")).to_contain_text(COMMENT)
    expect(applicant_page.get_by_test_id("proposal-status")).to_have_text(
        es("Awarded", "proposal status")
    )
    assert axe(applicant_page) == []


def test_assign_declare_score_rank_decide_publish_and_read_the_result(
    page, english_page, applicant_page, world
) -> None:
    errors = [record_console_errors(p) for p in (page, english_page, applicant_page)]
    assign_automatically(english_page, world)
    other_evaluator_reviews(world)
    world["reviewed"] = declare_score_and_submit(page, world)
    read_the_calibrated_ranking(english_page, world)
    batch = decide_and_publish(english_page, world)
    applicant_reads_the_result(applicant_page, world)

    call: Call = world["call"]
    call.refresh_from_db()
    assert call.status == Call.Status.DECIDED
    assert batch.rationale.startswith("Se premia")
    assert batch.published_by == world["coordinator"]
    statuses = dict(Proposal.objects.filter(call=call).values_list("reference", "status"))
    assert statuses == {
        "CMSP-2026-0101": Proposal.Status.AWARDED,
        "CMSP-2026-0102": Proposal.Status.NOT_SELECTED,
        "CMSP-2026-0103": Proposal.Status.NOT_SELECTED,
    }
    assert errors == [[], [], []]
